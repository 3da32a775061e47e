#!/bin/sh
# Redacted export and routing statistics (SPEC §7).
. "$(dirname "$0")/test-lib.sh"

SK=sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe
GHP=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
PAT=github_pat_11AAAAAAA0bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
AWS=AKIAZZZZ1234EXAMPLE9
SLACK=xoxb-2222222222-3333333333333-aaaaBBBBccccDDDD
BEARER=eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl
PEMBODY=MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun

test_expect_success 'setup: a session seeded with one secret of each kind' '
	test_create_repo repo &&
	cd repo &&
	GIT_STATS_NOW=2026-03-10T07:59:00Z git stats session new --issue 7 >../id &&
	GIT_STATS_NOW=2026-03-10T08:00:00Z git stats session log latest llm.request \
		--data "{\"model\":\"claude-sonnet-4-5\",\"prompt\":\"deploy with $SK and $GHP\"}" &&
	GIT_STATS_NOW=2026-03-10T08:00:05Z git stats session log latest tool.call \
		--data "{\"tool\":\"bash\",\"input\":\"env\",\"output\":\"GH=$PAT AWS=$AWS\",\"note\":\"slack $SLACK\"}" &&
	GIT_STATS_NOW=2026-03-10T08:00:09Z git stats session log latest llm.response \
		--data "{\"model\":\"claude-sonnet-4-5\",\"output\":\"curl -H \\\"Authorization: Bearer $BEARER\\\"\",\"extra\":\"-----BEGIN RSA PRIVATE KEY-----\\n$PEMBODY\\n-----END RSA PRIVATE KEY-----\"}" &&
	GIT_STATS_NOW=2026-03-10T08:00:10Z git stats session log latest override \
		--data "{\"from\":\"claude-haiku-4-5\",\"to\":\"claude-sonnet-4-5\"}" &&
	git stats session new --issue 8 &&
	git stats session log latest llm.request --data "{\"model\":\"gpt-5\",\"prompt\":\"hi\"}" &&
	git stats session log latest llm.request --data "{\"model\":\"gpt-5\",\"prompt\":\"again\"}"
'

test_expect_success 'export contains none of the secrets' '
	(cd repo && git stats session export >../export.json) &&
	for s in "$SK" "$GHP" "$PAT" "$AWS" "$SLACK" "$BEARER" "$PEMBODY"; do
		if grep -F "$s" export.json; then echo "leaked: $s"; exit 1; fi
	done &&
	grep -F "[REDACTED:api-key]" export.json &&
	grep -F "[REDACTED:github-token]" export.json &&
	grep -F "[REDACTED:aws-key]" export.json &&
	grep -F "[REDACTED:slack-token]" export.json &&
	grep -F "Bearer [REDACTED:bearer]" export.json &&
	grep -F "[REDACTED:private-key]" export.json
'

test_expect_success 'the raw log still holds them (export is the redacted view)' '
	grep -F "$SK" repo/.git/stats/sessions/$(cat id)/events.jsonl
'

test_expect_success 'export --since keeps sessions and events inside the window' '
	(cd repo && git stats session export --since 2026-03-15 >../recent.json &&
	 git stats session export --since 2026-03-10 >../day.json) &&
	grep "\"window\":.*\"2026-03-15\"" recent.json &&
	! grep "\"issue\":.*\"7\"" recent.json &&
	grep "\"issue\":.*\"8\"" recent.json &&
	grep "\"issue\":.*\"7\"" day.json &&
	! grep "\"issue\":.*\"8\"" day.json &&
	test "$(grep -c "\"seq\":" day.json)" = 4
'

test_expect_success 'a bad window is a usage error' '
	(cd repo && test_expect_code 2 git stats session export --since yesterday 2>../err) &&
	test_line_count = 1 err
'

test_expect_success 'routing counts requests, overrides and the override rate' '
	(cd repo && git stats session routing >../out && git stats session routing --json >../json) &&
	grep "^gpt-5  *2  *0  *0.0%" out &&
	grep "^claude-sonnet-4-5  *1  *0  *0.0%" out &&
	grep "^claude-haiku-4-5  *0  *1  *-" out &&
	grep "^total  *3  *1  *33.3%" out &&
	tr -d "\n\t " <json | grep "\"window\":\"all\",\"requests\":3,\"overrides\":1,\"override_rate\":0.333"
'

test_expect_success 'routing --since narrows to the window' '
	(cd repo && git stats session routing --since 2026-03-10 --json >../json) &&
	tr -d "\n\t " <json | grep "\"requests\":1,\"overrides\":1,\"override_rate\":1,"
'

test_done
