#!/bin/sh
# Agents of one issue run in parallel: every start and end goes through
# the atomic store, so none is lost and each command is one commit.
. "$(dirname "$0")/test-lib.sh"

N=6

test_expect_success 'setup' '
	test_create_repo repo &&
	mkdir repo/issues &&
	printf -- "---\ntitle: Parallel\n---\n" >repo/issues/1.md &&
	(cd repo && git add issues && git commit -q -m "add issue" && git tag base)
'

test_expect_success "$N agents start and end at the same time" '
	cd repo &&
	before=$(git rev-list --count HEAD) &&
	i=1 && while [ $i -le $N ]; do
		( git stats attempt start 1 --agent agent-$i >/dev/null &&
		  git stats attempt end 1 --agent agent-$i --success --cost $i --duration-ms ${i}000 \
			--checkpoint base >/dev/null || echo "agent-$i failed" >>../failures ) &
		i=$((i + 1))
	done &&
	wait &&
	test ! -f ../failures &&
	test $(git rev-list --count HEAD) = $((before + 2 * N)) &&
	git stats fm get issues/1.md agents >../agents &&
	test $(grep -c "^  status: success$" ../agents) = $N &&
	git stats show 1 --json >../out &&
	grep -F "\"attempts_total_duration_ms\":21000,\"attempts_total_cost_usd\":21,\"attempts_successful_agents\":6" ../out &&
	test $(git for-each-ref refs/stats/checkpoints/1/ | wc -l) = $N &&
	test -z "$(git status --porcelain)"
'

test_done
