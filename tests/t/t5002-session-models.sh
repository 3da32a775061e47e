#!/bin/sh
# Per-model statistics over run.summary events of a fixture, against
# figures computed by hand (SPEC §7).
. "$(dirname "$0")/test-lib.sh"

F=$GS_SOURCE_DIR/tests/fixtures/session-models
ID=ses_019cf0a1-2b3c-7d4e-8f50-000000000002

# The fixture's five runs (session config hash cfg-a):
#   1 claude vs gpt-5, claude selected, rated up
#   2 claude vs gpt-5, gpt-5 selected, rated down
#   3 claude, gpt-5, gemini; claude selected
#   4 claude vs gemini, gemini selected: a rewind, excluded
#   5 gemini vs claude, nobody selected (config hash cfg-b)
# claude: in 1,2,3,5 -> 4 participations, wins 1,3 = 2, loss 2 = 1, 0 down,
#   latency (1200+800+1000+1100)/4 = 1025, cost .012+.008+.010 = .030,
#   in 1000+500+800 = 2300, out 200+100+150 = 450, tools 3+1+2 = 6, writes 2+0+1 = 3
# gpt-5: 1,2,3 -> 3, win 2 (rated down) = 1, losses 1,3 = 2, down 1,
#   latency (1800+2200+2000)/3 = 2000, cost .020+.030+.025 = .075,
#   in 2600, out 830, tools 7, writes 6
# gemini: 3,5 -> 2, no win, loss 3 = 1, latency (1500+900)/2 = 1200,
#   cost unknown (never given), in 700, out 220

test_expect_success 'setup' '
	test_create_repo repo &&
	mkdir -p repo/.git/stats/sessions/$ID &&
	cp "$F/events.jsonl" repo/.git/stats/sessions/$ID/
'

test_expect_success 'models: the table equals the hand-computed figures' '
	(cd repo && git stats session models >../out) &&
	cat >expect <<-\EOT &&
	MODEL                         RUNS  WINS LOSSES  DOWN   WIN%  LOSS%   BAD%   LATENCY       COST         IN        OUT  TOOLS WRITES
	claude-sonnet-4-5                4     2      1     0  50.0%  25.0%   0.0%   1025 ms    $0.0300       2300        450      6      3
	gpt-5                            3     1      2     1  33.3%  66.7%  33.3%   2000 ms    $0.0750       2600        830      7      6
	gemini-2.5-pro                   2     0      1     0   0.0%  50.0%   0.0%   1200 ms    unknown        700        220      0      0
	4 runs (1 rewound runs excluded)
	EOT
	test_cmp expect out
'

test_expect_success 'models --json: counts, rates, unknown cost as null' '
	(cd repo && git stats session models --json >../json) &&
	tr -d "\n\t " <json >flat &&
	grep "\"runs\":4,\"rewinds_excluded\":1" flat &&
	grep "{\"model\":\"claude-sonnet-4-5\",\"participations\":4,\"wins\":2,\"losses\":1,\"thumbs_down\":0,\"win_rate\":0.5,\"loss_rate\":0.25,\"bad_rate\":0,\"avg_latency_ms\":1025,\"cost_usd\":0.03," flat &&
	grep "{\"model\":\"gpt-5\",\"participations\":3,\"wins\":1,\"losses\":2,\"thumbs_down\":1," flat &&
	grep "\"model\":\"gemini-2.5-pro\",.*\"avg_latency_ms\":1200,\"cost_usd\":null,\"avg_cost_usd\":null,\"input_tokens\":700" flat
'

test_expect_success 'models --config-hash keeps only matching runs' '
	(cd repo && git stats session models --config-hash cfg-b --json >../json) &&
	tr -d "\n\t " <json >flat &&
	grep "\"runs\":1," flat &&
	grep "\"model\":\"claude-sonnet-4-5\",\"participations\":1,\"wins\":0,\"losses\":0" flat &&
	(cd repo && git stats session models --config-hash cfg-a --json >../json) &&
	tr -d "\n\t " <json >flat &&
	grep "\"runs\":3," flat
'

test_expect_success 'models --session limits to one session' '
	(cd repo && git stats session new >../other &&
	 git stats session log latest run.summary --data "{\"models\":[\"x\"],\"selected\":\"x\"}" &&
	 git stats session models --json >../all &&
	 git stats session models --session $ID --json >../one) &&
	tr -d "\n\t " <all | grep "\"runs\":5," &&
	tr -d "\n\t " <one | grep "\"runs\":4," &&
	! grep "\"x\"" one
'

test_expect_success 'a run.summary whose selected model did not take part is rejected' '
	(cd repo && test_expect_code 2 git stats session log latest run.summary \
		--data "{\"models\":[\"a\",\"b\"],\"selected\":\"c\"}" 2>../err) &&
	grep "selected model .c. is not one of .models." err
'

test_done
