#!/bin/sh
# git stats record <issue> --session: what flags do not give comes from the
# session's log (SPEC §3, §7).
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: an issue and a session with two responses' '
	test_create_repo repo &&
	cd repo &&
	git stats new "Fix login" >/dev/null &&
	GIT_STATS_NOW=2026-03-15T09:00:00Z git stats session new --issue 1 >../id &&
	GIT_STATS_NOW=2026-03-15T09:00:01Z git stats session log latest llm.response --data \
		"{\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":100,\"output_tokens\":50,\"cache_read_input_tokens\":1000,\"cache_creation_input_tokens\":200},\"cost_usd\":0.02}" &&
	GIT_STATS_NOW=2026-03-15T09:00:30Z git stats session log latest tool.call --data "{\"tool\":\"bash\"}" &&
	GIT_STATS_NOW=2026-03-15T09:01:00Z git stats session log latest llm.response --data \
		"{\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5,\"cache_read_tokens\":7,\"cache_write_tokens\":3},\"cost_usd\":0.01}" &&
	GIT_STATS_NOW=2026-03-15T09:01:05Z git stats session log latest session.end --data \
		"{\"status\":\"success\",\"duration_ms\":65500}"
'

test_expect_success 'record --session takes tokens, cost, duration, model, iterations from the log' '
	prefix=$(cut -c1-16 id) &&
	(cd repo && git stats record 1 --session $prefix >../out) &&
	f=repo/issues/1-fix-login.md &&
	grep "^total_input_tokens: 1320$" $f &&
	grep "^total_output_tokens: 55$" $f &&
	grep "^total_cache_read_tokens: 1007$" $f &&
	grep "^total_cache_write_tokens: 203$" $f &&
	grep "^total_iterations: 2$" $f &&
	grep "^total_duration_seconds: 65.5$" $f &&
	grep "^total_cost_usd: 0.03$" $f &&
	grep "^last_model: claude-sonnet-4-5$" $f &&
	grep "^last_run_at: 2026-03-15T09:00:00Z$" $f &&
	grep "\"session_id\":\"$(cat id)\"" $f
'

test_expect_success 'flags win over the log' '
	(cd repo && git stats record 1 --session latest --model gpt-5 --cost 1.5 --iterations 9 \
		--input-tokens 1 --run-id run-flags >../out) &&
	f=repo/issues/1-fix-login.md &&
	grep "\"run_id\":\"run-flags\",.*\"model\":\"gpt-5\",.*\"input_tokens\":1,\"cache_read_tokens\":1007,.*\"iterations\":9,.*\"cost_usd\":1.5" $f
'

test_expect_success 'a log without costs for an unpriced model leaves the cost unknown, not $0' '
	test_create_repo repo2 &&
	(cd repo2 && git stats new "Other" >/dev/null &&
	 git stats session new >/dev/null &&
	 git stats session log latest llm.response --data \
		"{\"model\":\"mystery-model-9\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}" &&
	 git stats record 1 --session latest >../out) &&
	f=$(ls repo2/issues/*.md) &&
	grep "^total_input_tokens: 10$" $f &&
	! grep "^total_cost_usd:" $f &&
	grep "\"cost_usd\":null" $f
'

test_expect_success 'a session_id in JSON that names no local session is stored as given' '
	(cd repo && echo "{\"input_tokens\":5,\"output_tokens\":1,\"model\":\"gpt-5\",\"session_id\":\"4f1c2d3e-claude-own\",\"run_id\":\"run-foreign\"}" |
	 git stats record 1 --json - >../out) &&
	grep "\"run_id\":\"run-foreign\",.*\"input_tokens\":5,.*\"session_id\":\"4f1c2d3e-claude-own\"" repo/issues/1-fix-login.md
'

test_expect_success 'an unknown session is an error and nothing is committed' '
	(cd repo && git rev-parse HEAD >../before &&
	 test_expect_code 1 git stats record 1 --session ses_ffff 2>../err &&
	 git rev-parse HEAD >../after) &&
	test_line_count = 1 err &&
	grep "^git-stats: --session: unknown session .ses_ffff." err &&
	test_cmp before after
'

test_done
