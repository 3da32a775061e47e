/*
 * How `show` presents agents, attempts, phases and resume records, as
 * text and as JSON. Phases and the success-only totals are computed here,
 * at show time, from the agents and the current `stats.phase.<agent>`
 * config, so changing the config regroups old issues too.
 */
#include "gs/attempt.h"
#include "gs/frontmatter.h"
#include "gs/repo.h"
#include "gs/report.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

struct phase_ctx {
	gs_repo *r;
	gs_buf key;
	char *last; /* the value returned by the previous lookup */
};

/* `stats.phase.<agent>`; agents whose name is no config key are unassigned. */
static const char *phase_lookup(const char *agent, void *payload)
{
	struct phase_ctx *c = payload;

	free(c->last);
	c->last = NULL;
	if (!c->r)
		return NULL;
	gs_buf_clear(&c->key);
	if (gs_buf_printf(&c->key, "stats.phase.%s", agent) < 0)
		return NULL;
	if (gs_repo_config_str(&c->last, c->r, c->key.ptr) < 0) {
		c->last = NULL;
		gs_error_clear();
	}
	return c->last;
}

static void phase_ctx_dispose(struct phase_ctx *c)
{
	free(c->last);
	gs_buf_dispose(&c->key);
}

static char *phase_of(struct phase_ctx *c, const char *agent)
{
	const char *p = phase_lookup(agent, c);

	return strdup(p && *p ? p : GS_PHASE_UNASSIGNED);
}

static void add_str_or_null(cJSON *obj, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(obj, key, s);
	else
		cJSON_AddNullToObject(obj, key);
}

static void add_i64_or_null(cJSON *obj, const char *key, int64_t v)
{
	if (v >= 0)
		cJSON_AddNumberToObject(obj, key, (double)v);
	else
		cJSON_AddNullToObject(obj, key);
}

cJSON *gs_agent_json(const gs_agent *g, const char *phase)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	size_t i;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", g->name);
	if (phase)
		cJSON_AddStringToObject(o, "phase", phase);
	cJSON_AddStringToObject(o, "status", gs_agent_status_name(g->status));
	add_str_or_null(o, "started_at", g->started_at);
	cJSON_AddNumberToObject(o, "final_duration_ms", (double)g->final_duration_ms);
	cJSON_AddNumberToObject(o, "total_cost_usd", g->total_cost_usd);
	cJSON_AddNumberToObject(o, "unknown_cost_attempts", (double)g->unknown_cost);
	add_str_or_null(o, "model", g->model);
	add_str_or_null(o, "checkpoint", g->checkpoint);
	arr = cJSON_AddArrayToObject(o, "attempts");
	for (i = 0; arr && i < g->nattempts; i++) {
		const gs_attempt *t = &g->attempts[i];
		cJSON *a = cJSON_CreateObject();

		if (!a)
			break;
		cJSON_AddNumberToObject(a, "attempt_number", (double)t->attempt_number);
		cJSON_AddNumberToObject(a, "duration_ms", (double)t->duration_ms);
		if (t->has_cost)
			cJSON_AddNumberToObject(a, "cost_usd", t->cost_usd);
		else
			cJSON_AddNullToObject(a, "cost_usd");
		cJSON_AddBoolToObject(a, "success", t->success);
		add_str_or_null(a, "timestamp", t->timestamp);
		add_str_or_null(a, "model", t->model);
		add_str_or_null(a, "error", t->error);
		add_str_or_null(a, "checkpoint", t->checkpoint);
		add_i64_or_null(a, "turns", t->turns);
		add_i64_or_null(a, "input_tokens", t->input_tokens);
		add_i64_or_null(a, "output_tokens", t->output_tokens);
		cJSON_AddItemToArray(arr, a);
	}
	return o;
}

cJSON *gs_resume_json(const gs_resume_rec *rec)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	size_t i;

	if (!o)
		return NULL;
	add_str_or_null(o, "workflow_id", rec->workflow_id);
	add_str_or_null(o, "timestamp", rec->timestamp);
	arr = cJSON_AddArrayToObject(o, "terminated_previous");
	for (i = 0; arr && i < rec->nterminated; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(rec->terminated[i]));
	add_str_or_null(o, "resumed_from_checkpoint", rec->checkpoint);
	return o;
}

/* Parse both blocks of a parsed document (absent blocks are empty). */
static int load_blocks(gs_agents *agents, gs_resumes *resumes, const gs_fm *fm, const char *name)
{
	const char *doc, *raw;
	size_t doclen, len, col;
	int error;

	gs_agents_init(agents);
	gs_resumes_init(resumes);
	gs_fm_bytes(&doc, &doclen, fm);
	if (gs_fm_get_raw(&raw, &len, fm, "agents") == 0) {
		for (col = 0; raw - col > doc && raw[-(ptrdiff_t)col - 1] != '\n'; col++)
			;
		if ((error = gs_agents_parse(agents, raw, len, col)) < 0)
			goto fail;
	}
	if (gs_fm_get_raw(&raw, &len, fm, "resume_attempts") == 0) {
		for (col = 0; raw - col > doc && raw[-(ptrdiff_t)col - 1] != '\n'; col++)
			;
		if ((error = gs_resumes_parse(resumes, raw, len, col)) < 0)
			goto fail;
	}
	gs_error_clear();
	return 0;
fail:
	gs_error_prefix("'%s'", name ? name : "issue");
	gs_agents_dispose(agents);
	gs_resumes_dispose(resumes);
	return error;
}

int gs_attempt_report_json(cJSON *obj, gs_repo *r, const gs_fm *fm, const char *name)
{
	gs_agents agents;
	gs_resumes resumes;
	gs_phases phases = { NULL, 0 };
	gs_attempt_totals tot;
	struct phase_ctx pc = { r, GS_BUF_INIT, NULL };
	cJSON *arr, *o;
	size_t i;
	int error;

	if ((error = load_blocks(&agents, &resumes, fm, name)) < 0)
		return error;
	if (!agents.n && !resumes.n)
		goto done; /* nothing to present: leave the object as it is */
	if ((error = gs_phases_compute(&phases, &agents, phase_lookup, &pc)) < 0)
		goto done;
	gs_agents_totals(&tot, &agents);
	error = GS_ERROR;
	/* Our normalized view replaces the raw blocks the caller may have put there. */
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "agents");
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "resume_attempts");
	if (!(arr = cJSON_AddObjectToObject(obj, "agents")))
		goto oom;
	for (i = 0; i < agents.n; i++) {
		char *ph = phase_of(&pc, agents.agents[i].name);

		o = gs_agent_json(&agents.agents[i], ph);
		free(ph);
		if (!o)
			goto oom;
		cJSON_AddItemToObject(arr, agents.agents[i].name, o);
	}
	if (!(arr = cJSON_AddArrayToObject(obj, "phases")))
		goto oom;
	for (i = 0; i < phases.n; i++) {
		if (!(o = cJSON_CreateObject()))
			goto oom;
		cJSON_AddStringToObject(o, "name", phases.phases[i].name);
		cJSON_AddNumberToObject(o, "duration_ms", (double)phases.phases[i].duration_ms);
		cJSON_AddNumberToObject(o, "duration_percentage", phases.phases[i].duration_percentage);
		cJSON_AddNumberToObject(o, "cost_usd", phases.phases[i].cost_usd);
		cJSON_AddNumberToObject(o, "agent_count", (double)phases.phases[i].agent_count);
		cJSON_AddNumberToObject(o, "unknown_cost_attempts", (double)phases.phases[i].unknown_cost);
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddNumberToObject(obj, "attempts_total_duration_ms", (double)tot.duration_ms);
	cJSON_AddNumberToObject(obj, "attempts_total_cost_usd", tot.cost_usd);
	cJSON_AddNumberToObject(obj, "attempts_successful_agents", (double)tot.agent_count);
	cJSON_AddNumberToObject(obj, "attempts_unknown_cost_attempts", (double)tot.unknown_cost);
	if (!(arr = cJSON_AddArrayToObject(obj, "resume_attempts")))
		goto oom;
	for (i = 0; i < resumes.n; i++) {
		if (!(o = gs_resume_json(&resumes.recs[i])))
			goto oom;
		cJSON_AddItemToArray(arr, o);
	}
	error = 0;
	goto done;
oom:
	gs_error_set("out of memory");
done:
	gs_phases_dispose(&phases);
	phase_ctx_dispose(&pc);
	gs_agents_dispose(&agents);
	gs_resumes_dispose(&resumes);
	return error;
}

static int cell_usd(gs_report_table *t, double v, size_t unknown)
{
	gs_buf b = GS_BUF_INIT;

	if (gs_report_fmt_usd(&b, v) < 0 || (unknown && gs_buf_puts(&b, " + ?") < 0)) {
		gs_buf_dispose(&b);
		return GS_ERROR;
	}
	return gs_report_table_cell_buf(t, &b);
}

static int short_id(gs_report_table *t, const char *hex)
{
	return gs_report_table_cellf(t, "%.10s", hex ? hex : "-");
}

int gs_attempt_report_text(gs_buf *out, gs_repo *r, const gs_fm *fm, const char *name, int color)
{
	gs_agents agents;
	gs_resumes resumes;
	gs_phases phases = { NULL, 0 };
	gs_attempt_totals tot;
	struct phase_ctx pc = { r, GS_BUF_INIT, NULL };
	gs_report_table *t = NULL;
	gs_buf b = GS_BUF_INIT;
	size_t i, j;
	int error;

	if ((error = load_blocks(&agents, &resumes, fm, name)) < 0)
		return error;
	error = GS_ERROR;
	if (!agents.n && !resumes.n) {
		error = 0;
		goto done;
	}
	if (gs_phases_compute(&phases, &agents, phase_lookup, &pc) < 0)
		goto done;
	gs_agents_totals(&tot, &agents);

	if (agents.n) {
		if (gs_buf_printf(out, "\nAgents: %zu of %zu succeeded, ", tot.agent_count, tot.agents_total) < 0 ||
		    gs_report_fmt_usd(out, tot.cost_usd) < 0 ||
		    (tot.unknown_cost && gs_buf_puts(out, " + ?") < 0) || gs_buf_puts(out, " over ") < 0 ||
		    gs_report_fmt_duration(out, tot.duration_ms) < 0 ||
		    gs_buf_puts(out, " (successful agents only)\n") < 0)
			goto done;
		if (gs_report_table_new(&t, 7) < 0 || gs_report_table_column(t, 0, "agent", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 1, "phase", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 2, "status", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 3, "attempts", GS_ALIGN_RIGHT) < 0 ||
		    gs_report_table_column(t, 4, "final", GS_ALIGN_RIGHT) < 0 ||
		    gs_report_table_column(t, 5, "cost", GS_ALIGN_RIGHT) < 0 ||
		    gs_report_table_column(t, 6, "checkpoint", GS_ALIGN_LEFT) < 0)
			goto done;
		for (i = 0; i < agents.n; i++) {
			const gs_agent *g = &agents.agents[i];
			char *ph = phase_of(&pc, g->name);
			int rc = gs_report_table_row(t) < 0 || gs_report_table_cell(t, g->name) < 0 ||
				 gs_report_table_cell(t, ph ? ph : "?") < 0 ||
				 gs_report_table_cell(t, gs_agent_status_name(g->status)) < 0 ||
				 gs_report_table_cellf(t, "%zu", g->nattempts) < 0 ||
				 (g->status == GS_AGENT_SUCCESS
					  ? gs_report_table_cell_duration(t, g->final_duration_ms)
					  : gs_report_table_cell(t, "-")) < 0 ||
				 cell_usd(t, g->total_cost_usd, g->unknown_cost) < 0 || short_id(t, g->checkpoint) < 0;

			free(ph);
			if (rc)
				goto done;
		}
		if (gs_report_table_render(out, t, color) < 0)
			goto done;
		gs_report_table_free(t);
		t = NULL;

		if (gs_buf_puts(out, "\nAttempts\n") < 0 || gs_report_table_new(&t, 7) < 0 ||
		    gs_report_table_column(t, 0, "agent", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 1, "#", GS_ALIGN_RIGHT) < 0 ||
		    gs_report_table_column(t, 2, "result", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 3, "started", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 4, "duration", GS_ALIGN_RIGHT) < 0 ||
		    gs_report_table_column(t, 5, "cost", GS_ALIGN_RIGHT) < 0 ||
		    gs_report_table_column(t, 6, "model / error", GS_ALIGN_LEFT) < 0)
			goto done;
		for (i = 0; i < agents.n; i++) {
			const gs_agent *g = &agents.agents[i];

			for (j = 0; j < g->nattempts; j++) {
				const gs_attempt *a = &g->attempts[j];

				gs_buf_clear(&b);
				if (a->model && gs_buf_puts(&b, a->model) < 0)
					goto done;
				if (a->error && gs_buf_printf(&b, "%s%s", b.size ? ": " : "", a->error) < 0)
					goto done;
				if (gs_report_table_row(t) < 0 || gs_report_table_cell(t, g->name) < 0 ||
				    gs_report_table_cellf(t, "%lld", (long long)a->attempt_number) < 0 ||
				    gs_report_table_cell(t, a->success ? "success" : "failed") < 0 ||
				    gs_report_table_cell(t, a->timestamp ? a->timestamp : "-") < 0 ||
				    gs_report_table_cell_duration(t, a->duration_ms) < 0 ||
				    (a->has_cost ? cell_usd(t, a->cost_usd, 0) : gs_report_table_cell(t, "?")) < 0 ||
				    gs_report_table_cell_buf(t, &b) < 0)
					goto done;
			}
			if (g->status == GS_AGENT_IN_PROGRESS) {
				if (gs_report_table_row(t) < 0 || gs_report_table_cell(t, g->name) < 0 ||
				    gs_report_table_cellf(t, "%zu", g->nattempts + 1) < 0 ||
				    gs_report_table_cell(t, "running") < 0 ||
				    gs_report_table_cell(t, g->started_at ? g->started_at : "-") < 0)
					goto done;
			}
		}
		if (gs_report_table_render(out, t, color) < 0)
			goto done;
		gs_report_table_free(t);
		t = NULL;

		if (gs_buf_puts(out, "\nPhases (successful agents only)\n") < 0 || gs_report_table_new(&t, 5) < 0 ||
		    gs_report_table_column(t, 0, "phase", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 1, "agents", GS_ALIGN_RIGHT) < 0 ||
		    gs_report_table_column(t, 2, "duration", GS_ALIGN_RIGHT) < 0 ||
		    gs_report_table_column(t, 3, "share", GS_ALIGN_RIGHT) < 0 ||
		    gs_report_table_column(t, 4, "cost", GS_ALIGN_RIGHT) < 0)
			goto done;
		for (i = 0; i < phases.n; i++) {
			const gs_phase *p = &phases.phases[i];

			if (gs_report_table_row(t) < 0 || gs_report_table_cell(t, p->name) < 0 ||
			    gs_report_table_cellf(t, "%zu", p->agent_count) < 0 ||
			    gs_report_table_cell_duration(t, p->duration_ms) < 0 ||
			    gs_report_table_cellf(t, "%.1f%%", p->duration_percentage) < 0 ||
			    cell_usd(t, p->cost_usd, p->unknown_cost) < 0)
				goto done;
		}
		if (gs_report_table_render(out, t, color) < 0)
			goto done;
		gs_report_table_free(t);
		t = NULL;
	}
	if (resumes.n) {
		if (gs_buf_puts(out, "\nResumes\n") < 0 || gs_report_table_new(&t, 4) < 0 ||
		    gs_report_table_column(t, 0, "when", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 1, "workflow", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 2, "terminated", GS_ALIGN_LEFT) < 0 ||
		    gs_report_table_column(t, 3, "from checkpoint", GS_ALIGN_LEFT) < 0)
			goto done;
		for (i = 0; i < resumes.n; i++) {
			const gs_resume_rec *rec = &resumes.recs[i];

			gs_buf_clear(&b);
			for (j = 0; j < rec->nterminated; j++)
				if (gs_buf_printf(&b, "%s%s", j ? ", " : "", rec->terminated[j]) < 0)
					goto done;
			if (!rec->nterminated && gs_buf_puts(&b, "-") < 0)
				goto done;
			if (gs_report_table_row(t) < 0 || gs_report_table_cell(t, rec->timestamp ? rec->timestamp : "-") < 0 ||
			    gs_report_table_cell(t, rec->workflow_id ? rec->workflow_id : "-") < 0 ||
			    gs_report_table_cell_buf(t, &b) < 0 || short_id(t, rec->checkpoint) < 0)
				goto done;
		}
		if (gs_report_table_render(out, t, color) < 0)
			goto done;
	}
	error = 0;
done:
	if (error < 0 && !*gs_error_last())
		gs_error_set("out of memory");
	gs_report_table_free(t);
	gs_buf_dispose(&b);
	gs_phases_dispose(&phases);
	phase_ctx_dispose(&pc);
	gs_agents_dispose(&agents);
	gs_resumes_dispose(&resumes);
	return error;
}
