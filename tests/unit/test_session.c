/*
 * Session ids, the concurrent event log, resolution, totals, model
 * statistics and the redacted export.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gs/gs.h"

static char tmpdir[64];
static char sdir[128];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/gs-session-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(sdir, sizeof(sdir), "%s/stats/sessions", tmpdir);
	setenv("GIT_STATS_NOW", "2026-03-15T12:00:00Z", 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void new_session(char id[GS_SESSION_ID_BUFSZ])
{
	gs_session_new_opts o = { "12", "claude-sonnet-4-5", NULL };

	assert_int_equal(gs_session_create(id, sdir, &o), 0);
}

static void append_json(const char *id, gs_session_event_type type, const char *json)
{
	cJSON *d = cJSON_Parse(json);

	assert_non_null(d);
	assert_int_equal(gs_session_append(NULL, NULL, NULL, sdir, id, type, d), 0);
	cJSON_Delete(d);
}

static void test_session_id_is_ses_plus_uuid_v7(void **state)
{
	char id[GS_SESSION_ID_BUFSZ];
	int64_t ms;

	(void)state;
	assert_int_equal(gs_session_id_new(id), 0);
	assert_int_equal(strlen(id), 40);
	assert_memory_equal(id, "ses_", 4);
	assert_true(id[12] == '-' && id[17] == '-' && id[22] == '-' && id[27] == '-');
	assert_int_equal(id[18], '7');                 /* version 7 */
	assert_non_null(strchr("89ab", id[23]));       /* variant 10 */
	assert_true(gs_session_id_valid(id));
	/* The 48-bit timestamp is the real clock, not GIT_STATS_NOW. */
	ms = gs_session_id_time_ms(id);
	assert_true(ms > 1700000000000LL);
	assert_false(gs_session_id_valid("ses_01a22d56-e8dc-47a1-b90b-29ea39c2f770")); /* v4 */
	assert_false(gs_session_id_valid("ses_01A22D56-E8DC-77A1-B90B-29EA39C2F770")); /* case */
	assert_false(gs_session_id_valid("ses_../../etc"));
}

static void test_session_thousand_ids_sort_in_creation_order(void **state)
{
	char (*ids)[GS_SESSION_ID_BUFSZ] = malloc(1000 * GS_SESSION_ID_BUFSZ);
	int i;

	(void)state;
	assert_non_null(ids);
	for (i = 0; i < 1000; i++)
		assert_int_equal(gs_session_id_new(ids[i]), 0);
	for (i = 1; i < 1000; i++) {
		assert_true(strcmp(ids[i - 1], ids[i]) < 0);
		assert_true(gs_session_id_time_ms(ids[i - 1]) <= gs_session_id_time_ms(ids[i]));
	}
	free(ids);
}

static void test_session_append_assigns_consecutive_seq_and_ts(void **state)
{
	char id[GS_SESSION_ID_BUFSZ];
	int64_t seq = 0, ts = 0;
	gs_buf line = GS_BUF_INIT;
	int i;

	(void)state;
	new_session(id);
	for (i = 1; i <= 3; i++) {
		gs_buf_clear(&line);
		cJSON *d = cJSON_Parse("{\"tool\":\"bash\"}");

		assert_int_equal(gs_session_append(&seq, &ts, &line, sdir, id, GS_SESSION_EV_TOOL, d), 0);
		cJSON_Delete(d);
		assert_int_equal(seq, i);
	}
	assert_int_equal(ts, 1773576000000LL); /* GIT_STATS_NOW */
	assert_non_null(strstr(line.ptr, "\"seq\":3,\"type\":\"tool.call\",\"ts\":\"2026-03-15T12:00:00Z\""));
	gs_buf_dispose(&line);
}

static void test_session_ids_differ_across_fork_in_one_millisecond(void **state)
{
	char parent[GS_SESSION_ID_BUFSZ], child[GS_SESSION_ID_BUFSZ];
	int fds[2], st;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(gs_session_id_new(parent), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (gs_session_id_new(child) < 0 || write(fds[1], child, sizeof(child)) < 0)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(gs_session_id_new(parent), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(read(fds[0], child, sizeof(child)), sizeof(child));
	assert_string_not_equal(parent, child);
	close(fds[0]);
	close(fds[1]);
}

static void test_session_seq_survives_a_last_line_longer_than_the_tail_window(void **state)
{
	char id[GS_SESSION_ID_BUFSZ];
	cJSON *d = cJSON_CreateObject();
	char *big = malloc(200001);
	int64_t seq = 0;

	(void)state;
	new_session(id);
	memset(big, 'y', 200000);
	big[200000] = '\0';
	cJSON_AddStringToObject(d, "tool", "cat");
	cJSON_AddStringToObject(d, "output", big);
	assert_int_equal(gs_session_append(&seq, NULL, NULL, sdir, id, GS_SESSION_EV_TOOL, d), 0);
	assert_int_equal(gs_session_append(&seq, NULL, NULL, sdir, id, GS_SESSION_EV_TOOL, d), 0);
	assert_int_equal(seq, 2);
	append_json(id, GS_SESSION_EV_END, "{\"status\":\"ok\"}");
	assert_int_equal(gs_session_append(&seq, NULL, NULL, sdir, id, GS_SESSION_EV_TOOL, d), 0);
	assert_int_equal(seq, 4);
	free(big);
	cJSON_Delete(d);
}

/* Count lines and check seq 1..n appear exactly once each. */
struct seq_check {
	unsigned char *seen;
	int64_t max;
	int64_t count;
	int dup;
};

static int seq_cb(const gs_session_event *ev, void *payload)
{
	struct seq_check *c = payload;

	c->count++;
	if (ev->seq < 1 || ev->seq > c->max || c->seen[ev->seq])
		c->dup = 1;
	else
		c->seen[ev->seq] = 1;
	return 0;
}

static int warnings;
static void count_warning(const char *msg, void *payload)
{
	(void)msg;
	(void)payload;
	warnings++;
}

static void test_session_4_processes_x_500_appends_keep_every_line(void **state)
{
	char id[GS_SESSION_ID_BUFSZ], path[256];
	struct seq_check c = { NULL, 2000, 0, 0 };
	pid_t kids[4];
	cJSON *meta = NULL;
	gs_buf all = GS_BUF_INIT;
	size_t lines = 0, i;
	int k;

	(void)state;
	new_session(id);
	for (k = 0; k < 4; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			cJSON *d = cJSON_CreateObject();
			int j;

			cJSON_AddStringToObject(d, "tool", "bash");
			/* Long enough that a torn write would show. */
			cJSON_AddStringToObject(d, "output",
				"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
			cJSON_AddNumberToObject(d, "writer", k);
			for (j = 0; j < 500; j++)
				if (gs_session_append(NULL, NULL, NULL, sdir, id, GS_SESSION_EV_TOOL, d) < 0)
					_exit(1);
			cJSON_Delete(d);
			_exit(0);
		}
	}
	for (k = 0; k < 4; k++) {
		int st;

		assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	snprintf(path, sizeof(path), "%s/%s/events.jsonl", sdir, id);
	assert_int_equal(gs_file_read(&all, path, 1 << 26), 0);
	for (i = 0; i < all.size; i++)
		lines += all.ptr[i] == '\n';
	assert_int_equal(lines, 2000);
	c.seen = calloc(2001, 1);
	warnings = 0;
	assert_int_equal(gs_session_read(sdir, id, GS_SESSION_EV_ALL, seq_cb, &c, count_warning, NULL), 0);
	assert_int_equal(warnings, 0);
	assert_int_equal(c.count, 2000);
	assert_false(c.dup);
	assert_int_equal(gs_session_metadata_load(&meta, sdir, id), 0);
	assert_int_equal((int)cJSON_GetObjectItem(meta, "event_count")->valuedouble, 2000);
	assert_int_equal((int)cJSON_GetObjectItem(meta, "last_seq")->valuedouble, 2000);
	cJSON_Delete(meta);
	free(c.seen);
	gs_buf_dispose(&all);
}

static void test_session_torn_last_line_is_skipped_with_a_warning(void **state)
{
	char id[GS_SESSION_ID_BUFSZ], path[256];
	struct seq_check c = { NULL, 10, 0, 0 };
	FILE *f;
	cJSON *d;
	int64_t seq;

	(void)state;
	new_session(id);
	append_json(id, GS_SESSION_EV_TOOL, "{\"tool\":\"a\"}");
	snprintf(path, sizeof(path), "%s/%s/events.jsonl", sdir, id);
	f = fopen(path, "a");
	fprintf(f, "{\"session_id\":\"%s\",\"seq\":2,\"type\":\"tool.call\",\"ts\":\"2026-03-1", id);
	fclose(f);

	c.seen = calloc(11, 1);
	warnings = 0;
	assert_int_equal(gs_session_read(sdir, id, GS_SESSION_EV_ALL, seq_cb, &c, count_warning, NULL), 0);
	assert_int_equal(warnings, 1);
	assert_int_equal(c.count, 1);

	/* The next append ends the torn line and never reuses its seq. */
	d = cJSON_Parse("{\"tool\":\"b\"}");
	assert_int_equal(gs_session_append(&seq, NULL, NULL, sdir, id, GS_SESSION_EV_TOOL, d), 0);
	cJSON_Delete(d);
	assert_int_equal(seq, 3);
	memset(c.seen, 0, 11);
	c.count = 0;
	warnings = 0;
	assert_int_equal(gs_session_read(sdir, id, GS_SESSION_EV_ALL, seq_cb, &c, count_warning, NULL), 0);
	assert_int_equal(warnings, 1);
	assert_int_equal(c.count, 2);
	assert_false(c.dup);
	free(c.seen);
}

static void test_session_reader_survives_an_overlong_timestamp(void **state)
{
	char id[GS_SESSION_ID_BUFSZ], path[256];
	struct seq_check c = { NULL, 10, 0, 0 };
	FILE *f;

	(void)state;
	new_session(id);
	snprintf(path, sizeof(path), "%s/%s/events.jsonl", sdir, id);
	f = fopen(path, "w");
	/* found by fuzz_session: a 32-byte ts overflowed the parse buffer */
	fprintf(f, "{\"session_id\":\"%s\",\"seq\":1,\"type\":\"tool.call\","
		   "\"ts\":\"2026-03-15T12:00:00.000000000000Z\",\"data\":{\"tool\":\"x\"}}\n", id);
	fclose(f);
	c.seen = calloc(11, 1);
	warnings = 0;
	assert_int_equal(gs_session_read(sdir, id, GS_SESSION_EV_ALL, seq_cb, &c, count_warning, NULL), 0);
	assert_int_equal(c.count, 1); /* the slow path parses it */
	free(c.seen);
}

static void test_session_resolve_exact_prefix_ambiguous_latest(void **state)
{
	char a[GS_SESSION_ID_BUFSZ], b[GS_SESSION_ID_BUFSZ], out[GS_SESSION_ID_BUFSZ];
	char path[256];

	(void)state;
	new_session(a);
	new_session(b);
	assert_int_equal(gs_session_resolve(out, sdir, a), 0);
	assert_string_equal(out, a);
	assert_int_equal(gs_session_resolve(out, sdir, "latest"), 0);
	assert_string_equal(out, b);
	/* Hand-made sessions with a shared prefix. */
	snprintf(path, sizeof(path), "%s/ses_00000000-0000-7000-8000-000000000001", sdir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/ses_00000000-0000-7000-8000-000000000002", sdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(gs_session_resolve(out, sdir, "ses_00000000"), GS_EAMBIGUOUS);
	assert_non_null(strstr(gs_error_last(), "ses_00000000-0000-7000-8000-000000000001"));
	assert_non_null(strstr(gs_error_last(), "ses_00000000-0000-7000-8000-000000000002"));
	assert_int_equal(gs_session_resolve(out, sdir, "00000000-0000-7000-8000-000000000002"), 0);
	assert_string_equal(out, "ses_00000000-0000-7000-8000-000000000002");
	assert_int_equal(gs_session_resolve(out, sdir, "ses_ffff"), GS_ENOTFOUND);
	assert_int_equal(gs_session_resolve(out, sdir, "../x"), GS_EUSAGE);
}

static void test_session_bad_input_is_rejected_and_nothing_written(void **state)
{
	char id[GS_SESSION_ID_BUFSZ], path[256];
	cJSON *arr = cJSON_Parse("[1,2]");
	cJSON *bad_sel = cJSON_Parse("{\"models\":[\"a\",\"b\"],\"selected\":\"c\"}");
	cJSON *bad_usage = cJSON_Parse("{\"usage\":{\"input_tokens\":-1}}");
	struct stat st;
	cJSON *meta = NULL;
	FILE *f;

	(void)state;
	new_session(id);
	assert_int_equal(gs_session_append(NULL, NULL, NULL, sdir, id, GS_SESSION_EV_TOOL, arr),
			 GS_EUSAGE);
	assert_non_null(strstr(gs_error_last(), "must be a JSON object"));
	assert_int_equal(gs_session_append(NULL, NULL, NULL, sdir, id, GS_SESSION_EV_RUN_SUMMARY,
					   bad_sel), GS_EUSAGE);
	assert_non_null(strstr(gs_error_last(), "'c'"));
	assert_int_equal(gs_session_append(NULL, NULL, NULL, sdir, id, GS_SESSION_EV_RESPONSE,
					   bad_usage), GS_EUSAGE);
	assert_non_null(strstr(gs_error_last(), "usage.input_tokens"));
	assert_int_equal(gs_session_event_type_parse("llm.bogus"), -1);
	snprintf(path, sizeof(path), "%s/%s/events.jsonl", sdir, id);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);

	/* Corrupt metadata: a clear error naming the file; appends go on (the
	 * log is the truth and loses nothing). */
	snprintf(path, sizeof(path), "%s/%s/metadata.json", sdir, id);
	f = fopen(path, "w");
	fputs("{\"id\": \"ses_", f);
	fclose(f);
	assert_int_equal(gs_session_metadata_load(&meta, sdir, id), GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "corrupt session metadata"));
	assert_non_null(strstr(gs_error_last(), "metadata.json"));
	assert_int_equal(gs_session_append(NULL, NULL, NULL, sdir, id, GS_SESSION_EV_OVERRIDE, NULL), 0);
	assert_int_equal(gs_session_metadata_load(&meta, sdir, id), GS_EPARSE);
	/* Removing it lets the metadata be derived from the log again. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(gs_session_metadata_load(&meta, sdir, id), 0);
	assert_int_equal((int)cJSON_GetObjectItem(meta, "override_count")->valuedouble, 1);
	cJSON_Delete(meta);
	cJSON_Delete(arr);
	cJSON_Delete(bad_sel);
	cJSON_Delete(bad_usage);
}

static void test_session_unwritable_sessions_dir_is_a_clear_error(void **state)
{
	char id[GS_SESSION_ID_BUFSZ], blocked[160];
	FILE *f;

	(void)state;
	/* A file where the directory should be fails even for root. */
	snprintf(blocked, sizeof(blocked), "%s/blocked", tmpdir);
	f = fopen(blocked, "w");
	fclose(f);
	snprintf(blocked, sizeof(blocked), "%s/blocked/sessions", tmpdir);
	assert_int_equal(gs_session_create(id, blocked, NULL), GS_ERROR);
	assert_non_null(strstr(gs_error_last(), "cannot create"));
}

static void test_session_run_totals_sum_responses_with_both_cache_names(void **state)
{
	char id[GS_SESSION_ID_BUFSZ];
	gs_session_totals t;
	const gs_session_totals *it_t;
	gs_session_iter *it;

	(void)state;
	new_session(id);
	append_json(id, GS_SESSION_EV_REQUEST, "{\"prompt\":\"hi\"}");
	append_json(id, GS_SESSION_EV_RESPONSE,
		    "{\"model\":\"claude-opus-4-1\",\"usage\":{\"input_tokens\":100,\"output_tokens\":20,"
		    "\"cache_read_input_tokens\":1000,\"cache_creation_input_tokens\":300},\"cost_usd\":0.5}");
	append_json(id, GS_SESSION_EV_RESPONSE,
		    "{\"model\":\"claude-opus-4-1\",\"usage\":{\"input_tokens\":10,\"output_tokens\":2,"
		    "\"cache_read_tokens\":7,\"cache_write_tokens\":3},\"cost_usd\":0.25}");
	assert_int_equal(gs_session_run_totals(&t, sdir, id, NULL, NULL), 0);
	assert_int_equal(t.input_tokens, 110);
	assert_int_equal(t.output_tokens, 22);
	assert_int_equal(t.cache_read_tokens, 1007);
	assert_int_equal(t.cache_write_tokens, 303);
	assert_int_equal(t.iterations, 2);
	assert_true(t.cost_known);
	assert_true(fabs(t.cost_usd - 0.75) < 1e-9);
	assert_string_equal(t.model, "claude-opus-4-1");
	assert_string_equal(t.issue, "12");
	assert_int_equal(t.status, GS_SESSION_OPEN);
	gs_session_totals_dispose(&t);

	/* A response without cost makes the cost unknown, never $0. */
	append_json(id, GS_SESSION_EV_RESPONSE, "{\"usage\":{\"input_tokens\":1}}");
	append_json(id, GS_SESSION_EV_END, "{\"status\":\"failed\",\"duration_ms\":4200,\"error\":\"boom\"}");
	assert_int_equal(gs_session_run_totals(&t, sdir, id, NULL, NULL), 0);
	assert_false(t.cost_known);
	assert_int_equal(t.iterations, 3);
	assert_int_equal(t.duration_ms, 4200);
	assert_int_equal(t.status, GS_SESSION_FAILED);

	/* The metadata iterator agrees with the log. */
	assert_int_equal(gs_session_iter_new(&it, sdir), 0);
	assert_int_equal(gs_session_iter_next(&it_t, it), 0);
	assert_string_equal(it_t->id, id);
	assert_int_equal(it_t->input_tokens, t.input_tokens);
	assert_int_equal(it_t->cache_write_tokens, t.cache_write_tokens);
	assert_int_equal(it_t->cost_known, 0);
	assert_int_equal(it_t->duration_ms, 4200);
	assert_int_equal(it_t->status, GS_SESSION_FAILED);
	assert_int_equal(gs_session_iter_next(&it_t, it), GS_SESSION_ITEROVER);
	gs_session_iter_free(it);
	gs_session_totals_dispose(&t);
}

static void test_session_metadata_catches_up_with_the_log(void **state)
{
	char id[GS_SESSION_ID_BUFSZ], path[256];
	cJSON *meta = NULL;
	FILE *f;

	(void)state;
	new_session(id);
	append_json(id, GS_SESSION_EV_REQUEST, "{\"prompt\":\"first\"}");
	assert_int_equal(gs_session_metadata_load(&meta, sdir, id), 0);
	assert_int_equal((int)cJSON_GetObjectItem(meta, "prompt_count")->valuedouble, 1);
	cJSON_Delete(meta);
	/* Appended after the refresh: folded in from the saved offset. */
	append_json(id, GS_SESSION_EV_REQUEST, "{\"prompt\":\"second\"}");
	append_json(id, GS_SESSION_EV_END, "{\"status\":\"success\"}");
	assert_int_equal(gs_session_metadata_load(&meta, sdir, id), 0);
	assert_int_equal((int)cJSON_GetObjectItem(meta, "prompt_count")->valuedouble, 2);
	assert_int_equal((int)cJSON_GetObjectItem(meta, "event_count")->valuedouble, 3);
	assert_string_equal(cJSON_GetObjectItem(meta, "first_prompt_preview")->valuestring, "first");
	assert_string_equal(cJSON_GetObjectItem(meta, "last_prompt_preview")->valuestring, "second");
	assert_string_equal(cJSON_GetObjectItem(meta, "status")->valuestring, "success");
	assert_string_equal(cJSON_GetObjectItem(meta, "issue")->valuestring, "12");
	cJSON_Delete(meta);
	/* A log replaced by a shorter one is re-read from the start. */
	snprintf(path, sizeof(path), "%s/%s/events.jsonl", sdir, id);
	f = fopen(path, "w");
	fclose(f);
	append_json(id, GS_SESSION_EV_TOOL, "{\"tool\":\"x\"}");
	assert_int_equal(gs_session_metadata_load(&meta, sdir, id), 0);
	assert_int_equal((int)cJSON_GetObjectItem(meta, "event_count")->valuedouble, 1);
	assert_int_equal((int)cJSON_GetObjectItem(meta, "prompt_count")->valuedouble, 0);
	assert_string_equal(cJSON_GetObjectItem(meta, "issue")->valuestring, "12");
	cJSON_Delete(meta);
}

static const gs_session_model_stats *find_model(const gs_session_models *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->count; i++)
		if (!strcmp(m->models[i].model, name))
			return &m->models[i];
	return NULL;
}

static void test_session_models_match_hand_computed_figures(void **state)
{
	char id[GS_SESSION_ID_BUFSZ];
	gs_session_models m;
	gs_session_models_opts opts = { NULL, NULL };
	const gs_session_model_stats *a, *b, *c;

	(void)state;
	new_session(id);
	/* run 1: a beats b; run 2: b beats a, thumbs down; run 3: a,b,c,
	 * nobody selected; run 4: rewound (excluded); run 5: c beats a. */
	append_json(id, GS_SESSION_EV_RUN_SUMMARY,
		    "{\"models\":[\"a\",\"b\"],\"selected\":\"a\",\"rating\":\"up\",\"type\":\"\","
		    "\"results\":{\"a\":{\"latency_ms\":1000,\"cost_usd\":0.10,\"input_tokens\":100,"
		    "\"output_tokens\":10,\"tool_calls\":2,\"proposed_writes\":1},"
		    "\"b\":{\"latency_ms\":3000,\"cost_usd\":0.30,\"input_tokens\":300,\"output_tokens\":30}}}");
	append_json(id, GS_SESSION_EV_RUN_SUMMARY,
		    "{\"models\":[\"a\",\"b\"],\"selected\":\"b\",\"rating\":\"down\","
		    "\"results\":{\"a\":{\"latency_ms\":2000,\"cost_usd\":0.20,\"tool_calls\":1},"
		    "\"b\":{\"latency_ms\":1000}}}");
	append_json(id, GS_SESSION_EV_RUN_SUMMARY, "{\"models\":[\"a\",\"b\",\"c\"],\"selected\":null}");
	append_json(id, GS_SESSION_EV_RUN_SUMMARY,
		    "{\"models\":[\"a\",\"c\"],\"selected\":\"c\",\"type\":\"rewind\","
		    "\"results\":{\"c\":{\"latency_ms\":99999}}}");
	append_json(id, GS_SESSION_EV_RUN_SUMMARY,
		    "{\"models\":[\"c\",\"a\"],\"selected\":\"c\",\"rating\":null,"
		    "\"results\":{\"c\":{\"latency_ms\":500,\"proposed_writes\":4}}}");

	assert_int_equal(gs_session_models_compute(&m, sdir, &opts, NULL, NULL), 0);
	assert_int_equal(m.runs, 4);
	assert_int_equal(m.rewinds, 1);
	assert_int_equal(m.count, 3);
	a = find_model(&m, "a");
	b = find_model(&m, "b");
	c = find_model(&m, "c");
	/* a: in runs 1,2,3,5; wins run 1; loses 2 and 5. */
	assert_int_equal(a->participations, 4);
	assert_int_equal(a->wins, 1);
	assert_int_equal(a->losses, 2);
	assert_int_equal(a->thumbs_down, 0);
	assert_int_equal(a->latency_count, 2);
	assert_true(fabs(a->latency_ms_sum / 2 - 1500) < 1e-9);
	assert_true(fabs(a->cost_usd - 0.30) < 1e-9);
	assert_int_equal(a->input_tokens, 100);
	assert_int_equal(a->tool_calls, 3);
	assert_int_equal(a->proposed_writes, 1);
	/* b: runs 1,2,3; wins 2 (rated down); loses 1. */
	assert_int_equal(b->participations, 3);
	assert_int_equal(b->wins, 1);
	assert_int_equal(b->losses, 1);
	assert_int_equal(b->thumbs_down, 1);
	assert_true(fabs(b->latency_ms_sum / (double)b->latency_count - 2000) < 1e-9);
	assert_int_equal(b->output_tokens, 30);
	/* c: runs 3 and 5 (the rewind does not count); wins 5. */
	assert_int_equal(c->participations, 2);
	assert_int_equal(c->wins, 1);
	assert_int_equal(c->losses, 0);
	assert_int_equal(c->latency_count, 1);
	assert_true(fabs(c->latency_ms_sum - 500) < 1e-9);
	assert_int_equal(c->proposed_writes, 4);
	assert_int_equal(c->cost_count, 0);
	/* sorted by participations */
	assert_string_equal(m.models[0].model, "a");
	gs_session_models_dispose(&m);

	opts.config_hash = "nope";
	assert_int_equal(gs_session_models_compute(&m, sdir, &opts, NULL, NULL), 0);
	assert_int_equal(m.runs, 0);
	gs_session_models_dispose(&m);
}

static void test_session_export_holds_no_secret(void **state)
{
	static const char *const secrets[] = {
		"sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
		"ghp_16C7e42F292c6912E7710c838347Ae178B4a",
		"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
		"AKIAIOSFODNN7EXAMPLE",
		"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk",
		"MIIEowIBAAKCAQEA7bq98r5hQ",
	};
	char id[GS_SESSION_ID_BUFSZ];
	cJSON *out = NULL, *d;
	char *text;
	size_t i;

	(void)state;
	new_session(id);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "prompt", "use sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 now");
	assert_int_equal(gs_session_append(NULL, NULL, NULL, sdir, id, GS_SESSION_EV_REQUEST, d), 0);
	cJSON_Delete(d);
	append_json(id, GS_SESSION_EV_TOOL,
		    "{\"tool\":\"bash\",\"input\":\"echo ghp_16C7e42F292c6912E7710c838347Ae178B4a\","
		    "\"output\":\"token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz\","
		    "\"note\":\"aws AKIAIOSFODNN7EXAMPLE and xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\"}");
	append_json(id, GS_SESSION_EV_RESPONSE,
		    "{\"output\":\"curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk'\","
		    "\"extra\":\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7bq98r5hQ\\n-----END RSA PRIVATE KEY-----\"}");
	assert_int_equal(gs_session_export(&out, sdir, NULL, NULL, NULL), 0);
	text = cJSON_Print(out);
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		if (strstr(text, secrets[i]))
			fail_msg("secret %zu left in export", i);
	}
	assert_non_null(strstr(text, "[REDACTED:private-key]"));
	assert_non_null(strstr(text, "[REDACTED:aws-key]"));
	free(text);
	cJSON_Delete(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_id_is_ses_plus_uuid_v7),
		cmocka_unit_test(test_session_thousand_ids_sort_in_creation_order),
		cmocka_unit_test(test_session_ids_differ_across_fork_in_one_millisecond),
		cmocka_unit_test_setup_teardown(test_session_append_assigns_consecutive_seq_and_ts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_seq_survives_a_last_line_longer_than_the_tail_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_4_processes_x_500_appends_keep_every_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_torn_last_line_is_skipped_with_a_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_reader_survives_an_overlong_timestamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_resolve_exact_prefix_ambiguous_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_bad_input_is_rejected_and_nothing_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_unwritable_sessions_dir_is_a_clear_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_run_totals_sum_responses_with_both_cache_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_metadata_catches_up_with_the_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_models_match_hand_computed_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_export_holds_no_secret, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
