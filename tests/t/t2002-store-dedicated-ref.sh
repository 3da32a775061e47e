#!/bin/sh
# A dedicated ref (stats.ref / --ref): no work tree involved, created as
# an orphan commit on first use, and it works in a bare repository.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'init --ref creates the ref as an orphan commit and sets stats.ref' '
	test_create_repo repo &&
	(cd repo && git stats init --ref issues >out &&
	 grep "refs/heads/issues" out &&
	 test "$(git config stats.ref)" = refs/heads/issues &&
	 test "$(git rev-list --count refs/heads/issues)" = 1 &&
	 test -z "$(git log --format=%P -1 refs/heads/issues)" &&
	 git ls-tree -r --name-only refs/heads/issues >files &&
	 echo issues/.gitkeep >expect && test_cmp expect files &&
	 git stats init --ref issues && test "$(git rev-list --count refs/heads/issues)" = 1)
'

test_expect_success 'updates go to the dedicated ref; HEAD, index and work tree stay' '
	(cd repo &&
	 head=$(git rev-parse HEAD) &&
	 git stats new "On the side" && git stats set 1 state=doing &&
	 test "$(git rev-parse HEAD)" = "$head" &&
	 test ! -e issues && test -z "$(git status --porcelain -uno)" &&
	 git show issues:issues/1-on-the-side.md >f && grep "^state: doing$" f &&
	 git log --format=%s issues >log &&
	 printf "%s\n" "stats(1): set state" "stats(1): new" "stats: init" >expect &&
	 test_cmp expect log &&
	 git stats show 1 >out && grep "state  *doing" out &&
	 git stats list >out && grep "On the side" out)
'

test_expect_success '--ref overrides stats.ref; a ref that does not exist is created by new' '
	(cd repo &&
	 git stats new --ref refs/heads/other "Elsewhere" &&
	 test "$(git rev-list --count other)" = 1 &&
	 git show other:issues/1-elsewhere.md >/dev/null &&
	 test_expect_code 1 git stats show --ref other 2 2>err && grep "not found" err)
'

test_expect_success 'reading commands: a named ref that does not exist is an error' '
	(cd repo && git for-each-ref >refs.before &&
	 for c in list "list --json" usage verify "show 1" pricing; do
		test_expect_code 1 git stats $c --ref nope >out 2>err || exit 1
		test_line_count = 1 err || exit 1
		grep "^git-stats: --ref: ref .refs/heads/nope. not found$" err || exit 1
		test_line_count = 0 out || exit 1
	 done &&
	 git config stats.ref nope &&
	 test_expect_code 1 git stats list 2>err &&
	 grep "^git-stats: stats.ref: ref .refs/heads/nope. not found$" err &&
	 git config stats.ref refs/heads/issues &&
	 git for-each-ref >refs.after && test_cmp refs.before refs.after)
'

test_expect_success 'reading commands on an unborn current branch show nothing, exit 0' '
	test_create_repo fresh &&
	(cd fresh && git stats init && git stats list >out && grep "^total" out &&
	 git stats usage && git stats verify && git stats list --json)
'

test_expect_success 'HEAD, invalid names and tags are refused as the target ref' '
	(cd repo && git tag v1 main && git for-each-ref >refs.before &&
	 test_expect_code 2 git stats init --ref HEAD 2>err && test_line_count = 1 err &&
	 grep "^git-stats: --ref: .HEAD. is not a valid branch name (see .git stats init -h.)$" err &&
	 for r in HEAD refs/heads/HEAD -x "a..b" refs/heads/x/ refs/tags/v1 v1/../x; do
		test_expect_code 2 git stats set --ref "$r" 1 a=1 2>err || exit 1
		test_line_count = 1 err || exit 1
		grep "^git-stats: --ref: " err || exit 1
	 done &&
	 test_expect_code 2 git stats set --ref refs/tags/v1 1 a=1 2>err &&
	 grep "is a tag" err &&
	 git config stats.ref refs/tags/v1 &&
	 test_expect_code 2 git stats set 1 a=1 2>err && test_line_count = 1 err &&
	 grep "^git-stats: stats.ref: .refs/tags/v1. is a tag" err &&
	 git config stats.ref HEAD &&
	 test_expect_code 2 git stats show 1 2>err && grep "^git-stats: stats.ref: .HEAD." err &&
	 git config stats.ref refs/heads/issues &&
	 git for-each-ref >refs.after && test_cmp refs.before refs.after &&
	 git stats new --ref refs/stats/x "Custom namespace" &&
	 git rev-parse --verify -q refs/stats/x >/dev/null)
'

test_expect_success 'a bare repository works with an explicit ref' '
	git init -q --bare bare.git &&
	(cd bare.git &&
	 git stats init --ref refs/heads/issues &&
	 git stats new "In a bare repo" >out && grep issues/1-in-a-bare-repo.md out &&
	 git stats set 1 state=closed owner=bob &&
	 git show refs/heads/issues:issues/1-in-a-bare-repo.md >f &&
	 grep "^state: closed$" f && grep "^owner: bob$" f &&
	 git stats show 1 --json >json && grep "\"owner\":\"bob\"" json &&
	 git fsck --strict)
'

test_expect_success 'a bare repository without a ref uses the branch HEAD names' '
	git init -q --bare bare2.git &&
	(cd bare2.git && git stats new "First" &&
	 git show main:issues/1-first.md >/dev/null)
'

test_expect_success 'GIT_DIR is respected' '
	(GIT_DIR=bare.git git stats show 1 >out) && grep "state  *closed" out &&
	(cd repo && GIT_DIR=../bare.git git stats list >../out2) && grep "In a bare repo" out2
'

test_expect_success 'GIT_WORK_TREE (git --work-tree) is respected' '
	test_create_repo wt &&
	(cd wt && git stats init && git stats new "Alpha") &&
	R=$PWD/wt && mkdir elsewhere &&
	(cd elsewhere && git --git-dir="$R/.git" --work-tree="$R" stats set 1 k=v) &&
	grep "^k: v$" wt/issues/1-alpha.md &&
	test "$(git -C wt log -1 --format=%s)" = "stats(1): set k" &&
	test -z "$(git -C wt status --porcelain)" &&
	(cd wt/issues && GIT_WORK_TREE=.. git stats show 1 >../../out) && grep "k  *v" out &&
	git init -q --bare dot.git && mkdir home &&
	git --git-dir=dot.git --work-tree=home stats init &&
	git --git-dir=dot.git --work-tree=home stats new "Dotfiles" &&
	test -f home/issues/1-dotfiles.md &&
	test -z "$(git --git-dir=dot.git --work-tree=home status --porcelain)"
'

test_expect_success 'stats.issuesDir moves the issues; escaping it is refused' '
	(cd repo && git config stats.issuesDir docs/tasks &&
	 git stats new "Nested" >out && grep "^docs/tasks/1-nested.md$" out &&
	 git config stats.issuesDir ../outside &&
	 test_expect_code 2 git stats list 2>err && grep "stats.issuesDir" err &&
	 git config stats.issuesDir issues)
'

test_expect_success 'init --issues-dir refuses a bad directory without writing config' '
	cp repo/.git/config config.before &&
	for d in ../x .git/x x/.git /abs ""; do
		test_expect_code 2 git -C repo stats init --issues-dir "$d" 2>err || exit 1
		test_line_count = 1 err || exit 1
		grep "^git-stats: --issues-dir: .* is not a directory inside the repository" err ||
			exit 1
		test_cmp config.before repo/.git/config || exit 1
	done
'

test_expect_success 'init --issues-dir repairs a bad stats.issuesDir' '
	(cd repo && git config stats.issuesDir ../outside &&
	 test_expect_code 2 git stats list 2>err &&
	 git stats init --issues-dir ./issues/ &&
	 test "$(git config stats.issuesDir)" = issues &&
	 git stats show 1 >out && grep "On the side" out)
'

test_expect_success 'git -c stats.ref=... and -c user.name=... are honoured' '
	test_create_repo cli-config &&
	(cd cli-config && git stats init >/dev/null && git stats new "On main" >/dev/null &&
	 main_tip=$(git rev-parse main) &&
	 git -c stats.ref=tracker stats init >/dev/null &&
	 git -c Stats.Ref=refs/heads/tracker stats new "On the tracker" >/dev/null &&
	 git log --format=%s refs/heads/tracker >log && grep "^stats(1): new$" log &&
	 test "$(git rev-parse main)" = "$main_tip" &&
	 GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=stats.ref GIT_CONFIG_VALUE_0=tracker \
		git stats list --json >json && grep "On the tracker" json &&
	 env -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL git -c user.name="Cli User" -c user.email=cli@example.com \
		stats set 1 k=v >/dev/null &&
	 test "$(git log -1 --format="%an <%ae>" main)" = "Cli User <cli@example.com>" &&
	 test_expect_code 1 git -c "stats.ref=it'\''s" stats list 2>err &&
	 grep "refs/heads/it.s" err)
'

test_done
