#!/bin/sh
# A barf key=value issue: the five barf totals change in place, in that
# dialect, and the only other change is the appended run block.
. "$(dirname "$0")/test-lib.sh"

fixture="$GS_SOURCE_DIR/tests/fixtures/record-barf-issue.md"

test_expect_success 'setup: a barf issue, LF and CRLF copies' '
	test_create_repo repo && cd repo &&
	mkdir issues &&
	cp "$fixture" issues/7-port-the-tokenizer.md &&
	sed "s/\$/\r/" "$fixture" >issues/8-crlf.md &&
	sed -e "s/^id=7/id=8/" issues/8-crlf.md >../t && cp ../t issues/8-crlf.md &&
	git add issues && git commit -q -m "barf issues"
'

test_expect_success 'record updates the five totals in place' '
	cd repo &&
	git stats record 7 --input-tokens 1000 --cache-read-tokens 500 --cache-write-tokens 100 \
		--output-tokens 200 --duration 10.5 --iterations 3 --model claude-sonnet-4-5 \
		--run-id barf-run-1 &&
	sed -e "s/^run_count=2$/run_count=3/" \
	    -e "s/^total_input_tokens=48213$/total_input_tokens=49813/" \
	    -e "s/^total_output_tokens=5120$/total_output_tokens=5320/" \
	    -e "s/^total_duration_seconds=312$/total_duration_seconds=322.5/" \
	    -e "s/^total_iterations=6$/total_iterations=9/" "$fixture" >../expect-head &&
	size=$(wc -c <../expect-head) &&
	head -c "$size" issues/7-port-the-tokenizer.md >../actual-head &&
	test_cmp ../expect-head ../actual-head
'

test_expect_success 'the byte diff is the five values plus the appended block' '
	cd repo &&
	git diff HEAD~1 -- issues/7-port-the-tokenizer.md >../diff &&
	grep "^-[a-z]" ../diff | sort >../removed &&
	printf "%s\n" -run_count=2 -total_duration_seconds=312 -total_input_tokens=48213 \
		-total_iterations=6 -total_output_tokens=5120 | sort >../want-removed &&
	test_cmp ../want-removed ../removed &&
	grep "^+" ../diff | grep -v "^+++" >../added &&
	grep -c "^+[a-z_]*=" ../added >../n && test "$(cat ../n)" = 5 &&
	grep "^+## Run stats$" ../added &&
	grep "^+<!-- git-stats:run {\"run_id\":\"barf-run-1\"" ../added &&
	! grep -q "total_cost_usd\|last_model\|total_cache" issues/7-port-the-tokenizer.md
'

test_expect_success 'the file stays key=value: fm reads it back' '
	cd repo &&
	test "$(git stats fm get issues/7-port-the-tokenizer.md run_count)" = 3 &&
	test "$(git stats fm get issues/7-port-the-tokenizer.md title)" = "Port the tokenizer = fast" &&
	git stats fm check issues/7-port-the-tokenizer.md
'

test_expect_success 'CRLF barf files keep CRLF everywhere' '
	cd repo &&
	git stats record 8 --input-tokens 1 --run-id crlf-1 --model gpt-4o &&
	grep -c "\$" issues/8-crlf.md >../lines &&
	grep -c "$(printf "\r")\$" issues/8-crlf.md >../crlf &&
	test_cmp ../lines ../crlf &&
	grep "^run_count=3$(printf "\r")\$" issues/8-crlf.md
'

test_expect_success 'verify checks the five barf keys only' '
	cd repo &&
	test_expect_code 1 git stats verify 7 >out &&
	grep "run_count is .3., the run blocks give 1" out &&
	test_must_fail grep total_cost_usd out
'

test_done
