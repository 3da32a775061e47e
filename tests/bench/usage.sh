#!/bin/sh
# Usage report at scale, end to end: 10,000 issues x 20 runs at one ref
# (built by bench_usage), then `git stats usage` timed cold (no cache) and
# warm, against git itself reading the same blobs in the same run.
#
#   sh tests/bench/usage.sh [BUILD_DIR] [--issues N] [--runs M]
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
build=$(cd "$build" && pwd)
export PATH="$build:$PATH" GIT_CONFIG_NOSYSTEM=1 GIT_STATS_NOW=2026-03-15T12:00:00Z NO_COLOR=1
dir=$(mktemp -d "${TMPDIR:-/tmp}/gs-bench-usage-sh.XXXXXX")
trap 'rm -rf "$dir"' EXIT

"$build/bench_usage" --keep "$dir/repo" "$@"

ms() { echo $(($(date +%s%N) / 1000000)); }

# Best of three wall-clock milliseconds of "$@" (output discarded).
best() {
	b=
	for _ in 1 2 3; do
		t0=$(ms)
		"$@" >/dev/null
		t=$(($(ms) - t0))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	echo "$b"
}

cd "$dir/repo"
base=$(best sh -c 'git ls-tree HEAD issues/ | cut -f1 | cut -d" " -f3 | git cat-file --batch')
cold=
for _ in 1 2 3; do
	rm -f .git/stats/usage-cache
	t0=$(ms)
	git stats usage >/dev/null
	t=$(($(ms) - t0))
	if [ -z "$cold" ] || [ "$t" -lt "$cold" ]; then cold=$t; fi
done
warm=$(best git stats usage)
warm_day=$(best git stats usage --by day --since 7d)
lstree=$(best git ls-tree HEAD issues/)

echo "git stats usage, end to end (best of 3):"
printf '  baseline: git cat-file --batch of every blob  %6d ms\n' "$base"
printf '  cold (no cache)                               %6d ms  %s x baseline\n' "$cold" \
	"$(awk -v a="$cold" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
printf '  baseline: git ls-tree of the issues            %6d ms\n' "$lstree"
printf '  warm, --by model                              %6d ms  %s x ls-tree\n' "$warm" \
	"$(awk -v a="$warm" -v b="$lstree" 'BEGIN { printf "%.2f", a / (b ? b : 1) }')"
printf '  warm, --by day --since 7d                     %6d ms\n' "$warm_day"
