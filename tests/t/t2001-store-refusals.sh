#!/bin/sh
# Bad input and forbidden states: clear one-line errors, and nothing
# changes (ref, index, work tree) on any error.
. "$(dirname "$0")/test-lib.sh"

# snapshot: ref, index and work tree of repo/ into $1
snapshot() {
	(cd repo && git rev-parse HEAD && git ls-files -s && git status --porcelain &&
	 cat issues/*.md && ls -a issues .git) >"$1"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(cd repo && git stats init && git stats new "One" && git stats new "Two" &&
	 git stats new --id 12 "Twelve" && git stats new --id 012-b "Not twelve" &&
	 printf -- "---\nid: 40\ntitle: renamed\n---\nbody\n" >issues/99-named-99.md &&
	 git add issues && git commit -q -m "issue whose id differs from its name")
'

test_expect_success 'ids that look like paths are rejected before anything is read' '
	snapshot before &&
	for id in ../x ../../etc/passwd /etc/passwd issues/1 "a\\b" . .. ""; do
		test_expect_code 2 git -C repo stats set "$id" k=v 2>err || exit 1
		test_line_count = 1 err || exit 1
		grep "^git-stats: .*id" err || exit 1
	done &&
	test_expect_code 2 git -C repo stats set "$(printf "1\\001")" k=v 2>err &&
	grep "control character" err &&
	test_expect_code 2 git -C repo stats show ../1 2>err &&
	snapshot after && test_cmp before after
'

test_expect_success 'an unknown id is an error that lists ids' '
	snapshot before &&
	test_expect_code 1 git -C repo stats set 77 k=v 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: issue .77. not found in .issues/.; ids there: " err &&
	test_expect_code 1 git -C repo stats show 77 2>err &&
	snapshot after && test_cmp before after
'

test_expect_success 'the frontmatter id wins over the file name' '
	git -C repo stats show 40 >out && grep "issues/99-named-99.md" out &&
	test_expect_code 1 git -C repo stats show 99 2>err && grep "not found" err
'

test_expect_success 'an ambiguous id is an error listing the candidates' '
	(cd repo && cp issues/1-one.md issues/01-one-again.md && git add issues &&
	 git commit -q -m dup) &&
	snapshot before &&
	test_expect_code 1 git -C repo stats set 1 k=v 2>err &&
	test_line_count = 1 err &&
	grep "ambiguous" err && grep "issues/1-one.md" err && grep "issues/01-one-again.md" err &&
	snapshot after && test_cmp before after &&
	(cd repo && git rm -q issues/01-one-again.md && git commit -q -m undup)
'

test_expect_success 'usage errors exit 2 with one line' '
	test_expect_code 2 git -C repo stats set 2>err && test_line_count -ge 1 err &&
	test_expect_code 2 git -C repo stats set 1 2>err && grep "nothing to set" err &&
	test_expect_code 2 git -C repo stats set 1 novalue 2>err && grep "KEY=VALUE" err &&
	test_expect_code 2 git -C repo stats set 1 "bad key=1" 2>err && grep "invalid key" err &&
	test_expect_code 2 git -C repo stats set --ref 2>err &&
	test_expect_code 2 git -C repo stats set --ref "bad..ref" 1 k=v 2>err && grep "ref" err &&
	test_expect_code 2 git -C repo stats show 2>err &&
	test_expect_code 2 git -C repo stats new 2>err &&
	test_expect_code 2 git -C repo stats new --id ../x "T" 2>err &&
	test_expect_code 2 git -C repo stats list --bogus 2>err
'

test_expect_success 'a file whose frontmatter does not parse is left untouched' '
	(cd repo && printf -- "---\ntitle: [unclosed\n---\nbody\n" >issues/5-broken.md &&
	 git add issues && git commit -q -m broken) &&
	snapshot before &&
	test_expect_code 1 git -C repo stats set 5 k=v 2>err &&
	test_line_count = 1 err && grep "issues/5-broken.md" err &&
	snapshot after && test_cmp before after
'

test_expect_success 'a broken work-tree copy aborts the update: nothing changes' '
	(cd repo && printf -- "---\ntitle: [oops\n---\n" >issues/2-two.md) &&
	snapshot before &&
	test_expect_code 1 git -C repo stats set 2 k=v 2>err &&
	grep "work-tree copy" err &&
	snapshot after && test_cmp before after &&
	git -C repo checkout -- issues/2-two.md
'

test_expect_success 'refused while a merge is in progress' '
	(cd repo &&
	 git checkout -q -b side && echo side >f.txt && git add f.txt && git commit -q -m side &&
	 git checkout -q main && echo main >f.txt && git add f.txt && git commit -q -m main &&
	 test_must_fail git merge -q side >/dev/null 2>&1 &&
	 test -f .git/MERGE_HEAD) &&
	snapshot before &&
	test_expect_code 1 git -C repo stats set 1 k=v 2>err &&
	test_line_count = 1 err &&
	grep "merge is in progress" err && grep "git merge --abort" err &&
	snapshot after && test_cmp before after &&
	git -C repo merge --abort
'

test_expect_success 'refused while a cherry-pick is in progress; --ref elsewhere works' '
	(cd repo && test_must_fail git cherry-pick side >/dev/null 2>&1 &&
	 test -f .git/CHERRY_PICK_HEAD) &&
	test_expect_code 1 git -C repo stats set 1 k=v 2>err &&
	grep "cherry-pick is in progress" err &&
	git -C repo stats new --ref refs/heads/elsewhere "During the pick" &&
	git -C repo show elsewhere:issues/1-during-the-pick.md >/dev/null &&
	git -C repo cherry-pick --abort
'

test_expect_success 'detached HEAD is an error unless --ref is given' '
	(cd repo && git checkout -q --detach HEAD) &&
	snapshot before &&
	test_expect_code 1 git -C repo stats set 1 k=v 2>err &&
	grep "HEAD is detached" err && grep -- "--ref" err &&
	snapshot after && test_cmp before after &&
	git -C repo stats init --ref refs/heads/tracker &&
	git -C repo stats new "On the tracker" &&
	git -C repo log --format=%s refs/heads/tracker >log && grep "stats(1): new" log &&
	git -C repo config --unset stats.ref &&
	git -C repo checkout -q main
'

test_expect_success 'a held index.lock makes the update fail with a clear message' '
	snapshot before &&
	touch repo/.git/index.lock &&
	test_expect_code 1 git -C repo stats set 1 k=v 2>err &&
	rm repo/.git/index.lock &&
	test_line_count = 1 err && grep "index.lock" err &&
	snapshot after && test_cmp before after
'

test_expect_success 'a lock left on the ref names the lock file' '
	snapshot before &&
	touch repo/.git/refs/heads/main.lock &&
	test_expect_code 1 git -C repo stats set 1 k=v 2>err &&
	rm repo/.git/refs/heads/main.lock &&
	test_line_count = 1 err &&
	grep "cannot lock .refs/heads/main.: .*/\.git/refs/heads/main\.lock. exists" err &&
	snapshot after && test_cmp before after
'

test_expect_success 'a branch checked out in another worktree is refused, both ways' '
	test_create_repo wt-main &&
	(cd wt-main && git stats init && git stats new "Alpha" &&
	 git worktree add -q ../wt-feat -b feat) &&
	wt_main=$(cd wt-main && pwd) && wt_feat=$(cd wt-feat && pwd) &&
	main_tip=$(git -C wt-main rev-parse main) && feat_tip=$(git -C wt-main rev-parse feat) &&
	test_expect_code 1 git -C wt-feat stats set --ref main 1 state=closed 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: cannot update .refs/heads/main.: it is checked out in worktree .$wt_main.; run git stats there, or use a dedicated ref (stats.ref)$" err &&
	test_expect_code 1 git -C wt-main stats set --ref feat 1 state=closed 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: cannot update .refs/heads/feat.: it is checked out in worktree .$wt_feat.;" err &&
	test "$(git -C wt-main rev-parse main)" = "$main_tip" &&
	test "$(git -C wt-main rev-parse feat)" = "$feat_tip" &&
	test -z "$(git -C wt-main status --porcelain)" &&
	test -z "$(git -C wt-feat status --porcelain)" &&
	cp wt-main/.git/config config.before &&
	test_expect_code 1 git -C wt-main stats init --ref feat 2>err &&
	grep "checked out in worktree .$wt_feat.;" err &&
	test_cmp config.before wt-main/.git/config
'

test_expect_success 'a branch being rebased or bisected, here or in another worktree, is refused' '
	(cd wt-feat && echo x >x && git add x && git commit -q -m x &&
	 GIT_SEQUENCE_EDITOR="sed -i s/^pick/edit/" git rebase -q -i HEAD~1) &&
	feat_tip=$(git -C wt-main rev-parse feat) && wt_feat=$(cd wt-feat && pwd) &&
	test_expect_code 1 git -C wt-main stats set --ref feat 1 owner=bob 2>err &&
	test_line_count = 1 err && grep "checked out in worktree .$wt_feat.;" err &&
	test_expect_code 1 git -C wt-feat stats set --ref feat 1 owner=bob 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: cannot update .refs/heads/feat.: a rebase or bisect of it is in progress in this worktree" err &&
	test "$(git -C wt-main rev-parse feat)" = "$feat_tip" &&
	git -C wt-feat rebase --abort &&
	git -C wt-feat bisect start HEAD HEAD~1 >/dev/null &&
	test_expect_code 1 git -C wt-main stats set --ref feat 1 owner=bob 2>err &&
	grep "checked out in worktree .$wt_feat.;" err &&
	git -C wt-feat bisect reset >/dev/null 2>&1 &&
	test "$(git -C wt-main rev-parse feat)" = "$feat_tip"
'

test_expect_success 'each worktree updates its own branch; index and files follow' '
	(cd wt-main && git worktree add -q ../wt-b -b wtb) &&
	(cd wt-b && git stats set 1 k=v >/dev/null &&
	 test "$(git log -1 --format=%s wtb)" = "stats(1): set k" &&
	 test -z "$(git status --porcelain)" && grep "^k: v$" issues/1-alpha.md) &&
	(cd wt-main && git stats set 1 state=doing >/dev/null &&
	 test "$(git log -1 --format=%s main)" = "stats(1): set state" &&
	 test -z "$(git status --porcelain)" && ! grep "^k: v$" issues/1-alpha.md) &&
	test -z "$(git -C wt-b status --porcelain)" && test -z "$(git -C wt-feat status --porcelain)"
'

test_expect_success 'a worktree whose directory is gone does not hold its branch' '
	git -C wt-main worktree add -q ../wt-gone -b gone &&
	rm -rf wt-gone &&
	git -C wt-main stats set --ref gone 1 k=gone >/dev/null &&
	git -C wt-main show gone:issues/1-alpha.md >f && grep "^k: gone$" f &&
	git -C wt-main worktree prune
'

test_expect_success 'from a bare repository, a branch checked out in a worktree is refused' '
	git clone -q --bare wt-main wt-bare.git &&
	git -C wt-bare.git worktree add -q ../wt-of-bare main &&
	tip=$(git -C wt-bare.git rev-parse main) &&
	test_expect_code 1 git -C wt-bare.git stats set --ref main 1 k=bare 2>err &&
	grep "it is checked out in worktree .*/wt-of-bare.;" err &&
	test "$(git -C wt-bare.git rev-parse main)" = "$tip" &&
	git -C wt-of-bare stats set --ref feat 1 k=feat >/dev/null &&
	(cd wt-of-bare && git stats set 1 k=here >/dev/null && test -z "$(git status --porcelain)")
'

test_done
