#!/bin/sh
# Checkpoints (SPEC §4): REV resolves to a full commit id, kept reachable
# under refs/stats/checkpoints/<issue>/<agent> through reset and gc.
. "$(dirname "$0")/test-lib.sh"

ISSUE=issues/BACK-7.md

test_expect_success 'setup: an issue and some work' '
	test_create_repo repo &&
	mkdir repo/issues &&
	printf -- "---\ntitle: Checkpoints\n---\n" >repo/$ISSUE &&
	(cd repo && git add issues && git commit -q -m "add issue" &&
	 echo one >work.txt && git add work.txt && git commit -q -m "work one" &&
	 git tag -a -m "an annotated tag" v1 &&
	 echo two >work.txt && git commit -q -a -m "work two")
'

test_expect_success '--checkpoint REV is stored as the full commit id and kept under a ref' '
	cd repo &&
	want=$(git rev-parse v1^{commit}) &&
	git stats attempt start back-7 --agent recon &&
	git stats attempt end back-7 --agent recon --success --checkpoint v1 >out &&
	grep "checkpoint $want (option) kept as refs/stats/checkpoints/BACK-7/recon" out &&
	test "$(git rev-parse refs/stats/checkpoints/BACK-7/recon)" = "$want" &&
	git stats fm get $ISSUE agents >agents &&
	grep "^  checkpoint: \"*$want\"*$" agents &&
	grep "^      checkpoint: \"*$want\"*$" agents
'

test_expect_success 'without --checkpoint a success uses HEAD as it was at the end' '
	cd repo &&
	git stats attempt start back-7 --agent report &&
	echo three >work.txt && git commit -q -a -m "work three" &&
	head=$(git rev-parse HEAD) &&
	git stats attempt end back-7 --agent report --success --json >out &&
	grep "\"checkpoint_source\":\"HEAD\"" out &&
	grep "\"checkpoint\":\"$head\"" out &&
	test "$(git rev-parse refs/stats/checkpoints/BACK-7/report)" = "$head" &&
	test "$(git rev-parse HEAD^)" = "$head"
'

test_expect_success 'a later success moves the agent ref to the new checkpoint' '
	cd repo &&
	two=$(git log --format=%H --grep="^work two$") &&
	test -n "$two" &&
	git stats attempt start back-7 --agent recon &&
	git stats attempt end back-7 --agent recon --success --checkpoint $two &&
	test "$(git rev-parse refs/stats/checkpoints/BACK-7/recon)" = "$two"
'

test_expect_success 'checkpoint refs keep their commits through reset --hard and gc' '
	cd repo &&
	recon=$(git rev-parse refs/stats/checkpoints/BACK-7/recon) &&
	report=$(git rev-parse refs/stats/checkpoints/BACK-7/report) &&
	echo doomed >work.txt && git commit -q -a -m "unprotected" &&
	doomed=$(git rev-parse HEAD) &&
	git reset -q --hard $(git rev-list --max-parents=0 HEAD) &&
	git tag -d v1 >/dev/null &&
	git reflog expire --expire=now --all &&
	git gc -q --prune=now &&
	test_must_fail git cat-file -e $doomed &&
	test "$(git cat-file -t $recon)" = commit &&
	test "$(git cat-file -t $report)" = commit &&
	git cat-file -p $report:work.txt >content &&
	echo three >expect &&
	test_cmp expect content
'

test_expect_success 'an unborn HEAD has no checkpoint: clear error' '
	git init -q unborn && cd unborn &&
	blob=$(printf -- "---\ntitle: x\n---\n" | git hash-object -w --stdin) &&
	sub=$(printf "100644 blob $blob\t1.md\n" | git mktree) &&
	root=$(printf "040000 tree $sub\tissues\n" | git mktree) &&
	git update-ref refs/heads/issues $(git commit-tree -m issues $root) &&
	git stats attempt start 1 --agent a --ref issues &&
	test_expect_code 1 git stats attempt end 1 --agent a --success --ref issues 2>err &&
	grep "HEAD has no commit yet" err
'

test_done
