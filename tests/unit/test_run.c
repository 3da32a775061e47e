/*
 * Runs: the block format round-trips exactly, the parser finds blocks
 * among user text and names the line of a broken one, totals are exact
 * and never wrap, and the three JSON input shapes read as documented.
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

#include "gs/gs.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static void sample(gs_run *r, const char *id)
{
	gs_run_init(r);
	r->run_id = strdup(id);
	r->model = strdup("claude-sonnet-4-5");
	r->provider = strdup("anthropic");
	assert_int_equal(gs_time_parse(&r->started_at_ms, "2026-03-15T12:00:00Z"), 0);
	r->input_tokens = 12000;
	r->cache_read_tokens = 4000;
	r->cache_write_tokens = 1000;
	r->output_tokens = 2300;
	r->duration_seconds = 65.5;
	r->iterations = 3;
	r->context_size = 48000;
	r->cost_usd = 0.07545;
	r->cost_known = 1;
}

static void test_run_block_round_trips_exact_values(void **state)
{
	gs_run r, *back = NULL;
	gs_buf b = GS_BUF_INIT;
	size_t n = 0;

	(void)state;
	sample(&r, "run_1");
	r.session_id = strdup("ses_0192");
	r.cache_write_1h_tokens = 400;
	r.cost_usd = 1234.123456789;
	assert_int_equal(gs_run_block_format(&b, &r), 0);
	assert_non_null(strstr(b.ptr, "### Run 2026-03-15 12:00 UTC \xc2\xb7 claude-sonnet-4-5\n"));
	assert_non_null(strstr(b.ptr, "| 1m 06s | 3 | 12,000 | 4,000 | 1,000 | 2,300 | $1,234.1235 |"));
	assert_non_null(strstr(b.ptr, "\"cost_usd\":1234.123456789"));
	assert_non_null(strstr(b.ptr, "\"duration_seconds\":65.5"));
	assert_int_equal(gs_run_parse_body(&back, &n, b.ptr, b.size), 0);
	assert_int_equal(n, 1);
	assert_string_equal(back[0].run_id, "run_1");
	assert_string_equal(back[0].model, "claude-sonnet-4-5");
	assert_string_equal(back[0].provider, "anthropic");
	assert_string_equal(back[0].session_id, "ses_0192");
	assert_int_equal(back[0].started_at_ms, r.started_at_ms);
	assert_int_equal(back[0].input_tokens, 12000);
	assert_int_equal(back[0].cache_read_tokens, 4000);
	assert_int_equal(back[0].cache_write_tokens, 1000);
	assert_int_equal(back[0].cache_write_1h_tokens, 400);
	assert_int_equal(back[0].output_tokens, 2300);
	assert_int_equal(back[0].iterations, 3);
	assert_int_equal(back[0].context_size, 48000);
	assert_int_equal(gs_run_duration_ms(&back[0]), 65500);
	assert_int_equal(gs_run_cost_nanos(&back[0]), 1234123456789LL);
	assert_true(back[0].cost_known);
	gs_run_free_array(back, n);
	gs_run_dispose(&r);
	gs_buf_dispose(&b);
}

static void test_run_block_unknown_cost_is_null_not_zero(void **state)
{
	gs_run r, *back = NULL;
	gs_buf b = GS_BUF_INIT;
	size_t n = 0;

	(void)state;
	sample(&r, "run_2");
	r.cost_known = 0;
	r.cost_usd = 0;
	assert_int_equal(gs_run_block_format(&b, &r), 0);
	assert_non_null(strstr(b.ptr, "\"cost_usd\":null"));
	assert_non_null(strstr(b.ptr, "| unknown |"));
	assert_int_equal(gs_run_parse_body(&back, &n, b.ptr, b.size), 0);
	assert_int_equal(n, 1);
	assert_false(back[0].cost_known);
	gs_run_free_array(back, n);
	gs_run_dispose(&r);
	gs_buf_dispose(&b);
}

static void test_run_block_escapes_comment_end_in_strings(void **state)
{
	gs_run r, *back = NULL;
	gs_buf b = GS_BUF_INIT;
	size_t n = 0;

	(void)state;
	sample(&r, "run_3");
	free(r.model);
	r.model = strdup("evil-->model|x");
	assert_int_equal(gs_run_block_format(&b, &r), 0);
	assert_null(strstr(strstr(b.ptr, "<!--") + 4, "--> -->"));
	assert_int_equal(gs_run_parse_body(&back, &n, b.ptr, b.size), 0);
	assert_int_equal(n, 1);
	assert_string_equal(back[0].model, "evil-->model|x");
	gs_run_free_array(back, n);
	gs_run_dispose(&r);
	gs_buf_dispose(&b);
}

static void test_run_parse_finds_blocks_among_user_text(void **state)
{
	gs_run a, c, *back = NULL;
	gs_buf b = GS_BUF_INIT;
	size_t n = 0;

	(void)state;
	sample(&a, "run_a");
	sample(&c, "run_c");
	gs_buf_puts(&b, "---\ntitle: x\n---\n# Title\n\nSome text <!-- a comment -->\n\n## Run stats\n");
	gs_run_block_format(&b, &a);
	gs_buf_puts(&b, "\nuser notes between blocks\r\n");
	gs_run_block_format(&b, &c);
	assert_int_equal(gs_run_parse_body(&back, &n, b.ptr, b.size), 0);
	assert_int_equal(n, 2);
	assert_string_equal(back[0].run_id, "run_a");
	assert_string_equal(back[1].run_id, "run_c");
	gs_run_free_array(back, n);
	/* a BOM before a block on the first line does not hide it */
	gs_buf_clear(&b);
	gs_buf_puts(&b, "\xef\xbb\xbf");
	gs_run_json_format(&b, &a);
	gs_buf_splice(&b, 3, 0, "<!-- git-stats:run ", 19);
	gs_buf_puts(&b, " -->\n");
	assert_int_equal(gs_run_parse_body(&back, &n, b.ptr, b.size), 0);
	assert_int_equal(n, 1);
	gs_run_free_array(back, n);
	gs_run_dispose(&a);
	gs_run_dispose(&c);
	gs_buf_dispose(&b);
}

/* A run comment inside a fenced code block is an example in the text, not a run. */
static void test_run_parse_skips_examples_in_code_fences(void **state)
{
	gs_run a, ex, *back = NULL;
	gs_buf b = GS_BUF_INIT;
	size_t n = 0;

	(void)state;
	sample(&a, "run_a");
	sample(&ex, "example");
	gs_buf_puts(&b, "---\ntitle: x\n---\nThe format:\n\n```markdown\n");
	gs_run_block_format(&b, &ex);
	gs_buf_puts(&b, "```\n\n  ~~~\n```\n");
	gs_run_block_format(&b, &ex); /* ``` inside a ~~~ fence does not close it */
	gs_buf_puts(&b, "  ~~~\n\n## Run stats\n");
	gs_run_block_format(&b, &a);
	assert_int_equal(gs_run_parse_body(&back, &n, b.ptr, b.size), 0);
	assert_int_equal(n, 1);
	assert_string_equal(back[0].run_id, "run_a");
	gs_run_free_array(back, n);
	/* four spaces in is an indented line, not a fence */
	gs_buf_clear(&b);
	gs_buf_puts(&b, "    ```\n");
	gs_run_block_format(&b, &a);
	assert_int_equal(gs_run_parse_body(&back, &n, b.ptr, b.size), 0);
	assert_int_equal(n, 1);
	gs_run_free_array(back, n);
	gs_run_dispose(&a);
	gs_run_dispose(&ex);
	gs_buf_dispose(&b);
}

static void test_run_parse_names_line_of_malformed_block(void **state)
{
	static const char *bad[] = {
		"intro\n\n<!-- git-stats:run {\"run_id\":\"x\", -->\n",
		"intro\n\n<!-- git-stats:run {\"run_id\":\"x\"}\n",
		("intro\n\n<!-- git-stats:run {\"run_id\":\"x\",\"started_at\":\"2026-03-15T12:00:00Z\","
		 "\"input_tokens\":-1,\"output_tokens\":1} -->\n"),
		"intro\n\n<!-- git-stats:run {\"started_at\":\"2026-03-15T12:00:00Z\"} -->\n",
	};
	size_t i, n;
	gs_run *runs;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(gs_run_parse_body(&runs, &n, bad[i], strlen(bad[i])), GS_EPARSE);
		if (!strstr(gs_error_last(), "at line 3"))
			fail_msg("case %zu: '%s'", i, gs_error_last());
		assert_null(runs);
	}
}

static void test_run_totals_are_exact_and_never_wrap(void **state)
{
	gs_run r;
	gs_run_totals t;
	int i;

	(void)state;
	sample(&r, "run_t");
	gs_run_totals_init(&t);
	for (i = 0; i < 10; i++) {
		r.cost_usd = 0.1;
		assert_int_equal(gs_run_totals_add(&t, &r), 0);
	}
	assert_int_equal(t.run_count, 10);
	assert_int_equal(t.input_tokens, 170000); /* base + cache read + cache write */
	assert_int_equal(t.cache_read_tokens, 40000);
	assert_int_equal(t.duration_ms, 655000);
	assert_int_equal(t.cost_nanos, 1000000000LL); /* exactly $1, not 0.9999999 */
	r.cost_known = 0;
	assert_int_equal(gs_run_totals_add(&t, &r), 0);
	assert_int_equal(t.unknown_cost_runs, 1);
	t.output_tokens = INT64_MAX - 100;
	assert_int_equal(gs_run_totals_add(&t, &r), GS_EOVERFLOW);
	assert_non_null(strstr(gs_error_last(), "total_output_tokens"));
	assert_int_equal(t.run_count, 11); /* unchanged */
	gs_run_dispose(&r);
}

static void test_run_usd_text_is_exact(void **state)
{
	gs_buf b = GS_BUF_INIT;
	int64_t v = 0;

	(void)state;
	gs_run_fmt_usd(&b, 42100000);
	assert_string_equal(b.ptr, "0.0421");
	gs_buf_clear(&b);
	gs_run_fmt_usd(&b, 3000000000LL);
	assert_string_equal(b.ptr, "3");
	gs_buf_clear(&b);
	gs_run_fmt_seconds(&b, 65500);
	assert_string_equal(b.ptr, "65.5");
	assert_int_equal(gs_run_parse_usd(&v, "0.0421"), 0);
	assert_int_equal(v, 42100000);
	assert_int_equal(gs_run_parse_usd(&v, "12.1234567896"), 0);
	assert_int_equal(v, 12123456790LL);
	assert_int_equal(gs_run_parse_usd(&v, "1e-3"), 0);
	assert_int_equal(v, 1000000);
	assert_int_equal(gs_run_parse_usd(&v, "-1"), GS_EPARSE);
	assert_int_equal(gs_run_parse_usd(&v, "abc"), GS_EPARSE);
	gs_buf_dispose(&b);
}

static void test_run_ids_are_checked_and_generated_unique(void **state)
{
	char a[GS_RUN_ID_BUFSZ], b[GS_RUN_ID_BUFSZ];

	(void)state;
	gs_run_id_generate(a);
	gs_run_id_generate(b);
	assert_int_equal(strlen(a), 24);
	assert_int_equal(strncmp(a, "run_", 4), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(gs_run_id_check(a), 0);
	assert_int_equal(gs_run_id_check("0192b7c4-uuid:1"), 0);
	assert_int_equal(gs_run_id_check("../etc"), GS_EUSAGE);
	assert_int_equal(gs_run_id_check("a/b"), GS_EUSAGE);
	assert_int_equal(gs_run_id_check(""), GS_EUSAGE);
}

static gs_run read_json(const char *json, int expect)
{
	gs_run r;

	gs_run_init(&r);
	assert_int_equal(gs_run_from_json(&r, json, strlen(json), "in.json", 1), expect);
	return r;
}

static void test_run_reads_snake_case_json(void **state)
{
	gs_run r = read_json("{\"input_tokens\":10,\"output_tokens\":5,\"cache_read_tokens\":3,"
			     "\"cache_write_tokens\":2,\"duration_seconds\":1.25,\"iterations\":2,"
			     "\"context_size\":9,\"model\":\"gpt-4o\",\"started_at\":"
			     "\"2026-03-15T11:00:00Z\",\"run_id\":\"r1\",\"issue\":\"12\"}",
			     0);
	gs_pricing *p = NULL;

	(void)state;
	assert_int_equal(r.input_tokens, 10);
	assert_int_equal(r.cache_write_tokens, 2);
	assert_string_equal(r.issue, "12");
	assert_true(r.given & GS_RUN_HAS_MODEL);
	assert_false(r.given & GS_RUN_HAS_COST);
	assert_int_equal(gs_pricing_new(&p), 0);
	assert_int_equal(gs_run_finish(&r, p, 0), 0);
	assert_true(r.cost_known);
	/* (10*2.5 + 3*1.25 + 2*2.5 + 5*10) / 1e6 */
	assert_int_equal(gs_run_cost_nanos(&r), 83750);
	assert_string_equal(r.provider, "openai");
	gs_run_dispose(&r);

	r = read_json("{\"input_tokens\":1,\"output_tokens\":1,\"model\":\"mystery-1\"}", 0);
	assert_int_equal(gs_run_finish(&r, p, 5000), 0);
	assert_false(r.cost_known);
	assert_non_null(r.run_id);
	assert_int_equal(r.started_at_ms, 5000);
	gs_run_dispose(&r);

	r = read_json("{\"input_tokens\":-1}", GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "'input_tokens'"));
	gs_run_dispose(&r);
	r = read_json("{\"input_tokens\":\"12\"}", GS_EPARSE);
	gs_run_dispose(&r);
	r = read_json("{\"input_tokens\":1.5}", GS_EPARSE);
	gs_run_dispose(&r);
	r = read_json("{\"input_tokens\":1e300}", GS_EPARSE);
	gs_run_dispose(&r);
	/* both read as 2^53 as a double: the bound must exclude 2^53 */
	r = read_json("{\"input_tokens\":9007199254740993}", GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "in.json:1: 'input_tokens' must be below 2^53"));
	gs_run_dispose(&r);
	r = read_json("{\"input_tokens\":9007199254740992.5}", GS_EPARSE);
	gs_run_dispose(&r);
	r = read_json("{\"input_tokens\":9007199254740991}", 0);
	assert_int_equal(r.input_tokens, 9007199254740991LL);
	gs_run_dispose(&r);
	r = read_json("{\"input_tokens\":5,\"input_tokens\":6}", GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "in.json:1: 'input_tokens' is given twice"));
	gs_run_dispose(&r);
	r = read_json("{\"type\":\"result\",\"usage\":{\"input_tokens\":1,\"input_tokens\":2}}",
		      GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "'usage.input_tokens' is given twice"));
	gs_run_dispose(&r);
	r = read_json("{\"input_tokenz\":1}", GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "'input_tokenz'"));
	gs_run_dispose(&r);
	r = read_json("{\n  \"input_tokens\": 1,\n  \"output_tokens\" 2\n}", GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "in.json:3:"));
	gs_run_dispose(&r);
	gs_pricing_free(p);
}

static void test_run_reads_barf_session_stats(void **state)
{
	gs_run r = read_json("{\"startedAt\":\"2026-03-15T10:00:00Z\",\"durationSeconds\":30,"
			     "\"inputTokens\":1000,\"cacheReadInputTokens\":600,"
			     "\"outputTokens\":50,\"finalContextSize\":900,\"iterations\":4,"
			     "\"model\":\"claude-haiku-4-5\"}",
			     0);

	(void)state;
	assert_int_equal(r.input_tokens, 400); /* barf's total minus the cache part */
	assert_int_equal(r.cache_read_tokens, 600);
	assert_int_equal(r.context_size, 900);
	assert_int_equal(r.iterations, 4);
	assert_near(r.duration_seconds, 30, 0);
	assert_true(r.given & GS_RUN_HAS_STARTED);
	gs_run_dispose(&r);
}

static void test_run_reads_claude_result_with_model_split(void **state)
{
	gs_run r = read_json(
		"{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,"
		"\"duration_ms\":65500,\"num_turns\":7,\"session_id\":\"abc-123\","
		"\"total_cost_usd\":0.5,\"uuid\":\"9f1c\",\"usage\":{\"input_tokens\":10,"
		"\"cache_creation_input_tokens\":100,\"cache_read_input_tokens\":1000,"
		"\"output_tokens\":20,\"cache_creation\":{\"ephemeral_1h_input_tokens\":40,"
		"\"ephemeral_5m_input_tokens\":60}},\"modelUsage\":{"
		"\"claude-haiku-4-5-20251001\":{\"inputTokens\":5,\"outputTokens\":3,"
		"\"cacheReadInputTokens\":0,\"cacheCreationInputTokens\":0,\"costUSD\":0.1},"
		"\"claude-sonnet-4-5-20250929\":{\"inputTokens\":10,\"outputTokens\":20,"
		"\"cacheReadInputTokens\":1000,\"cacheCreationInputTokens\":100,\"costUSD\":0.4}}}",
		0);

	(void)state;
	assert_string_equal(r.model, "claude-sonnet-4-5-20250929");
	assert_string_equal(r.run_id, "9f1c");
	assert_string_equal(r.session_id, "abc-123");
	assert_int_equal(r.iterations, 7);
	assert_int_equal(r.input_tokens, 15);
	assert_int_equal(r.output_tokens, 23);
	assert_int_equal(r.cache_read_tokens, 1000);
	assert_int_equal(r.cache_write_tokens, 100);
	assert_int_equal(r.cache_write_1h_tokens, 40);
	assert_int_equal(r.model_count, 2);
	assert_true(r.cost_known);
	assert_near(r.cost_usd, 0.5, 1e-12);
	assert_near(r.duration_seconds, 65.5, 1e-12);
	gs_run_dispose(&r);
}

/* Without costUSD the split is priced first; the costliest model is the run's. */
static void test_run_main_model_is_the_costliest_priced(void **state)
{
	static const char haiku_opus[] =
		"{\"type\":\"result\",\"modelUsage\":{"
		"\"claude-haiku-4-5\":{\"inputTokens\":1000000,\"outputTokens\":0},"
		"\"claude-opus-4-1\":{\"inputTokens\":1000000,\"outputTokens\":0}}}";
	static const char unpriced[] =
		"{\"type\":\"result\",\"modelUsage\":{"
		"\"claude-haiku-4-5\":{\"inputTokens\":1000000,\"outputTokens\":0},"
		"\"acme-zz\":{\"inputTokens\":1000000,\"outputTokens\":0}}}";
	static const char tie[] =
		"{\"type\":\"result\",\"modelUsage\":{"
		"\"acme-a\":{\"inputTokens\":5,\"outputTokens\":1},"
		"\"acme-b\":{\"inputTokens\":1,\"outputTokens\":2}}}";
	gs_pricing *p = NULL;
	gs_run r;

	(void)state;
	assert_int_equal(gs_pricing_new(&p), 0);
	r = read_json(haiku_opus, 0);
	assert_int_equal(gs_run_finish(&r, p, 0), 0);
	assert_string_equal(r.model, "claude-opus-4-1");
	assert_string_equal(r.provider, "anthropic");
	assert_int_equal(gs_run_cost_nanos(&r), 16000000000LL); /* $1 + $15 */
	assert_null(gs_run_unpriced_model(&r));
	gs_run_dispose(&r);

	r = read_json(unpriced, 0);
	assert_int_equal(gs_run_finish(&r, p, 0), 0);
	assert_false(r.cost_known);
	assert_string_equal(r.model, "claude-haiku-4-5");
	assert_string_equal(gs_run_unpriced_model(&r), "acme-zz");
	gs_run_dispose(&r);

	/* neither priced: more output tokens wins, as before */
	r = read_json(tie, 0);
	assert_int_equal(gs_run_finish(&r, p, 0), 0);
	assert_string_equal(r.model, "acme-b");
	gs_run_dispose(&r);
	gs_pricing_free(p);
}

static char *apply(const char *doc, const gs_run *r, int expect)
{
	gs_buf out = GS_BUF_INIT;

	assert_int_equal(gs_run_apply(&out, doc, strlen(doc), "issues/12.md", r), expect);
	return gs_buf_detach(&out);
}

static void test_run_apply_first_record_creates_managed_keys(void **state)
{
	static const char doc[] = "---\nid: 12\ntitle: \"Fix it\" # keep me\n---\n# Fix it\n\nBody.\n";
	gs_run r;
	char *out;

	(void)state;
	sample(&r, "run_1");
	out = apply(doc, &r, 0);
	assert_int_equal(strncmp(out, "---\nid: 12\ntitle: \"Fix it\" # keep me\nrun_count: 1\n"
				      "total_input_tokens: 17000\ntotal_output_tokens: 2300\n"
				      "total_cache_read_tokens: 4000\ntotal_cache_write_tokens: 1000\n"
				      "total_duration_seconds: 65.5\ntotal_iterations: 3\n"
				      "total_cost_usd: 0.07545\nlast_model: claude-sonnet-4-5\n",
			     strlen("---\nid: 12\ntitle: \"Fix it\" # keep me\nrun_count: 1\n"
				    "total_input_tokens: 17000\ntotal_output_tokens: 2300\n"
				    "total_cache_read_tokens: 4000\ntotal_cache_write_tokens: 1000\n"
				    "total_duration_seconds: 65.5\ntotal_iterations: 3\n"
				    "total_cost_usd: 0.07545\nlast_model: claude-sonnet-4-5\n")),
			 0);
	assert_non_null(strstr(out, "last_run_at: "));
	assert_non_null(strstr(out, "---\n# Fix it\n\nBody.\n\n## Run stats\n\n### Run 2026-03-15"));
	gs_run_dispose(&r);
	free(out);
}

static void test_run_apply_duplicate_id_changes_nothing(void **state)
{
	static const char doc[] = "---\nid: 12\n---\nBody\n";
	gs_run r;
	char *once, *twice;

	(void)state;
	sample(&r, "run_dup");
	once = apply(doc, &r, 0);
	twice = apply(once, &r, GS_RUN_DUPLICATE);
	assert_string_equal(twice, "");
	gs_run_dispose(&r);
	free(once);
	free(twice);
}

static void test_run_apply_sums_and_unknown_cost_removes_total(void **state)
{
	static const char doc[] = "---\nid: 12\n---\nBody\n";
	gs_run a, b, c;
	char *one, *two, *three;
	gs_fm *fm = NULL;
	int64_t v = 0;

	(void)state;
	sample(&a, "run_a");
	sample(&b, "run_b");
	sample(&c, "run_c");
	c.cost_known = 0;
	one = apply(doc, &a, 0);
	two = apply(one, &b, 0);
	assert_non_null(strstr(two, "total_cost_usd: 0.1509\n"));
	assert_non_null(strstr(two, "run_count: 2\n"));
	assert_non_null(strstr(two, "total_duration_seconds: 131\n"));
	three = apply(two, &c, 0);
	assert_null(strstr(three, "total_cost_usd"));
	assert_int_equal(gs_fm_parse(&fm, three, strlen(three), "x"), 0);
	assert_int_equal(gs_fm_get_i64(&v, fm, "run_count"), 0);
	assert_int_equal(v, 3);
	gs_fm_free(fm);
	free(one);
	free(two);
	free(three);
	gs_run_dispose(&a);
	gs_run_dispose(&b);
	gs_run_dispose(&c);
}

static void test_run_apply_barf_dialect_touches_only_five_values(void **state)
{
	static const char doc[] = "---\r\nid=7\r\ntitle=Port the parser\r\nstate=IN_PROGRESS\r\n"
				  "run_count=2\r\ntotal_input_tokens=1000\r\ntotal_output_tokens=200\r\n"
				  "total_duration_seconds=30\r\ntotal_iterations=4\r\n"
				  "depends_on=3,5\r\n---\r\n## Description\r\nText\r\n";
	static const char want[] = "---\r\nid=7\r\ntitle=Port the parser\r\nstate=IN_PROGRESS\r\n"
				   "run_count=3\r\ntotal_input_tokens=18000\r\ntotal_output_tokens=2500\r\n"
				   "total_duration_seconds=95.5\r\ntotal_iterations=7\r\n"
				   "depends_on=3,5\r\n---\r\n## Description\r\nText\r\n\r\n## Run stats\r\n\r\n### Run";
	gs_run r;
	char *out;

	(void)state;
	sample(&r, "run_k");
	out = apply(doc, &r, 0);
	assert_int_equal(strncmp(out, want, strlen(want)), 0);
	assert_null(strstr(out, "total_cost_usd"));
	assert_null(strstr(out, "last_model"));
	assert_null(strstr(out + strlen(want), "\n\n")); /* CRLF throughout */
	gs_run_dispose(&r);
	free(out);
}

static void test_run_apply_inserts_at_end_of_run_stats_section(void **state)
{
	static const char doc[] = "---\nid: 1\n---\nIntro\n\n## Run stats\n\nnote\n\n## Later\n\nmore\n";
	gs_run r;
	char *out, *later, *block;

	(void)state;
	sample(&r, "run_s");
	out = apply(doc, &r, 0);
	block = strstr(out, "### Run");
	later = strstr(out, "## Later");
	assert_non_null(block);
	assert_non_null(later);
	assert_true(block < later);
	assert_non_null(strstr(out, "note\n\n### Run"));
	assert_non_null(strstr(out, " |\n\n## Later\n\nmore\n"));
	gs_run_dispose(&r);
	free(out);
}

static void test_run_apply_overflow_is_refused(void **state)
{
	static const char doc[] = "---\nrun_count: 1\ntotal_input_tokens: 9223372036854775000\n---\n";
	gs_run r;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	sample(&r, "run_o");
	assert_int_equal(gs_run_apply(&out, doc, strlen(doc), "issues/1.md", &r), GS_EOVERFLOW);
	assert_non_null(strstr(gs_error_last(), "total_input_tokens"));
	assert_int_equal(out.size, 0);
	gs_run_dispose(&r);
	gs_buf_dispose(&out);
}

static void test_run_apply_refuses_bad_frontmatter_and_totals(void **state)
{
	static const char bad_yaml[] = "---\ntitle: [unclosed\n---\n";
	static const char bad_total[] = "---\nrun_count: lots\n---\n";
	gs_run r;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	sample(&r, "run_b");
	assert_int_equal(gs_run_apply(&out, bad_yaml, strlen(bad_yaml), "issues/1.md", &r), GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "issues/1.md"));
	assert_int_equal(gs_run_apply(&out, bad_total, strlen(bad_total), "issues/1.md", &r),
			 GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "run_count"));
	gs_run_dispose(&r);
	gs_buf_dispose(&out);
}

static void test_run_apply_many_skips_repeated_ids_in_one_batch(void **state)
{
	static const char doc[] = "---\nid: 1\n---\n";
	gs_run rs[3];
	int skipped[3];
	gs_buf out = GS_BUF_INIT;

	(void)state;
	sample(&rs[0], "b1");
	sample(&rs[1], "b2");
	sample(&rs[2], "b1");
	assert_int_equal(gs_run_apply_many(&out, skipped, doc, strlen(doc), "x.md", rs, 3), 0);
	assert_int_equal(skipped[0], 0);
	assert_int_equal(skipped[1], 0);
	assert_int_equal(skipped[2], 1);
	assert_non_null(strstr(out.ptr, "run_count: 2\n"));
	gs_run_dispose(&rs[0]);
	gs_run_dispose(&rs[1]);
	gs_run_dispose(&rs[2]);
	gs_buf_dispose(&out);
}

static void test_run_check_reports_and_fixes_drift(void **state)
{
	static const char doc[] = "---\nid: 12\n---\nBody\n";
	gs_run a, b;
	char *one, *two;
	gs_buf fixed = GS_BUF_INIT, tampered = GS_BUF_INIT;
	gs_run_drift *d = NULL;
	size_t n = 0;
	char *p;

	(void)state;
	sample(&a, "run_a");
	sample(&b, "run_b");
	one = apply(doc, &a, 0);
	two = apply(one, &b, 0);
	assert_int_equal(gs_run_check(&d, &n, &fixed, two, strlen(two), "x.md"), 0);
	assert_int_equal(n, 0);
	gs_run_drift_free(d, n);
	gs_buf_puts(&tampered, two);
	p = strstr(tampered.ptr, "run_count: 2");
	p[11] = '5';
	assert_int_equal(gs_run_check(&d, &n, &fixed, tampered.ptr, tampered.size, "x.md"), 0);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].key, "run_count");
	assert_string_equal(d[0].recorded, "5");
	assert_string_equal(d[0].expected, "2");
	assert_string_equal(fixed.ptr, two);
	gs_run_drift_free(d, n);
	free(one);
	free(two);
	gs_run_dispose(&a);
	gs_run_dispose(&b);
	gs_buf_dispose(&fixed);
	gs_buf_dispose(&tampered);
}

static void test_run_apply_handles_documents_without_final_line_end(void **state)
{
	static const char *docs[] = { "---\nid: 1\n---", "---\nid: 1\n---\nBody", "",
				      "Just text", "---\nid: 1\n---\n## Run stats" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		gs_run r, *back = NULL;
		size_t n = 0;
		char *out;

		sample(&r, "run_e");
		out = apply(docs[i], &r, 0);
		if (!strstr(out, "\n## Run stats\n\n### Run 2026-03-15 12:00 UTC"))
			fail_msg("case %zu: %s", i, out);
		assert_int_equal(gs_run_parse_body(&back, &n, out, strlen(out)), 0);
		assert_int_equal(n, 1);
		assert_null(strstr(out, "---## Run"));
		assert_null(strstr(out, "Body## Run"));
		gs_run_free_array(back, n);
		gs_run_dispose(&r);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_block_round_trips_exact_values),
		cmocka_unit_test(test_run_block_unknown_cost_is_null_not_zero),
		cmocka_unit_test(test_run_block_escapes_comment_end_in_strings),
		cmocka_unit_test(test_run_parse_skips_examples_in_code_fences),
		cmocka_unit_test(test_run_parse_finds_blocks_among_user_text),
		cmocka_unit_test(test_run_parse_names_line_of_malformed_block),
		cmocka_unit_test(test_run_totals_are_exact_and_never_wrap),
		cmocka_unit_test(test_run_usd_text_is_exact),
		cmocka_unit_test(test_run_ids_are_checked_and_generated_unique),
		cmocka_unit_test(test_run_reads_snake_case_json),
		cmocka_unit_test(test_run_reads_barf_session_stats),
		cmocka_unit_test(test_run_reads_claude_result_with_model_split),
		cmocka_unit_test(test_run_main_model_is_the_costliest_priced),
		cmocka_unit_test(test_run_apply_first_record_creates_managed_keys),
		cmocka_unit_test(test_run_apply_duplicate_id_changes_nothing),
		cmocka_unit_test(test_run_apply_sums_and_unknown_cost_removes_total),
		cmocka_unit_test(test_run_apply_barf_dialect_touches_only_five_values),
		cmocka_unit_test(test_run_apply_inserts_at_end_of_run_stats_section),
		cmocka_unit_test(test_run_apply_overflow_is_refused),
		cmocka_unit_test(test_run_apply_refuses_bad_frontmatter_and_totals),
		cmocka_unit_test(test_run_apply_many_skips_repeated_ids_in_one_batch),
		cmocka_unit_test(test_run_check_reports_and_fixes_drift),
		cmocka_unit_test(test_run_apply_handles_documents_without_final_line_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
