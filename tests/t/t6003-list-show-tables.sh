#!/bin/sh
# git stats list with totals columns, a totals row and --sort; git stats
# show with the run blocks as a table.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: four issues with different totals' '
	test_create_repo repo &&
	(cd repo &&
	 git stats new "Cheap but busy" >/dev/null &&
	 git stats new "Expensive" >/dev/null &&
	 git stats new "Untouched" >/dev/null &&
	 git stats new "Unpriced model" >/dev/null &&
	 for i in 1 2 3; do
		git stats record 1 --model gpt-4.1 --started-at 2026-03-1${i}T10:00:00Z \
			--input-tokens 1000 --output-tokens 100 --duration 60 --cost 0.01 >/dev/null || exit 1
	 done &&
	 git stats record 2 --model claude-opus-4-1 --started-at 2026-03-14T09:30:00Z \
		--input-tokens 20000 --cache-read-tokens 100000 --output-tokens 4000 \
		--duration 3725 --iterations 12 --cost 12.5 --run-id run_expensive >/dev/null &&
	 git stats record 4 --model in-house --started-at 2026-03-14T09:00:00Z \
		--input-tokens 5 --output-tokens 5 --duration 1 >/dev/null)
'

test_expect_success 'list shows totals columns and a totals row' '
	(cd repo && git stats list >../list) &&
	head -n 1 list | grep "^id  *title  *state  *runs  *input+cache  *output  *duration  *cost$" &&
	grep "^1  *Cheap but busy  *open  *3  *3,000  *300  *3m 00s  *\$0\.03$" list &&
	grep "^2  *Expensive  *open  *1  *120,000  *4,000  *1h 02m  *\$12\.50$" list &&
	grep "^3  *Untouched  *open  *0  *0  *0  *-  *-$" list &&
	grep "^4  *Unpriced model  *open  *1  *5  *5  *1\.0s  *unknown$" list &&
	grep "^total  *5  *123,005  *4,305  *1h 05m  *\$12\.53\*$" list &&
	grep "^\* 1 issue with runs of unknown cost left out of the total\.$" list
'

test_expect_success 'list --sort orders by cost, tokens, runs or id' '
	(cd repo &&
	 git stats list --sort cost | awk "NR > 1 && /^[0-9]/ { print \$1 }" >../cost &&
	 git stats list --sort tokens | awk "NR > 1 && /^[0-9]/ { print \$1 }" >../tokens &&
	 git stats list --sort runs | awk "NR > 1 && /^[0-9]/ { print \$1 }" >../runs &&
	 git stats list --sort=id | awk "NR > 1 && /^[0-9]/ { print \$1 }" >../id) &&
	printf "%s\n" 2 1 3 4 >expect && test_cmp expect cost &&
	printf "%s\n" 2 1 4 3 >expect && test_cmp expect tokens &&
	printf "%s\n" 1 2 4 3 >expect && test_cmp expect runs &&
	printf "%s\n" 1 2 3 4 >expect && test_cmp expect id &&
	(cd repo && test_expect_code 2 git stats list --sort price 2>../err) &&
	grep "^git-stats: --sort: .price." err
'

test_expect_success 'list --json carries the totals' '
	(cd repo && git stats list --json >../j) &&
	grep "\"total_duration_seconds\":3725" j &&
	grep "\"total_output_tokens\":4000" j
'

test_expect_success 'show lists the run blocks as a table' '
	(cd repo && git stats show 2 >../out) &&
	grep "^Runs (1)$" out &&
	grep "^started (UTC)  *model  *duration  *input  *cache read  *cache write  *output  *iter  *cost  *run id$" out &&
	grep "^2026-03-14 09:30  *claude-opus-4-1  *1h 02m  *20,000  *100,000  *0  *4,000  *12  *\$12\.50  *run_expensive$" out &&
	(cd repo && git stats show 4) >out4 && grep " in-house .* unknown  *run_" out4 &&
	(cd repo && git stats show 3) >out3 && ! grep "^Runs" out3
'

test_expect_success 'show always has an id row, from the file name when needed' '
	(cd repo && printf -- "---\ntitle: nameless\n---\n" >issues/70.md &&
	 printf -- "---\nid:\ntitle: empty\n---\n" >issues/71.md &&
	 git add issues && git commit -q -m "ids from names" &&
	 git stats show 70 >out && printf "issues/70.md\n  id     70\n  title  nameless\n" >expect &&
	 test_cmp expect out &&
	 git stats show 71 >out && printf "issues/71.md\n  id     71\n  title  empty\n" >expect &&
	 test_cmp expect out &&
	 git rm -q issues/70.md issues/71.md && git commit -q -m "drop them")
'

test_expect_success 'list names a file whose frontmatter does not parse and exits 1' '
	(cd repo && git stats list >../good && git stats list --json >../good.json &&
	 printf -- "---\ntitle: broken\nrun_count: [\n---\nbody\n" >issues/5.md &&
	 git add issues && git commit -q -m broken &&
	 test_expect_code 1 git stats show 5 2>../show.err &&
	 test_expect_code 1 git stats list >../list 2>../err &&
	 test_expect_code 1 git stats list --json >../list.json 2>../err.json) &&
	test_cmp good list && test_cmp good.json list.json &&
	test_line_count = 1 err &&
	grep "^git-stats: cannot parse frontmatter of .issues/5.md. at line 4: " err &&
	test_cmp show.err err && test_cmp err err.json
'

test_expect_success 'list names a file too large to read and lists the rest' '
	(cd repo && { printf -- "---\ntitle: big\n---\n"; head -c 17000000 /dev/zero | tr "\\0" x; } >issues/80.md &&
	 git add issues && git commit -q -m "a huge issue" &&
	 test_expect_code 1 git stats list >out 2>err &&
	 test "$(grep -c "issues/80.md" err)" = 1 && grep "^git-stats: .*issues/80.md.*larger than" err &&
	 grep "^total " out &&
	 git rm -q issues/80.md && git commit -q -m "drop it")
'

test_done
