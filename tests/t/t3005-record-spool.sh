#!/bin/sh
# --best-effort and the spool: a record that fails because the ref is
# locked is spooled, flush applies it exactly once, a later record flushes
# the spool first.
. "$(dirname "$0")/test-lib.sh"

fm() { git stats fm get issues/1.md "$1"; }

test_expect_success 'setup: an issue on a dedicated ref' '
	test_create_repo repo && cd repo &&
	mkdir issues &&
	printf -- "---\nid: 1\n---\n# One\n" >issues/1.md &&
	git add issues && git commit -q -m issue
'

test_expect_success 'without --best-effort a locked ref fails, nothing changed' '
	cd repo &&
	before=$(git rev-parse HEAD) &&
	touch .git/refs/heads/main.lock &&
	test_expect_code 1 git stats record 1 --input-tokens 10 --run-id locked-0 2>err &&
	rm .git/refs/heads/main.lock &&
	test_line_count = 1 err &&
	grep -i "lock" err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test ! -d .git/stats/spool || test -z "$(ls .git/stats/spool)"
'

test_expect_success 'with --best-effort it warns once, spools and exits 0' '
	cd repo &&
	before=$(git rev-parse HEAD) &&
	touch .git/refs/heads/main.lock &&
	git stats record 1 --input-tokens 10 --output-tokens 2 --model gpt-4o \
		--run-id spooled-1 --best-effort 2>err &&
	rm .git/refs/heads/main.lock &&
	test_line_count = 1 err &&
	grep "^git-stats: warning: .*spooled 1 run" err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test -f .git/stats/spool/spooled-1.json &&
	test "$(stat -c %a .git/stats/spool/spooled-1.json)" = 600
'

test_expect_success 'the spool survives a second locked attempt (index.lock)' '
	cd repo &&
	touch .git/index.lock &&
	git stats record 1 --input-tokens 5 --model gpt-4o --run-id spooled-2 \
		--best-effort --format json >out 2>err &&
	rm .git/index.lock &&
	grep "\"spooled\":[^a-z]*true" out &&
	grep "\"status\":[^\"]*\"spooled\"" out &&
	test "$(ls .git/stats/spool | wc -l)" = 2
'

test_expect_success 'flush applies each spooled run exactly once' '
	cd repo &&
	git stats flush >out &&
	grep "^flushed 2 spooled runs (0 already recorded), 0 left" out &&
	test "$(fm run_count)" = 2 &&
	test "$(fm total_input_tokens)" = 15 &&
	test -z "$(ls .git/stats/spool)" &&
	test "$(git log -1 --format=%s)" = "stats: flush spooled runs"
'

test_expect_success 'flushing twice changes nothing' '
	cd repo &&
	before=$(git rev-parse HEAD) &&
	git stats flush >out &&
	grep "spool is empty" out &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'a spooled run that was recorded meanwhile is not counted twice' '
	cd repo &&
	touch .git/refs/heads/main.lock &&
	git stats record 1 --input-tokens 100 --run-id twice-1 --best-effort 2>/dev/null &&
	rm .git/refs/heads/main.lock &&
	git stats record 1 --input-tokens 100 --run-id twice-1 &&
	test "$(fm run_count)" = 3 &&
	git stats flush >out 2>&1 &&
	test "$(fm run_count)" = 3 &&
	test -z "$(ls .git/stats/spool)"
'

test_expect_success 'a successful record first flushes the spool' '
	cd repo &&
	touch .git/refs/heads/main.lock &&
	git stats record 1 --input-tokens 7 --run-id early-1 --best-effort 2>/dev/null &&
	rm .git/refs/heads/main.lock &&
	git stats record 1 --input-tokens 8 --run-id late-1 &&
	test "$(fm run_count)" = 5 &&
	test -z "$(ls .git/stats/spool)" &&
	grep -n "run_id\":\"early-1" issues/1.md | cut -d: -f1 >../a &&
	grep -n "run_id\":\"late-1" issues/1.md | cut -d: -f1 >../b &&
	test "$(cat ../a)" -lt "$(cat ../b)"
'

test_expect_success 'an unknown issue is spooled with --best-effort and stays spooled' '
	cd repo &&
	git stats record 77 --input-tokens 1 --run-id orphan-1 --best-effort 2>err &&
	grep "warning" err &&
	test -f .git/stats/spool/orphan-1.json &&
	test_expect_code 1 git stats flush >out 2>err &&
	grep "orphan-1.json" err &&
	grep "1 left in the spool" out &&
	test -f .git/stats/spool/orphan-1.json &&
	git stats record 78 --input-tokens 1 --run-id orphan-2 --best-effort 2>err &&
	test_line_count = 1 err &&
	grep "^git-stats: warning: issue .78. not found.*; spooled 1 run .* (also: 1 spooled record could not be applied)$" err &&
	rm .git/stats/spool/orphan-2.json
'

test_expect_success 'the spool is replayed to the ref it was recorded for' '
	cd repo &&
	rm .git/stats/spool/orphan-1.json &&
	git branch issues main &&
	touch .git/refs/heads/issues.lock &&
	git stats record 1 --ref issues --input-tokens 3 --run-id other-ref-1 --best-effort 2>/dev/null &&
	rm .git/refs/heads/issues.lock &&
	main_before=$(git rev-parse main) &&
	git stats flush &&
	test "$(git rev-parse main)" = "$main_before" &&
	git show issues:issues/1.md | grep "other-ref-1"
'

test_expect_success 'flush --json reports each record' '
	cd repo &&
	touch .git/refs/heads/main.lock &&
	git stats record 1 --input-tokens 1 --run-id json-1 --best-effort 2>/dev/null &&
	rm .git/refs/heads/main.lock &&
	git stats flush --json >out &&
	grep "\"applied\":[^0-9]*1" out &&
	grep "\"run_id\":[^\"]*\"json-1\"" out
'

test_expect_success 'a spool file left behind after its commit is not applied again' '
	cd repo &&
	touch .git/refs/heads/main.lock &&
	git stats record 1 --input-tokens 9 --run-id crash-1 --best-effort 2>/dev/null &&
	rm .git/refs/heads/main.lock &&
	cp .git/stats/spool/crash-1.json ../crash-1.json &&
	git stats flush >/dev/null &&
	count=$(git stats fm get issues/1.md run_count) &&
	cp ../crash-1.json .git/stats/spool/ &&
	before=$(git rev-parse HEAD) &&
	git stats flush >out &&
	grep "(1 already recorded)" out &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test "$(git stats fm get issues/1.md run_count)" = "$count" &&
	test -z "$(ls .git/stats/spool)"
'

test_expect_success 'concurrent flushes apply each record once' '
	cd repo &&
	count=$(git stats fm get issues/1.md run_count) &&
	touch .git/refs/heads/main.lock &&
	for i in 1 2 3 4 5 6; do
		git stats record 1 --input-tokens 1 --run-id conc-$i --best-effort 2>/dev/null || exit 1
	done &&
	rm .git/refs/heads/main.lock &&
	{ git stats flush >../f1 2>&1 & } &&
	{ git stats flush >../f2 2>&1 & } &&
	git stats flush >../f3 2>&1 &&
	wait &&
	! grep "cannot flush" ../f1 ../f2 ../f3 &&
	test "$(git stats fm get issues/1.md run_count)" = $((count + 6)) &&
	test -z "$(ls .git/stats/spool)" &&
	test "$(grep -c "run_id\":\"conc-" issues/1.md)" = 6
'

test_expect_success 'verify is clean' '
	cd repo && git stats verify
'

test_done
