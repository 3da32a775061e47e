#!/bin/sh
# Session ids, the event log and its bad-input errors (SPEC §7, §10).
. "$(dirname "$0")/test-lib.sh"

S=repo/.git/stats/sessions

test_expect_success 'setup' '
	test_create_repo repo
'

test_expect_success 'session new prints a ses_ UUID v7 id and creates 0600 files' '
	(cd repo && git stats session new --issue 12 --model claude-sonnet-4-5 >../id) &&
	grep -E "^ses_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" id &&
	id=$(cat id) &&
	test -f $S/$id/metadata.json && test -f $S/$id/events.jsonl &&
	test "$(stat -c %a $S/$id/metadata.json)" = 600 &&
	test "$(stat -c %a $S/$id/events.jsonl)" = 600 &&
	grep "\"issue\":.*\"12\"" $S/$id/metadata.json
'

test_expect_success 'session log appends lines with tool-assigned seq and ts' '
	id=$(cat id) &&
	(cd repo &&
	 git stats session log $id session.start --data "{\"model\":\"claude-sonnet-4-5\"}" &&
	 echo "{\"prompt\":\"hello\"}" | git stats session log latest llm.request --data - &&
	 git stats session log latest llm.response --json --data \
		"{\"usage\":{\"input_tokens\":10,\"output_tokens\":5},\"cost_usd\":0.01}" >../out) &&
	test_line_count = 3 $S/$id/events.jsonl &&
	grep "\"seq\":3,\"type\":\"llm.response\",\"ts\":\"2026-03-15T12:00:00Z\"" out &&
	sed -n 2p $S/$id/events.jsonl | grep "\"seq\":2,\"type\":\"llm.request\""
'

test_expect_success 'a unique prefix resolves; latest is the newest session' '
	id=$(cat id) &&
	(cd repo && git stats session new >../id2) &&
	prefix=$(cut -c1-20 id) &&
	(cd repo && git stats session show $prefix --json >../show) &&
	grep "\"id\":.*\"$id\"" show &&
	(cd repo && git stats session show latest --json >../show) &&
	grep "$(cat id2)" show
'

test_expect_success 'an ambiguous prefix is an error listing the matches' '
	mkdir $S/ses_00000000-0000-7000-8000-000000000001 \
	      $S/ses_00000000-0000-7000-8000-000000000002 &&
	(cd repo && test_expect_code 1 git stats session show ses_0000 2>../err) &&
	test_line_count = 1 err &&
	grep "ambiguous session .ses_0000." err &&
	grep "000000000001" err && grep "000000000002" err &&
	rm -r $S/ses_00000000-0000-7000-8000-00000000000?
'

test_expect_success 'an unknown session id is an error (exit 1)' '
	(cd repo && test_expect_code 1 git stats session show ses_ffff 2>../err) &&
	grep "^git-stats: unknown session .ses_ffff." err &&
	(cd repo && test_expect_code 1 git stats session log ../etc tool.call 2>../err) &&
	grep "is not a session id" err
'

test_expect_success 'an unknown event type is rejected, listing the valid ones' '
	id=$(cat id) &&
	cp $S/$id/events.jsonl before &&
	(cd repo && test_expect_code 2 git stats session log $id llm.reply 2>../err) &&
	test_line_count = 1 err &&
	grep "unknown event type .llm.reply.; valid types: session.start, llm.request, llm.response, tool.call, session.end, override, run.summary" err &&
	test_cmp before $S/$id/events.jsonl
'

test_expect_success 'data that is not a JSON object is rejected; nothing appended' '
	id=$(cat id) &&
	(cd repo && test_expect_code 2 git stats session log $id tool.call --data "[1,2]" 2>../err) &&
	grep "must be a JSON object" err &&
	(cd repo && test_expect_code 2 git stats session log $id tool.call --data "{oops" 2>../err) &&
	grep "not valid JSON" err &&
	(cd repo && test_expect_code 2 git stats session log $id llm.response \
		--data "{\"usage\":{\"output_tokens\":\"many\"}}" 2>../err) &&
	grep "usage.output_tokens" err &&
	test_cmp before $S/$id/events.jsonl
'

test_expect_success 'data with anything after the one JSON object is rejected; nothing appended' '
	id=$(cat id) &&
	(cd repo && test_expect_code 2 git stats session log $id llm.request \
		--data "{\"prompt\":\"a\"} trailing garbage" 2>../err) &&
	test_line_count = 1 err &&
	grep "^git-stats: --data: unexpected text after the JSON value: .trailing garbage.$" err &&
	printf "{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n" >two &&
	(cd repo && test_expect_code 2 git stats session log $id llm.request --data - \
		<../two 2>../err) &&
	test_line_count = 1 err &&
	grep "^git-stats: --data: unexpected text after the JSON value: .{\"prompt\":\"b\"}.$" err &&
	test_cmp before $S/$id/events.jsonl &&
	printf "  {\"prompt\":\"a\"} \r\n\n" >spaced &&
	(cd repo && git stats session log $id llm.request --data - <../spaced) &&
	tail -n 1 $S/$id/events.jsonl | grep "\"data\":{\"prompt\":\"a\"}}$" &&
	cp before $S/$id/events.jsonl
'

test_expect_success 'a corrupt metadata file is a clear error; logging loses nothing' '
	id=$(cat id) &&
	(cd repo && git stats session show $id >/dev/null) &&
	cp $S/$id/metadata.json meta.bak &&
	printf "{\"id\": tru" >$S/$id/metadata.json &&
	(cd repo && test_expect_code 1 git stats session show $id 2>../err) &&
	test_line_count = 1 err &&
	grep "^git-stats: corrupt session metadata .*metadata.json" err &&
	(cd repo && git stats session log $id tool.call --data "{\"tool\":\"x\"}") &&
	test_line_count = 4 $S/$id/events.jsonl &&
	(cd repo && git stats session list >../out 2>../err) &&
	grep "warning: corrupt session metadata" err &&
	rm $S/$id/metadata.json &&
	(cd repo && git stats session show $id >../out) &&
	grep "^events: *4" out &&
	head -n 3 $S/$id/events.jsonl >before &&
	cp before $S/$id/events.jsonl &&
	cp meta.bak $S/$id/metadata.json
'

test_expect_success 'an unwritable sessions directory is a clear error' '
	test_create_repo blocked &&
	mkdir -p blocked/.git/stats && echo file >blocked/.git/stats/sessions &&
	(cd blocked && test_expect_code 1 git stats session new 2>../err) &&
	test_line_count = 1 err &&
	grep "^git-stats: cannot create .*sessions" err
'

test_expect_success 'a log that cannot be opened for appending is a clear error' '
	(cd repo && git stats session new >../bad) &&
	bad=$(cat bad) &&
	rm $S/$bad/events.jsonl && mkdir $S/$bad/events.jsonl &&
	(cd repo && test_expect_code 1 git stats session log $bad tool.call --data "{\"tool\":\"x\"}" 2>../err) &&
	test_line_count = 1 err &&
	grep "^git-stats: cannot open .*events.jsonl.: Is a directory" err &&
	rm -r $S/$bad
'

test_expect_success 'a torn last line is skipped with a warning; the next append is intact' '
	id=$(cat id) &&
	printf "{\"session_id\":\"%s\",\"seq\":4,\"type\":\"tool.c" $id >>$S/$id/events.jsonl &&
	(cd repo && git stats session replay $id >../out 2>../err) &&
	grep "warning: .*line 4: incomplete last line" err &&
	(cd repo && git stats session log $id tool.call --data "{\"tool\":\"bash\"}" &&
	 git stats session replay $id >../out 2>../err) &&
	grep "#5 *tool.call *bash" out &&
	grep "line 4: not a complete JSON event" err
'

test_expect_success 'four processes appending at once keep every line and seq' '
	(cd repo && git stats session new >../cid) &&
	cid=$(cat cid) &&
	for w in 1 2 3 4; do
		(cd repo && i=0 && while [ $i -lt 50 ]; do
			git stats session log $cid tool.call --data "{\"tool\":\"w$w\",\"i\":$i}" || exit 1
			i=$((i + 1))
		done) &
	done &&
	wait &&
	test_line_count = 200 $S/$cid/events.jsonl &&
	sed "s/.*\"seq\":\([0-9]*\),.*/\1/" $S/$cid/events.jsonl | sort -n >seqs &&
	seq 1 200 >want && test_cmp want seqs
'

test_expect_success 'session list shows sessions oldest first, --json for scripts' '
	(cd repo && git stats session list >../out && git stats session list --json >../json) &&
	grep "^ID" out &&
	grep "$(cat id) .* 12 " out &&
	test "$(grep -c "\"id\":" json)" = 3 &&
	(cd repo && git stats session list --issue 12 --json >../json) &&
	test "$(grep -c "\"id\":" json)" = 1
'

test_expect_success 'every session subcommand answers --help' '
	for sub in new log replay list show models export routing; do
		git stats session $sub --help >out &&
		grep "^usage: git stats session $sub" out || exit 1
	done &&
	test_expect_code 2 git stats session frob 2>err &&
	grep "unknown session subcommand" err
'

test_done
