# test-lib.sh: a tiny cousin of git's t/test-lib.sh.
#
# Every script sources this, then calls test_expect_success and test_done.
# Each script runs in a fresh temporary directory with a private HOME, no
# system git config and fixed identities and dates, so no test depends on
# the machine, the user's config or the wall clock.

set -u

: "${GS_BUILD_DIR:?GS_BUILD_DIR must point at the build directory}"
: "${GS_SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${GS_SHARED_DIR:=$GS_SOURCE_DIR/../shared}"
export GS_BUILD_DIR GS_SOURCE_DIR GS_SHARED_DIR

TEST_NAME=$(basename "$0" .sh)
TRASH_DIRECTORY=$(mktemp -d "${TMPDIR:-/tmp}/gs-$TEST_NAME.XXXXXX")
export TRASH_DIRECTORY

HOME="$TRASH_DIRECTORY/.home"
mkdir -p "$HOME"
export HOME
unset XDG_CONFIG_HOME GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CEILING_DIRECTORIES \
	GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_NAMESPACE GIT_EDITOR \
	GIT_STATS_NOW NO_COLOR 2>/dev/null || true
export GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="C O Mitter" GIT_COMMITTER_EMAIL="committer@example.com"
export GIT_AUTHOR_DATE="2026-03-01T10:00:00Z" GIT_COMMITTER_DATE="2026-03-01T10:00:00Z"
export GIT_STATS_NOW="2026-03-15T12:00:00Z"
export LC_ALL=C TZ=UTC NO_COLOR=1 EDITOR=: PAGER=cat GIT_PAGER=cat
export PATH="$GS_BUILD_DIR:$PATH"

# GS_TEST_VALGRIND=1 runs every git-stats binary under valgrind's memcheck:
# any leak or memory error makes the command exit 126, which fails the test.
if [ -n "${GS_TEST_VALGRIND:-}" ]; then
	mkdir -p "$TRASH_DIRECTORY/.vg-bin"
	for bin in "$GS_BUILD_DIR"/git-stats "$GS_BUILD_DIR"/git-stats-hook-*; do
		[ -x "$bin" ] || continue
		cat >"$TRASH_DIRECTORY/.vg-bin/${bin##*/}" <<-VG
		#!/bin/sh
		exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \\
			--errors-for-leak-kinds=definite,indirect --error-exitcode=126 "$bin" "\$@"
		VG
		chmod +x "$TRASH_DIRECTORY/.vg-bin/${bin##*/}"
	done
	export PATH="$TRASH_DIRECTORY/.vg-bin:$PATH"
fi
git config --global init.defaultBranch main
git config --global advice.detachedHead false

test_count=0
test_failed=0
test_skipped=0

say() { printf '%s\n' "$*"; }

# test_expect_success 'description' 'shell commands chained with &&'
test_expect_success() {
	test_count=$((test_count + 1))
	if [ -n "${GS_TEST_VERBOSE:-}" ]; then
		(cd "$TRASH_DIRECTORY" && eval "$2")
	else
		(cd "$TRASH_DIRECTORY" && eval "$2") >"$TRASH_DIRECTORY/.test-out" 2>&1
	fi
	rc=$?
	if [ $rc -eq 0 ]; then
		say "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1 (exit $rc)"
		sed 's/^/#	/' <<-EOT
		$2
		EOT
		[ -f "$TRASH_DIRECTORY/.test-out" ] && sed 's/^/#> /' "$TRASH_DIRECTORY/.test-out" | tail -n 40
	fi
	return 0
}

# test_skip 'description' 'reason'
test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	say "ok $test_count # skip $1 ($2)"
}

# test_must_fail cmd...: cmd must exit with a failure code, not a signal.
test_must_fail() {
	"$@"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $rc -gt 128 ]; then
		echo "test_must_fail: command died of signal $((rc - 128)): $*" >&2
		return 1
	fi
	return 0
}

# test_expect_code N cmd...
test_expect_code() {
	want=$1
	shift
	"$@"
	rc=$?
	if [ $rc -ne "$want" ]; then
		echo "test_expect_code: expected exit $want, got $rc: $*" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

# test_line_count = N file
test_line_count() {
	n=$(wc -l <"$3" | tr -d ' ')
	if ! [ "$n" "$1" "$2" ]; then
		echo "test_line_count: $3 has $n lines, expected $1 $2" >&2
		cat "$3" >&2
		return 1
	fi
}

# A fresh repository with one commit, in directory $1 (default: repo).
test_create_repo() {
	dir=${1:-repo}
	git init -q "$dir" &&
	(cd "$dir" && echo "# project" >README.md && git add README.md &&
	 git commit -q -m initial)
}

test_done() {
	passed=$((test_count - test_failed - test_skipped))
	say "# $TEST_NAME: $test_count tests"
	say "$passed passed, $test_failed failed, $test_skipped skipped"
	if [ $test_failed -eq 0 ]; then
		rm -rf "$TRASH_DIRECTORY"
		exit 0
	fi
	say "# trash directory kept: $TRASH_DIRECTORY"
	exit 1
}
