#!/bin/sh
# Replay of a fixture session: the transcript a person reads (SPEC §7).
. "$(dirname "$0")/test-lib.sh"

F=$GS_SOURCE_DIR/tests/fixtures/session-replay
ID=ses_019cf0a1-2b3c-7d4e-8f50-6a7b8c9d0e1f

test_expect_success 'setup: a repository holding the fixture session' '
	test_create_repo repo &&
	mkdir -p repo/.git/stats/sessions/$ID &&
	cp "$F/events.jsonl" repo/.git/stats/sessions/$ID/
'

test_expect_success 'replay matches the expected transcript' '
	(cd repo && git stats session replay $ID >../out 2>../err) &&
	test_cmp "$F/expected-replay.txt" out
'

test_expect_success 'the torn last line of the fixture is a warning, not an error' '
	test_line_count = 1 err &&
	grep "^git-stats: warning: .*events.jsonl. line 10: incomplete last line" err
'

test_expect_success 'replay resolves a prefix and latest' '
	(cd repo && git stats session replay ses_019cf0a1 >../out2 2>/dev/null &&
	 git stats session replay latest >../out3 2>/dev/null) &&
	test_cmp out out2 && test_cmp out out3
'

test_expect_success 'replay --json carries the events and the totals' '
	(cd repo && git stats session replay $ID --json >../json 2>/dev/null) &&
	grep "^{\"session\":\"$ID\",\"events\":\[" json &&
	test "$(grep -c "\"session_id\":\"$ID\"" json)" = 9 &&
	grep "\"totals\":{.*\"input_tokens\":2460,\"output_tokens\":1370,\"cache_read_tokens\":27400,\"cache_write_tokens\":3400,\"cost_usd\":0.0504" json
'

test_expect_success 'show derives metadata from a log that has none' '
	(cd repo && git stats session show $ID >../out 2>/dev/null) &&
	grep "^created: *2026-03-15T09:30:00Z" out &&
	grep "^status: *success" out &&
	grep "^prompts: *2" out &&
	grep "^tool calls: *2 (1 failed)" out &&
	grep "^cost: *\\\$0.0504" out
'

test_expect_success 'a line of another session or with a mistyped field is skipped with a warning' '
	ID2=ses_019cf0a1-2b3c-7d4e-8f50-6a7b8c9d0e2f &&
	L=repo/.git/stats/sessions/$ID2/events.jsonl &&
	mkdir repo/.git/stats/sessions/$ID2 &&
	head -n 9 "$F/events.jsonl" | sed "s/$ID/$ID2/" >$L &&
	sed -n 3p "$F/events.jsonl" >>$L &&
	sed -n 7p $L | sed "s/\"input_tokens\":640/\"input_tokens\":\"lots\"/" >>$L &&
	printf "%s\n" "{\"seq\":12, \"session_id\":\"$ID\", \"type\":\"llm.response\", \"ts\":\"2026-03-15T09:30:11Z\", \"data\":{\"usage\":{\"input_tokens\":5}}}" >>$L &&
	(cd repo && git stats session replay $ID2 --json >../json 2>../err) &&
	test_line_count = 3 err &&
	grep "^git-stats: warning: .*$ID2/events.jsonl. line 10: field .session_id. is .$ID., another session.s; skipped$" err &&
	grep "^git-stats: warning: .*$ID2/events.jsonl. line 11: llm.response: field .usage.input_tokens. must be a non-negative integer; skipped$" err &&
	grep "^git-stats: warning: .*$ID2/events.jsonl. line 12: field .session_id. is .$ID., another session.s; skipped$" err &&
	test "$(grep -c "\"session_id\":\"$ID2\"" json)" = 9 &&
	! grep "\"session_id\":\"$ID\"" json &&
	grep "\"totals\":{.*\"input_tokens\":2460,\"output_tokens\":1370,\"cache_read_tokens\":27400,\"cache_write_tokens\":3400,\"cost_usd\":0.0504" json &&
	(cd repo && git stats session show $ID2 >../out 2>/dev/null) &&
	grep "^events: *9 " out &&
	grep "^tokens: *in 2,\{0,1\}460, out 1,\{0,1\}370," out &&
	grep "^cost: *\\\$0.0504" out
'

test_done
