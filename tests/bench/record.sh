#!/bin/sh
# Record benchmarks, on one large generated repository:
#
#  1. latency of `git stats record <issue>` (one run, one commit, index and
#     work tree updated) against the git CLI doing the same bookkeeping by
#     hand in the same repository: append to the issue file, `git add`,
#     `git commit`; both measured in this run, ratio printed;
#  2. batch throughput: `git stats record --batch` of 10,000 runs spread
#     over 100 issues, all in one commit, in runs per second.
#
#   sh tests/bench/record.sh [BUILD_DIR] [--issues N] [--records K] [--batch M]
#
# The repository is generated with git fast-import (N issues, default
# 10,000, each with a frontmatter and a body); when the store benchmark's
# generator (tests/bench/store-repo.sh) exists it is used instead, so both
# benchmarks measure the same repository.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
case $build in --*) build=$here/../../build ;; *) [ $# -gt 0 ] && shift ;; esac
build=$(cd "$build" && pwd)
issues=10000 records=50 batch=10000
while [ $# -gt 0 ]; do
	case $1 in
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
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs-bench-record.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp

now() { date +%s.%N; }

repo=$tmp/repo
if [ -x "$here/store-repo.sh" ] || [ -f "$here/store-repo.sh" ]; then
	sh "$here/store-repo.sh" "$repo" "$issues" >/dev/null
else
	git init -q -b main "$repo"
	awk -v n="$issues" 'BEGIN {
		printf "commit refs/heads/main\ncommitter Bench <bench@example.com> 1772359200 +0000\n"
		printf "data 15\ngenerate issues\n"
		for (i = 1; i <= n; i++) {
			body = sprintf("---\nid: %d\ntitle: Benchmark issue %d\nstate: open\nlabels: [bench]\n---\n# Benchmark issue %d\n\nSome text describing issue %d.\n", i, i, i, i)
			printf "M 100644 inline issues/%d-benchmark-issue.md\ndata %d\n%s\n", i, length(body), body
		}
	}' | (cd "$repo" && git fast-import --quiet)
	(cd "$repo" && git reset -q --hard main)
fi
cd "$repo"
nfiles=$(git ls-files issues | wc -l | tr -d ' ')
echo "repository: $nfiles issue files, $(git rev-list --count HEAD) commit(s)"

# Warm both paths once so neither pays for a cold page cache.
git stats record 1 --input-tokens 1 --model gpt-4o --run-id warm-1 >/dev/null
printf '\nwarm\n' >>issues/2-benchmark-issue.md && git add issues/2-benchmark-issue.md &&
	git commit -q -m warm

# 1. latency: K records on K different issues, then the same by hand.
start=$(now)
i=1
while [ "$i" -le "$records" ]; do
	git stats record $((i + 10)) --input-tokens 12000 --output-tokens 2300 \
		--cache-read-tokens 4000 --cache-write-tokens 1000 --duration 65 --iterations 3 \
		--model claude-sonnet-4-5 --run-id "lat-$i" >/dev/null
	i=$((i + 1))
done
gs_s=$(echo "$(now) - $start" | bc -l)

start=$(now)
i=1
while [ "$i" -le "$records" ]; do
	f=issues/$((i + 1000))-benchmark-issue.md
	printf '\n<!-- run lat-%d: 12000 input, 2300 output -->\n' "$i" >>"$f"
	git add "$f"
	git commit -q -m "stats($((i + 1000))): record run lat-$i"
	i=$((i + 1))
done
git_s=$(echo "$(now) - $start" | bc -l)

gs_ms=$(echo "$gs_s * 1000 / $records" | bc -l)
git_ms=$(echo "$git_s * 1000 / $records" | bc -l)
printf 'record latency: %.1f ms per run (git stats record), %.1f ms (git CLI: append + add + commit), ratio %.2f\n' \
	"$gs_ms" "$git_ms" "$(echo "$gs_ms / $git_ms" | bc -l)"

# 2. batch throughput: M runs over 100 issues in one commit.
awk -v m="$batch" 'BEGIN {
	for (i = 1; i <= m; i++)
		printf "{\"issue\":\"%d\",\"run_id\":\"batch-%d\",\"input_tokens\":%d,\"output_tokens\":%d,\"cache_read_tokens\":%d,\"duration_seconds\":%d.5,\"iterations\":2,\"model\":\"claude-sonnet-4-5\",\"started_at\":\"2026-03-14T10:00:00Z\"}\n", 100 + i % 100, i, 1000 + i, 200 + i % 50, 5000 + i, 10 + i % 90
}' >"$tmp/batch.jsonl"
before=$(git rev-list --count HEAD)
start=$(now)
git stats record --batch "$tmp/batch.jsonl" >/dev/null
batch_s=$(echo "$(now) - $start" | bc -l)
[ "$(git rev-list --count HEAD)" -eq $((before + 1)) ] || { echo "batch made more than one commit" >&2; exit 1; }
printf 'batch: %d runs on 100 issues in one commit in %.2f s, %.0f runs/s\n' \
	"$batch" "$batch_s" "$(echo "$batch / $batch_s" | bc -l)"
git stats verify 100 150 199 >/dev/null
