#!/bin/sh
# git stats fm get/set/unset/check: the frontmatter plumbing on one file.
. "$(dirname "$0")/test-lib.sh"

# state FILE: bytes, inode and mtime, to prove a file was not touched.
state() {
	cksum <"$1" && ls -i "$1" | cut -d" " -f1 && stat -c %Y.%y "$1"
}

test_expect_success 'get prints a decoded value' '
	printf -- "---\ntitle: \"Fix \\\"the\\\" bug\"\nrun_count: 3\n---\nbody\n" >a.md &&
	git stats fm get a.md title >out &&
	printf "Fix \"the\" bug\n" >expect &&
	test_cmp expect out &&
	git stats fm get a.md run_count >out &&
	echo 3 >expect &&
	test_cmp expect out
'

test_expect_success 'get of a missing key fails with a clear message' '
	test_expect_code 1 git stats fm get a.md nope 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: key .nope. not found in .a.md." err
'

test_expect_success 'get --json gives file, key, kind and value' '
	git stats fm get --json a.md run_count >out &&
	echo "{\"file\":\"a.md\",\"key\":\"run_count\",\"kind\":\"scalar\",\"value\":\"3\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'get of a block prints it de-indented' '
	printf -- "---\nagents:\n  claude:\n    runs: 2\nx: 1\n---\n" >b.md &&
	git stats fm get b.md agents >out &&
	printf "claude:\n  runs: 2\n" >expect &&
	test_cmp expect out
'

test_expect_success 'set changes only the value bytes' '
	printf -- "---\n# keep me\ntitle:   old   # note\nrun_count: 3\n---\nbody\n" >c.md &&
	git stats fm set c.md title new &&
	printf -- "---\n# keep me\ntitle:   new   # note\nrun_count: 3\n---\nbody\n" >expect &&
	test_cmp expect c.md
'

test_expect_success 'set keeps a number plain and quotes what needs it' '
	git stats fm set c.md run_count 4 &&
	git stats fm set c.md title "a: b" &&
	printf -- "---\n# keep me\ntitle:   \"a: b\"   # note\nrun_count: 4\n---\nbody\n" >expect &&
	test_cmp expect c.md &&
	git stats fm get c.md title >out &&
	echo "a: b" >expect &&
	test_cmp expect out
'

test_expect_success 'set appends a new key as the last frontmatter line' '
	git stats fm set c.md total_cost_usd 0.42 &&
	tail -n 3 c.md >out &&
	printf "total_cost_usd: 0.42\n---\nbody\n" >expect &&
	test_cmp expect out
'

test_expect_success 'set --raw writes literal YAML' '
	git stats fm set --raw c.md tags "[a, b]" &&
	grep "^tags: \[a, b\]$" c.md
'

test_expect_success 'set gives a file without frontmatter one' '
	printf "# Title\n\ntext\n" >d.md &&
	git stats fm set d.md id 7 &&
	printf -- "---\nid: 7\n---\n\n# Title\n\ntext\n" >expect &&
	test_cmp expect d.md
'

test_expect_success 'set keeps CRLF line ends and a BOM' '
	printf "\357\273\277---\r\na: 1\r\n---\r\nbody\r\n" >e.md &&
	git stats fm set e.md a 2 &&
	git stats fm set e.md b x &&
	printf "\357\273\277---\r\na: 2\r\nb: x\r\n---\r\nbody\r\n" >expect &&
	cmp expect e.md
'

test_expect_success 'set works in the key=value dialect' '
	printf -- "---\nstatus=open\ntags=a,b\n---\nbody\n" >kv.md &&
	git stats fm set kv.md status done &&
	git stats fm set kv.md run_count 1 &&
	printf -- "---\nstatus=done\ntags=a,b\nrun_count=1\n---\nbody\n" >expect &&
	test_cmp expect kv.md &&
	git stats fm get kv.md tags >out &&
	echo a,b >expect &&
	test_cmp expect out
'

test_expect_success 'set keeps the file mode' '
	printf -- "---\na: 1\n---\n" >m.md &&
	chmod 640 m.md &&
	git stats fm set m.md a 2 &&
	test "$(stat -c %a m.md)" = 640 &&
	chmod 755 m.md &&
	git stats fm set m.md a 3 &&
	test "$(stat -c %a m.md)" = 755 &&
	grep "^a: 3$" m.md
'

test_expect_success 'set leaves no temporary file behind' '
	mkdir clean && printf -- "---\na: 1\n---\n" >clean/f.md &&
	git stats fm set clean/f.md a 2 &&
	test "$(ls -A clean)" = f.md
'

test_expect_success 'unset removes a key and its nested lines' '
	printf -- "---\na: 1\nagents:\n  x:\n    runs: 1\nb: 2\n---\n" >u.md &&
	git stats fm unset u.md agents &&
	printf -- "---\na: 1\nb: 2\n---\n" >expect &&
	test_cmp expect u.md
'

test_expect_success 'check is silent and exits 0 on a good file' '
	git stats fm check c.md >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success 'check --json lists dialect and keys' '
	git stats fm check --json kv.md >out &&
	echo "{\"file\":\"kv.md\",\"ok\":true,\"dialect\":\"key=value\",\"keys\":[\"status\",\"tags\",\"run_count\"]}" >expect &&
	test_cmp expect out
'

test_expect_success 'check names file and line of a parse error' '
	printf -- "---\ntitle: ok\nbad: \"unclosed\nx: 1\n---\nbody\n" >bad.md &&
	test_expect_code 1 git stats fm check bad.md 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: cannot parse frontmatter of .bad.md. at line [0-9]*: " err
'

test_expect_success 'bad input leaves the file untouched' '
	printf -- "---\na: 1\n\tb: 2\n---\n" >tab.md &&
	printf -- "---\na: 1\na: 2\n---\n" >dup.md &&
	printf -- "---\n- a\n- b\n---\n" >seq.md &&
	printf -- "---\na: 1\n---\nx\000y\n" >nul.md &&
	for f in bad.md tab.md dup.md seq.md nul.md; do
		state $f >before &&
		test_expect_code 1 git stats fm set $f a 9 2>err &&
		test_line_count = 1 err &&
		grep "cannot parse frontmatter of .$f. at line [0-9]" err &&
		state $f >after &&
		test_cmp before after || exit 1
	done
'

test_expect_success 'a duplicate key names its line' '
	test_expect_code 1 git stats fm check dup.md 2>err &&
	grep "at line 3: duplicate key .a." err
'

test_expect_success 'check names the line of a managed counter holding text' '
	printf -- "---\ntitle: t\nrun_count: lots\n---\n" >cnt.md &&
	test_expect_code 1 git stats fm check cnt.md 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: cannot parse frontmatter of .cnt.md. at line 3: key .run_count. is not an integer" err
'

test_expect_success 'a frontmatter that is not a mapping is an error' '
	test_expect_code 1 git stats fm check seq.md 2>err &&
	grep "not a mapping" err
'

test_expect_success 'a file over the size limit is refused and untouched' '
	{ printf -- "---\na: 1\n---\n" && head -c 17000000 /dev/zero | tr "\000" x; } >big.md &&
	state big.md >before &&
	test_expect_code 1 git stats fm set big.md a 2 2>err &&
	grep "larger than" err &&
	state big.md >after &&
	test_cmp before after
'

test_expect_success 'a missing file is a runtime error' '
	test_expect_code 1 git stats fm get nothere.md a 2>err &&
	grep "nothere.md" err
'

test_expect_success 'a no-op set leaves the file alone' '
	printf -- "---\na: 1\n---\n" >same.md &&
	state same.md >before &&
	git stats fm set same.md a 1 &&
	state same.md >after &&
	test_cmp before after
'

test_expect_success 'wrong arguments are usage errors' '
	test_expect_code 2 git stats fm 2>err &&
	test_expect_code 2 git stats fm get a.md 2>err &&
	test_expect_code 2 git stats fm frob a.md 2>err &&
	test_expect_code 2 git stats fm set --bogus a.md k v 2>err &&
	grep "unknown option" err
'

test_expect_success 'a negative number is a value, not an option' '
	git stats fm set c.md delta -5 &&
	git stats fm get c.md delta >out &&
	echo -- -5 | sed "s/^-- //" >expect &&
	test_cmp expect out
'

test_expect_success 'managed counters only take what fm check accepts' '
	printf -- "---\nrun_count: 1\n---\nbody\n" >m.md &&
	cp m.md m.orig &&
	for v in 99999999999999999999 -4 abc; do
		test_expect_code 1 git stats fm set m.md run_count $v 2>err || exit 1
		test_line_count = 1 err && grep "run_count" err || exit 1
	done &&
	test_expect_code 1 git stats fm set --raw m.md total_cost_usd "[1]" 2>err &&
	test_cmp m.orig m.md &&
	git stats fm set m.md run_count 2 && git stats fm check m.md
'

test_expect_success 'an edit that would leave an alias without its anchor is refused' '
	printf -- "---\ntitle: t\ndefaults: &d {owner: bob}\nreview: *d\n---\n" >anchored.md &&
	cp anchored.md anchored.orig &&
	test_expect_code 1 git stats fm set anchored.md defaults none 2>err &&
	test_line_count = 1 err && grep "alias .\*d. refers to no anchor" err &&
	test_cmp anchored.orig anchored.md &&
	git stats fm set anchored.md review none && grep "^review: none$" anchored.md &&
	printf -- "---\nb: *x\n---\n" >dangling.md &&
	test_expect_code 1 git stats fm check dangling.md 2>err &&
	grep "dangling.md. at line 2: alias .\*x. refers to no anchor" err
'

test_done
