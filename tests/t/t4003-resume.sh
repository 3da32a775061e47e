#!/bin/sh
# git stats resume (SPEC §4): records appended in order, terminated
# workflow ids, the checkpoint; --restore only on a clean work tree.
. "$(dirname "$0")/test-lib.sh"

ISSUE=issues/12.md

test_expect_success 'setup: an issue, a checkpointed agent, later work' '
	test_create_repo repo &&
	mkdir repo/issues &&
	printf -- "---\ntitle: Resume me\n---\nBody\n" >repo/$ISSUE &&
	(cd repo && git add issues && git commit -q -m "add issue" &&
	 echo "checkpointed" >app.txt && echo keep >keep.txt && git add app.txt keep.txt &&
	 git commit -q -m "agent work" &&
	 git stats attempt start 12 --agent recon &&
	 git stats attempt end 12 --agent recon --success --cost 1 --duration-ms 10 &&
	 git rev-parse HEAD^ >../checkpoint &&
	 echo "after the checkpoint" >app.txt && echo new >later.txt && git add app.txt later.txt &&
	 git commit -q -m "later work")
'

test_expect_success 'resume appends a record with the latest checkpoint by default' '
	cd repo &&
	cp=$(cat ../checkpoint) &&
	before=$(git rev-list --count HEAD) &&
	GIT_STATS_NOW=2026-03-15T13:00:00Z git stats resume 12 --workflow wf-2 --terminated wf-1 >../out &&
	grep "resume 1 of issue 12: workflow wf-2 replaces wf-1" ../out &&
	test $(git rev-list --count HEAD) = $((before + 1)) &&
	git log -1 --format=%s >../msg &&
	echo "stats(12): resume wf-2" >../expect && test_cmp ../expect ../msg &&
	git stats fm get $ISSUE resume_attempts >../got &&
	cat >../expect <<-EOT &&
	- workflow_id: wf-2
	  timestamp: 2026-03-15T13:00:00Z
	  terminated_previous:
	    - wf-1
	  resumed_from_checkpoint: $cp
	EOT
	sed "s/\"//g" ../got >../got.unquoted &&
	test_cmp ../expect ../got.unquoted
'

test_expect_success 'records stay in order; --checkpoint REV names the commit' '
	cd repo &&
	first=$(git rev-list --max-parents=0 HEAD) &&
	GIT_STATS_NOW=2026-03-15T14:00:00Z git stats resume 12 --workflow wf-3 --terminated wf-1,wf-2 \
		--checkpoint $first --json >../out &&
	grep "\"workflow_id\":\"wf-3\"" ../out &&
	grep "\"terminated_previous\":\[\"wf-1\",\"wf-2\"\]" ../out &&
	grep "\"resumed_from_checkpoint\":\"$first\"" ../out &&
	grep "\"resume_count\":2" ../out &&
	grep "\"restored\":false" ../out &&
	git stats fm get $ISSUE resume_attempts >../got &&
	grep -n "workflow_id" ../got >../ids &&
	cat >../expect <<-\EOT &&
	1:- workflow_id: wf-2
	6:- workflow_id: wf-3
	EOT
	test_cmp ../expect ../ids &&
	grep -A4 "wf-3" ../got | grep "^    - wf-2$" &&
	grep "^  timestamp: 2026-03-15T14:00:00Z$" ../got &&
	grep "^title: Resume me$" $ISSUE && grep "^Body$" $ISSUE
'

test_expect_success 'a bad checkpoint or missing workflow is refused, nothing changed' '
	cd repo &&
	git rev-parse HEAD >../before && cat $ISSUE >>../before &&
	test_expect_code 1 git stats resume 12 --workflow wf-4 --checkpoint nope 2>../err &&
	grep "unknown revision .nope." ../err &&
	test_expect_code 2 git stats resume 12 2>../err &&
	grep "missing --workflow" ../err &&
	test_expect_code 1 git stats resume 99 --workflow wf-4 2>../err &&
	git rev-parse HEAD >../after && cat $ISSUE >>../after &&
	test_cmp ../before ../after
'

test_expect_success 'resume --restore refuses a dirty work tree and lists the paths' '
	cd repo &&
	echo "local edit" >>keep.txt &&
	echo scratch >untracked.txt &&
	git rev-parse HEAD >../before && cat $ISSUE >>../before &&
	test_expect_code 1 git stats resume 12 --workflow wf-4 --restore 2>../err &&
	test_line_count = 1 ../err &&
	grep "work tree is not clean" ../err &&
	grep "keep.txt" ../err && grep "untracked.txt" ../err &&
	git rev-parse HEAD >../after && cat $ISSUE >>../after &&
	test_cmp ../before ../after &&
	grep "local edit" keep.txt && test -f untracked.txt &&
	git checkout -q keep.txt && rm untracked.txt
'

test_expect_success 'resume --restore puts the checkpoint files back, HEAD stays' '
	cd repo &&
	cp=$(cat ../checkpoint) &&
	branch=$(git symbolic-ref HEAD) &&
	git stats resume 12 --workflow wf-4 --checkpoint $cp --restore >../out &&
	grep "restored checkpoint $cp" ../out &&
	test "$(git symbolic-ref HEAD)" = "$branch" &&
	git log -1 --format=%s >../msg &&
	echo "stats(12): resume wf-4" >../expect && test_cmp ../expect ../msg &&
	echo checkpointed >../expect && test_cmp ../expect app.txt &&
	test ! -f later.txt &&
	echo keep >../expect && test_cmp ../expect keep.txt &&
	grep "workflow_id: wf-4" $ISSUE &&
	git diff --cached --name-status >../staged &&
	cat >../expect <<-\EOT &&
	M	app.txt
	D	later.txt
	EOT
	test_cmp ../expect ../staged &&
	git diff --name-only >../unstaged &&
	test ! -s ../unstaged
'

test_expect_success 'resume --restore without any checkpoint is refused' '
	test_create_repo fresh && cd fresh &&
	mkdir issues && printf -- "---\ntitle: x\n---\n" >issues/3.md &&
	git add issues && git commit -q -m issue &&
	git rev-parse HEAD >../before &&
	test_expect_code 1 git stats resume 3 --workflow w --restore 2>../err &&
	grep "nothing to restore" ../err &&
	git rev-parse HEAD >../after && test_cmp ../before ../after
'

test_done
