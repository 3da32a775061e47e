#!/bin/sh
# Hook latency on one large generated repository (10,000 issue files):
#
#  1. the installed post-commit hook (sh script + hook program) with no
#     attempt running: what every commit of every user pays;
#  2. the same with an attempt running on the issue the commit touches, so
#     the hook diffs the issues directory, reads the issue's id and stores
#     the checkpoint candidate;
#  3. post-merge after a merge that changed one issue file (verify + spool);
#  4. baseline, measured in the same run: `git rev-parse HEAD` (one git
#     process opening the same repository).
#
#   sh tests/bench/hooks.sh [BUILD_DIR] [--issues N] [--rounds K]
#
# Each figure is the mean over K runs (default 50) of the hook executed
# exactly as git executes it (the script in .git/hooks, from the work tree
# root). The target is under 20 ms for post-commit.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
case $build in --*) build=$here/../../build ;; *) [ $# -gt 0 ] && shift ;; esac
build=$(cd "$build" && pwd)
issues=10000 rounds=50
while [ $# -gt 0 ]; do
	case $1 in
	--issues) issues=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	*) echo "hooks.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

export PATH="$build:$PATH" GIT_CONFIG_NOSYSTEM=1 LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
export GIT_STATS_NOW=2026-03-15T12:00:00Z
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-bench-hooks.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp

now() { date +%s%N; }

# mean_ms K cmd...: mean wall time of K runs of cmd, in ms.
mean_ms() {
	k=$1
	shift
	start=$(now)
	i=0
	while [ $i -lt "$k" ]; do
		"$@" >/dev/null 2>&1 </dev/null || true
		i=$((i + 1))
	done
	echo "($(now) - $start) / $k / 1000000" | bc -l
}

repo=$tmp/repo
git init -q -b main "$repo"
awk -v n="$issues" 'BEGIN {
	printf "commit refs/heads/main\ncommitter Bench <bench@example.com> 1772359200 +0000\n"
	printf "data 15\ngenerate issues\n"
	for (i = 1; i <= n; i++) {
		body = sprintf("---\nid: %d\ntitle: Benchmark issue %d\nstate: open\n---\n# Benchmark issue %d\n\nSome text describing issue %d.\n", i, i, i, i)
		printf "M 100644 inline issues/%d-benchmark-issue.md\ndata %d\n%s\n", i, length(body), body
	}
}' | (cd "$repo" && git fast-import --quiet)
cd "$repo"
git reset -q --hard main
git config pull.rebase false
git stats install >/dev/null
echo "repository: $(git ls-files issues | wc -l | tr -d ' ') issue files"

# A commit that touches one issue, the kind post-commit looks at.
printf '\nnote\n' >>issues/42-benchmark-issue.md
git add issues/42-benchmark-issue.md
git commit -q -m "work on 42"

base=$(mean_ms "$rounds" git rev-parse HEAD)
idle=$(mean_ms "$rounds" .git/hooks/post-commit)
printf 'post-commit, nothing running: %.1f ms (baseline git rev-parse HEAD: %.1f ms, ratio %.2f)\n' \
	"$idle" "$base" "$(echo "$idle / $base" | bc -l)"

if git stats attempt start 42 --agent bench >/dev/null 2>&1; then
	busy=$(mean_ms "$rounds" .git/hooks/post-commit)
	printf 'post-commit, attempt running on the touched issue: %.1f ms (ratio %.2f)\n' \
		"$busy" "$(echo "$busy / $base" | bc -l)"
	git stats attempt end 42 --agent bench --failed >/dev/null
else
	echo "post-commit, attempt running: skipped ('git stats attempt' not available)"
fi

# post-merge after merging a branch that changed one issue.
git checkout -q -b side
printf '\nside\n' >>issues/7-benchmark-issue.md
git commit -q -am "side work on 7"
git checkout -q main
git merge -q --no-edit side
merge=$(mean_ms "$rounds" .git/hooks/post-merge 0)
printf 'post-merge, one issue changed: %.1f ms (ratio %.2f)\n' "$merge" "$(echo "$merge / $base" | bc -l)"
