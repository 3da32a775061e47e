#!/bin/sh
# The commit path on the checked-out branch: init, new, set, show, list;
# index and work tree follow every commit and keep the user's edits.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a repository with git stats init' '
	test_create_repo repo &&
	(cd repo && git stats init >out && grep "issues/" out &&
	 test -d issues && test "$(git config stats.issuesDir)" = issues)
'

test_expect_success 'new creates the issue from the template in one commit' '
	(cd repo &&
	 git stats new "Fix the login page" >out &&
	 echo issues/1-fix-the-login-page.md >expect && test_cmp expect out &&
	 git log -1 --format=%s >msg && echo "stats(1): new" >expect && test_cmp expect msg &&
	 git show HEAD:issues/1-fix-the-login-page.md >committed &&
	 test_cmp committed issues/1-fix-the-login-page.md &&
	 grep "^id: 1$" committed && grep "^title: Fix the login page$" committed &&
	 grep "^state: open$" committed && grep "^# Fix the login page$" committed &&
	 test -z "$(git status --porcelain -uno)")
'

test_expect_success 'new picks max id + 1, takes --id, quotes odd titles' '
	(cd repo &&
	 git stats new --id 7 "Seven: the sequel" >out &&
	 echo issues/7-seven-the-sequel.md >expect && test_cmp expect out &&
	 grep "^title: \"Seven: the sequel\"$" issues/7-seven-the-sequel.md &&
	 git stats new "Next one" >out &&
	 echo issues/8-next-one.md >expect && test_cmp expect out &&
	 test_must_fail git stats new --id 7 "Again" 2>err &&
	 grep "already exists" err)
'

test_expect_success 'new skips ids a frontmatter already uses' '
	test_create_repo ids &&
	(cd ids && git stats init && git stats new "One" &&
	 printf -- "---\nid: 10\ntitle: ten\n---\n" >issues/9.md &&
	 git add -A && git commit -q -m "9.md is issue 10" &&
	 git stats new "Next" >out && echo issues/11-next.md >expect && test_cmp expect out &&
	 printf -- "---\r\ntitle: q\r\nid: \"20\"\r\n---\r\n" >issues/3.md &&
	 printf -- "---\n{title: flow, id: 30}\n---\n" >issues/4.md &&
	 git add -A && git commit -q -m "quoted and flow ids" &&
	 git stats new "After" >out && echo issues/31-after.md >expect && test_cmp expect out &&
	 git stats show 10 >out && grep "issues/9.md" out &&
	 printf -- "---\nid: 123456789012345678901234\n---\n" >issues/huge.md &&
	 git add -A && git commit -q -m "an id too long to be a number" &&
	 git stats new "Last" >out && echo issues/32-last.md >expect && test_cmp expect out)
'

test_expect_success 'show --json always carries the id, as a string' '
	(cd ids && printf -- "---\ntitle: plain\n---\n" >issues/40-plain.md &&
	 printf -- "---\nid:\ntitle: empty\n---\n" >issues/41-empty.md &&
	 printf -- "no frontmatter\n" >issues/42.md &&
	 git add -A && git commit -q -m "ids from names" &&
	 git stats show 40 --json >out && echo "{\"id\":\"40\",\"title\":\"plain\"}" >expect &&
	 test_cmp expect out &&
	 git stats show 41 --json >out && echo "{\"id\":\"41\",\"title\":\"empty\"}" >expect &&
	 test_cmp expect out &&
	 git stats show 42 --json >out && echo "{\"id\":\"42\"}" >expect && test_cmp expect out &&
	 git stats show 10 --json >out && grep "^{\"id\":\"10\",\"title\":\"ten\"}$" out)
'

test_expect_success 'set commits the change; log, show and status agree' '
	(cd repo &&
	 git stats set 1 state=closed priority=3 >out &&
	 git log -1 --format=%s >msg &&
	 echo "stats(1): set state, priority" >expect && test_cmp expect msg &&
	 git show HEAD --stat --format= >stat && grep "issues/1-fix-the-login-page.md" stat &&
	 git show HEAD:issues/1-fix-the-login-page.md >f &&
	 grep "^state: closed$" f && grep "^priority: 3$" f &&
	 test -z "$(git status --porcelain -uno)" &&
	 git diff --exit-code && git diff --cached --exit-code)
'

test_expect_success 'the commit carries the identity of the environment' '
	(cd repo &&
	 git log -1 --format="%an <%ae> %ad|%cn <%ce> %cd" --date=iso-strict >who &&
	 echo "A U Thor <author@example.com> 2026-03-01T10:00:00+00:00|C O Mitter <committer@example.com> 2026-03-01T10:00:00+00:00" >expect &&
	 test_cmp expect who &&
	 GIT_AUTHOR_DATE="@1700000000 +0200" GIT_COMMITTER_DATE="1700000000 +0200" \
		git stats set 1 when=now &&
	 git log -1 --format="%at %ai|%ct" >when &&
	 echo "1700000000 2023-11-15 00:13:20 +0200|1700000000" >expect && test_cmp expect when)
'

test_expect_success 'without any identity the commit is by git-stats' '
	(cd repo &&
	 env -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL -u GIT_COMMITTER_NAME -u GIT_COMMITTER_EMAIL \
		git stats set 1 anon=yes &&
	 git log -1 --format="%an <%ae>" >who &&
	 echo "git-stats <git-stats@localhost>" >expect && test_cmp expect who &&
	 git -c user.name=Conf -c user.email=conf@x log -1 >/dev/null)
'

test_expect_success 'setting the same value again makes no commit' '
	(cd repo &&
	 before=$(git rev-parse HEAD) &&
	 git stats set 1 state=closed >out && grep unchanged out &&
	 test "$(git rev-parse HEAD)" = "$before")
'

test_expect_success 'ids match case-insensitively and with leading zeros' '
	(cd repo &&
	 git stats set 001 zeros=1 && git show HEAD:issues/1-fix-the-login-page.md | grep "^zeros: 1$" &&
	 git stats new --id BACK-222 "Backend thing" &&
	 git stats set back-0222 x=y &&
	 git show HEAD:issues/BACK-222-backend-thing.md | grep "^x: y$")
'

test_expect_success 'an unstaged local edit survives and receives the update' '
	(cd repo &&
	 echo "my local note" >>issues/1-fix-the-login-page.md &&
	 git stats set 1 owner=alice &&
	 grep "^owner: alice$" issues/1-fix-the-login-page.md &&
	 grep "^my local note$" issues/1-fix-the-login-page.md &&
	 git show HEAD:issues/1-fix-the-login-page.md >committed &&
	 ! grep "my local note" committed && grep "^owner: alice$" committed &&
	 git diff --cached --exit-code &&
	 git diff >d && grep "^+my local note$" d)
'

test_expect_success 'the work-tree diff shows only the local edit' '
	(cd repo && git diff | grep "^[+-][^+-]" >changes &&
	 echo "+my local note" >expect && test_cmp expect changes &&
	 git checkout -- issues/1-fix-the-login-page.md)
'

test_expect_success 'a staged edit and an unstaged edit both survive and get the update' '
	(cd repo &&
	 sed "s/^title: Next one$/title: Next one, staged/" issues/8-next-one.md >tmp &&
	 mv tmp issues/8-next-one.md && git add issues/8-next-one.md &&
	 echo "unstaged line" >>issues/8-next-one.md &&
	 git stats set 8 size=L &&
	 git show HEAD:issues/8-next-one.md >committed &&
	 grep "^size: L$" committed && grep "^title: Next one$" committed &&
	 git show :issues/8-next-one.md >staged &&
	 grep "^size: L$" staged && grep "^title: Next one, staged$" staged && ! grep unstaged staged &&
	 grep "^size: L$" issues/8-next-one.md && grep "^title: Next one, staged$" issues/8-next-one.md &&
	 grep "^unstaged line$" issues/8-next-one.md &&
	 git diff --cached | grep "^[+-][^+-]" >staged-changes &&
	 printf "%s\n" "-title: Next one" "+title: Next one, staged" >expect &&
	 test_cmp expect staged-changes &&
	 git diff | grep "^[+-][^+-]" >wt-changes &&
	 echo "+unstaged line" >expect && test_cmp expect wt-changes &&
	 git fsck --strict)
'

test_expect_success 'show prints the frontmatter as a table and as JSON' '
	(cd repo && git reset -q --hard &&
	 git stats show 1 >out &&
	 head -n 1 out >first && echo issues/1-fix-the-login-page.md >expect && test_cmp expect first &&
	 grep "^  state  *closed$" out && grep "^  priority  *3$" out &&
	 git stats show 1 --json >json &&
	 grep "\"state\":\"closed\"" json && grep "\"priority\":3" json && grep "\"id\":\"1\"" json)
'

test_expect_success 'list shows one row per issue, JSON too' '
	(cd repo &&
	 git stats list >out && test_line_count = 7 out &&
	 grep "^1  *Fix the login page  *closed" out && grep "^total  " out &&
	 git stats list --json >json &&
	 grep "\"id\":\"BACK-222\"" json && grep "\"run_count\":0" json)
'

test_expect_success 'managed counters only take integers; blocks are refused' '
	(cd repo &&
	 test_expect_code 2 git stats set 1 run_count=abc 2>err && grep "run_count" err &&
	 test_expect_code 2 git stats set 1 total_cost_usd=-1 2>err &&
	 test_expect_code 2 git stats set 1 agents=x 2>err && grep "attempt" err &&
	 git stats set 1 run_count=4 && git show HEAD:issues/1-fix-the-login-page.md | grep "^run_count: 4$")
'

test_expect_success 'set writes words YAML reads as null as quoted strings' '
	(cd repo &&
	 git stats set 1 tilde="~" word=null shout=NULL num=5 >/dev/null &&
	 grep "^tilde: \"~\"$" issues/1-fix-the-login-page.md &&
	 grep "^word: \"null\"$" issues/1-fix-the-login-page.md &&
	 grep "^num: 5$" issues/1-fix-the-login-page.md &&
	 git stats show 1 --json >json &&
	 grep "\"tilde\":\"~\",\"word\":\"null\",\"shout\":\"NULL\",\"num\":5" json)
'

test_expect_success 'commit messages name the issue by its own id, however it was typed' '
	(cd repo &&
	 git stats set back-0222 typed=1 && git stats set 001 typed=2 &&
	 git stats record back-222 --cost 0.5 --run-id typed-run >/dev/null &&
	 git log -3 --format=%s >log &&
	 printf "%s\n" "stats(BACK-222): record run typed-run" "stats(1): set typed" \
		"stats(BACK-222): set typed" >expect &&
	 test_cmp expect log)
'

test_done
