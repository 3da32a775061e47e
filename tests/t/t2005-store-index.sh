#!/bin/sh
# The index after an update on the checked-out branch: every index
# version, the cache-tree (a stale one would make the next `git commit`
# revert the update), and ordinary git work right after.
. "$(dirname "$0")/test-lib.sh"

for v in 2 3 4; do
	test_expect_success "index version $v: status clean, next git commit keeps the update" "
		test_create_repo repo$v &&
		(cd repo$v &&
		 git update-index --index-version $v &&
		 git stats init && git stats new 'Index test' >/dev/null &&
		 mkdir -p src && echo a >src/a.c && git add src && git commit -q -m code &&
		 git write-tree >/dev/null &&
		 git stats set 1 state=closed &&
		 ver=\$(od -An -tu1 -j7 -N1 .git/index | tr -d ' ') &&
		 # version 3 is written as 2 when no entry needs extended flags, as git does
		 { test \$ver = $v || test \$ver\$v = 23; } &&
		 test -z \"\$(git status --porcelain)\" &&
		 git diff-index --cached --exit-code HEAD &&
		 test \"\$(git write-tree)\" = \"\$(git rev-parse HEAD^{tree})\" &&
		 echo b >src/a.c && git commit -q -a -m more &&
		 git show HEAD:issues/1-index-test.md | grep '^state: closed\$' &&
		 git diff --name-only HEAD~1 HEAD >../changed &&
		 echo src/a.c >../expect && test_cmp ../expect ../changed &&
		 git fsck --strict)
	"
done

# `git commit` reads the index before taking index.lock and writes it back;
# an update landing in between leaves the index with the file as it was
# before (the commit itself fails: HEAD moved). The next update must not
# take that stale copy for a staged edit, or the next commit reverts.
test_expect_success 'a stale staged copy, as a racing git commit leaves it, takes the update' '
	test_create_repo stale &&
	(cd stale && git stats init && git stats new "Stale" >/dev/null &&
	 git stats set 1 a=1 >/dev/null &&
	 git update-index --cacheinfo "100644,$(git rev-parse HEAD~1:issues/1-stale.md),issues/1-stale.md" &&
	 ! git diff-index --cached --quiet HEAD &&
	 git stats set 1 b=2 >/dev/null &&
	 git diff-index --cached --exit-code HEAD &&
	 test -z "$(git status --porcelain)" &&
	 git show HEAD:issues/1-stale.md >f && grep "^a: 1\$" f && grep "^b: 2\$" f)
'

test_expect_success 'a staged edit of an older version stays staged and gets the update' '
	(cd stale &&
	 git show HEAD:issues/1-stale.md | sed "s/^# Stale/# Stale, edited/" >issues/1-stale.md &&
	 git add issues/1-stale.md &&
	 git stats set 1 c=3 >/dev/null &&
	 git show :issues/1-stale.md >staged && grep "^# Stale, edited" staged && grep "^c: 3\$" staged &&
	 git show HEAD:issues/1-stale.md >head && ! grep "edited" head && grep "^c: 3\$" head)
'

test_expect_success 'a new issue is staged; git commit afterwards keeps it' '
	(cd repo2 && git stats new "Second" >/dev/null &&
	 git ls-files -s issues/2-second.md | grep "^100644 $(git rev-parse HEAD:issues/2-second.md) 0" &&
	 test -z "$(git status --porcelain)" &&
	 echo c >src/a.c && git commit -q -a -m again &&
	 git cat-file -e HEAD:issues/2-second.md)
'

test_expect_success 'other staged work survives an update and is committed by git later' '
	(cd repo3 && echo staged >src/b.c && git add src/b.c &&
	 git stats set 1 owner=carol &&
	 git diff --cached --name-only >../staged && echo src/b.c >../expect && test_cmp ../expect ../staged &&
	 git commit -q -m "b" &&
	 git show HEAD:issues/1-index-test.md | grep "^owner: carol$" &&
	 git show --name-only --format= HEAD >../files && echo src/b.c >../expect && test_cmp ../expect ../files)
'

test_expect_success 'an executable issue file keeps its mode' '
	(cd repo4 && chmod +x issues/1-index-test.md && git add issues && git commit -q -m x &&
	 git stats set 1 mode=kept &&
	 git ls-files -s issues/1-index-test.md | grep "^100755" &&
	 git ls-tree HEAD issues/1-index-test.md | grep "^100755" &&
	 test -x issues/1-index-test.md && test -z "$(git status --porcelain)")
'

test_done
