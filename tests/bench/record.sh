#!/bin/sh
# Record benchmarks on one large repository:
#
#  1. latency of `git stats record <issue>` (one run, one commit, index and
#     work tree updated) against the git CLI doing the same bookkeeping by
#     hand in the same repository (append a block to the issue file,
#     `git add`, `git commit -q`), interleaved so both see the same load;
#     medians and the ratio git CLI / git stats record are printed;
#  2. batch throughput: `git stats record --batch` of 10,000 runs spread
#     over 100 issues, all in one commit, in runs per second.
#
#   sh tests/bench/record.sh [BUILD_DIR] [--repo DIR] [--issues N] [--records K] [--batch M]
#
# tests/bench/store.sh runs this on its own generated repository (10,000
# issues, 20,000 commits) with --repo, so the store and record figures
# come from the same repository. Without --repo a repository of N issues
# (default 10,000) is generated with git fast-import and removed after.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
case ${1:-} in --* | '') ;; *) build=$1; shift ;; esac
build=$(cd "$build" && pwd)
repo='' issues=10000 records=41 batch=10000
while [ $# -gt 0 ]; do
	case $1 in
	--repo) repo=$2; shift 2 ;;
	--issues) issues=$2; shift 2 ;;
	--records) records=$2; shift 2 ;;
	--batch) batch=$2; shift 2 ;;
	*) echo "record.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

export PATH="$build:$PATH" GIT_CONFIG_NOSYSTEM=1 LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
export GIT_STATS_NOW=2026-03-15T12:00:00Z
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-bench-record.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp

if [ -z "$repo" ]; then
	repo=$tmp/repo
	git init -q -b main "$repo"
	awk -v n="$issues" 'BEGIN {
		printf "commit refs/heads/main\ncommitter Bench <bench@example.com> 1772359200 +0000\n"
		printf "data 15\ngenerate issues\n"
		for (i = 1; i <= n; i++) {
			body = sprintf("---\nid: %d\ntitle: Benchmark issue %d\nstate: open\nlabels: [bench]\n---\n# Benchmark issue %d\n\nSome text describing issue %d.\n", i, i, i, i)
			printf "M 100644 inline issues/%d-benchmark-issue.md\ndata %d\n%s\n", i, length(body), body
		}
	}' | git -C "$repo" fast-import --quiet
	git -C "$repo" reset -q --hard main
fi
cd "$repo"
nissues=$(git ls-files issues | wc -l | tr -d ' ')
half=$((nissues / 2))
echo "repository: $nissues issue files, $(git rev-list --count HEAD) commits"

ns() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# A detached `git gc --auto` of an earlier benchmark may still hold
# locks: wait for it. Our own CLI commits do not start one.
n=0
while { [ -e .git/gc.pid ] || [ -e .git/index.lock ]; } && [ $n -lt 300 ]; do
	sleep 0.2
	n=$((n + 1))
done
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0

# Warm both paths once so neither pays for a cold page cache.
git stats record 1 --input-tokens 1 --model gpt-4o >/dev/null
f=$(git ls-files "issues/2-*" | head -1)
printf '\nwarm\n' >>"$f" && git add "$f" && git commit -q -m warm

# 1. latency, interleaved: record on issue 10+i, the CLI on issue N/2+i.
: >"$tmp/gs" && : >"$tmp/git"
i=1
while [ "$i" -le "$records" ]; do
	t0=$(ns)
	git stats record $((i + 10)) --input-tokens 12000 --output-tokens 2300 \
		--cache-read-tokens 4000 --cache-write-tokens 1000 --duration 65 --iterations 3 \
		--model claude-sonnet-4-5 >/dev/null
	t1=$(ns)
	f=$(git ls-files "issues/$((half + i))-*" | head -1)
	t2=$(ns)
	printf '\n<!-- run %d: 12000 input, 2300 output -->\n' "$i" >>"$f"
	git add "$f"
	git commit -q -m "stats($((half + i))): record run $i"
	t3=$(ns)
	echo $(((t1 - t0) / 1000)) >>"$tmp/gs"
	echo $(((t3 - t2) / 1000)) >>"$tmp/git"
	i=$((i + 1))
done
gs_us=$(median <"$tmp/gs")
git_us=$(median <"$tmp/git")
awk -v a="$gs_us" -v b="$git_us" -v n="$records" 'BEGIN {
	printf "record latency, median of %d interleaved: git stats record %.1f ms, git CLI (append + add + commit) %.1f ms\n", n, a / 1000, b / 1000
	printf "ratio git CLI / git stats record (wall): %.2fx\n", b / a
}'

# 2. batch throughput: M runs over issues 100..199 in one commit.
awk -v m="$batch" 'BEGIN {
	for (i = 1; i <= m; i++)
		printf "{\"issue\":\"%d\",\"input_tokens\":%d,\"output_tokens\":%d,\"cache_read_tokens\":%d,\"duration_seconds\":%d.5,\"iterations\":2,\"model\":\"claude-sonnet-4-5\",\"started_at\":\"2026-03-14T10:00:00Z\"}\n", 100 + i % 100, 1000 + i, 200 + i % 50, 5000 + i, 10 + i % 90
}' >"$tmp/batch.jsonl"
before=$(git rev-list --count HEAD)
t0=$(ns)
git stats record --batch "$tmp/batch.jsonl" >/dev/null
t1=$(ns)
[ "$(git rev-list --count HEAD)" -eq $((before + 1)) ] || { echo "record.sh: the batch made more than one commit" >&2; exit 1; }
awk -v us=$(((t1 - t0) / 1000)) -v m="$batch" 'BEGIN {
	printf "batch: %d runs on 100 issues in one commit in %.2f s, %.0f runs/s\n", m, us / 1e6, m / (us / 1e6)
}'
git stats verify 100 150 199 >/dev/null
