#!/bin/sh
# post-commit and post-rewrite: a commit that touches an issue or names it
# in an `Issue:` trailer during an attempt becomes that attempt's
# checkpoint when it ends with --success and no --checkpoint.
. "$(dirname "$0")/test-lib.sh"

if ! git stats attempt --help >/dev/null 2>&1; then
	test_skip 'checkpoint candidates' "'git stats attempt' is not available"
	test_done
fi

checkpoint() { git rev-parse "refs/stats/checkpoints/$1/$2"; }

test_expect_success 'a repository with two issues and git-stats installed' '
	test_create_repo repo &&
	(cd repo && git stats new "Parser drops comments" >/dev/null &&
	 git stats new "Flaky login test" >/dev/null && git stats install >/dev/null)
'

test_expect_success 'a commit with an Issue trailer during an attempt is the checkpoint' '
	(cd repo && git stats attempt start 1 --agent recon >/dev/null &&
	 echo fix >parser.c && git add parser.c &&
	 git commit -q -m "Handle comments in the parser" -m "Issue: 1" >out 2>err &&
	 test ! -s out && test ! -s err &&
	 git rev-parse HEAD >want &&
	 echo later >other.c && git add other.c && git commit -q -m "Unrelated work" &&
	 git stats attempt end 1 --agent recon --success >/dev/null &&
	 checkpoint 1 recon >got && test_cmp want got &&
	 git stats show 1 --json >show && grep "$(cat want)" show)
'

test_expect_success 'a commit that touches the issue file is the checkpoint' '
	(cd repo && git stats attempt start 2 --agent fixer >/dev/null &&
	 f=$(ls issues/2-*.md) && printf "\nNotes from the agent.\n" >>"$f" && git add "$f" &&
	 git commit -q -m "Notes on the login test" && git rev-parse HEAD >want &&
	 echo more >more.c && git add more.c && git commit -q -m "More unrelated work" &&
	 git stats attempt end 2 --agent fixer --success >/dev/null &&
	 checkpoint 2 fixer >got && test_cmp want got)
'

test_expect_success 'trailers naming other issues do not count; HEAD is the fallback' '
	(cd repo && git stats attempt start 1 --agent again >/dev/null &&
	 echo x >x.c && git add x.c && git commit -q -m "Other issue" -m "Issue: 2" &&
	 git rev-parse HEAD >want &&
	 git stats attempt end 1 --agent again --success >/dev/null &&
	 checkpoint 1 again >got && test_cmp want got)
'

test_expect_success 'trailer ids match as issue ids do (case, leading zeros, #, lists)' '
	(cd repo && git stats attempt start 2 --agent lists >/dev/null &&
	 echo y >y.c && git add y.c && git commit -q -m "Both" -m "Issue: #7, 002" &&
	 git rev-parse HEAD >want && echo z >z.c && git add z.c && git commit -q -m "after" &&
	 git stats attempt end 2 --agent lists --success >/dev/null &&
	 checkpoint 2 lists >got && test_cmp want got)
'

test_expect_success 'an explicit --checkpoint wins over the captured commit' '
	(cd repo && git stats attempt start 1 --agent explicit >/dev/null &&
	 echo a >a.c && git add a.c && git commit -q -m "captured" -m "Issue: 1" &&
	 git rev-parse HEAD~1 >want &&
	 git stats attempt end 1 --agent explicit --success --checkpoint HEAD~1 >/dev/null &&
	 checkpoint 1 explicit >got && test_cmp want got)
'

test_expect_success 'after a rebase the checkpoint is the rewritten commit' '
	(cd repo && git checkout -q -b topic &&
	 git stats attempt start 1 --agent rebased >/dev/null &&
	 echo r >r.c && git add r.c && git commit -q -m "on topic" -m "Issue: 1" &&
	 old=$(git rev-parse HEAD) &&
	 git checkout -q main && echo m >m.c && git add m.c && git commit -q -m "main moves" &&
	 git checkout -q topic && git rebase -q main >/dev/null 2>&1 &&
	 new=$(git log --format=%H --grep="on topic" -1) && test "$old" != "$new" &&
	 echo n >n.c && git add n.c && git commit -q -m "after rebase" &&
	 git stats attempt end 1 --agent rebased --success >/dev/null &&
	 test "$(checkpoint 1 rebased)" = "$new")
'

test_expect_success 'after an amend the checkpoint is the amended commit' '
	(cd repo && git stats attempt start 2 --agent amended >/dev/null &&
	 echo q >q.c && git add q.c && git commit -q -m "first try" -m "Issue: 2" &&
	 git commit -q --amend -m "second try" -m "Issue: 2" && git rev-parse HEAD >want &&
	 echo w >w.c && git add w.c && git commit -q -m "unrelated" &&
	 git stats attempt end 2 --agent amended --success >/dev/null &&
	 checkpoint 2 amended >got && test_cmp want got)
'

test_expect_success 'post-rewrite moves a candidate even when post-commit did not see the new commit' '
	(cd repo && git stats attempt start 1 --agent remap >/dev/null &&
	 echo p >p.c && git add p.c && git commit -q -m "candidate" -m "Issue: 1" &&
	 old=$(git rev-parse HEAD) &&
	 new=$(git commit-tree -p HEAD~1 -m "rewritten by a tool" HEAD^{tree}) &&
	 printf "%s %s\n" "$old" "$new" | sh .git/hooks/post-rewrite rebase &&
	 git reset -q --soft "$new" && # the tool moves the branch, as a rebase does
	 git stats attempt end 1 --agent remap --success >/dev/null &&
	 test "$(checkpoint 1 remap)" = "$new")
'

test_expect_success 'a candidate a rebase dropped is not the checkpoint' '
	(cd repo && git stats attempt start 1 --agent dropper >/dev/null &&
	 echo good >d.c && git add d.c && git commit -q -m "good" -m "Issue: 1" &&
	 good=$(git rev-parse HEAD) &&
	 echo bad >d.c && git commit -q -am "bad" -m "Issue: 1" &&
	 GIT_SEQUENCE_EDITOR="sed -i 2s/^pick/drop/" git rebase -q -i HEAD~2 &&
	 test "$(git rev-parse HEAD)" = "$good" &&
	 git stats attempt end 1 --agent dropper --success --json >out &&
	 grep "\"checkpoint_source\":\"HEAD\"" out &&
	 test "$(checkpoint 1 dropper)" = "$good")
'

test_expect_success 'with no attempt running the post-commit program is not started' '
	(cd repo && unset GIT_STATS_HOOK_TRACE &&
	 { test ! -d .git/stats/attempts || test -z "$(ls .git/stats/attempts)"; } &&
	 if command -v strace >/dev/null 2>&1; then
		strace -f -e trace=execve -o trace git commit -q --allow-empty -m quiet &&
		grep -q "hooks/post-commit" trace && ! grep -q "git-stats-hook-post-commit" trace
	 fi)
'

test_expect_success 'linked worktrees: a dedicated ref, hooks installed, a worktree on wtb' '
	test_create_repo wtrepo &&
	(cd wtrepo && git stats init --ref issues >/dev/null && git stats new "Shared" >/dev/null &&
	 git stats install >/dev/null && git worktree add -q ../wt -b wtb)
'

test_expect_success 'started and committed in a linked worktree, ended from the main checkout' '
	(cd wt && git stats attempt start 1 --agent w >/dev/null &&
	 echo y >y && git add y && git commit -q -m y -m "Issue: 1" && git rev-parse HEAD >../want) &&
	(cd wtrepo && git stats attempt end 1 --agent w --success --cost 1 --json >out &&
	 grep "\"checkpoint_source\":\"post-commit\"" out &&
	 grep "\"checkpoint\":\"$(cat ../want)\"" out &&
	 checkpoint 1 w >got && test_cmp ../want got &&
	 test ! -e ../wt/.git/stats && test ! -d .git/worktrees/wt/stats)
'

test_expect_success 'started in the main checkout, committed and ended in a linked worktree' '
	(cd wtrepo && git stats attempt start 1 --agent m >/dev/null) &&
	(cd wt && echo z >z && git add z && git commit -q -m z -m "Issue: 1" &&
	 git rev-parse HEAD >../want && echo u >u && git add u && git commit -q -m unrelated &&
	 git stats attempt end 1 --agent m --success --json >out &&
	 grep "\"checkpoint_source\":\"post-commit\"" out &&
	 checkpoint 1 m >got && test_cmp ../want got)
'

test_expect_success 'an amend in a linked worktree moves a candidate taken there' '
	(cd wtrepo && git stats attempt start 1 --agent a >/dev/null) &&
	(cd wt && echo q >q && git add q && git commit -q -m first -m "Issue: 1" &&
	 git commit -q --amend -m second -m "Issue: 1" && git rev-parse HEAD >../want) &&
	(cd wtrepo && git stats attempt end 1 --agent a --success >/dev/null &&
	 checkpoint 1 a >got && test_cmp ../want got)
'

test_expect_success 'in a linked worktree with no attempt running the program is not started' '
	(cd wt && unset GIT_STATS_HOOK_TRACE &&
	 { test ! -d ../wtrepo/.git/stats/attempts || test -z "$(ls ../wtrepo/.git/stats/attempts)"; } &&
	 if command -v strace >/dev/null 2>&1; then
		strace -f -e trace=execve -o ../trace git commit -q --allow-empty -m quiet &&
		grep -q "hooks/post-commit" ../trace && ! grep -q "git-stats-hook-post-commit" ../trace
	 fi)
'

test_done
