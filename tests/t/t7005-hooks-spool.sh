#!/bin/sh
# The hooks flush the spool: post-commit only to a dedicated ref (it never
# puts a commit on the branch just committed to), post-merge always.
. "$(dirname "$0")/test-lib.sh"

# spool_one <ref-to-lock> <run-id>: a record that cannot be committed now.
spool_one() {
	touch ".git/$1.lock" &&
	git stats record 1 --input-tokens 5 --output-tokens 1 --model claude-sonnet-4-5 \
		--best-effort --run-id "$2" >/dev/null 2>&1 &&
	rm ".git/$1.lock" &&
	test -f ".git/stats/spool/$2.json"
}

test_expect_success 'post-commit flushes the spool to a dedicated ref, silently' '
	test_create_repo dedicated &&
	(cd dedicated && git config stats.ref refs/heads/issues &&
	 git stats new "Spooled run" >/dev/null && git stats install >/dev/null &&
	 spool_one refs/heads/issues sp1 &&
	 git commit -q --allow-empty -m "user work" >out 2>err &&
	 test ! -s out && test ! -s err &&
	 test ! -e .git/stats/spool/sp1.json &&
	 git log --format=%s -1 issues >msg && grep "^stats(1): record run sp1$" msg &&
	 git log --format=%s -1 main >msg && grep "^user work$" msg &&
	 git stats doctor >out && grep "^spool: OK (empty)" out)
'

test_expect_success 'post-commit leaves the spool alone when the target is the branch' '
	test_create_repo onhead &&
	(cd onhead && git stats new "Spooled run" >/dev/null && git stats install >/dev/null &&
	 spool_one refs/heads/main sp2 &&
	 git commit -q --allow-empty -m "user work" 2>err && test ! -s err &&
	 test -f .git/stats/spool/sp2.json &&
	 git log --format=%s -1 >msg && grep "^user work$" msg &&
	 test_expect_code 1 git stats doctor >out &&
	 grep "^spool: FAIL: 1 record waiting .*run .git stats flush.$" out)
'

test_expect_success 'after a true merge post-merge says the records wait' '
	(cd onhead && git checkout -q -b side && git commit -q --allow-empty -m side &&
	 git checkout -q main && git commit -q --allow-empty -m main &&
	 git merge -q --no-edit side 2>err &&
	 grep "^git-stats: post-merge: 1 spooled record waits until git has finished the merge; run .git stats flush.$" err &&
	 test_line_count = 1 err && test -f .git/stats/spool/sp2.json)
'

test_expect_success 'a fast-forward merge flushes it' '
	(cd onhead && git checkout -q -b ahead && git commit -q --allow-empty -m ahead &&
	 git checkout -q main && git merge -q --ff-only ahead 2>err && test ! -s err &&
	 test ! -e .git/stats/spool/sp2.json &&
	 git log --format=%s -1 >msg && grep "^stats(1): record run sp2$" msg &&
	 test "$(git stats fm get issues/1-spooled-run.md run_count)" = 1 &&
	 git status --porcelain --untracked-files=no >st && test_line_count = 0 st)
'

test_expect_success 'post-merge flushes to a dedicated ref after a true merge' '
	(cd dedicated && touch .git/refs/heads/issues.lock &&
	 git stats record 1 --input-tokens 5 --output-tokens 1 --model claude-sonnet-4-5 \
		--best-effort --run-id sp3 >/dev/null 2>&1 &&
	 git checkout -q -b side && git commit -q --allow-empty -m side 2>/dev/null &&
	 git checkout -q main && git commit -q --allow-empty -m main 2>/dev/null &&
	 rm .git/refs/heads/issues.lock && test -f .git/stats/spool/sp3.json &&
	 git merge -q --no-edit side 2>err && test ! -s err &&
	 test ! -e .git/stats/spool/sp3.json &&
	 git log --format=%s -1 issues >msg && grep "^stats(1): record run sp3$" msg)
'

test_done
