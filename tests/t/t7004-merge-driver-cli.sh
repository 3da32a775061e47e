#!/bin/sh
# git stats merge-driver as a command: arguments, exit codes, files it
# writes, and the plain-text fallback; post-merge on a squash merge.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: three versions of an issue file' '
	cat >base.md <<-\EOT &&
	---
	title: Parser
	run_count: 2
	---
	Body.
	EOT
	sed "s/run_count: 2/run_count: 5/" base.md >ours.md &&
	sed -e "s/run_count: 2/run_count: 3/" -e "s/^Body\./Body, edited./" base.md >theirs.md
'

test_expect_success 'a clean merge writes the result over <ours> and exits 0' '
	cp ours.md a.md &&
	git stats merge-driver base.md a.md theirs.md issues/1.md >out 2>err &&
	test ! -s out && test ! -s err &&
	grep "^run_count: 6$" a.md && grep "^Body, edited\.$" a.md
'

test_expect_success 'a conflict leaves markers and exits 1' '
	sed "s/^title: Parser/title: Lexer/" base.md >o2.md &&
	sed "s/^title: Parser/title: Tokenizer/" base.md >t2.md &&
	test_expect_code 1 git stats merge-driver base.md o2.md t2.md issues/1.md 2>err &&
	test ! -s err &&
	grep "^<<<<<<< ours$" o2.md && grep "^title: Lexer$" o2.md && grep "^title: Tokenizer$" o2.md &&
	grep "^>>>>>>> theirs$" o2.md
'

test_expect_success 'a file that is not an issue is merged as text with a warning' '
	printf -- "---\nkey: [broken\n---\nline\n" >b3.md &&
	printf -- "---\nkey: [broken\n---\nline\nours\n" >o3.md &&
	printf -- "---\nkey: [broken\n---\ntheirs\nline\n" >t3.md &&
	git stats merge-driver b3.md o3.md t3.md issues/3.md 2>err &&
	test_line_count = 1 err && grep "^git-stats: issues/3.md: .*merged as plain text$" err &&
	printf -- "---\nkey: [broken\n---\ntheirs\nline\nours\n" >want && test_cmp want o3.md
'

test_expect_success 'a counter that would overflow is refused, markers left for a person' '
	sed "s/run_count: 2/run_count: 9223372036854775000/" base.md >o4.md &&
	sed "s/run_count: 2/run_count: 9223372036854775001/" base.md >t4.md &&
	test_expect_code 1 git stats merge-driver base.md o4.md t4.md issues/4.md 2>err &&
	grep "^git-stats: issues/4.md: run_count.*2^63-1; merged as plain text$" err &&
	grep "^<<<<<<< " o4.md
'

test_expect_success 'wrong arguments are usage errors; a missing file is a runtime error' '
	test_expect_code 2 git stats merge-driver base.md 2>err && grep "^git-stats: merge-driver: expected" err &&
	cp ours.md keep.md &&
	test_expect_code 1 git stats merge-driver nosuch.md keep.md theirs.md 2>err &&
	test_line_count = 1 err && grep "nosuch.md" err && cmp ours.md keep.md
'

test_expect_success 'post-merge reports drift after a squash merge' '
	test_create_repo repo &&
	(cd repo && git stats new "Parser" >/dev/null && git stats install >/dev/null &&
	 git config --unset merge.gitstats.driver &&
	 echo "issues/*.md merge=union" >.git/info/attributes &&
	 git checkout -q -b side &&
	 git stats record 1 --input-tokens 10 --output-tokens 1 --model claude-sonnet-4-5 --run-id s1 >/dev/null &&
	 git checkout -q main &&
	 git stats record 1 --input-tokens 10 --output-tokens 1 --model claude-sonnet-4-5 --run-id m1 >/dev/null &&
	 git merge -q --squash side >out 2>err; cat err &&
	 grep "^git-stats: post-merge: drift in .issues/1-parser.md.: run_count is 1, run blocks give 2" err)
'

test_done
