#!/bin/sh
# Phases and issue totals in show (SPEC §4, Shannon's rules), computed by
# hand: recon fails ($1, 1 s), fails ($2, 2 s), succeeds ($3, 3 s); report
# succeeds ($4, 1 s); exploit only fails ($5, 9 s).
#   recon total $6, final 3 s; issue $10 over 4 s (exploit counts nowhere);
#   phase recon 3000 ms, $6, 3000/4000 = 75 %; phase reporting 1000 ms,
#   $4, 25 %; exploit has no phase: unassigned, 0 agents, $0, 0 %.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: two agents in two phases, one that never succeeds' '
	test_create_repo repo &&
	mkdir repo/issues &&
	printf -- "---\ntitle: Phases\n---\n" >repo/issues/5.md &&
	cd repo && git add issues && git commit -q -m "add issue" &&
	git config stats.phase.recon recon &&
	git config stats.phase.report reporting &&
	git stats attempt start 5 --agent recon &&
	git stats attempt end 5 --agent recon --failed --cost 1 --duration-ms 1000 &&
	git stats attempt start 5 --agent recon &&
	git stats attempt end 5 --agent recon --failed --cost 2 --duration-ms 2000 &&
	git stats attempt start 5 --agent recon &&
	git stats attempt end 5 --agent recon --success --cost 3 --duration-ms 3000 &&
	git stats attempt start 5 --agent report &&
	git stats attempt end 5 --agent report --success --cost 4 --duration-ms 1000 &&
	git stats attempt start 5 --agent exploit &&
	git stats attempt end 5 --agent exploit --failed --cost 5 --duration-ms 9000
'

test_expect_success 'show --json: phase durations, costs, percentages, issue totals' '
	cd repo &&
	git stats show 5 --json >../out &&
	grep -F "\"phases\":[{\"name\":\"recon\",\"duration_ms\":3000,\"duration_percentage\":75,\"cost_usd\":6,\"agent_count\":1,\"unknown_cost_attempts\":0},{\"name\":\"reporting\",\"duration_ms\":1000,\"duration_percentage\":25,\"cost_usd\":4,\"agent_count\":1,\"unknown_cost_attempts\":0},{\"name\":\"unassigned\",\"duration_ms\":0,\"duration_percentage\":0,\"cost_usd\":0,\"agent_count\":0,\"unknown_cost_attempts\":0}]" ../out &&
	grep -F "\"attempts_total_duration_ms\":4000,\"attempts_total_cost_usd\":10,\"attempts_successful_agents\":2" ../out &&
	grep -F "\"recon\":{\"name\":\"recon\",\"phase\":\"recon\",\"status\":\"success\",\"started_at\":null,\"final_duration_ms\":3000,\"total_cost_usd\":6," ../out &&
	grep -F "\"exploit\":{\"name\":\"exploit\",\"phase\":\"unassigned\",\"status\":\"failed\",\"started_at\":null,\"final_duration_ms\":0,\"total_cost_usd\":5," ../out &&
	grep -F "\"title\":\"Phases\"" ../out
'

test_expect_success 'phases follow the config at show time' '
	cd repo &&
	git config stats.phase.report recon &&
	git stats show 5 --json >../out &&
	grep -F "\"phases\":[{\"name\":\"recon\",\"duration_ms\":4000,\"duration_percentage\":100,\"cost_usd\":10,\"agent_count\":2,\"unknown_cost_attempts\":0}" ../out &&
	git config stats.phase.report reporting
'

test_expect_success 'show presents agents, attempts and phases readably' '
	cd repo &&
	git stats show 5 >../out &&
	grep "^Agents: 2 of 3 succeeded, \$10.00 over 4.0s (successful agents only)$" ../out &&
	grep "^recon  *recon  *success  *3  *3.0s  *\$6.00  *[0-9a-f]\{10\}$" ../out &&
	grep "^exploit  *unassigned  *failed  *1  *-  *\$5.00  *-$" ../out &&
	grep "^recon  *2  *failed  *2026-03-15T12:00:00Z  *2.0s  *\$2.00$" ../out &&
	grep "^recon  *1  *3.0s  *75.0%  *\$6.00$" ../out &&
	grep "^reporting  *1  *1.0s  *25.0%  *\$4.00$" ../out &&
	grep "^  agents  *(below)$" ../out
'

test_expect_success 'show marks a running attempt and unknown costs' '
	cd repo &&
	git stats attempt start 5 --agent lint &&
	git stats attempt end 5 --agent lint --failed --duration-ms 5 &&
	git stats attempt start 5 --agent lint &&
	git stats show 5 >../out &&
	grep "^lint  *unassigned  *in-progress  *1  *-  *\$0.00 + ?  *-$" ../out &&
	grep "^lint  *2  *running  *2026-03-15T12:00:00Z" ../out &&
	git stats show 5 --json >../out &&
	grep -F "\"lint\":{\"name\":\"lint\",\"phase\":\"unassigned\",\"status\":\"in-progress\",\"started_at\":\"2026-03-15T12:00:00Z\"" ../out &&
	grep -F "\"unknown_cost_attempts\":1" ../out
'

test_expect_success 'show without agents has no attempt sections' '
	cd repo &&
	printf -- "---\ntitle: Plain\n---\n" >issues/6.md &&
	git add issues/6.md && git commit -q -m plain &&
	git stats show 6 >../out &&
	! grep "^Agents" ../out &&
	git stats show 6 --json >../out &&
	! grep "phases" ../out
'

test_done
