/*
 * The merge driver core: runs recorded on two sides add up exactly, a run
 * counts once however it arrives, user text merges three-way and a real
 * conflict is never resolved silently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs/gs.h"

static const char base_doc[] =
	"---\ntitle: Fix the parser\nstatus: open\npriority: low\n---\n\nThe parser drops comments.\n";

static void make_run(gs_run *r, const char *id, int64_t input, double cost)
{
	gs_run_init(r);
	r->run_id = strdup(id);
	r->model = strdup("claude-sonnet-4-5");
	r->provider = strdup("anthropic");
	r->started_at_ms = 1773576000000LL; /* 2026-03-15T12:00:00Z */
	r->input_tokens = input;
	r->output_tokens = 50;
	r->cache_read_tokens = 10;
	r->cache_write_tokens = 5;
	r->duration_seconds = 1.5;
	r->iterations = 2;
	r->cost_usd = cost;
	r->cost_known = cost >= 0;
	if (cost < 0)
		r->cost_usd = 0;
}

/* `doc` with runs `ids` (space separated) recorded one after another. */
static void record(gs_buf *doc, const char *ids)
{
	char *copy = strdup(ids), *save = NULL, *id;
	int64_t input = 100;

	for (id = strtok_r(copy, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
		gs_buf next = GS_BUF_INIT;
		gs_run r;

		make_run(&r, id, input++, 0.01);
		assert_int_equal(gs_run_apply(&next, doc->ptr, doc->size, "issues/1.md", &r), 0);
		gs_buf_set(doc, next.ptr, next.size);
		gs_buf_dispose(&next);
		gs_run_dispose(&r);
	}
	free(copy);
}

static void merge(gs_buf *out, gs_merge_info *info, const gs_buf *b, const gs_buf *o, const gs_buf *t)
{
	gs_merge_opts opts = GS_MERGE_OPTS_INIT;

	opts.path = "issues/1.md";
	assert_int_equal(gs_merge_issue(out, info, b->ptr, b->size, o->ptr, o->size, t->ptr, t->size, &opts), 0);
}

static int64_t get_i64(const gs_buf *doc, const char *key)
{
	gs_fm *fm = NULL;
	int64_t v = -1;

	assert_int_equal(gs_fm_parse(&fm, doc->ptr, doc->size, "out"), 0);
	assert_int_equal(gs_fm_get_i64(&v, fm, key), 0);
	gs_fm_free(fm);
	return v;
}

static char *get_str(const gs_buf *doc, const char *key)
{
	gs_fm *fm = NULL;
	char *v = NULL;

	assert_int_equal(gs_fm_parse(&fm, doc->ptr, doc->size, "out"), 0);
	assert_int_equal(gs_fm_get_str(&v, fm, key), 0);
	gs_fm_free(fm);
	return v;
}

static void assert_clean(const gs_buf *doc)
{
	gs_run_drift *drift = NULL;
	size_t n = 99;

	assert_int_equal(gs_run_check(&drift, &n, NULL, doc->ptr, doc->size, "out"), 0);
	if (n)
		fprintf(stderr, "drift in %s: %s is %s, expected %s\n", doc->ptr, drift[0].key,
			drift[0].recorded ? drift[0].recorded : "(none)",
			drift[0].expected ? drift[0].expected : "(none)");
	assert_int_equal(n, 0);
	gs_run_drift_free(drift, n);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void test_merge_runs_on_both_sides_add_up(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, base_doc);
	record(&b, "r0");
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	record(&o, "o1 o2 o3");
	record(&t, "t1 t2");
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	assert_false(info.plain);
	assert_int_equal(info.runs, 6);
	assert_int_equal(get_i64(&out, "run_count"), 6);
	assert_int_equal(count(out.ptr, "<!-- git-stats:run "), 6);
	assert_int_equal(count(out.ptr, "## Run stats"), 1);
	assert_clean(&out);
	/* Ours' blocks keep their place; theirs' new ones follow. */
	assert_true(strstr(out.ptr, "\"o3\"") < strstr(out.ptr, "\"t1\""));
	assert_true(strstr(out.ptr, "\"r0\"") < strstr(out.ptr, "\"o1\""));
	assert_non_null(strstr(out.ptr, "title: Fix the parser\nstatus: open\npriority: low\nrun_count: 6\n"));
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_from_a_base_without_runs_adds_up(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;
	char *cost;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, base_doc);
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	record(&o, "a1 a2 a3 a4 a5 a6 a7 a8 a9 a10");
	record(&t, "b1 b2 b3 b4 b5 b6 b7 b8 b9 b10");
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	assert_int_equal(get_i64(&out, "run_count"), 20);
	assert_int_equal(get_i64(&out, "total_iterations"), 40);
	cost = get_str(&out, "total_cost_usd");
	assert_string_equal(cost, "0.2");
	free(cost);
	assert_clean(&out);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

/*
 * Both sides record their first run, so both make a `## Run stats` section
 * at the end, and one side edits the body's last line: no conflict, the
 * edit kept, one section with both runs (and the same bytes as recording
 * both runs on top of the edit would give, blocks aside).
 */
static void test_merge_first_runs_on_both_sides_beside_an_edit_of_the_last_line(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;
	const char *edited = "The parser drops comments. Fixed in 2.1.\n";

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, base_doc);
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	record(&o, "a1");
	gs_buf_truncate(&t, t.size - strlen("The parser drops comments.\n"));
	gs_buf_puts(&t, edited);
	record(&t, "b1");
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	assert_non_null(strstr(out.ptr, "\n\nThe parser drops comments. Fixed in 2.1.\n\n## Run stats\n"));
	assert_int_equal(count(out.ptr, "## Run stats"), 1);
	assert_int_equal(count(out.ptr, "git-stats:run "), 2);
	assert_int_equal(get_i64(&out, "run_count"), 2);
	assert_clean(&out);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_a_run_on_both_sides_counts_once(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, base_doc);
	record(&b, "r0");
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	record(&o, "same o1");
	record(&t, "same");
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	assert_int_equal(get_i64(&out, "run_count"), 3);
	assert_int_equal(count(out.ptr, "\"same\""), 1);
	assert_clean(&out);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_with_one_side_unchanged_takes_the_other_byte_for_byte(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, base_doc);
	record(&b, "r0");
	gs_buf_set(&o, b.ptr, b.size);
	record(&o, "o1 o2");
	gs_buf_puts(&o, "\nA note of the user.\n");
	merge(&out, &info, &b, &o, &b);
	assert_false(info.conflict);
	assert_int_equal(out.size, o.size);
	assert_memory_equal(out.ptr, o.ptr, o.size);
	merge(&out, &info, &b, &b, &o);
	assert_false(info.conflict);
	assert_int_equal(out.size, o.size);
	assert_memory_equal(out.ptr, o.ptr, o.size);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

/* Replace the first `from` in `doc` by `to`. */
static void edit(gs_buf *doc, const char *from, const char *to)
{
	char *at = strstr(doc->ptr, from);

	assert_non_null(at);
	gs_buf_splice(doc, (size_t)(at - doc->ptr), strlen(from), to, strlen(to));
}

static void test_merge_user_edits_and_runs_merge_cleanly(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;
	char *title;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, base_doc);
	record(&b, "r0");
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	record(&o, "o1");
	edit(&o, "title: Fix the parser", "title: Fix the YAML parser");
	record(&t, "t1");
	edit(&t, "priority: low", "priority: high");
	edit(&t, "The parser drops comments.", "The parser drops comments and BOMs.");
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	title = get_str(&out, "title");
	assert_string_equal(title, "Fix the YAML parser");
	free(title);
	title = get_str(&out, "priority");
	assert_string_equal(title, "high");
	free(title);
	assert_non_null(strstr(out.ptr, "comments and BOMs."));
	assert_int_equal(get_i64(&out, "run_count"), 3);
	assert_clean(&out);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_title_edited_both_ways_is_a_conflict(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, base_doc);
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	edit(&o, "title: Fix the parser", "title: Fix the YAML parser");
	record(&o, "o1");
	edit(&t, "title: Fix the parser", "title: Rewrite the parser");
	record(&t, "t1");
	merge(&out, &info, &b, &o, &t);
	assert_true(info.conflict);
	assert_non_null(strstr(out.ptr, "<<<<<<< ours\ntitle: Fix the YAML parser\n=======\n"
					"title: Rewrite the parser\n>>>>>>> theirs\n"));
	/* Nothing else is lost while the user resolves the title. */
	assert_int_equal(count(out.ptr, "<!-- git-stats:run "), 2);
	assert_non_null(strstr(out.ptr, "run_count: 2\n"));
	assert_null(strchr(out.ptr, '\x1e'));
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_a_run_removed_on_one_side_stays_removed(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT, fixed = GS_BUF_INIT;
	gs_merge_info info;
	gs_run_drift *drift = NULL;
	size_t n = 0;
	char *start, *end;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, base_doc);
	record(&b, "r0 bogus");
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	/* Ours deletes the bogus run's block and lets verify --fix correct the totals. */
	start = strstr(o.ptr, "\n### Run");
	start = strstr(start + 1, "\n### Run");
	end = o.ptr + o.size;
	gs_buf_splice(&o, (size_t)(start - o.ptr), (size_t)(end - start), "\n", 1);
	assert_int_equal(gs_run_check(&drift, &n, &fixed, o.ptr, o.size, "o"), 0);
	assert_true(n > 0);
	gs_run_drift_free(drift, n);
	gs_buf_set(&o, fixed.ptr, fixed.size);
	record(&t, "t1");
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	assert_null(strstr(out.ptr, "\"bogus\""));
	assert_int_equal(get_i64(&out, "run_count"), 2);
	assert_clean(&out);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_buf_dispose(&fixed);
	gs_merge_info_dispose(&info);
}

static void test_merge_counters_without_blocks_are_ours_plus_theirs_minus_base(void **state)
{
	static const char b[] = "---\nid: 7\nrun_count: 10\ntotal_duration_seconds: 12.5\ntotal_cost_usd: 1.1\n---\n";
	static const char o[] = "---\nid: 7\nrun_count: 13\ntotal_duration_seconds: 20.25\ntotal_cost_usd: 1.3\n---\n";
	static const char t[] = "---\nid: 7\nrun_count: 11\ntotal_duration_seconds: 13\ntotal_cost_usd: 1.2\n---\n";
	gs_buf out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	assert_int_equal(gs_merge_issue(&out, &info, b, sizeof(b) - 1, o, sizeof(o) - 1, t, sizeof(t) - 1, NULL), 0);
	assert_false(info.conflict);
	assert_string_equal(out.ptr, "---\nid: 7\nrun_count: 14\ntotal_duration_seconds: 20.75\ntotal_cost_usd: 1.4\n---\n");
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_counter_overflow_is_an_error(void **state)
{
	static const char b[] = "---\nrun_count: 0\n---\n";
	static const char o[] = "---\nrun_count: 9223372036854775000\n---\n";
	static const char t[] = "---\nrun_count: 9223372036854775000\n---\n";
	gs_buf out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	assert_int_equal(gs_merge_issue(&out, &info, b, sizeof(b) - 1, o, sizeof(o) - 1, t, sizeof(t) - 1, NULL),
			 GS_EOVERFLOW);
	assert_non_null(strstr(gs_error_last(), "run_count"));
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_unparseable_input_falls_back_to_a_text_merge(void **state)
{
	static const char b[] = "---\ntitle: [unclosed\n---\nbody\n";
	static const char o[] = "---\ntitle: [unclosed\n---\nbody\nours\n";
	static const char t[] = "---\ntitle: [unclosed\n---\ntheirs\nbody\n";
	gs_buf out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	assert_int_equal(gs_merge_issue(&out, &info, b, sizeof(b) - 1, o, sizeof(o) - 1, t, sizeof(t) - 1, NULL), 0);
	assert_true(info.plain);
	assert_true(info.reason.size > 0);
	assert_false(info.conflict);
	assert_string_equal(out.ptr, "---\ntitle: [unclosed\n---\ntheirs\nbody\nours\n");
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_keeps_crlf_line_ends(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;
	size_t i;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, "---\r\ntitle: CRLF issue\r\n---\r\n\r\nBody.\r\n");
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	record(&o, "o1 o2");
	record(&t, "t1");
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	for (i = 0; i < out.size; i++)
		if (out.ptr[i] == '\n')
			assert_true(i > 0 && out.ptr[i - 1] == '\r');
	assert_int_equal(get_i64(&out, "run_count"), 3);
	assert_clean(&out);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_key_value_files(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, "---\ntitle=Barf issue\nstate=open\n---\n\nBody.\n");
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	record(&o, "o1 o2");
	record(&t, "t1 t2 t3");
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	assert_non_null(strstr(out.ptr, "run_count=5\n"));
	assert_clean(&out);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

#define T0 1773576000000LL
#define CP1 "1111111111111111111111111111111111111111"
#define CP2 "2222222222222222222222222222222222222222"

static void set_agents(gs_buf *doc, const gs_agents *a)
{
	gs_fm *fm = NULL;
	gs_buf yaml = GS_BUF_INIT;
	const char *p;
	size_t n;

	assert_int_equal(gs_fm_parse(&fm, doc->ptr, doc->size, "doc"), 0);
	assert_int_equal(gs_agents_format(&yaml, a), 0);
	assert_int_equal(gs_fm_set_block(fm, "agents", yaml.ptr), 0);
	gs_fm_bytes(&p, &n, fm);
	gs_buf_set(doc, p, n);
	gs_fm_free(fm);
	gs_buf_dispose(&yaml);
}

static void end_attempt(gs_agents *a, const char *name, int64_t at, int ok, const char *cp)
{
	gs_attempt_end_opts e = GS_ATTEMPT_END_OPTS_INIT;

	e.success = ok;
	e.end_ms = at;
	e.cost_usd = 1.0;
	e.has_cost = 1;
	e.checkpoint = cp;
	e.model = "claude-sonnet-4-5";
	assert_int_equal(gs_agents_end(a, name, &e), 0);
}

/* The merged `agents` of `doc`, parsed. */
static void get_agents(gs_agents *out, const gs_buf *doc)
{
	gs_fm *fm = NULL;
	const char *raw, *p, *start;
	size_t n, len, col = 0;

	assert_int_equal(gs_fm_parse(&fm, doc->ptr, doc->size, "out"), 0);
	assert_int_equal(gs_fm_get_raw(&raw, &n, fm, "agents"), 0);
	gs_fm_bytes(&start, &len, fm); /* the parser's own copy of the document */
	for (p = raw; p > start && p[-1] != '\n'; p--)
		col++;
	if (gs_agents_parse(out, raw, n, col) != 0)
		fail_msg("%s", gs_error_last());
	gs_fm_free(fm);
}

static void test_merge_agents_union_attempts_from_both_sides(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_agents ab, ao, at, am;
	gs_merge_info info;
	gs_agent *g;

	(void)state;
	gs_merge_info_init(&info);
	gs_agents_init(&ab);
	gs_agents_init(&ao);
	gs_agents_init(&at);
	gs_agents_init(&am);
	/* Base: recon failed once and is running again. */
	assert_int_equal(gs_agents_start(&ab, "recon", T0, NULL), 0);
	end_attempt(&ab, "recon", T0 + 1000, 0, NULL);
	assert_int_equal(gs_agents_start(&ab, "recon", T0 + 2000, NULL), 0);
	gs_buf_puts(&b, base_doc);
	set_agents(&b, &ab);
	/* Ours: recon's second attempt succeeds. */
	assert_int_equal(gs_agents_start(&ao, "recon", T0, NULL), 0);
	end_attempt(&ao, "recon", T0 + 1000, 0, NULL);
	assert_int_equal(gs_agents_start(&ao, "recon", T0 + 2000, NULL), 0);
	end_attempt(&ao, "recon", T0 + 5000, 1, CP1);
	gs_buf_set(&o, b.ptr, b.size);
	set_agents(&o, &ao);
	/* Theirs: a report agent ran and succeeded; recon untouched. */
	assert_int_equal(gs_agents_start(&at, "recon", T0, NULL), 0);
	end_attempt(&at, "recon", T0 + 1000, 0, NULL);
	assert_int_equal(gs_agents_start(&at, "recon", T0 + 2000, NULL), 0);
	assert_int_equal(gs_agents_start(&at, "report", T0 + 3000, NULL), 0);
	end_attempt(&at, "report", T0 + 4000, 1, CP2);
	gs_buf_set(&t, b.ptr, b.size);
	set_agents(&t, &at);

	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	get_agents(&am, &out);
	assert_int_equal(am.n, 2);
	g = gs_agents_find(&am, "recon");
	assert_non_null(g);
	assert_int_equal(g->status, GS_AGENT_SUCCESS);
	assert_int_equal(g->nattempts, 2);
	assert_string_equal(g->checkpoint, CP1);
	g = gs_agents_find(&am, "report");
	assert_non_null(g);
	assert_int_equal(g->status, GS_AGENT_SUCCESS);
	assert_string_equal(g->checkpoint, CP2);
	gs_agents_dispose(&ab);
	gs_agents_dispose(&ao);
	gs_agents_dispose(&at);
	gs_agents_dispose(&am);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_concurrent_attempts_of_one_agent_are_renumbered_in_time_order(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_agents ao, at, am;
	gs_merge_info info;
	gs_agent *g;

	(void)state;
	gs_merge_info_init(&info);
	gs_agents_init(&ao);
	gs_agents_init(&at);
	gs_agents_init(&am);
	gs_buf_puts(&b, base_doc);
	assert_int_equal(gs_agents_start(&ao, "recon", T0 + 5000, NULL), 0);
	end_attempt(&ao, "recon", T0 + 6000, 1, CP1);
	gs_buf_set(&o, b.ptr, b.size);
	set_agents(&o, &ao);
	assert_int_equal(gs_agents_start(&at, "recon", T0, NULL), 0);
	end_attempt(&at, "recon", T0 + 1000, 0, NULL);
	gs_buf_set(&t, b.ptr, b.size);
	set_agents(&t, &at);
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	get_agents(&am, &out);
	g = gs_agents_find(&am, "recon");
	assert_non_null(g);
	assert_int_equal(g->nattempts, 2);
	assert_false(g->attempts[0].success);
	assert_int_equal(g->attempts[0].attempt_number, 1);
	assert_true(g->attempts[1].success);
	assert_int_equal(g->attempts[1].attempt_number, 2);
	assert_int_equal(g->status, GS_AGENT_SUCCESS);
	assert_true(g->total_cost_usd == 2.0);
	gs_agents_dispose(&ao);
	gs_agents_dispose(&at);
	gs_agents_dispose(&am);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_resume_records_union(void **state)
{
	static const char b[] = "---\nid: 3\nresume_attempts:\n  - workflow_id: w1\n    timestamp: 2026-03-15T12:00:00Z\n---\n";
	static const char o[] = "---\nid: 3\nresume_attempts:\n  - workflow_id: w1\n    timestamp: 2026-03-15T12:00:00Z\n"
				"  - workflow_id: w2\n    timestamp: 2026-03-15T13:00:00Z\n---\n";
	static const char t[] = "---\nid: 3\nresume_attempts:\n  - workflow_id: w1\n    timestamp: 2026-03-15T12:00:00Z\n"
				"  - workflow_id: w3\n    timestamp: 2026-03-15T14:00:00Z\n---\n";
	gs_buf out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	assert_int_equal(gs_merge_issue(&out, &info, b, sizeof(b) - 1, o, sizeof(o) - 1, t, sizeof(t) - 1, NULL), 0);
	assert_false(info.conflict);
	assert_non_null(strstr(out.ptr, "w1"));
	assert_non_null(strstr(out.ptr, "w2"));
	assert_non_null(strstr(out.ptr, "w3"));
	assert_true(strstr(out.ptr, "w2") < strstr(out.ptr, "w3"));
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_file_added_on_both_sides(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&o, base_doc);
	gs_buf_puts(&t, base_doc);
	record(&o, "o1");
	record(&t, "t1");
	merge(&out, &info, &b, &o, &t);
	/* Both sides created the same text; runs and totals still add up. */
	assert_false(info.conflict);
	assert_int_equal(get_i64(&out, "run_count"), 2);
	assert_clean(&out);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_user_text_after_the_runs_stays_after_them(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	gs_buf_puts(&b, base_doc);
	record(&b, "r0");
	gs_buf_puts(&b, "\n## Notes\n\nKeep an eye on BOMs.\n");
	gs_buf_set(&o, b.ptr, b.size);
	gs_buf_set(&t, b.ptr, b.size);
	record(&o, "o1");
	record(&t, "t1");
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	assert_null(strchr(out.ptr, '\x1e'));
	assert_true(strstr(out.ptr, "\"t1\"") < strstr(out.ptr, "## Notes"));
	assert_non_null(strstr(out.ptr, "| $0.0100 |\n\n## Notes\n\nKeep an eye on BOMs.\n"));
	assert_int_equal(get_i64(&out, "run_count"), 3);
	assert_clean(&out);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_keys_added_in_different_orders_do_not_conflict(void **state)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_agents ao, at, am;
	gs_merge_info info;

	(void)state;
	gs_merge_info_init(&info);
	gs_agents_init(&ao);
	gs_agents_init(&at);
	gs_agents_init(&am);
	gs_buf_puts(&b, base_doc);
	/* Ours records a run, then an agent starts; theirs the other way round. */
	gs_buf_set(&o, b.ptr, b.size);
	record(&o, "o1");
	assert_int_equal(gs_agents_start(&ao, "recon", T0, NULL), 0);
	set_agents(&o, &ao);
	gs_buf_set(&t, b.ptr, b.size);
	assert_int_equal(gs_agents_start(&at, "report", T0 + 1000, NULL), 0);
	set_agents(&t, &at);
	record(&t, "t1");
	assert_true(strstr(o.ptr, "run_count") < strstr(o.ptr, "agents:"));
	assert_true(strstr(t.ptr, "agents:") < strstr(t.ptr, "run_count"));
	merge(&out, &info, &b, &o, &t);
	assert_false(info.conflict);
	assert_int_equal(get_i64(&out, "run_count"), 2);
	get_agents(&am, &out);
	assert_int_equal(am.n, 2);
	assert_clean(&out);
	gs_agents_dispose(&ao);
	gs_agents_dispose(&at);
	gs_agents_dispose(&am);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

/* --- user keys, merged key by key ---------------------------------------------- */

/* Merge three literal versions; the result must be `want`, `conflict` as given. */
static void merge_keys(const char *base, const char *ours, const char *theirs, const char *want, int conflict)
{
	gs_buf b = GS_BUF_INIT, o = GS_BUF_INIT, t = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_info info;

	gs_merge_info_init(&info);
	gs_buf_puts(&b, base);
	gs_buf_puts(&o, ours);
	gs_buf_puts(&t, theirs);
	merge(&out, &info, &b, &o, &t);
	assert_false(info.plain);
	assert_int_equal(info.conflict, conflict);
	assert_string_equal(out.ptr, want);
	gs_buf_dispose(&b);
	gs_buf_dispose(&o);
	gs_buf_dispose(&t);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
}

static void test_merge_different_keys_on_adjacent_lines(void **state)
{
	(void)state;
	merge_keys(base_doc,
		   "---\ntitle: Fix the parser\nstatus: closed\npriority: low\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Renamed\nstatus: open\npriority: low\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Renamed\nstatus: closed\npriority: low\n---\n\nThe parser drops comments.\n", 0);
	/* Theirs' entry travels with its bytes: quotes, comment, a block value. */
	merge_keys(base_doc,
		   "---\ntitle: Fix the parser\nstatus: closed\npriority: low\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: 'Renamed'   # by B\nstatus: open\npriority:\n  - low\n  - later\n---\n\n"
		   "The parser drops comments.\n",
		   "---\ntitle: 'Renamed'   # by B\nstatus: closed\npriority:\n  - low\n  - later\n---\n\n"
		   "The parser drops comments.\n", 0);
}

static void test_merge_keys_added_on_both_sides(void **state)
{
	(void)state;
	merge_keys(base_doc,
		   "---\ntitle: Fix the parser\nstatus: open\npriority: low\nowner: alice\nseverity: 2\n---\n\n"
		   "The parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: open\npriority: low\nlabels: [yaml]\n---\n\n"
		   "The parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: open\npriority: low\nowner: alice\nseverity: 2\n"
		   "labels: [yaml]\n---\n\nThe parser drops comments.\n", 0);
	/* The same key added with the same value is taken once. */
	merge_keys(base_doc,
		   "---\ntitle: Fix the parser\nstatus: open\npriority: low\nowner: bob\n---\n\n"
		   "The parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: open\npriority: low\nowner: bob\n---\n\n"
		   "The parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: open\npriority: low\nowner: bob\n---\n\n"
		   "The parser drops comments.\n", 0);
}

static void test_merge_key_deleted_on_one_side(void **state)
{
	(void)state;
	merge_keys(base_doc,
		   "---\ntitle: Fix the parser\npriority: low\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: open\npriority: high\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Fix the parser\npriority: high\n---\n\nThe parser drops comments.\n", 0);
	/* Deleted on one side and changed on the other: a conflict. */
	merge_keys(base_doc,
		   "---\ntitle: Fix the parser\npriority: low\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: closed\npriority: low\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Fix the parser\n<<<<<<< ours\n=======\nstatus: closed\n>>>>>>> theirs\n"
		   "priority: low\n---\n\nThe parser drops comments.\n", 1);
}

static void test_merge_same_key_changed_the_same_way(void **state)
{
	(void)state;
	merge_keys(base_doc,
		   "---\ntitle: Fix the parser\nstatus: closed\npriority: high\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: closed\npriority: low\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: closed\npriority: high\n---\n\nThe parser drops comments.\n", 0);
}

static void test_merge_same_key_changed_differently_is_a_conflict(void **state)
{
	(void)state;
	/* Only that key's lines are in conflict; theirs' priority next to it still merges. */
	merge_keys(base_doc,
		   "---\ntitle: Fix the parser\nstatus: closed\npriority: low\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: wontfix\npriority: high\n---\n\nThe parser drops comments.\n",
		   "---\ntitle: Fix the parser\n<<<<<<< ours\nstatus: closed\n=======\nstatus: wontfix\n"
		   ">>>>>>> theirs\npriority: high\n---\n\nThe parser drops comments.\n", 1);
	/* A key both sides added with different values; a key only theirs added still comes. */
	merge_keys(base_doc,
		   "---\ntitle: Fix the parser\nstatus: open\npriority: low\nowner: alice\n---\n\n"
		   "The parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: open\npriority: low\nseverity: 2\nowner: bob\n---\n\n"
		   "The parser drops comments.\n",
		   "---\ntitle: Fix the parser\nstatus: open\npriority: low\nseverity: 2\n<<<<<<< ours\n"
		   "owner: alice\n=======\nowner: bob\n>>>>>>> theirs\n---\n\nThe parser drops comments.\n", 1);
}

static void test_merge_user_keys_in_a_crlf_file(void **state)
{
	(void)state;
	merge_keys("---\r\ntitle: CRLF issue\r\nstatus: open\r\n---\r\n\r\nBody.\r\n",
		   "---\r\ntitle: CRLF issue\r\nstatus: closed\r\n---\r\n\r\nBody.\r\n",
		   "---\r\ntitle: Renamed\r\nstatus: open\r\nowner: bob\r\n---\r\n\r\nBody.\r\n",
		   "---\r\ntitle: Renamed\r\nstatus: closed\r\nowner: bob\r\n---\r\n\r\nBody.\r\n", 0);
}

static void test_merge_user_keys_in_key_value_files(void **state)
{
	(void)state;
	merge_keys("---\ntitle=Barf issue\nstate=open\n---\n\nBody.\n",
		   "---\ntitle=Barf issue\nstate=closed\nowner=alice\n---\n\nBody.\n",
		   "---\ntitle=Renamed\nstate=open\nlabels=yaml\n---\n\nBody.\n",
		   "---\ntitle=Renamed\nstate=closed\nowner=alice\nlabels=yaml\n---\n\nBody.\n", 0);
}

static void test_merge_body_edits_on_both_sides_merge_line_wise(void **state)
{
	static const char base[] = "---\ntitle: T\nstatus: open\n---\n\nFirst line.\n\nMiddle.\n\nLast line.\n";

	(void)state;
	merge_keys(base, "---\ntitle: T\nstatus: closed\n---\n\nFirst line, edited.\n\nMiddle.\n\nLast line.\n",
		   "---\ntitle: U\nstatus: open\n---\n\nFirst line.\n\nMiddle.\n\nLast line, edited.\n",
		   "---\ntitle: U\nstatus: closed\n---\n\nFirst line, edited.\n\nMiddle.\n\nLast line, edited.\n", 0);
	merge_keys(base, "---\ntitle: T\nstatus: closed\n---\n\nFirst line.\n\nOurs.\n\nLast line.\n",
		   "---\ntitle: U\nstatus: open\n---\n\nFirst line.\n\nTheirs.\n\nLast line.\n",
		   "---\ntitle: U\nstatus: closed\n---\n\nFirst line.\n\n<<<<<<< ours\nOurs.\n=======\nTheirs.\n"
		   ">>>>>>> theirs\n\nLast line.\n", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_runs_on_both_sides_add_up),
		cmocka_unit_test(test_merge_from_a_base_without_runs_adds_up),
		cmocka_unit_test(test_merge_first_runs_on_both_sides_beside_an_edit_of_the_last_line),
		cmocka_unit_test(test_merge_a_run_on_both_sides_counts_once),
		cmocka_unit_test(test_merge_with_one_side_unchanged_takes_the_other_byte_for_byte),
		cmocka_unit_test(test_merge_user_edits_and_runs_merge_cleanly),
		cmocka_unit_test(test_merge_title_edited_both_ways_is_a_conflict),
		cmocka_unit_test(test_merge_a_run_removed_on_one_side_stays_removed),
		cmocka_unit_test(test_merge_counters_without_blocks_are_ours_plus_theirs_minus_base),
		cmocka_unit_test(test_merge_counter_overflow_is_an_error),
		cmocka_unit_test(test_merge_unparseable_input_falls_back_to_a_text_merge),
		cmocka_unit_test(test_merge_keeps_crlf_line_ends),
		cmocka_unit_test(test_merge_key_value_files),
		cmocka_unit_test(test_merge_agents_union_attempts_from_both_sides),
		cmocka_unit_test(test_merge_concurrent_attempts_of_one_agent_are_renumbered_in_time_order),
		cmocka_unit_test(test_merge_resume_records_union),
		cmocka_unit_test(test_merge_file_added_on_both_sides),
		cmocka_unit_test(test_merge_user_text_after_the_runs_stays_after_them),
		cmocka_unit_test(test_merge_keys_added_in_different_orders_do_not_conflict),
		cmocka_unit_test(test_merge_different_keys_on_adjacent_lines),
		cmocka_unit_test(test_merge_keys_added_on_both_sides),
		cmocka_unit_test(test_merge_key_deleted_on_one_side),
		cmocka_unit_test(test_merge_same_key_changed_the_same_way),
		cmocka_unit_test(test_merge_same_key_changed_differently_is_a_conflict),
		cmocka_unit_test(test_merge_user_keys_in_a_crlf_file),
		cmocka_unit_test(test_merge_user_keys_in_key_value_files),
		cmocka_unit_test(test_merge_body_edits_on_both_sides_merge_line_wise),
	};
	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
