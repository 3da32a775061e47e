#!/bin/sh
# git stats verify: totals against run blocks, drift per key, --fix.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: two issues with runs' '
	test_create_repo repo && cd repo &&
	mkdir issues &&
	printf -- "---\nid: 1\n---\n# One\n" >issues/1.md &&
	printf -- "---\nid: 2\n---\n# Two\n" >issues/2.md &&
	printf -- "---\nid: 3\n---\n# Three, no runs\n" >issues/3.md &&
	git add issues && git commit -q -m issues &&
	git stats record 1 --input-tokens 100 --output-tokens 10 --model gpt-4o --run-id a &&
	git stats record 1 --input-tokens 200 --output-tokens 20 --model gpt-4o --run-id b &&
	git stats record 2 --input-tokens 5 --model mystery --run-id c
'

test_expect_success 'clean issues verify clean (exit 0)' '
	cd repo &&
	git stats verify >out &&
	grep "^3 issues checked, totals match their run blocks$" out &&
	git stats verify 1 2 >out &&
	grep "^2 issues checked" out
'

test_expect_success 'hand-edited totals are drift, reported per key (exit 1)' '
	cd repo &&
	sed -e "s/^run_count: 2$/run_count: 5/" -e "s/^total_output_tokens: 30$/total_output_tokens: 31/" \
		issues/1.md >../t && cp ../t issues/1.md &&
	echo "total_cost_usd: 0" >>../t2 &&
	sed "s/^run_count: 1$/run_count: 1\ntotal_cost_usd: 3/" issues/2.md >../t && cp ../t issues/2.md &&
	git commit -q -am "hand edits" &&
	test_expect_code 1 git stats verify >out &&
	grep "^issues/1.md: run_count is .5., the run blocks give 2$" out &&
	grep "^issues/1.md: total_output_tokens is .31., the run blocks give 30$" out &&
	grep "^issues/2.md: total_cost_usd is .3., the run blocks give no value$" out &&
	grep "2 with drift" out
'

test_expect_success 'verify --json is stable' '
	cd repo &&
	test_expect_code 1 git stats verify --json >out &&
	grep "\"clean\":[^a-z]*false" out &&
	grep "\"key\":[^\"]*\"run_count\"" out &&
	grep "\"expected\":[^\"]*\"2\"" out
'

test_expect_success 'verify --fix commits corrected totals in one commit' '
	cd repo &&
	before=$(git rev-list --count HEAD) &&
	git stats verify --fix >out &&
	grep "fixed the totals of 2 in commit" out &&
	test "$(git rev-list --count HEAD)" = $((before + 1)) &&
	test "$(git log -1 --format=%s)" = "stats: fix totals of 2 issues" &&
	test "$(git stats fm get issues/1.md run_count)" = 2 &&
	test_must_fail git stats fm get issues/2.md total_cost_usd &&
	git stats verify &&
	git status --porcelain --untracked-files=no >../st && test ! -s ../st
'

test_expect_success 'verify --fix on clean issues makes no commit' '
	cd repo &&
	before=$(git rev-parse HEAD) &&
	git stats verify --fix &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'a malformed run block is an error naming file and line' '
	cd repo &&
	printf "<!-- git-stats:run {\"run_id\": broken} -->\n" >>issues/3.md &&
	git commit -q -am "broken block" &&
	test_expect_code 1 git stats verify 3 >out 2>err &&
	grep "issues/3.md.*malformed run block at line 5" err &&
	grep "1 could not be checked" out
'

test_expect_success 'a run block with text after its JSON object is malformed too' '
	cd repo &&
	printf "<!-- git-stats:run {\"run_id\":\"d\"} {\"run_id\":\"e\"} -->\n" >>issues/2.md &&
	line=$(grep -n "run_id\":\"d" issues/2.md | cut -d: -f1) &&
	git commit -q -am "two objects in one block" &&
	test_expect_code 1 git stats verify 2 >out 2>err &&
	grep "issues/2.md.*malformed run block at line $line: unexpected text after the JSON value" err &&
	grep "1 could not be checked" out
'

test_expect_success 'verify of an unknown issue fails' '
	cd repo &&
	test_expect_code 1 git stats verify 99 2>err &&
	grep 99 err
'

test_expect_success 'a run block shown as an example in a code fence is no run' '
	test_create_repo fenced && cd fenced && git stats init >/dev/null &&
	{ printf -- "---\ntitle: doc\n---\nThe format:\n\n\140\140\140\n" &&
	  printf "<!-- git-stats:run {\"run_id\":\"example\",\"started_at\":\"2026-03-15T11:58:54Z\",\"model\":\"claude-opus-4-1\",\"input_tokens\":1000,\"cache_read_tokens\":0,\"cache_write_tokens\":0,\"output_tokens\":1000,\"duration_seconds\":60,\"iterations\":1,\"context_size\":0,\"cost_usd\":90} -->\n" &&
	  printf "\140\140\140\n"; } >issues/1.md &&
	git add issues && git commit -q -m "an example in the body" &&
	git stats record 1 --input-tokens 1 --output-tokens 1 --duration 1 --cost 0.5 --run-id real >/dev/null &&
	git stats verify >out && grep "totals match" out &&
	GIT_STATS_NOW=2030-01-01T00:00:00Z git stats usage --since all --json | tr -d " \t\n" >json &&
	grep "\"sessions\":1," json && grep "\"known_cost_usd\":0.5," json &&
	git stats record 1 --input-tokens 1 --output-tokens 1 --duration 1 --cost 0.25 --run-id example >out &&
	grep "recorded run example" out &&
	test "$(git stats fm get issues/1.md run_count)" = 2 &&
	git stats verify >out && grep "totals match" out
'

test_done
