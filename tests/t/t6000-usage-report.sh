#!/bin/sh
# git stats usage over recorded runs: sums equal what was recorded, windows
# cut at UTC day edges pinned by GIT_STATS_NOW, unknown costs stay unknown,
# and the text, JSON and CSV forms.
. "$(dirname "$0")/test-lib.sh"

# GIT_STATS_NOW is 2026-03-15T12:00:00Z (test-lib.sh).
# issue model started_at input output cache_read cache_write duration cost
cat >"$TRASH_DIRECTORY/runs.txt" <<'EOF'
1 claude-sonnet-4-5 2026-03-15T09:00:00Z 1200 800 30000 4000 65.5 0.25
1 claude-sonnet-4-5 2026-03-14T23:59:59Z 900 400 12000 0 30 0.125
2 claude-opus-4-1 2026-03-14T10:00:00Z 5000 2500 90000 8000 600 2.5
2 gpt-4.1 2026-03-09T00:00:00Z 3000 1000 0 0 42.25 0.04
3 gpt-4.1 2026-03-08T23:59:59Z 2500 700 1000 0 12 0.03
3 gemini-2.5-pro 2026-03-01T12:00:00Z 10000 3000 5000 0 90 0.2
3 in-house-model 2026-03-15T08:00:00Z 700 300 0 0 20 -
EOF

test_expect_success 'setup: three issues and seven runs over two weeks' '
	test_create_repo repo &&
	(cd repo &&
	 git stats new "Fix the login timeout" >/dev/null &&
	 git stats new "Add CSV export" >/dev/null &&
	 git stats new "Speed up search" >/dev/null &&
	 while read issue model at in out cr cw dur cost; do
		if [ "$cost" = - ]; then set --; else set -- --cost "$cost"; fi
		git stats record "$issue" --model "$model" --started-at "$at" \
			--input-tokens "$in" --output-tokens "$out" \
			--cache-read-tokens "$cr" --cache-write-tokens "$cw" \
			--duration "$dur" "$@" >/dev/null || exit 1
	 done <../runs.txt)
'

# Column of a CSV header named $1 in file $2 (1-based).
csv_col() {
	head -n 1 "$2" | tr , '\n' | grep -n "^$1\$" | cut -d: -f1
}

# Sum of column $1 over the data lines of CSV file $2.
csv_sum() {
	c=$(csv_col "$1" "$2") &&
	awk -F, -v c="$c" 'NR > 1 { s += $c } END { printf "%.6f\n", s }' "$2"
}

test_expect_success 'usage sums equal the sums of the records made' '
	(cd repo && git stats usage --format csv >../usage.csv) &&
	awk "{ i += \$4; o += \$5; cr += \$6; cw += \$7; d += \$8 * 1000; n++;
	       if (\$9 != \"-\") c += \$9 }
	     END { printf \"%d %d %d %d %d %d %.6f\n\", n, i, o, cr, cw, d, c }" runs.txt >expect &&
	for f in sessions input_tokens output_tokens cache_read_tokens cache_write_tokens \
		duration_ms known_cost_usd; do
		csv_sum $f usage.csv || exit 1
	done | awk "{ printf \"%s%s\", sep, (NR < 7 ? int(\$1) : \$1); sep = \" \" } END { print \"\" }" >actual &&
	test_cmp expect actual
'

test_expect_success 'the JSON totals match too, and name the window' '
	(cd repo && git stats usage --json >../usage.json) &&
	grep "\"spec\":	\"all\"" usage.json &&
	sed -n "/\"totals\"/,\$p" usage.json >totals &&
	grep "\"sessions\":	7," totals &&
	grep "\"input_tokens\":	23300," totals &&
	grep "\"output_tokens\":	8700," totals &&
	grep "\"known_cost_usd\":	3.145," totals &&
	grep "\"unknown_cost_sessions\":	1," totals &&
	grep "\"provider\":	null" totals
'

test_expect_success 'a model without a price is unknown, never $0' '
	(cd repo && git stats usage --by model >../out) &&
	grep "^in-house-model  *unknown .* unknown  *-$" out &&
	! grep "\$0\.00" out &&
	grep "^total .*\$3\.15\*" out &&
	grep "^\* 1 run of unknown cost" out &&
	(cd repo && git stats usage --format csv) | grep "^unknown,in-house-model,1,1,0,700,300,1000,20000,,1,"
'

test_expect_success 'text output: aligned table, separators, dollars, durations' '
	(cd repo && git stats usage --by model >../out) &&
	head -n 1 out >first &&
	echo "Usage by model, all time, from issue runs" >expect && test_cmp expect first &&
	grep "^model  *provider  *runs  *success  *input  *output  *cache read  *cache hit  *duration  *out tok/s  *cost  *per success$" out &&
	grep "^claude-opus-4-1  *anthropic  *1  *100.0%  *5,000  *2,500  *90,000 .* 10m 00s .* \$2\.50  *\$2\.50$" out &&
	grep "^gemini-2.5-pro  *google .* 10,000 " out &&
	grep "^---*$" out &&
	grep "^total  *7 " out &&
	! grep "$(printf "\033")" out
'

test_expect_success 'windows: today, 7d, one day, an inclusive range' '
	(cd repo &&
	 git stats usage --since today --format csv >../today.csv &&
	 git stats usage --since 7d --format csv >../7d.csv &&
	 git stats usage --since 2026-03-14 --format csv >../day.csv &&
	 git stats usage --since 2026-03-08..2026-03-09 --format csv >../range.csv &&
	 git stats usage --since 2026-03-16 --format csv >../future.csv) &&
	test "$(csv_sum sessions today.csv)" = 2.000000 &&
	test "$(csv_sum sessions 7d.csv)" = 5.000000 &&
	test "$(csv_sum sessions day.csv)" = 2.000000 &&
	test "$(csv_sum sessions range.csv)" = 2.000000 &&
	test_line_count = 1 future.csv
'

test_expect_success 'the window follows GIT_STATS_NOW, not the wall clock' '
	(cd repo &&
	 GIT_STATS_NOW=2026-03-10T00:00:00Z git stats usage --since 2d --format csv >../early.csv) &&
	test "$(csv_sum sessions early.csv)" = 1.000000 &&
	(cd repo && GIT_STATS_NOW=2026-03-10T00:00:00Z git stats usage --since 2d --json) >j &&
	grep "\"from\":	\"2026-03-09\"" j && grep "\"to\":	\"2026-03-10\"" j
'

test_expect_success 'by day: date order, bars scaled to the largest day, --ascii' '
	(cd repo && git stats usage --by day --since 7d >../out && git stats usage --by day --ascii >../ascii) &&
	head -n 1 out >first &&
	echo "Usage by day, 2026-03-09 to 2026-03-15 UTC (7d), from issue runs" >expect &&
	test_cmp expect first &&
	grep "^2026-03-09 " out >/dev/null &&
	awk "/^2026-/ { print \$1 }" out >days &&
	printf "%s\n" 2026-03-09 2026-03-14 2026-03-15 >expect && test_cmp expect days &&
	grep "^2026-03-14 .*████████████████$" out &&
	grep "^2026-03-01 .* #*$" ascii &&
	grep "^2026-03-14 .* ################$" ascii &&
	! grep "█" ascii
'

test_expect_success 'by provider and by issue' '
	(cd repo && git stats usage --by provider --format csv >../p.csv &&
	 git stats usage --by issue --format csv >../i.csv) &&
	grep "^anthropic,,3," p.csv && grep "^openai,,2," p.csv && grep "^google,,1," p.csv &&
	grep "^unknown,,1," p.csv &&
	head -n 1 i.csv | grep "^issue,provider,model,sessions," &&
	grep "^1,,,2," i.csv && grep "^2,,,2," i.csv && grep "^3,,,3," i.csv
'

test_expect_success 'derived rates: cache hit, cost per success, tokens per second' '
	(cd repo && git stats usage --since 2026-03-14 --format csv) >d.csv &&
	c=$(csv_col cache_hit_rate d.csv) && s=$(csv_col cost_per_success d.csv) &&
	r=$(csv_col output_tokens_per_second d.csv) &&
	awk -F, -v c=$c -v s=$s -v r=$r "NR > 1 && \$2 == \"claude-opus-4-1\" { print \$c, \$s, \$r }" d.csv >actual &&
	echo "0.873786 2.5 4.166667" >expect && test_cmp expect actual
'

test_expect_success 'bad options are usage errors with one line' '
	(cd repo &&
	 test_expect_code 2 git stats usage --since yesterday 2>err && grep "^git-stats: invalid window .yesterday." err &&
	 test_expect_code 2 git stats usage --by week 2>err && grep "^git-stats: --by: .week." err &&
	 test_expect_code 2 git stats usage --source web 2>err && grep "source" err &&
	 test_expect_code 2 git stats usage --format xml 2>err &&
	 test_expect_code 2 git stats usage --json --format csv 2>err &&
	 test_expect_code 2 git stats usage --since 2>err &&
	 test_expect_code 2 git stats usage extra 2>err)
'

test_expect_success 'an empty repository reports no runs and succeeds' '
	git init -q empty &&
	(cd empty && git stats usage >../out) &&
	grep "^No runs in this window\.$" out &&
	(cd empty && git stats usage --json) >j && grep "\"rows\":	\[\]" j
'

test_expect_success 'colour only on a terminal, never with NO_COLOR' '
	(cd repo && unset NO_COLOR && script -qec "git stats usage" /dev/null >../tty) &&
	grep "$(printf "\033")\[1m" tty &&
	(cd repo && NO_COLOR=1 script -qec "git stats usage" /dev/null >../tty-nc) &&
	! grep "$(printf "\033")" tty-nc &&
	(cd repo && unset NO_COLOR && git stats usage >../pipe) &&
	! grep "$(printf "\033")" pipe
'

test_expect_success 'cost per success leaves out successes of unknown cost' '
	test_create_repo cps && cd cps && git stats init >/dev/null && git stats new Costs >/dev/null &&
	git stats record 1 --run-id p --started-at 2026-03-15T10:00:00Z --input-tokens 1 \
		--output-tokens 1 --duration 1 --model acme-x --cost 1 >/dev/null &&
	git stats record 1 --run-id q --started-at 2026-03-15T11:00:00Z --input-tokens 1 \
		--output-tokens 1 --duration 1 --model acme-x >/dev/null &&
	git stats usage --since today --json | tr -d " \t\n" >json &&
	grep "\"model\":\"acme-x\",.*\"known_cost_usd\":1,\"unknown_cost_sessions\":1,.*\"cost_per_success\":1," json
'

test_expect_success 'usage --help' '
	git stats usage --help >out && grep "^usage: git stats usage" out && grep -- "--since" out
'

test_done
