#!/bin/sh
# git stats usage --source sessions|all: sessions count from their logs,
# failed ones as failed, and a session that a recorded run names is
# counted once with --source all.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: two sessions, one run that names one of them' '
	test_create_repo repo &&
	(cd repo &&
	 git stats new "Sessions issue" >/dev/null &&
	 a=$(GIT_STATS_NOW=2026-03-14T10:00:00Z git stats session new --issue 1 --model gpt-4.1) &&
	 GIT_STATS_NOW=2026-03-14T10:00:01Z git stats session log "$a" llm.response \
		--data "{\"usage\":{\"input_tokens\":1000,\"output_tokens\":200},\"cost_usd\":0.5,\"model\":\"gpt-4.1\"}" &&
	 GIT_STATS_NOW=2026-03-14T10:00:09Z git stats session log "$a" session.end \
		--data "{\"status\":\"success\",\"duration_ms\":9000}" &&
	 b=$(GIT_STATS_NOW=2026-03-15T08:00:00Z git stats session new --model claude-opus-4-1) &&
	 GIT_STATS_NOW=2026-03-15T08:00:02Z git stats session log "$b" llm.response \
		--data "{\"usage\":{\"input_tokens\":300,\"output_tokens\":30},\"model\":\"claude-opus-4-1\"}" &&
	 GIT_STATS_NOW=2026-03-15T08:00:04Z git stats session log "$b" session.end \
		--data "{\"status\":\"failed\",\"duration_ms\":4000,\"error\":\"timeout\"}" &&
	 git stats record 1 --session "$a" --model gpt-4.1 --started-at 2026-03-14T10:00:00Z \
		--input-tokens 1000 --output-tokens 200 --duration 9 --cost 0.5 >/dev/null &&
	 git stats record 1 --model gpt-4.1 --started-at 2026-03-13T10:00:00Z \
		--input-tokens 50 --output-tokens 5 --duration 1 --cost 0.01 >/dev/null)
'

test_expect_success '--source sessions counts each session, failed ones as failed' '
	(cd repo && git stats usage --source sessions --format csv >../s.csv) &&
	grep "^openai,gpt-4.1,1,1,0,1000,200,1200,9000,0.5,0," s.csv &&
	grep "^anthropic,claude-opus-4-1,1,0,1,300,30,330,4000,,1," s.csv &&
	(cd repo && git stats usage --source sessions >../s.txt) &&
	head -n 1 s.txt | grep "from sessions$" &&
	grep "^model  *provider  *sessions " s.txt
'

test_expect_success '--source all counts a session named by a run once' '
	(cd repo && git stats usage --source all --format csv >../a.csv) &&
	grep "^openai,gpt-4.1,2,2,0,1050,205," a.csv &&
	grep "^anthropic,claude-opus-4-1,1,0,1," a.csv
'

test_expect_success 'sessions fall in windows by their start, issues by their id' '
	(cd repo && git stats usage --source sessions --since today --format csv >../t.csv &&
	 git stats usage --source sessions --by issue --format csv >../i.csv) &&
	test_line_count = 2 t.csv && grep ",claude-opus-4-1,1," t.csv &&
	grep "^1,,,1," i.csv && grep "^,,,1," i.csv &&
	(cd repo && git stats usage --source sessions --by issue) >i.txt &&
	grep "^(none) " i.txt
'

test_expect_success 'no sessions directory: an empty report' '
	test_create_repo other &&
	(cd other && git stats usage --source sessions >../out) &&
	grep "^No sessions in this window\.$" out
'

test_done
