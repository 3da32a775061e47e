#!/bin/sh
# git stats record --json in its three shapes, and --batch JSON Lines in
# one commit.
. "$(dirname "$0")/test-lib.sh"

fm() { git stats fm get "$1" "$2"; }

test_expect_success 'setup' '
	test_create_repo repo && cd repo &&
	mkdir issues &&
	for i in 1 2 3; do printf -- "---\nid: $i\n---\n# Issue $i\n" >issues/$i.md; done &&
	git add issues && git commit -q -m issues
'

test_expect_success 'snake_case JSON from a file' '
	cd repo &&
	cat >../run.json <<-\JSON &&
	{"input_tokens": 100, "output_tokens": 20, "cache_read_tokens": 30,
	 "cache_write_tokens": 5, "duration_seconds": 12.25, "iterations": 2,
	 "context_size": 900, "model": "gpt-4.1", "started_at": "2026-03-14T10:00:00Z",
	 "run_id": "snake-1", "session_id": "ext-5d3c"}
	JSON
	git stats record 1 --json ../run.json &&
	test "$(fm issues/1.md total_input_tokens)" = 135 &&
	test "$(fm issues/1.md total_duration_seconds)" = 12.25 &&
	test "$(fm issues/1.md last_run_at)" = 2026-03-14T10:00:00Z &&
	grep "\"session_id\":\"ext-5d3c\"" issues/1.md &&
	grep "\"context_size\":900" issues/1.md
'

test_expect_success 'flags override JSON fields' '
	cd repo &&
	echo "{\"input_tokens\": 1, \"output_tokens\": 2, \"model\": \"gpt-4o\"}" |
		git stats record 1 --json - --output-tokens 7 --run-id snake-2 &&
	grep "\"run_id\":\"snake-2\".*\"output_tokens\":7" issues/1.md
'

test_expect_success 'barf SessionStats: inputTokens already holds cache tokens' '
	cd repo &&
	echo "{\"startedAt\":\"2026-03-15T10:00:00Z\",\"durationSeconds\":30,\"inputTokens\":1000,\"outputTokens\":50,\"finalContextSize\":900,\"iterations\":4,\"model\":\"claude-haiku-4-5\"}" |
		git stats record 2 --json - --run-id barf-1 &&
	test "$(fm issues/2.md total_input_tokens)" = 1000 &&
	test "$(fm issues/2.md total_iterations)" = 4 &&
	test "$(fm issues/2.md total_duration_seconds)" = 30 &&
	grep "\"context_size\":900" issues/2.md
'

test_expect_success 'claude -p --output-format json output just works' '
	cd repo &&
	git stats record 3 --json - <"$GS_SOURCE_DIR/tests/fixtures/record-claude-result.json" &&
	test "$(fm issues/3.md total_input_tokens)" = 1115 &&
	test "$(fm issues/3.md total_output_tokens)" = 23 &&
	test "$(fm issues/3.md total_cache_read_tokens)" = 1000 &&
	test "$(fm issues/3.md total_iterations)" = 7 &&
	test "$(fm issues/3.md total_duration_seconds)" = 65.5 &&
	test "$(fm issues/3.md total_cost_usd)" = 0.5 &&
	test "$(fm issues/3.md last_model)" = claude-sonnet-4-5-20250929 &&
	grep "\"run_id\":\"0b7e1c52-33c1-4a0e-9d7e-6f1a2b3c4d5e\"" issues/3.md &&
	grep "\"models\":\[{\"model\":\"claude-haiku-4-5-20251001\"" issues/3.md &&
	grep "\"cache_write_1h_tokens\":40" issues/3.md
'

test_expect_success 'the same claude result twice is one run' '
	cd repo &&
	git stats record 3 --json - <"$GS_SOURCE_DIR/tests/fixtures/record-claude-result.json" >out &&
	grep "already recorded" out &&
	test "$(fm issues/3.md run_count)" = 1
'

test_expect_success 'without costUSD the run is of the model that costs most' '
	cd repo &&
	cat >../multi.json <<-\JSON &&
	{"type": "result", "duration_ms": 2000, "num_turns": 2, "uuid": "multi-1",
	 "usage": {"input_tokens": 2000000, "output_tokens": 0},
	 "modelUsage": {"claude-haiku-4-5": {"inputTokens": 1000000, "outputTokens": 0},
	                "claude-opus-4-1": {"inputTokens": 1000000, "outputTokens": 0}}}
	JSON
	git stats record 3 --json ../multi.json >out &&
	grep "\$16 " out &&
	test "$(fm issues/3.md last_model)" = claude-opus-4-1 &&
	grep "^### Run .* · claude-opus-4-1$" issues/3.md &&
	sed -e s/multi-1/multi-2/ -e s/claude-opus-4-1/acme-zz/ ../multi.json >../unpriced.json &&
	git stats record 3 --json ../unpriced.json >out &&
	grep "cost unknown (no price for model .acme-zz.)" out
'

test_expect_success 'malformed JSON names line and column, changes nothing' '
	cd repo &&
	before=$(git rev-parse HEAD) &&
	printf "{\n  \"input_tokens\": 1,\n  \"output_tokens\" 2\n}\n" >../bad.json &&
	test_expect_code 1 git stats record 1 --json ../bad.json 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: ../bad.json:3:[0-9]*: malformed JSON" err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'a JSON typo is an error, not a silently lost field' '
	cd repo &&
	echo "{\"input_token\": 5}" >../typo.json &&
	test_expect_code 1 git stats record 1 --json ../typo.json 2>err &&
	grep "input_token" err
'

test_expect_success '--batch records every line in one commit' '
	cd repo &&
	before=$(git rev-list --count HEAD) &&
	cat >../batch.jsonl <<-\JSON &&
	{"issue": "1", "input_tokens": 10, "output_tokens": 1, "model": "gpt-4o", "run_id": "b-1"}

	{"issue": "2", "input_tokens": 20, "output_tokens": 2, "model": "gpt-4o", "run_id": "b-2"}
	{"issue": "001", "input_tokens": 30, "output_tokens": 3, "model": "gpt-4o", "run_id": "b-3"}
	JSON
	git stats record --batch ../batch.jsonl >out &&
	grep "^recorded 3 runs on 2 issues in commit" out &&
	test "$(git rev-list --count HEAD)" = $((before + 1)) &&
	test "$(git log -1 --format=%s)" = "stats: record 3 runs" &&
	test "$(fm issues/1.md run_count)" = 4 &&
	test "$(fm issues/2.md run_count)" = 2
'

test_expect_success '--batch again: all already recorded, no commit' '
	cd repo &&
	before=$(git rev-parse HEAD) &&
	git stats record --batch - <../batch.jsonl >out &&
	grep "already recorded" out &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success '--batch commit message counts only the runs it records' '
	cd repo &&
	cat >../mixed.jsonl <<-\JSON &&
	{"issue": "1", "input_tokens": 10, "run_id": "b-1"}
	{"issue": "1", "input_tokens": 40, "run_id": "b-6"}
	{"issue": "2", "input_tokens": 20, "run_id": "b-2"}
	{"issue": "2", "input_tokens": 50, "run_id": "b-7"}
	JSON
	git stats record --batch ../mixed.jsonl >out &&
	grep "^recorded 2 runs on 2 issues in commit .* (2 already recorded)" out &&
	test "$(git log -1 --format=%s)" = "stats: record 2 runs" &&
	printf "{\"issue\":\"1\",\"run_id\":\"b-1\"}\n{\"issue\":\"2\",\"input_tokens\":1,\"run_id\":\"b-8\"}\n" >../one.jsonl &&
	git stats record --batch ../one.jsonl &&
	test "$(git log -1 --format=%s)" = "stats(2): record run b-8"
'

test_expect_success '--batch with an unknown issue changes nothing' '
	cd repo &&
	before=$(git rev-parse HEAD) &&
	printf "{\"issue\":\"1\",\"input_tokens\":1,\"run_id\":\"b-4\"}\n{\"issue\":\"99\",\"input_tokens\":1,\"run_id\":\"b-5\"}\n" >../b2.jsonl &&
	test_expect_code 1 git stats record --batch ../b2.jsonl 2>err &&
	grep "99" err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test_must_fail grep "b-4" issues/1.md
'

test_expect_success '--batch names the line of a bad record' '
	cd repo &&
	printf "{\"issue\":\"1\",\"input_tokens\":1}\n{\"issue\":\"1\",\"input_tokens\":-4}\n" >../b3.jsonl &&
	test_expect_code 1 git stats record --batch ../b3.jsonl 2>err &&
	grep "b3.jsonl:2: .input_tokens." err &&
	printf "{\"input_tokens\":1}\n" >../b4.jsonl &&
	test_expect_code 1 git stats record --batch ../b4.jsonl 2>err &&
	grep "b4.jsonl:1: the run names no .issue." err
'

test_expect_success '--batch reports runs with an unknown cost' '
	cd repo &&
	printf "{\"issue\":\"2\",\"input_tokens\":1,\"model\":\"acme-1\",\"run_id\":\"u-1\"}\n{\"issue\":\"2\",\"input_tokens\":1,\"model\":\"gpt-4o\",\"run_id\":\"u-2\"}\n" >../b5.jsonl &&
	git stats record --batch ../b5.jsonl >out &&
	grep "^1 run with unknown cost (acme-1); their issues. total_cost_usd is omitted$" out &&
	test_must_fail git stats fm get issues/2.md total_cost_usd
'

test_expect_success '--batch rejects an <issue> argument and run flags' '
	cd repo &&
	test_expect_code 2 git stats record 1 --batch ../batch.jsonl &&
	test_expect_code 2 git stats record --batch ../batch.jsonl --input-tokens 3
'

test_expect_success 'verify is clean' '
	cd repo && git stats verify
'

test_done
