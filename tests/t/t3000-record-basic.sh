#!/bin/sh
# git stats record with flags: totals, the run block, one commit per
# record, idempotent run ids, explicit and computed costs.
. "$(dirname "$0")/test-lib.sh"

fm() { git stats fm get issues/12-fix-it.md "$1"; }

test_expect_success 'setup: a repository with one issue' '
	test_create_repo repo && cd repo &&
	mkdir issues &&
	printf -- "---\nid: 12\ntitle: Fix it # the bug\n---\n# Fix it\n\nBody.\n" >issues/12-fix-it.md &&
	git add issues && git commit -q -m "add issue"
'

test_expect_success 'record adds totals, a run block and one commit' '
	cd repo &&
	git stats record 12 --input-tokens 12000 --output-tokens 2300 \
		--cache-read-tokens 4000 --cache-write-tokens 1000 --duration 65.5 \
		--iterations 3 --context-size 48000 --model claude-sonnet-4-5-20250929 \
		--run-id run-one >out &&
	grep "^recorded run run-one in issues/12-fix-it.md" out &&
	test "$(fm run_count)" = 1 &&
	test "$(fm total_input_tokens)" = 17000 &&
	test "$(fm total_output_tokens)" = 2300 &&
	test "$(fm total_cache_read_tokens)" = 4000 &&
	test "$(fm total_cache_write_tokens)" = 1000 &&
	test "$(fm total_duration_seconds)" = 65.5 &&
	test "$(fm total_iterations)" = 3 &&
	test "$(fm total_cost_usd)" = 0.07545 &&
	test "$(fm last_model)" = claude-sonnet-4-5-20250929 &&
	test "$(fm last_run_at)" = 2026-03-15T11:58:54Z &&
	test "$(git log -1 --format=%s)" = "stats(12): record run run-one" &&
	test "$(git rev-list --count HEAD)" = 3 &&
	git status --porcelain --untracked-files=no >../status && test ! -s ../status
'

test_expect_success 'the user text of the file is kept byte for byte' '
	cd repo &&
	grep "^title: Fix it # the bug$" issues/12-fix-it.md &&
	sed -n "/^---$/,/^---$/!p" issues/12-fix-it.md | sed -n 1,4p >body &&
	printf "# Fix it\n\nBody.\n\n" >expect && test_cmp expect body
'

test_expect_success 'the run block is readable and machine-readable' '
	cd repo &&
	grep "^## Run stats$" issues/12-fix-it.md &&
	grep "^### Run 2026-03-15 11:58 UTC · claude-sonnet-4-5-20250929$" issues/12-fix-it.md &&
	grep "^| 1m 06s | 3 | 12,000 | 4,000 | 1,000 | 2,300 | \$0.0755 |$" issues/12-fix-it.md &&
	grep "^<!-- git-stats:run {\"run_id\":\"run-one\",.*\"cost_usd\":0.07545} -->$" issues/12-fix-it.md
'

test_expect_success 'the same run id again changes nothing and says so' '
	cd repo &&
	before=$(git rev-parse HEAD) &&
	git stats record 12 --run-id run-one --input-tokens 99 >out &&
	grep "already recorded" out &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test "$(fm run_count)" = 1
'

test_expect_success 'an explicit --cost wins over pricing' '
	cd repo &&
	git stats record 12 --input-tokens 10 --output-tokens 10 --model gpt-4o \
		--cost 1.25 --run-id run-two --started-at 2026-03-15T12:30:00Z &&
	test "$(fm total_cost_usd)" = 1.32545 &&
	test "$(fm run_count)" = 2 &&
	test "$(fm last_model)" = gpt-4o &&
	test "$(fm last_run_at)" = 2026-03-15T12:30:00Z
'

test_expect_success 'a run started earlier does not move last_run_at back' '
	cd repo &&
	git stats record 12 --input-tokens 1 --model gpt-4o --run-id run-old \
		--started-at 2026-03-01T00:00:00Z &&
	test "$(fm last_run_at)" = 2026-03-15T12:30:00Z &&
	test "$(fm last_model)" = gpt-4o
'

test_expect_success 'an unknown model makes the cost unknown, never $0' '
	cd repo &&
	git stats record 12 --input-tokens 5 --output-tokens 5 --model acme-llm \
		--run-id run-unknown >out &&
	grep "cost unknown" out &&
	test_must_fail git stats fm get issues/12-fix-it.md total_cost_usd &&
	test "$(fm run_count)" = 4 &&
	grep "\"run_id\":\"run-unknown\".*\"cost_usd\":null" issues/12-fix-it.md &&
	grep "| unknown |$" issues/12-fix-it.md
'

test_expect_success 'once unknown, total_cost_usd stays absent' '
	cd repo &&
	git stats record 12 --input-tokens 5 --model gpt-4o --run-id run-after &&
	test_must_fail git stats fm get issues/12-fix-it.md total_cost_usd
'

test_expect_success 'generated run ids are distinct and path-safe' '
	cd repo &&
	git stats record 12 --input-tokens 1 --format json >a.json &&
	git stats record 12 --input-tokens 1 --format json >b.json &&
	a=$(sed -n "s/.*\"run_id\":[^\"]*\"\([^\"]*\)\".*/\1/p" a.json) &&
	b=$(sed -n "s/.*\"run_id\":[^\"]*\"\([^\"]*\)\".*/\1/p" b.json) &&
	test -n "$a" && test "$a" != "$b" &&
	echo "$a" | grep "^run_[0-9a-f]\{20\}$" &&
	grep "\"status\":[^\"]*\"recorded\"" a.json
'

test_expect_success 'a file without frontmatter gets one' '
	cd repo &&
	printf "# Bare\n\nno frontmatter\n" >issues/13.md &&
	git add issues/13.md && git commit -q -m bare &&
	git stats record 13 --input-tokens 3 --model gpt-4o --run-id bare-1 &&
	head -1 issues/13.md | grep "^---$" &&
	test "$(git stats fm get issues/13.md run_count)" = 1 &&
	grep "^no frontmatter$" issues/13.md
'

test_expect_success 'a 1-hour cache write split is priced at its own rate' '
	cd repo &&
	git stats record 13 --cache-write-tokens 1000000 --cache-write-1h-tokens 500000 \
		--model claude-sonnet-4-5 --run-id split-1 --format json >out &&
	grep "\"cost_usd\":[^0-9]*4.875" out &&
	grep "\"cache_write_1h_tokens\":500000" issues/13.md
'

test_expect_success 'verify is clean after all of this' '
	cd repo && git stats verify
'

test_done
