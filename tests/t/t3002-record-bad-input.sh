#!/bin/sh
# Bad input to git stats record: the SPEC §10 exit code, one error line,
# and nothing changed (ref, index, work tree).
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	test_create_repo repo && cd repo &&
	mkdir issues &&
	printf -- "---\nid: 5\n---\n# Five\n" >issues/5.md &&
	printf -- "---\ntitle: [unclosed\n---\n# Broken\n" >issues/6.md &&
	git add issues && git commit -q -m issues &&
	git rev-parse HEAD >../head &&
	cp issues/5.md ../five
'

unchanged() {
	git rev-parse HEAD >../now && test_cmp ../head ../now &&
	test_cmp ../five issues/5.md &&
	git status --porcelain --untracked-files=no >../st && test ! -s ../st
}

test_expect_success 'negative tokens are a usage error' '
	cd repo &&
	test_expect_code 2 git stats record 5 --input-tokens -5 2>err &&
	grep "^git-stats: --input-tokens: expected a non-negative integer" err &&
	unchanged
'

test_expect_success 'non-numeric tokens are a usage error' '
	cd repo &&
	test_expect_code 2 git stats record 5 --output-tokens 12k 2>err &&
	test_line_count = 1 err &&
	test_expect_code 2 git stats record 5 --duration soon 2>err &&
	test_expect_code 2 git stats record 5 --cost 1,5 2>err &&
	unchanged
'

test_expect_success 'a --cost past $9e9 is refused' '
	cd repo &&
	test_expect_code 2 git stats record 5 --cost 1e20 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: --cost: .1e20. is too large" err &&
	unchanged
'

test_expect_success 'a count past 2^53 is refused' '
	cd repo &&
	test_expect_code 2 git stats record 5 --input-tokens 99999999999999999999 2>err &&
	test_expect_code 2 git stats record 5 --input-tokens 9007199254740993 2>err &&
	test_expect_code 2 git stats record 5 --input-tokens 9007199254740992 2>err &&
	grep "^git-stats: --input-tokens: .9007199254740992. must be below 2^53" err &&
	unchanged
'

# A JSON number arrives as a double: 2^53 + 1 and 2^53 + 0.5 both read
# as 2^53, so only a bound below 2^53 can refuse them.
test_expect_success 'a JSON count of 2^53 or more is refused, not rounded' '
	cd repo &&
	for n in 9007199254740993 9007199254740992.5 9007199254740992 1e300
	do
		echo "{\"input_tokens\": $n}" >../big.json &&
		test_expect_code 1 git stats record 5 --json ../big.json 2>err &&
		test_line_count = 1 err &&
		grep "^git-stats: \.\./big.json: .input_tokens. must be below 2^53" err ||
		return 1
	done &&
	echo "{\"issue\":\"5\",\"input_tokens\":1}" >../big.jsonl &&
	echo "{\"issue\":\"5\",\"output_tokens\":9007199254740993}" >>../big.jsonl &&
	test_expect_code 1 git stats record --batch ../big.jsonl 2>err &&
	grep "^git-stats: \.\./big.jsonl:2: .output_tokens. must be below 2^53" err &&
	unchanged
'

test_expect_success 'a key given twice in JSON input is refused' '
	cd repo &&
	echo "{\"input_tokens\": 5, \"input_tokens\": 6}" >../dup.json &&
	test_expect_code 1 git stats record 5 --json ../dup.json 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: \.\./dup.json: .input_tokens. is given twice" err &&
	cat >../dup2.json <<-\JSON &&
	{"type": "result", "modelUsage": {"claude-sonnet-4-5":
	  {"inputTokens": 1, "outputTokens": 2, "outputTokens": 3}}}
	JSON
	test_expect_code 1 git stats record 5 --json ../dup2.json 2>err &&
	grep "^git-stats: \.\./dup2.json: .modelUsage.claude-sonnet-4-5.outputTokens. is given twice" err &&
	printf "{\"issue\":\"5\",\"input_tokens\":1}\n{\"issue\":\"5\",\"run_id\":\"a\",\"run_id\":\"b\"}\n" >../dup.jsonl &&
	test_expect_code 1 git stats record --batch ../dup.jsonl 2>err &&
	grep "^git-stats: \.\./dup.jsonl:2: .run_id. is given twice" err &&
	unchanged
'

test_expect_success 'unknown flags and missing values are usage errors' '
	cd repo &&
	test_expect_code 2 git stats record 5 --input-tokenz 5 2>err &&
	grep "unknown option .--input-tokenz." err &&
	test_expect_code 2 git stats record 5 --model 2>err &&
	test_expect_code 2 git stats record 2>err &&
	test_expect_code 2 git stats record 5 6 2>err &&
	test_expect_code 2 git stats record 5 --run-id ../x 2>err &&
	test_expect_code 2 git stats record 5 --started-at yesterday 2>err &&
	test_expect_code 2 git stats record ../5 2>err &&
	unchanged
'

test_expect_success 'cache_write_1h above cache_write is a usage error' '
	cd repo &&
	test_expect_code 2 git stats record 5 --cache-write-tokens 1 --cache-write-1h-tokens 2 2>err &&
	unchanged
'

test_expect_success 'an unknown issue is a runtime error listing nothing changed' '
	cd repo &&
	test_expect_code 1 git stats record 42 --input-tokens 1 2>err &&
	test_line_count = 1 err &&
	grep "42" err &&
	unchanged
'

test_expect_success 'an issue whose frontmatter does not parse is refused' '
	cd repo &&
	test_expect_code 1 git stats record 6 --input-tokens 1 2>err &&
	grep "issues/6.md" err && grep "line" err &&
	git diff --quiet HEAD -- issues/6.md &&
	unchanged
'

test_expect_success 'a counter that would overflow is refused' '
	cd repo &&
	git stats set 5 total_input_tokens=9223372036854775000 run_count=1 &&
	git rev-parse HEAD >../head && cp issues/5.md ../five &&
	test_expect_code 1 git stats record 5 --input-tokens 1000 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: cannot record in .issues/5.md.: .total_input_tokens. would pass" err &&
	unchanged
'

test_expect_success 'malformed frontmatter totals are refused' '
	cd repo &&
	sed "s/^run_count: 1$/run_count: many/" issues/5.md >../tmp && cp ../tmp issues/5.md &&
	git commit -q -am "hand edit" &&
	git rev-parse HEAD >../head && cp issues/5.md ../five &&
	test_expect_code 1 git stats record 5 --input-tokens 1 2>err &&
	grep "run_count" err &&
	unchanged
'

test_expect_success '--best-effort does not turn usage errors into success' '
	cd repo &&
	test_expect_code 2 git stats record 5 --best-effort --input-tokens -1 &&
	test ! -d .git/stats/spool || test -z "$(ls .git/stats/spool)"
'

test_expect_success 'outside a repository record fails with exit 1' '
	mkdir -p nowhere && cd nowhere &&
	GIT_CEILING_DIRECTORIES=$TRASH_DIRECTORY test_expect_code 1 git-stats record 5 --input-tokens 1
'

test_done
