#!/bin/sh
# attempt start/end (SPEC §4): attempt numbers, Shannon's counting rules,
# one commit per command, bad input that changes nothing.
. "$(dirname "$0")/test-lib.sh"

ISSUE=issues/12-fix-login.md

# The state a failed command must leave alone: tip, issue blob, status.
snapshot() {
	{ git rev-parse HEAD "HEAD:$ISSUE" && git status --porcelain && cat "$ISSUE"; } >"$1"
}

test_expect_success 'setup: a repository with one issue' '
	test_create_repo repo &&
	mkdir repo/issues &&
	printf -- "---\ntitle: Fix login # keep this comment\nstate: open\n---\nThe body.\n" >repo/$ISSUE &&
	(cd repo && git add issues && git commit -q -m "add issue 12")
'

test_expect_success 'attempt start records an in-progress agent in one commit' '
	cd repo &&
	before=$(git rev-list --count HEAD) &&
	git stats attempt start 12 --agent recon >../out &&
	grep "started attempt 1 of .recon. on issue 12" ../out &&
	test $(git rev-list --count HEAD) = $((before + 1)) &&
	git log -1 --format=%s >../msg &&
	echo "stats(12): attempt start recon" >../expect &&
	test_cmp ../expect ../msg &&
	git stats fm get $ISSUE agents >../agents &&
	grep "^  status: in-progress" ../agents &&
	grep "^  started_at: 2026-03-15T12:00:00Z" ../agents &&
	grep "^title: Fix login # keep this comment" $ISSUE &&
	grep "^The body.$" $ISSUE &&
	test -z "$(git status --porcelain)"
'

test_expect_success 'an agent that fails twice then succeeds' '
	cd repo &&
	before=$(git rev-list --count HEAD) &&
	git stats attempt end 12 --agent recon --failed --cost 1 --duration-ms 1000 --error "tool crashed" &&
	git stats attempt start 12 --agent recon &&
	git stats attempt end 12 --agent recon --failed --cost 2 --duration-ms 2000 --model claude-sonnet-4-5 &&
	git stats attempt start 12 --agent recon &&
	git stats attempt end 12 --agent recon --success --cost 3 --duration-ms 3000 \
		--model claude-sonnet-4-5 --turns 7 --input-tokens 1000 --output-tokens 200 >../out &&
	test $(git rev-list --count HEAD) = $((before + 5)) &&
	grep "attempt 3 of .recon. succeeded" ../out &&
	git stats fm get $ISSUE agents >../agents &&
	cat >../expect <<-\EOT &&
	recon:
	  status: success
	  attempts:
	    - attempt_number: 1
	      duration_ms: 1000
	      cost_usd: 1
	      success: false
	      timestamp: 2026-03-15T12:00:00Z
	      error: tool crashed
	    - attempt_number: 2
	      duration_ms: 2000
	      cost_usd: 2
	      success: false
	      timestamp: 2026-03-15T12:00:00Z
	      model: claude-sonnet-4-5
	    - attempt_number: 3
	      duration_ms: 3000
	      cost_usd: 3
	      success: true
	      timestamp: 2026-03-15T12:00:00Z
	      model: claude-sonnet-4-5
	EOT
	head -n 21 ../agents >../head &&
	test_cmp ../expect ../head &&
	grep "^      checkpoint: [0-9a-f]\{40\}$" ../agents &&
	grep "^      turns: 7$" ../agents &&
	grep "^  final_duration_ms: 3000$" ../agents &&
	grep "^  total_cost_usd: 6$" ../agents &&
	grep "^  model: claude-sonnet-4-5$" ../agents
'

test_expect_success 'the agent total covers all attempts, the issue total the success only' '
	cd repo &&
	git stats attempt start 12 --agent exploitation &&
	git stats attempt end 12 --agent exploitation --failed --cost 5 --duration-ms 9000 &&
	git stats attempt start 12 --agent recon --json >/dev/null &&
	git stats attempt end 12 --agent recon --failed --cost 0.5 --duration-ms 100 --json >../out &&
	grep "\"status\":\"failed\"" ../out &&
	grep "\"total_cost_usd\":6.5" ../out &&
	git stats attempt start 12 --agent recon &&
	git stats attempt end 12 --agent recon --success --cost 1.5 --duration-ms 2500 --json >../out &&
	grep "\"event\":\"end\"" ../out &&
	grep "\"status\":\"success\"" ../out &&
	grep "\"total_cost_usd\":8" ../out &&
	grep "\"final_duration_ms\":2500" ../out &&
	grep "\"attempt_number\":5" ../out &&
	git stats fm get $ISSUE agents >../agents &&
	grep "^  total_cost_usd: 8$" ../agents &&
	grep "^  total_cost_usd: 5$" ../agents
'

test_expect_success 'duration defaults to end time minus start time' '
	cd repo &&
	GIT_STATS_NOW=2026-03-15T13:00:00Z git stats attempt start 12 --agent reporting &&
	GIT_STATS_NOW=2026-03-15T13:01:30.250Z git stats attempt end 12 --agent reporting --success --cost 0.25 &&
	git stats fm get $ISSUE agents >../agents &&
	sed -n "/^reporting:/,\$p" ../agents >../rep &&
	grep "^      duration_ms: 90250$" ../rep &&
	grep "^      timestamp: 2026-03-15T13:00:00Z$" ../rep &&
	grep "^  final_duration_ms: 90250$" ../rep
'

test_expect_success 'a start over a running attempt closes it as abandoned' '
	cd repo &&
	GIT_STATS_NOW=2026-03-15T14:00:00Z git stats attempt start 12 --agent vuln &&
	GIT_STATS_NOW=2026-03-15T14:10:00Z git stats attempt start 12 --agent vuln >../out &&
	grep "closed attempt 1 of .vuln. as failed (abandoned)" ../out &&
	grep "started attempt 2 of .vuln." ../out &&
	git stats fm get $ISSUE agents >../agents &&
	sed -n "/^vuln:/,\$p" ../agents >../v &&
	grep "^  status: in-progress$" ../v &&
	grep "^  started_at: 2026-03-15T14:10:00Z$" ../v &&
	grep "^      error: abandoned$" ../v &&
	grep "^      duration_ms: 600000$" ../v &&
	grep "^      success: false$" ../v
'

test_expect_success 'an attempt of unknown cost marks every total it is in' '
	cd repo &&
	GIT_STATS_NOW=2026-03-15T15:00:00Z git stats attempt start 12 --agent scan &&
	GIT_STATS_NOW=2026-03-15T15:01:00Z git stats attempt start 12 --agent scan &&
	GIT_STATS_NOW=2026-03-15T15:02:00Z git stats attempt end 12 --agent scan --success --cost 2 &&
	git stats show 12 >../show &&
	grep "^Agents: .* + ? over " ../show &&
	grep "^scan .* + ? " ../show &&
	sed -n "/^Phases/,/^\$/p" ../show | grep "^unassigned .* + ?$" &&
	git stats show 12 --json >../json &&
	grep "\"attempts_unknown_cost_attempts\":1" ../json &&
	grep "\"phases\":\[{\"name\":\"unassigned\",.*\"unknown_cost_attempts\":1}\]" ../json
'

test_expect_success 'an end without a start is refused, nothing changed' '
	cd repo &&
	snapshot ../before &&
	test_expect_code 1 git stats attempt end 12 --agent nobody --failed 2>../err &&
	test_line_count = 1 ../err &&
	grep "^git-stats: issue .12.: unknown agent .nobody." ../err &&
	test_expect_code 1 git stats attempt end 12 --agent recon --failed 2>../err &&
	grep "^git-stats: issue .12.: agent .recon. has no attempt in progress" ../err &&
	snapshot ../after &&
	test_cmp ../before ../after
'

test_expect_success 'conflicting or missing flags are usage errors, nothing changed' '
	cd repo &&
	snapshot ../before &&
	test_expect_code 2 git stats attempt end 12 --agent vuln --success --failed 2>../err &&
	grep "^git-stats: attempt end: --success and --failed are mutually exclusive" ../err &&
	test_expect_code 2 git stats attempt end 12 --agent vuln 2>../err &&
	test_expect_code 2 git stats attempt end 12 --failed 2>../err &&
	grep "missing --agent" ../err &&
	test_expect_code 2 git stats attempt start 12 --agent vuln --cost 3 2>../err &&
	test_expect_code 2 git stats attempt end 12 --agent vuln --failed --cost lots 2>../err &&
	grep "^git-stats: --cost: expected a non-negative number" ../err &&
	test_expect_code 2 git stats attempt end 12 --agent vuln --success --cost 1e300 2>../err &&
	grep "^git-stats: --cost: .1e300. is too large" ../err &&
	test_expect_code 2 git stats attempt end 12 --agent vuln --success --cost 1e20 2>../err &&
	grep "^git-stats: --cost: .1e20. is too large" ../err &&
	test_expect_code 2 git stats attempt start 12 --agent "../evil" 2>../err &&
	grep "^git-stats: invalid agent name" ../err &&
	test_expect_code 2 git stats attempt start 12 --agent x.lock 2>../err &&
	test_expect_code 2 git stats attempt frobnicate 12 --agent vuln 2>../err &&
	test_expect_code 2 git stats attempt start ../12 --agent vuln 2>../err &&
	snapshot ../after &&
	test_cmp ../before ../after
'

test_expect_success 'a checkpoint that is no commit is refused, nothing changed' '
	cd repo &&
	snapshot ../before &&
	test_expect_code 1 git stats attempt end 12 --agent vuln --success --checkpoint no-such-rev 2>../err &&
	test_line_count = 1 ../err &&
	grep "^git-stats: unknown revision .no-such-rev." ../err &&
	test_expect_code 1 git stats attempt end 12 --agent vuln --success --checkpoint "HEAD^{tree}" 2>../err &&
	grep "is not a commit (it names a tree)" ../err &&
	snapshot ../after &&
	test_cmp ../before ../after &&
	test_must_fail git show-ref --verify refs/stats/checkpoints/12/vuln
'

test_expect_success 'an unknown issue is an error, nothing changed' '
	cd repo &&
	snapshot ../before &&
	test_expect_code 1 git stats attempt start 99 --agent recon 2>../err &&
	test_line_count = 1 ../err &&
	snapshot ../after &&
	test_cmp ../before ../after
'

test_expect_success 'a key=value issue cannot hold agents: clear error' '
	cd repo &&
	printf -- "---\ntitle=Old\n---\n" >issues/7.md &&
	git add issues/7.md && git commit -q -m "kv issue" &&
	snapshot ../before &&
	test_expect_code 1 git stats attempt start 7 --agent recon 2>../err &&
	grep "need a YAML frontmatter" ../err &&
	snapshot ../after &&
	test_cmp ../before ../after
'

test_expect_success 'the issue id matches with leading zeros and any case' '
	cd repo &&
	git stats attempt start 012 --agent lint &&
	git stats attempt end 0012 --agent lint --failed --duration-ms 5 &&
	git stats fm get $ISSUE agents >../agents &&
	grep "^lint:" ../agents
'

test_expect_success 'without --cost the tokens of a known model are priced' '
	cd repo &&
	git stats attempt start 12 --agent priced &&
	git stats attempt end 12 --agent priced --failed --duration-ms 5 --model claude-sonnet-4-5 \
		--input-tokens 1000000 --output-tokens 1000000 --json >../out &&
	grep "\"cost_usd\":18," ../out &&
	mkdir -p .gitstats &&
	printf "models:\n  house-model: {provider: acme, input: 1, output: 2}\n" >.gitstats/pricing.yml &&
	git stats attempt start 12 --agent priced &&
	git stats attempt end 12 --agent priced --failed --duration-ms 5 --model house-model \
		--input-tokens 1000000 --output-tokens 500000 --json >../out &&
	grep "\"attempt_number\":2,\"duration_ms\":5,\"cost_usd\":2," ../out &&
	git stats attempt start 12 --agent priced &&
	git stats attempt end 12 --agent priced --failed --duration-ms 5 --model no-such-model \
		--input-tokens 10 --json >../out &&
	grep "\"attempt_number\":3,\"duration_ms\":5,\"cost_usd\":null," ../out &&
	grep "\"total_cost_usd\":20,\"unknown_cost_attempts\":1" ../out &&
	rm -r .gitstats
'

test_done
