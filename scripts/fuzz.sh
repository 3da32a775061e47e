#!/bin/sh
# Build the libFuzzer targets with clang and run each for $1 seconds
# (default 60). Seeds: the shared markdown corpus for the frontmatter
# target, tests/fuzz/seeds/<target>/ where present. Findings are left as
# crash-*/leak-*/timeout-* files in build-fuzz/ and make the script fail.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
sh scripts/deps.sh --fuzz
CC=clang cmake -S . -B build-fuzz -DGS_FUZZ=ON -DGS_BENCH=OFF -DBUILD_TESTING=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" >/dev/null
shared=${GS_SHARED_DIR:-../shared}
status=0
for bin in build-fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/}
	work=build-fuzz/corpus-$name
	mkdir -p "$work"
	seeds=""
	[ -d "tests/fuzz/seeds/$name" ] && seeds="tests/fuzz/seeds/$name"
	[ "$name" = fuzz_frontmatter ] && [ -d "$shared/corpus/hugo-docs" ] && seeds="$seeds $shared/corpus/hugo-docs"
	# shellcheck disable=SC2086
	if (cd build-fuzz && "./$name" -max_total_time="$secs" -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 "corpus-$name" $(for s in $seeds; do
			case $s in /*) echo "$s" ;; *) echo "../$s" ;; esac; done) \
		>"$name.log" 2>&1); then
		echo "$name: $(grep -E '^stat::number_of_executed_units' "build-fuzz/$name.log" | awk '{print $2}') execs in ${secs}s, no findings"
	else
		echo "$name: FAILED, see build-fuzz/$name.log" >&2
		tail -n 30 "build-fuzz/$name.log" >&2
		status=1
	fi
done
exit $status
