#!/bin/sh
# 8 processes x 25 records on one issue at once: no run is lost or
# counted twice, sums are exact, verify is clean.
. "$(dirname "$0")/test-lib.sh"

P=8 N=25

test_expect_success 'setup' '
	test_create_repo repo && cd repo &&
	mkdir issues &&
	printf -- "---\nid: 1\ntitle: Contended\n---\n# Contended\n" >issues/1.md &&
	git add issues && git commit -q -m issue
'

test_expect_success "$P writers x $N records each" '
	cd repo &&
	p=1 &&
	while [ $p -le $P ]; do
		(
			i=1
			while [ $i -le $N ]; do
				git stats record 1 --run-id "p$p-r$i" --input-tokens $((p * 1000 + i)) \
					--output-tokens $i --cache-read-tokens $p --duration 1.5 \
					--iterations 1 --model gpt-4o >/dev/null 2>>../errors.$p ||
					echo "p$p-r$i failed" >>../failed
				i=$((i + 1))
			done
		) &
		p=$((p + 1))
	done &&
	wait &&
	test ! -e ../failed
'

test_expect_success 'run_count and token sums are exact' '
	cd repo &&
	in=0 out=0 cr=0 nanos=0 p=1 &&
	while [ $p -le $P ]; do
		i=1
		while [ $i -le $N ]; do
			in=$((in + p * 1000 + i + p)) out=$((out + i)) cr=$((cr + p))
			nanos=$((nanos + 2500 * (p * 1000 + i) + 1250 * p + 10000 * i))
			i=$((i + 1))
		done
		p=$((p + 1))
	done &&
	test "$(git stats fm get issues/1.md run_count)" = $((P * N)) &&
	test "$(git stats fm get issues/1.md total_input_tokens)" = $in &&
	test "$(git stats fm get issues/1.md total_output_tokens)" = $out &&
	test "$(git stats fm get issues/1.md total_cache_read_tokens)" = $cr &&
	test "$(git stats fm get issues/1.md total_iterations)" = $((P * N)) &&
	test "$(git stats fm get issues/1.md total_duration_seconds)" = 300 &&
	cost=$(printf "%d.%09d" $((nanos / 1000000000)) $((nanos % 1000000000)) | sed "s/0*\$//; s/\.\$//") &&
	test "$(git stats fm get issues/1.md total_cost_usd)" = "$cost" &&
	test "$(grep -c "^<!-- git-stats:run " issues/1.md)" = $((P * N))
'

test_expect_success 'every run is in its own commit, the work tree is clean' '
	cd repo &&
	test "$(git rev-list --count HEAD)" = $((P * N + 2)) &&
	git status --porcelain --untracked-files=no >../st && test ! -s ../st
'

test_expect_success 'verify is clean' '
	cd repo && git stats verify
'

test_done
