#!/bin/sh
# The binary's front door: help, version, exit codes of SPEC §10.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'git-stats --version names the version' '
	git-stats --version >out &&
	grep "^git-stats version [0-9]*\.[0-9]*\.[0-9]*" out
'

test_expect_success 'git stats is reachable as a git subcommand' '
	git stats --version >out &&
	grep "^git-stats version" out
'

test_expect_success 'git-stats --help lists the commands and exits 0' '
	git-stats --help >out &&
	grep "^usage: git stats" out &&
	grep "record" out && grep "usage" out && grep "merge-driver" out
'

test_expect_success 'no command is a usage error (exit 2)' '
	test_expect_code 2 git-stats 2>err &&
	grep "^usage:" err
'

test_expect_success 'an unknown command is a usage error with one line' '
	test_expect_code 2 git-stats frobnicate 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: .frobnicate. is not a git-stats command" err
'

test_expect_success 'a usage error is one line that points to -h' '
	test_create_repo repo &&
	(cd repo && git stats init >/dev/null) &&
	while IFS="|" read -r args hint; do
		test_expect_code 2 git -C repo stats $args </dev/null 2>err || { echo "$args: exit"; exit 1; }
		test_line_count = 1 err || { echo "$args:"; cat err; exit 1; }
		grep "^git-stats: .* (see .git stats $hint -h.)$" err || exit 1
	done <<-\EOF
	set 1|set
	show 1 extra|show
	record 1 --bogus|record
	record 1 --batch x|record
	usage --by x|usage
	session bogus|session
	session log|session log
	attempt end 1 --agent a --cost -1|attempt
	fm get|fm
	verify --bogus|verify
	record 1 --input-tokens -5|record
	set 1 =x|set
	set 1 run_count=-1|set
	init --ref HEAD|init
	EOF
'

test_expect_success 'every command answers --help on stdout with exit 0' '
	for cmd in fm init new set show list record verify flush pricing attempt \
		resume session usage install uninstall doctor merge-driver; do
		git stats $cmd --help >out 2>err || { echo "$cmd --help failed"; exit 1; }
		grep "^usage: git stats $cmd" out || { echo "$cmd: no usage"; exit 1; }
		test ! -s err || { echo "$cmd: wrote to stderr"; exit 1; }
	done
'

test_expect_success 'git stats help <cmd> equals <cmd> --help' '
	git stats help record >a &&
	git stats record --help >b &&
	test_cmp a b
'

test_done
