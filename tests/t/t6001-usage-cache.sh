#!/bin/sh
# The usage cache ($GIT_DIR/stats/usage-cache) only ever changes speed:
# deleting, corrupting or truncating it changes no output, and it is never
# stale because it is keyed by blob id.
. "$(dirname "$0")/test-lib.sh"

# Every report form the cache feeds, into directory $1.
reports() {
	mkdir -p "$1" &&
	for by in model provider day issue; do
		git stats usage --by $by >"$1/$by.txt" 2>>"$1/stderr" &&
		git stats usage --by $by --json >"$1/$by.json" 2>>"$1/stderr" &&
		git stats usage --by $by --format csv >"$1/$by.csv" 2>>"$1/stderr" || return 1
	done &&
	git stats usage --since 7d --by day >"$1/7d.txt" 2>>"$1/stderr"
}

same_reports() {
	for f in "$1"/*; do
		test_cmp "$f" "$2/$(basename "$f")" || return 1
	done &&
	test ! -s "$2/stderr"
}

test_expect_success 'setup: issues with runs across models and days' '
	test_create_repo repo &&
	(cd repo &&
	 for i in 1 2 3 4 5; do git stats new "Issue $i" >/dev/null || exit 1; done &&
	 n=0 &&
	 for model in claude-sonnet-4-5 gpt-4.1 gemini-2.5-pro mystery-model; do
		for day in 10 12 14 15; do
			n=$((n + 1))
			git stats record $((n % 5 + 1)) --model $model \
				--started-at 2026-03-${day}T0$((n % 9)):30:00Z \
				--input-tokens $((n * 1000)) --output-tokens $((n * 300)) \
				--cache-read-tokens $((n * 5000)) --duration $((n * 7)) \
				>/dev/null || exit 1
		done
	 done)
'

test_expect_success 'the first report writes the cache, atomically' '
	(cd repo && test ! -e .git/stats/usage-cache &&
	 reports ../cold &&
	 test -s .git/stats/usage-cache &&
	 ls -a .git/stats >../entries) &&
	grep -v "^\.\.*$" entries | grep -v "^store\.lock$" >left &&
	echo usage-cache >expect && test_cmp expect left
'

test_expect_success 'a warm report says the same' '
	(cd repo && reports ../warm) && same_reports cold warm
'

test_expect_success 'deleting the cache changes no output' '
	(cd repo && rm .git/stats/usage-cache && reports ../deleted) &&
	same_reports cold deleted
'

test_expect_success 'a corrupted cache changes no output and is rebuilt' '
	(cd repo &&
	 size=$(wc -c <.git/stats/usage-cache) &&
	 printf "garbage" | dd of=.git/stats/usage-cache bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	 cp .git/stats/usage-cache ../corrupted &&
	 reports ../corrupt &&
	 ! cmp -s .git/stats/usage-cache ../corrupted &&
	 reports ../rebuilt) &&
	same_reports cold corrupt && same_reports cold rebuilt
'

test_expect_success 'a truncated, empty or foreign cache changes no output' '
	(cd repo &&
	 head -c 100 .git/stats/usage-cache >short && mv short .git/stats/usage-cache &&
	 reports ../truncated &&
	 : >.git/stats/usage-cache && reports ../empty &&
	 printf "GSUSAGEC\377\377\377\377 a cache from some other version" >.git/stats/usage-cache &&
	 reports ../foreign) &&
	same_reports cold truncated && same_reports cold empty && same_reports cold foreign
'

test_expect_success 'a cache that cannot be written still gives the report' '
	(cd repo && rm -f .git/stats/usage-cache && mkdir .git/stats/usage-cache &&
	 reports ../blocked && rmdir .git/stats/usage-cache) &&
	same_reports cold blocked
'

test_expect_success '--no-cache neither reads nor writes it' '
	(cd repo && rm -f .git/stats/usage-cache &&
	 git stats usage --no-cache --json >../nocache.json &&
	 test ! -e .git/stats/usage-cache) &&
	test_cmp cold/model.json nocache.json
'

test_expect_success 'the cache is never stale: a new run shows at once' '
	(cd repo && git stats usage --json >/dev/null &&
	 git stats record 1 --model gpt-4.1 --started-at 2026-03-15T11:00:00Z \
		--input-tokens 1 --output-tokens 1 --cost 1000 >/dev/null &&
	 git stats usage --format csv >../after.csv) &&
	grep "^openai,gpt-4.1,5," after.csv &&
	grep ",1000\.[0-9]*,0," after.csv
'

test_expect_success 'a linked worktree shares the cache of its repository' '
	(cd repo && git worktree add -q ../wt &&
	 rm -f .git/stats/usage-cache) &&
	(cd wt && git stats usage >/dev/null) &&
	test -s repo/.git/stats/usage-cache &&
	test ! -e repo/.git/worktrees/wt/stats/usage-cache
'

test_expect_success 'many files: the two-thread cold path equals the one-thread one' '
	test_create_repo big &&
	(cd big && mkdir issues &&
	 i=1 && while [ $i -le 150 ]; do
		printf -- "---\nid: %s\ntitle: Issue %s\n---\n" $i $i >issues/$i.md
		i=$((i + 1))
	 done &&
	 git add issues && git commit -q -m issues &&
	 i=1 && while [ $i -le 450 ]; do
		printf "{\"issue\": \"%s\", \"model\": \"gpt-4.1\", \"input_tokens\": %s, \"output_tokens\": 7, \"started_at\": \"2026-03-1%sT10:00:00Z\", \"run_id\": \"r%s\"}\n" \
			$((i % 150 + 1)) $i $((i % 6)) $i
		i=$((i + 1))
	 done >../batch.jsonl &&
	 git stats record --batch ../batch.jsonl >/dev/null &&
	 GIT_STATS_THREADS=1 git stats usage --no-cache --by day --format csv >../one.csv &&
	 git stats usage --no-cache --by day --format csv >../two.csv &&
	 git stats usage --by day --format csv >../cold.csv &&
	 git stats usage --by day --format csv >../warm.csv) &&
	test_cmp one.csv two.csv && test_cmp one.csv cold.csv && test_cmp one.csv warm.csv &&
	grep "^2026-03-10,,,75,75,0," one.csv
'

test_expect_success 'a malformed run block fails the report, naming the file' '
	(cd big &&
	 printf "\n<!-- git-stats:run {\"run_id\": oops} -->\n" >>issues/77.md &&
	 git commit -q -am "break 77" &&
	 test_expect_code 1 git stats usage 2>../err1 &&
	 (GIT_STATS_THREADS=1 && export GIT_STATS_THREADS && test_expect_code 1 git stats usage 2>../err2)) &&
	test_line_count = 1 err1 &&
	grep "^git-stats: cannot read runs of .issues/77.md.: malformed run block at line" err1 &&
	test_cmp err1 err2
'

test_done
