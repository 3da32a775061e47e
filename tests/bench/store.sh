#!/bin/sh
# Benchmark of the commit path on a big repository: 10,000 issue files and
# 20,000 commits (generated once with git fast-import and cached), then
# the median latency of `git stats set` against the git CLI doing the same
# change (write the file, git add, git commit -q), measured in one run.
#
# usage: tests/bench/store.sh [BUILD_DIR] [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${GS_BUILD_DIR:-$here/../../build}}
runs=${2:-41}
issues=10000
commits=20000
repo=${GS_BENCH_STORE_REPO:-${TMPDIR:-/tmp}/gs-bench-store-gen-$issues-$commits}

export GIT_CONFIG_NOSYSTEM=1 HOME=${TMPDIR:-/tmp}/gs-bench-store-home LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE 2>/dev/null || true
mkdir -p "$HOME"

# The history: one commit adds every issue; of the other 19,999 commits,
# every 10th updates an issue and the rest change source files, as a
# project's history mixes code and issue updates.
generate() {
	awk -v N=$issues -v C=$commits 'BEGIN {
		t = 1700000000
		printf "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata 7\nissues\n", t
		for (i = 1; i <= N; i++) {
			s = sprintf("---\nid: %d\ntitle: Issue number %d\nstate: open\nrun_count: 0\n---\n# Issue number %d\n\nWhat to do.\n", i, i, i)
			printf "M 100644 inline issues/%d-issue-number-%d.md\ndata %d\n%s\n", i, i, length(s), s
		}
		for (c = 2; c <= C; c++) {
			printf "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata %d\ncommit %d\n", t + c, length("commit " c), c
			if (c % 10 == 0) {
				k = (c * 7919) % N + 1
				s = sprintf("---\nid: %d\ntitle: Issue number %d\nstate: open\nrun_count: 0\ntouched: %d\n---\n# Issue number %d\n\nWhat to do.\n", k, k, c, k)
				printf "M 100644 inline issues/%d-issue-number-%d.md\ndata %d\n%s\n", k, k, length(s), s
			} else {
				s = sprintf("int f%d(void) { return %d; }\n", c, c)
				printf "M 100644 inline src/file%d.c\ndata %d\n%s\n", c % 200, length(s), s
			}
		}
	}' | git -C "$repo" fast-import --quiet
}

if [ ! -f "$repo/.bench-ready" ]; then
	rm -rf "$repo"
	git init -q -b main "$repo"
	t0=$(date +%s)
	generate
	git -C "$repo" reset -q --hard main
	git -C "$repo" tag -f bench-base main >/dev/null
	git -C "$repo" gc -q
	touch "$repo/.bench-ready"
	echo "generated $repo in $(( $(date +%s) - t0 )) s" >&2
fi
# each run works in a private clone (objects shared), so runs never see
# each other's commits or locks and the generated repository stays as made
work=$(mktemp -d "${TMPDIR:-/tmp}/gs-bench-store-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
git clone -q --shared --no-checkout "$repo" "$work/repo"
git -C "$work/repo" checkout -q -B main bench-base
git -C "$work/repo" branch -q issues bench-base
echo "repository: $(git -C "$work/repo" ls-files issues | wc -l) issue files, $(git -C "$work/repo" rev-list --count main) commits on main"
"$build/bench_store" "$work/repo" "$runs" "$build/git-stats"

# The record part: `git stats record` latency against the git CLI and
# --batch throughput, on this run's clone (tests/bench/record.sh).
sh "$here/record.sh" "$build" --repo "$work/repo"
