#!/bin/sh
# stats.alias.<name>: user aliases for git stats subcommands.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'an alias runs its command with the extra arguments appended' '
	test_create_repo repo &&
	(cd repo && git config stats.alias.dr "doctor" &&
	 test_expect_code 1 git stats dr --json >out &&
	 grep "\"checks\"" out)
'

test_expect_success 'alias arguments are split shell-style, quotes kept together' '
	(cd repo && git config stats.alias.q "install '"'"'a b'"'"' \"c \\\"d\\\"\"" &&
	 test_expect_code 2 git stats q 2>err &&
	 grep "^git-stats: install: unknown argument .a b. (see .git stats install -h.)$" err)
'

test_expect_success 'an alias may name another alias' '
	(cd repo && git config stats.alias.h1 "h2 --help" && git config stats.alias.h2 "install" &&
	 git stats h1 >out && grep "^usage: git stats install" out)
'

test_expect_success 'an alias loop is refused' '
	(cd repo && git config stats.alias.la lb && git config stats.alias.lb la &&
	 test_expect_code 2 git stats la 2>err && test_line_count = 1 err &&
	 grep "^git-stats: alias .stats.alias.l[ab].: .*nest deeper" err)
'

test_expect_success 'an alias cannot shadow a built-in command' '
	(cd repo && git config stats.alias.install "doctor" &&
	 git stats install --help >out && grep "^usage: git stats install" out)
'

test_expect_success 'an unterminated quote is a usage error naming the alias' '
	(cd repo && git config stats.alias.bad "install '"'"'oops" &&
	 test_expect_code 2 git stats bad 2>err && test_line_count = 1 err &&
	 grep "^git-stats: alias .stats.alias.bad.: unterminated single quote" err)
'

test_expect_success 'an empty alias is a usage error' '
	(cd repo && git config stats.alias.empty "  " &&
	 test_expect_code 2 git stats empty 2>err && grep "empty value" err)
'

test_expect_success 'global aliases work outside a repository' '
	git config --global stats.alias.ih "install --help" &&
	mkdir outside && (cd outside && GIT_CEILING_DIRECTORIES="$TRASH_DIRECTORY" &&
	 export GIT_CEILING_DIRECTORIES && git stats ih >out && grep "^usage: git stats install" out)
'

test_expect_success 'an unknown name is still an unknown command' '
	(cd repo && test_expect_code 2 git stats nosuch 2>err &&
	 grep "is not a git-stats command" err)
'

test_done
