#!/bin/sh
# Two clones record runs on the same issues and exchange them through a
# bare remote with pull and push: with the merge driver nothing conflicts
# and every total is exact; without it post-merge reports the drift and
# verify --fix repairs it; a title edited both ways is a conflict.
. "$(dirname "$0")/test-lib.sh"

git config --global pull.rebase false

# record <n> <first-input>: n runs on each of issues 1 and 2, distinct values.
record_runs() {
	i=0
	while [ $i -lt "$1" ]; do
		git stats record 1 --input-tokens $(($2 + i)) --output-tokens 7 --duration 1.25 \
			--iterations 2 --model claude-sonnet-4-5 >/dev/null &&
		git stats record 2 --input-tokens $(($2 + 100 + i)) --output-tokens 9 --duration 2 \
			--iterations 1 --model claude-sonnet-4-5 >/dev/null || return 1
		i=$((i + 1))
	done
}

fm() { git stats fm get "$(ls issues/$1-*.md)" "$2"; }

test_expect_success 'a bare remote with two issues, cloned twice, git-stats installed' '
	git init -q --bare remote.git &&
	git clone -q remote.git seed 2>/dev/null &&
	(cd seed && git commit -q --allow-empty -m init &&
	 git stats new "Parser drops comments" >/dev/null && git stats new "Flaky login test" >/dev/null &&
	 git push -q origin main) &&
	git clone -q remote.git a && git clone -q remote.git b &&
	(cd a && git stats install >/dev/null) && (cd b && git stats install >/dev/null)
'

test_expect_success 'each clone records 10 runs on each of the two issues' '
	(cd a && record_runs 10 1000) && (cd b && record_runs 10 5000) &&
	(cd a && test "$(fm 1 run_count)" = 10) && (cd b && test "$(fm 2 run_count)" = 10)
'

test_expect_success 'push, pull, push, pull: no conflict, nothing reported' '
	(cd a && git push -q origin main) &&
	(cd b && git pull -q --no-edit origin main >out 2>err && test ! -s err &&
	 git push -q origin main) &&
	(cd a && git pull -q --no-edit origin main 2>err && test ! -s err) &&
	test "$(git -C a rev-parse HEAD)" = "$(git -C b rev-parse HEAD)" &&
	git -C b log --merges --oneline >merges && test_line_count = 1 merges
'

test_expect_success 'totals are exact and all 40 run blocks are there' '
	(cd a &&
	 test "$(fm 1 run_count)" = 20 && test "$(fm 2 run_count)" = 20 &&
	 test "$(fm 1 total_input_tokens)" = $((10 * 1000 + 45 + 10 * 5000 + 45)) &&
	 test "$(fm 2 total_input_tokens)" = $((10 * 1100 + 45 + 10 * 5100 + 45)) &&
	 test "$(fm 1 total_output_tokens)" = 140 && test "$(fm 2 total_output_tokens)" = 180 &&
	 test "$(fm 1 total_duration_seconds)" = 25 && test "$(fm 2 total_duration_seconds)" = 40 &&
	 test "$(fm 1 total_iterations)" = 40 && test "$(fm 2 total_iterations)" = 20 &&
	 cat issues/*.md | grep -c "^<!-- git-stats:run " >count && test "$(cat count)" = 40 &&
	 cat issues/*.md | grep "^<!-- git-stats:run " | sed "s/.*\"run_id\":\"\([^\"]*\)\".*/\1/" | sort -u >ids &&
	 test_line_count = 40 ids &&
	 grep -c "^## Run stats" issues/1-*.md >headings && test "$(cat headings)" = 1 &&
	 git stats verify >out && grep "totals match" out)
'

test_expect_success 'the merged issue files carry no conflict markers' '
	! grep -n "^<<<<<<<\|^>>>>>>>\|^=======$" a/issues/*.md
'

test_expect_success 'runs recorded after the merge still add up' '
	(cd b && record_runs 1 9000 && git push -q origin main) &&
	(cd a && record_runs 1 8000 && git pull -q --no-edit origin main 2>err && test ! -s err &&
	 test "$(fm 1 run_count)" = 22 && git stats verify >/dev/null)
'

test_expect_success 'without the driver (union merge) post-merge reports the drift' '
	git init -q --bare plain.git &&
	git clone -q plain.git pseed 2>/dev/null &&
	(cd pseed && git commit -q --allow-empty -m init && git stats new "Parser" >/dev/null &&
	 git stats new "Login" >/dev/null && git push -q origin main) &&
	git clone -q plain.git c && git clone -q plain.git d &&
	for x in c d; do
		(cd $x && git stats install >/dev/null && git config --unset merge.gitstats.driver &&
		 echo "issues/*.md merge=union" >.git/info/attributes) || exit 1
	done &&
	(cd c && record_runs 5 100 && git push -q origin main) &&
	(cd d && record_runs 5 100 && git pull -q --no-edit origin main 2>err;
	 cat err &&
	 grep "^git-stats: post-merge: drift in .issues/1-parser.md.: run_count is 5, run blocks give 10" err &&
	 grep "run .git stats verify --fix.$" err &&
	 test_expect_code 1 git stats verify >out)
'

test_expect_success 'verify --fix repairs what the union merge left' '
	(cd d && git stats verify --fix >out &&
	 git stats verify >out && test "$(fm 1 run_count)" = 10 && test "$(fm 2 run_count)" = 10)
'

test_expect_success 'the same title edited differently on both sides is a conflict' '
	(cd b && git pull -q --no-edit origin main) &&
	(cd a && git stats set 1 "title=Parser drops YAML comments" >/dev/null && record_runs 1 300 &&
	 git push -q origin main) &&
	(cd b && git stats set 1 "title=Rewrite the parser" >/dev/null && record_runs 1 400 &&
	 test_must_fail git pull -q --no-edit origin main >out 2>&1 &&
	 git ls-files -u >unmerged && grep "issues/1-" unmerged &&
	 f=$(ls issues/1-*.md) &&
	 grep "^<<<<<<< " "$f" && grep "^title: Parser drops YAML comments$" "$f" &&
	 grep "^title: Rewrite the parser$" "$f" && grep "^>>>>>>> " "$f" &&
	 grep -c "^<!-- git-stats:run " "$f" >count && test "$(cat count)" = 24 &&
	 grep "^run_count: 24$" "$f")
'

test_expect_success 'resolving the title leaves totals that verify' '
	(cd b && f=$(ls issues/1-*.md) &&
	 sed -e "/^<<<<<<< /d" -e "/^=======$/d" -e "/^>>>>>>> /d" -e "/^title: Rewrite the parser$/d" "$f" >tmp &&
	 mv tmp "$f" && git add "$f" && git commit -q --no-edit &&
	 git stats verify >/dev/null && test "$(fm 1 title)" = "Parser drops YAML comments")
'

test_expect_success 'attempts made in both clones are all kept' '
	(cd b && git push -q origin main) && (cd a && git pull -q --no-edit origin main) &&
	(cd a && git stats attempt start 2 --agent recon >/dev/null &&
	 git stats attempt end 2 --agent recon --success --cost 1.5 >/dev/null &&
	 record_runs 1 600 && git push -q origin main) &&
	(cd b && record_runs 1 700 && git stats attempt start 2 --agent report >/dev/null &&
	 git stats attempt end 2 --agent report --failed --cost 0.5 --error "timed out" >/dev/null &&
	 git pull -q --no-edit origin main 2>err && test ! -s err &&
	 git stats show 2 --json >show &&
	 grep "\"recon\"" show && grep "\"report\"" show && grep "timed out" show &&
	 test "$(fm 2 run_count)" = 26 && git stats verify >/dev/null)
'

test_expect_success 'user keys merge key by key: different keys on adjacent lines' '
	git init -q --bare keys.git &&
	git clone -q keys.git kseed 2>/dev/null &&
	(cd kseed && git commit -q --allow-empty -m init && git stats new "Shared" >/dev/null &&
	 git push -q origin main) &&
	git clone -q keys.git k1 && git clone -q keys.git k2 &&
	(cd k1 && git stats install >/dev/null) && (cd k2 && git stats install >/dev/null) &&
	(cd k1 && git stats set 1 state=closed >/dev/null && git push -q origin main) &&
	(cd k2 && git stats set 1 title=Renamed >/dev/null &&
	 git pull -q --no-edit origin main 2>err && test ! -s err &&
	 test "$(fm 1 state)" = closed && test "$(fm 1 title)" = Renamed &&
	 ! grep "^<<<<<<<\|^>>>>>>>" issues/1-*.md && git push -q origin main)
'

test_expect_success 'user keys merge key by key: a new key on each side' '
	(cd k1 && git pull -q --no-edit origin main && git stats set 1 priority=high >/dev/null &&
	 git push -q origin main) &&
	(cd k2 && git stats set 1 owner=bob >/dev/null &&
	 git pull -q --no-edit origin main 2>err && test ! -s err &&
	 test "$(fm 1 priority)" = high && test "$(fm 1 owner)" = bob &&
	 sed -n "/^owner: /,/^---$/p" issues/1-*.md >tail &&
	 printf "owner: bob\npriority: high\n---\n" >expect && test_cmp expect tail &&
	 git push -q origin main)
'

test_expect_success 'user keys merge key by key: one key set both ways is a conflict' '
	(cd k1 && git pull -q --no-edit origin main && git stats set 1 owner=alice >/dev/null &&
	 git stats set 1 state=open >/dev/null && git push -q origin main) &&
	(cd k2 && git stats set 1 owner=carol >/dev/null &&
	 test_must_fail git pull -q --no-edit origin main >out 2>&1 &&
	 git ls-files -u >unmerged && grep "issues/1-" unmerged && f=$(ls issues/1-*.md) &&
	 sed -n "/^<<<<<<< /,/^>>>>>>> /p" "$f" >conflict &&
	 grep -v "^<<<<<<< \|^=======$\|^>>>>>>> " conflict >lines &&
	 printf "owner: carol\nowner: alice\n" >expect && test_cmp expect lines &&
	 grep "^state: open$" "$f")
'

test_done
