/*
 * The attempts model (SPEC §4) as pure functions: events, derived fields,
 * Shannon's counting rules, phases, resume records, YAML round trips.
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
#include <sys/stat.h>
#include <unistd.h>

#include "gs/gs.h"

#define T0 1773576000000LL /* 2026-03-15T12:00:00Z */
#define CP1 "1111111111111111111111111111111111111111"
#define CP2 "2222222222222222222222222222222222222222"
#define CP3 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void run_attempt(gs_agents *a, const char *name, int64_t start, int success, double cost,
			int64_t duration, const char *checkpoint)
{
	gs_attempt_end_opts o = GS_ATTEMPT_END_OPTS_INIT;

	assert_int_equal(gs_agents_start(a, name, start, NULL), 0);
	o.success = success;
	o.end_ms = start + duration;
	o.cost_usd = cost;
	o.has_cost = 1;
	o.model = "claude-sonnet-4-5";
	o.error = success ? NULL : "tool crashed";
	o.checkpoint = checkpoint;
	assert_int_equal(gs_agents_end(a, name, &o), 0);
}

/* Format, parse back, format again: the text must not change. */
static void assert_round_trip(const gs_agents *a, gs_buf *text)
{
	gs_agents b;
	gs_buf again = GS_BUF_INIT;

	gs_buf_clear(text);
	assert_int_equal(gs_agents_format(text, a), 0);
	assert_int_equal(gs_agents_parse(&b, text->ptr, text->size, 0), 0);
	assert_int_equal(gs_agents_format(&again, &b), 0);
	assert_string_equal(again.ptr, text->ptr);
	gs_buf_dispose(&again);
	gs_agents_dispose(&b);
}

static void test_attempt_failed_twice_then_success_costs_all_three(void **state)
{
	gs_agents a;
	gs_agent *g;
	gs_attempt_totals tot;
	gs_buf text = GS_BUF_INIT;

	(void)state;
	gs_agents_init(&a);
	run_attempt(&a, "recon", T0, 0, 1.0, 1000, NULL);
	run_attempt(&a, "recon", T0 + 10000, 0, 2.0, 2000, NULL);
	run_attempt(&a, "recon", T0 + 20000, 1, 3.0, 3000, CP1);
	g = gs_agents_find(&a, "recon");
	assert_non_null(g);
	assert_int_equal(g->nattempts, 3);
	assert_int_equal(g->attempts[0].attempt_number, 1);
	assert_int_equal(g->attempts[2].attempt_number, 3);
	assert_int_equal(g->status, GS_AGENT_SUCCESS);
	assert_true(g->total_cost_usd == 6.0);
	assert_int_equal(g->final_duration_ms, 3000);
	assert_string_equal(g->checkpoint, CP1);
	assert_string_equal(g->model, "claude-sonnet-4-5");
	assert_string_equal(g->attempts[0].error, "tool crashed");
	assert_null(g->attempts[2].error);
	assert_string_equal(g->attempts[1].timestamp, "2026-03-15T12:00:10Z");

	gs_agents_totals(&tot, &a);
	assert_int_equal(tot.duration_ms, 3000);
	assert_true(tot.cost_usd == 6.0);
	assert_int_equal(tot.agent_count, 1);

	assert_round_trip(&a, &text);
	assert_non_null(strstr(text.ptr, "recon:\n  status: success\n  attempts:\n    - attempt_number: 1\n"
					 "      duration_ms: 1000\n      cost_usd: 1\n      success: false\n"
					 "      timestamp: 2026-03-15T12:00:00Z\n"));
	assert_non_null(strstr(text.ptr, "  final_duration_ms: 3000\n  total_cost_usd: 6\n"
					 "  model: claude-sonnet-4-5\n  checkpoint: \"" CP1 "\"\n"));
	gs_buf_dispose(&text);
	gs_agents_dispose(&a);
}

static void test_attempt_agent_that_never_succeeded_counts_nowhere(void **state)
{
	gs_agents a;
	gs_attempt_totals tot;

	(void)state;
	gs_agents_init(&a);
	run_attempt(&a, "exploitation", T0, 0, 5.0, 9000, NULL);
	run_attempt(&a, "reporting", T0, 1, 0.5, 500, CP2);
	gs_agents_totals(&tot, &a);
	assert_int_equal(tot.duration_ms, 500);
	assert_true(tot.cost_usd == 0.5);
	assert_int_equal(tot.agent_count, 1);
	assert_int_equal(tot.agents_total, 2);
	assert_true(gs_agents_find(&a, "exploitation")->total_cost_usd == 5.0);
	assert_int_equal(gs_agents_find(&a, "exploitation")->final_duration_ms, 0);
	assert_int_equal(gs_agents_find(&a, "exploitation")->status, GS_AGENT_FAILED);
	gs_agents_dispose(&a);
}

static const char *phase_of(const char *agent, void *payload)
{
	(void)payload;
	if (!strcmp(agent, "recon"))
		return "recon";
	if (!strcmp(agent, "report"))
		return "reporting";
	return NULL;
}

/* SPEC §4's worked example, by hand: recon $6 over 3 s, report $4 over 1 s. */
static void test_attempt_phases_follow_the_spec_example(void **state)
{
	gs_agents a;
	gs_phases p;
	gs_attempt_totals tot;

	(void)state;
	gs_agents_init(&a);
	run_attempt(&a, "recon", T0, 0, 1.0, 1000, NULL);
	run_attempt(&a, "recon", T0 + 5000, 0, 2.0, 2000, NULL);
	run_attempt(&a, "recon", T0 + 9000, 1, 3.0, 3000, CP1);
	run_attempt(&a, "report", T0 + 20000, 1, 4.0, 1000, CP2);
	run_attempt(&a, "lint", T0 + 30000, 0, 0.25, 100, NULL);
	gs_agents_totals(&tot, &a);
	assert_true(tot.cost_usd == 10.0);
	assert_int_equal(tot.duration_ms, 4000);

	assert_int_equal(gs_phases_compute(&p, &a, phase_of, NULL), 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.phases[0].name, "recon");
	assert_int_equal(p.phases[0].duration_ms, 3000);
	assert_true(p.phases[0].cost_usd == 6.0);
	assert_true(p.phases[0].duration_percentage == 75.0);
	assert_int_equal(p.phases[0].agent_count, 1);
	assert_string_equal(p.phases[1].name, "reporting");
	assert_true(p.phases[1].cost_usd == 4.0);
	assert_true(p.phases[1].duration_percentage == 25.0);
	assert_string_equal(p.phases[2].name, GS_PHASE_UNASSIGNED);
	assert_int_equal(p.phases[2].agent_count, 0);
	assert_true(p.phases[2].cost_usd == 0.0);
	assert_true(p.phases[2].duration_percentage == 0.0);
	gs_phases_dispose(&p);

	/* No mapping at all: everything is unassigned, 100 %. */
	assert_int_equal(gs_phases_compute(&p, &a, NULL, NULL), 0);
	assert_int_equal(p.n, 1);
	assert_true(p.phases[0].duration_percentage == 100.0);
	assert_int_equal(p.phases[0].agent_count, 2);
	gs_phases_dispose(&p);
	gs_agents_dispose(&a);
}

static void test_attempt_percentages_round_to_hundredths(void **state)
{
	gs_agents a;
	gs_phases p;

	(void)state;
	gs_agents_init(&a);
	run_attempt(&a, "recon", T0, 1, 0.1, 1000, CP1);
	run_attempt(&a, "report", T0, 1, 0.2, 2000, CP2);
	assert_int_equal(gs_phases_compute(&p, &a, phase_of, NULL), 0);
	assert_true(p.phases[0].duration_percentage == 33.33);
	assert_true(p.phases[1].duration_percentage == 66.67);
	gs_phases_dispose(&p);
	gs_agents_dispose(&a);
}

static void test_attempt_costs_do_not_accumulate_float_noise(void **state)
{
	gs_agents a;
	gs_attempt_totals tot;
	gs_buf text = GS_BUF_INIT;

	(void)state;
	gs_agents_init(&a);
	run_attempt(&a, "recon", T0, 0, 0.1, 10, NULL);
	run_attempt(&a, "recon", T0, 1, 0.2, 10, CP1);
	gs_agents_totals(&tot, &a);
	assert_true(tot.cost_usd == 0.3);
	assert_int_equal(gs_agents_format(&text, &a), 0);
	assert_non_null(strstr(text.ptr, "total_cost_usd: 0.3\n"));
	gs_buf_dispose(&text);
	gs_agents_dispose(&a);
}

static void test_attempt_end_without_start_is_refused(void **state)
{
	gs_agents a;
	gs_attempt_end_opts o = GS_ATTEMPT_END_OPTS_INIT;

	(void)state;
	gs_agents_init(&a);
	o.end_ms = T0;
	assert_int_equal(gs_agents_end(&a, "recon", &o), GS_ENOTFOUND);
	assert_non_null(strstr(gs_error_last(), "unknown agent 'recon'"));
	run_attempt(&a, "recon", T0, 0, 1.0, 1000, NULL);
	assert_int_equal(gs_agents_end(&a, "recon", &o), GS_ESTATE);
	assert_non_null(strstr(gs_error_last(), "no attempt in progress"));
	assert_int_equal(gs_agents_find(&a, "recon")->nattempts, 1);
	gs_agents_dispose(&a);
}

static void test_attempt_start_over_a_running_attempt_abandons_it(void **state)
{
	gs_agents a;
	gs_agent *g;
	int abandoned = 0;

	(void)state;
	gs_agents_init(&a);
	assert_int_equal(gs_agents_start(&a, "recon", T0, &abandoned), 0);
	assert_int_equal(abandoned, 0);
	assert_int_equal(gs_agents_find(&a, "recon")->status, GS_AGENT_IN_PROGRESS);
	assert_int_equal(gs_agents_start(&a, "recon", T0 + 60000, &abandoned), 0);
	assert_int_equal(abandoned, 1);
	g = gs_agents_find(&a, "recon");
	assert_int_equal(g->status, GS_AGENT_IN_PROGRESS);
	assert_int_equal(g->nattempts, 1);
	assert_false(g->attempts[0].success);
	assert_string_equal(g->attempts[0].error, "abandoned");
	assert_int_equal(g->attempts[0].duration_ms, 60000);
	assert_false(g->attempts[0].has_cost);
	assert_int_equal(g->unknown_cost, 1);
	assert_string_equal(g->started_at, "2026-03-15T12:01:00Z");
	gs_agents_dispose(&a);
}

static void test_attempt_duration_defaults_to_end_minus_start(void **state)
{
	gs_agents a;
	gs_attempt_end_opts o = GS_ATTEMPT_END_OPTS_INIT;

	(void)state;
	gs_agents_init(&a);
	assert_int_equal(gs_agents_start(&a, "recon", T0 + 250, NULL), 0);
	assert_string_equal(gs_agents_find(&a, "recon")->started_at, "2026-03-15T12:00:00.250Z");
	o.success = 1;
	o.checkpoint = CP1;
	o.end_ms = T0 + 90250;
	assert_int_equal(gs_agents_end(&a, "recon", &o), 0);
	assert_int_equal(gs_agents_find(&a, "recon")->final_duration_ms, 90000);
	assert_null(gs_agents_find(&a, "recon")->started_at);

	/* The clock going backwards is not a negative duration. */
	assert_int_equal(gs_agents_start(&a, "recon", T0, NULL), 0);
	o.end_ms = T0 - 1;
	assert_int_equal(gs_agents_end(&a, "recon", &o), GS_EUSAGE);
	o.duration_ms = 5;
	assert_int_equal(gs_agents_end(&a, "recon", &o), 0);
	gs_agents_dispose(&a);
}

static void test_attempt_success_needs_a_checkpoint(void **state)
{
	gs_agents a;
	gs_attempt_end_opts o = GS_ATTEMPT_END_OPTS_INIT;

	(void)state;
	gs_agents_init(&a);
	assert_int_equal(gs_agents_start(&a, "recon", T0, NULL), 0);
	o.success = 1;
	o.end_ms = T0 + 1;
	assert_int_equal(gs_agents_end(&a, "recon", &o), GS_EUSAGE);
	assert_int_equal(gs_agents_find(&a, "recon")->status, GS_AGENT_IN_PROGRESS);
	gs_agents_dispose(&a);
}

static void test_attempt_agent_names_must_be_ref_components(void **state)
{
	static const char *bad[] = { "", ".hidden", "-x", "a..b", "a/b", "a b", "x.lock", "end.",
				     "a:b", "a~1", "caf\xc3\xa9", "a\nb" };
	static const char *good[] = { "recon", "pre-recon", "vulnerability_analysis", "a.b", "v2", "X" };
	gs_agents a;
	size_t i;

	(void)state;
	gs_agents_init(&a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(gs_agent_name_check(bad[i]), GS_EUSAGE);
		assert_int_equal(gs_agents_start(&a, bad[i], T0, NULL), GS_EUSAGE);
	}
	assert_int_equal(a.n, 0);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(gs_agent_name_check(good[i]), 0);
	gs_agents_dispose(&a);
}

static void test_attempt_parse_reads_an_indented_block_in_place(void **state)
{
	/* What gs_fm_get_raw returns for `agents:` nested under the key: the
	 * bytes start at column 2 of the first agent line. */
	static const char raw[] = "recon:\n"
				  "    status: failed # a comment\n"
				  "    attempts:\n"
				  "      - attempt_number: 1\n"
				  "        duration_ms: 1200\n"
				  "        cost_usd: 0.75\n"
				  "        success: no\n"
				  "        error: 'it broke: badly'\n"
				  "    total_cost_usd: 999\n"
				  "  report: {status: in-progress, started_at: '2026-03-15T11:00:00Z', attempts: []}";
	gs_agents a;
	gs_agent *g;

	(void)state;
	assert_int_equal(gs_agents_parse(&a, raw, strlen(raw), 2), 0);
	assert_int_equal(a.n, 2);
	g = gs_agents_find(&a, "recon");
	assert_int_equal(g->status, GS_AGENT_FAILED);
	assert_true(g->total_cost_usd == 0.75); /* derived, not the stale 999 */
	assert_string_equal(g->attempts[0].error, "it broke: badly");
	g = gs_agents_find(&a, "report");
	assert_int_equal(g->status, GS_AGENT_IN_PROGRESS);
	assert_string_equal(g->started_at, "2026-03-15T11:00:00Z");
	gs_agents_dispose(&a);

	assert_int_equal(gs_agents_parse(&a, "{}", 2, 8), 0);
	assert_int_equal(a.n, 0);
	assert_int_equal(gs_agents_parse(&a, NULL, 0, 0), 0);
	assert_int_equal(a.n, 0);
}

static void test_attempt_parse_errors_name_the_field(void **state)
{
	gs_agents a;

	(void)state;
	assert_int_equal(gs_agents_parse(&a, "recon:\n  attempts:\n    - cost_usd: lots\n", 39, 0), GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "agents.recon.attempts[0].cost_usd"));
	assert_non_null(strstr(gs_error_last(), "'lots'"));
	assert_int_equal(gs_agents_parse(&a, "- recon\n", 8, 0), GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "agents: expected a mapping"));
	assert_int_equal(gs_agents_parse(&a, "recon: {attempts: 3}", 20, 0), GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "agents.recon.attempts: expected a sequence"));
	assert_int_equal(gs_agents_parse(&a, "recon: [unclosed", 16, 0), GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "agents: line "));
	assert_int_equal(gs_agents_parse(&a, "a: {}\na: {}\n", 12, 0), GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "duplicate agent 'a'"));
	/* found by fuzz_attempt: a name no command could write, too long to
	 * format back as an implicit YAML key */
	assert_int_equal(gs_agents_parse(&a, "\"recon agent\": {}\n", 17, 0), GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "agents (line 1): invalid agent name 'recon agent'"));
}

static void test_attempt_strings_that_need_quotes_round_trip(void **state)
{
	static const char *models[] = { "gpt-4o", "true", "null", "12", "1e5", "0x1f", "a: b", "#x",
					"say \"hi\"\\", "line\nbreak", "caf\xc3\xa9", "- item", "" };
	gs_agents a, b;
	gs_buf text = GS_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		gs_attempt_end_opts o = GS_ATTEMPT_END_OPTS_INIT;

		gs_agents_init(&a);
		assert_int_equal(gs_agents_start(&a, "recon", T0, NULL), 0);
		o.end_ms = T0 + 5;
		o.model = models[i];
		o.error = models[i];
		assert_int_equal(gs_agents_end(&a, "recon", &o), 0);
		gs_buf_clear(&text);
		assert_int_equal(gs_agents_format(&text, &a), 0);
		assert_int_equal(gs_agents_parse(&b, text.ptr, text.size, 0), 0);
		assert_string_equal(b.agents[0].attempts[0].model, models[i]);
		assert_string_equal(b.agents[0].attempts[0].error, models[i]);
		gs_agents_dispose(&b);
		gs_agents_dispose(&a);
	}
	gs_buf_dispose(&text);
}

static void test_attempt_numbers_are_shortest_exact_text(void **state)
{
	static const struct {
		double v;
		const char *text;
	} cases[] = { { 0, "0" }, { 6, "6" }, { 0.1, "0.1" }, { 1.25, "1.25" }, { 1e-7, "0.0000001" },
		      { 123456.789, "123456.789" } };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gs_buf b = GS_BUF_INIT;

		assert_int_equal(gs_attempt_format_number(&b, cases[i].v), 0);
		assert_string_equal(b.ptr, cases[i].text);
		gs_buf_dispose(&b);
	}
}

static void test_attempt_resume_records_append_in_order(void **state)
{
	static const char *const term[] = { "wf-1", "wf-2" };
	gs_resumes r, back;
	gs_buf text = GS_BUF_INIT, again = GS_BUF_INIT;

	(void)state;
	gs_resumes_init(&r);
	assert_int_equal(gs_resumes_append(&r, "wf-2", "2026-03-15T12:00:00Z", term, 1, CP1), 0);
	assert_int_equal(gs_resumes_append(&r, "wf-3", "2026-03-15T13:00:00Z", term, 2, NULL), 0);
	assert_int_equal(gs_resumes_format(&text, &r), 0);
	assert_string_equal(text.ptr, "- workflow_id: wf-2\n"
				      "  timestamp: 2026-03-15T12:00:00Z\n"
				      "  terminated_previous:\n"
				      "    - wf-1\n"
				      "  resumed_from_checkpoint: \"" CP1 "\"\n"
				      "- workflow_id: wf-3\n"
				      "  timestamp: 2026-03-15T13:00:00Z\n"
				      "  terminated_previous:\n"
				      "    - wf-1\n"
				      "    - wf-2\n"
				      "  resumed_from_checkpoint: null\n");
	assert_int_equal(gs_resumes_parse(&back, text.ptr, text.size, 0), 0);
	assert_int_equal(back.n, 2);
	assert_string_equal(back.recs[1].workflow_id, "wf-3");
	assert_int_equal(back.recs[1].nterminated, 2);
	assert_null(back.recs[1].checkpoint);
	assert_string_equal(back.recs[0].checkpoint, CP1);
	assert_int_equal(gs_resumes_format(&again, &back), 0);
	assert_string_equal(again.ptr, text.ptr);

	gs_resumes_dispose(&back);
	assert_int_equal(gs_resumes_parse(&back, "[]", 2, 17), 0);
	assert_int_equal(back.n, 0);
	assert_int_equal(gs_resumes_parse(&back, "{a: 1}", 6, 0), GS_EPARSE);
	assert_non_null(strstr(gs_error_last(), "resume_attempts: expected a sequence"));
	gs_buf_clear(&text);
	assert_int_equal(gs_resumes_format(&text, &back), 0);
	assert_string_equal(text.ptr, "[]\n");

	gs_resumes_dispose(&r);
	gs_buf_dispose(&text);
	gs_buf_dispose(&again);
}

static void test_attempt_latest_checkpoint_is_the_last_success(void **state)
{
	gs_agents a;

	(void)state;
	gs_agents_init(&a);
	assert_null(gs_agents_latest_checkpoint(&a));
	run_attempt(&a, "report", T0 + 50000, 1, 1, 1000, CP2);
	run_attempt(&a, "recon", T0, 1, 1, 1000, CP1);
	run_attempt(&a, "vuln", T0 + 60000, 0, 1, 1000, NULL);
	assert_string_equal(gs_agents_latest_checkpoint(&a), CP2);
	run_attempt(&a, "recon", T0 + 70000, 1, 1, 1000, CP3);
	assert_string_equal(gs_agents_latest_checkpoint(&a), CP3);
	gs_agents_dispose(&a);
}

/* The raw bytes gs_fm_get_raw gives back parse to what gs_fm_set_block got. */
static void test_attempt_blocks_round_trip_through_frontmatter(void **state)
{
	static const char doc[] = "---\r\ntitle: Fix login # keep me\r\nagents: {}\r\nresume_attempts: []\r\n"
				  "owner: me\r\n---\r\nBody text\r\n";
	static const char *const term[] = { "wf-1" };
	gs_fm *fm = NULL;
	gs_agents a, b;
	gs_resumes r, back;
	gs_buf yaml = GS_BUF_INIT, again = GS_BUF_INIT;
	const char *raw, *all, *p;
	size_t len, alllen, col;
	int round;

	(void)state;
	assert_int_equal(gs_fm_parse(&fm, doc, strlen(doc), "issues/12.md"), 0);
	gs_agents_init(&a);
	run_attempt(&a, "recon", T0, 0, 1.0, 1000, NULL);
	run_attempt(&a, "recon", T0, 1, 2.0, 1000, CP3);
	gs_resumes_init(&r);
	assert_int_equal(gs_resumes_append(&r, "wf-2", "2026-03-15T12:00:00Z", term, 1, CP3), 0);
	for (round = 0; round < 2; round++) {
		gs_buf_clear(&yaml);
		assert_int_equal(gs_agents_format(&yaml, &a), 0);
		assert_int_equal(gs_fm_set_block(fm, "agents", yaml.ptr), 0);
		gs_buf_clear(&yaml);
		assert_int_equal(gs_resumes_format(&yaml, &r), 0);
		assert_int_equal(gs_fm_set_block(fm, "resume_attempts", yaml.ptr), 0);

		gs_fm_bytes(&all, &alllen, fm);
		assert_non_null(strstr(all, "title: Fix login # keep me\r\n"));
		assert_non_null(strstr(all, "owner: me\r\n---\r\nBody text\r\n"));
		assert_int_equal(gs_fm_get_raw(&raw, &len, fm, "agents"), 0);
		for (p = raw, col = 0; p > all && p[-1] != '\n'; p--)
			col++;
		assert_int_equal(gs_agents_parse(&b, raw, len, col), 0);
		gs_buf_clear(&again);
		assert_int_equal(gs_agents_format(&again, &b), 0);
		gs_buf_clear(&yaml);
		assert_int_equal(gs_agents_format(&yaml, &a), 0);
		assert_string_equal(again.ptr, yaml.ptr);
		gs_agents_dispose(&b);

		assert_int_equal(gs_fm_get_raw(&raw, &len, fm, "resume_attempts"), 0);
		for (p = raw, col = 0; p > all && p[-1] != '\n'; p--)
			col++;
		assert_int_equal(gs_resumes_parse(&back, raw, len, col), 0);
		assert_int_equal(back.n, r.n);
		assert_string_equal(back.recs[r.n - 1].workflow_id, "wf-2");
		gs_resumes_dispose(&back);
		/* second round: replace the block values written by the first */
		run_attempt(&a, "report", T0, 1, 0.5, 10, CP1);
	}
	gs_resumes_dispose(&r);
	gs_agents_dispose(&a);
	gs_buf_dispose(&yaml);
	gs_buf_dispose(&again);
	gs_fm_free(fm);
}

/* Local state of running attempts, as the post-commit hook uses it. */
static void test_attempt_local_state_tracks_candidates(void **state)
{
	char dir[64], cmd[128], path[256];
	git_repository *g = NULL;
	gs_repo *r = NULL;
	gs_attempt_running *list = NULL, one;
	git_oid a, b, c;
	size_t n = 0;
	struct stat st;

	(void)state;
	git_libgit2_init();
	snprintf(dir, sizeof(dir), "/tmp/gs-test-attempt.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(git_repository_init(&g, dir, 1), 0);
	git_repository_free(g);
	assert_int_equal(gs_repo_open(&r, dir), 0);
	assert_int_equal(git_oid_fromstr(&a, CP1), 0);
	assert_int_equal(git_oid_fromstr(&b, CP2), 0);
	assert_int_equal(git_oid_fromstr(&c, CP3), 0);

	/* Nothing running: recording a candidate is a no-op. */
	assert_int_equal(gs_attempt_candidate_record(r, "12", &a), 0);
	assert_int_equal(gs_attempt_running_list(&list, &n, r, NULL), 0);
	assert_int_equal(n, 0);
	gs_attempt_running_free(list, n);

	assert_int_equal(gs_attempt_local_started(r, "012", "recon", T0), 0);
	assert_int_equal(gs_attempt_local_started(r, "BACK-7", "report", T0 + 1), 0);
	assert_int_equal(gs_attempt_running_list(&list, &n, r, NULL), 0);
	assert_int_equal(n, 2);
	gs_attempt_running_free(list, n);
	assert_int_equal(gs_attempt_running_list(&list, &n, r, "12"), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].issue, "012");
	assert_string_equal(list[0].agent, "recon");
	assert_int_equal(list[0].started_ms, T0);
	assert_false(list[0].has_candidate);
	gs_attempt_running_free(list, n);

	/* The hook names the issue as a trailer spells it: case and zeros fold. */
	assert_int_equal(gs_attempt_candidate_record(r, "12", &a), 0);
	assert_int_equal(gs_attempt_candidate_record(r, "back-007", &b), 0);
	assert_int_equal(gs_attempt_local_get(&one, r, "0012", "recon"), 0);
	assert_true(one.has_candidate);
	assert_true(git_oid_equal(&one.candidate, &a));
	gs_attempt_running_dispose(&one);

	/* post-rewrite: only the matching candidate moves. */
	assert_int_equal(gs_attempt_candidate_remap(r, &a, &c), 0);
	assert_int_equal(gs_attempt_local_get(&one, r, "12", "recon"), 0);
	assert_true(git_oid_equal(&one.candidate, &c));
	gs_attempt_running_dispose(&one);
	assert_int_equal(gs_attempt_local_get(&one, r, "BACK-7", "report"), 0);
	assert_true(git_oid_equal(&one.candidate, &b));
	gs_attempt_running_dispose(&one);

	/* A restart forgets the old candidate; an end forgets the attempt. */
	assert_int_equal(gs_attempt_local_started(r, "12", "recon", T0 + 5), 0);
	assert_int_equal(gs_attempt_local_get(&one, r, "12", "recon"), 0);
	assert_false(one.has_candidate);
	gs_attempt_running_dispose(&one);
	assert_int_equal(gs_attempt_local_finished(r, "12", "recon"), 0);
	assert_int_equal(gs_attempt_local_finished(r, "12", "recon"), 0);
	assert_int_equal(gs_attempt_local_get(&one, r, "12", "recon"), GS_ENOTFOUND);
	snprintf(path, sizeof(path), "%s/stats/attempts/12", dir);
	assert_int_not_equal(stat(path, &st), 0);
	assert_int_equal(gs_attempt_running_list(&list, &n, r, NULL), 0);
	assert_int_equal(n, 1);
	gs_attempt_running_free(list, n);

	/* Ids never become paths. */
	assert_int_equal(gs_attempt_local_started(r, "../../x", "recon", T0), 0);
	snprintf(path, sizeof(path), "%s/stats/attempts/%%2E.%%2F..%%2Fx/recon", dir);
	assert_int_equal(stat(path, &st), 0);

	gs_repo_free(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	git_libgit2_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attempt_failed_twice_then_success_costs_all_three),
		cmocka_unit_test(test_attempt_agent_that_never_succeeded_counts_nowhere),
		cmocka_unit_test(test_attempt_phases_follow_the_spec_example),
		cmocka_unit_test(test_attempt_percentages_round_to_hundredths),
		cmocka_unit_test(test_attempt_costs_do_not_accumulate_float_noise),
		cmocka_unit_test(test_attempt_end_without_start_is_refused),
		cmocka_unit_test(test_attempt_start_over_a_running_attempt_abandons_it),
		cmocka_unit_test(test_attempt_duration_defaults_to_end_minus_start),
		cmocka_unit_test(test_attempt_success_needs_a_checkpoint),
		cmocka_unit_test(test_attempt_agent_names_must_be_ref_components),
		cmocka_unit_test(test_attempt_parse_reads_an_indented_block_in_place),
		cmocka_unit_test(test_attempt_parse_errors_name_the_field),
		cmocka_unit_test(test_attempt_strings_that_need_quotes_round_trip),
		cmocka_unit_test(test_attempt_numbers_are_shortest_exact_text),
		cmocka_unit_test(test_attempt_resume_records_append_in_order),
		cmocka_unit_test(test_attempt_latest_checkpoint_is_the_last_success),
		cmocka_unit_test(test_attempt_blocks_round_trip_through_frontmatter),
		cmocka_unit_test(test_attempt_local_state_tracks_candidates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
