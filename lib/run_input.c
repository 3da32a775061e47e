/*
 * Turning what callers give `git stats record` into a gs_run: the three
 * JSON shapes of SPEC §3, defaults, and the cost from pricing. Each field
 * read is marked in run->given so flags and --session can fill the rest.
 */
#include "gs/run.h"
#include "gs/time.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *name;
	size_t first_line;
	int one_line; /* a JSON Lines record: field errors name the line */
} ctx;

static int bad(const ctx *c, const char *field, const char *why)
{
	if (c->one_line)
		gs_error_set("%s:%zu: '%s' %s", c->name, c->first_line, field, why);
	else
		gs_error_set("%s: '%s' %s", c->name, field, why);
	return GS_EPARSE;
}

/* A count: a JSON integer in [0, 2^53). Absent: not touched. */
static int get_count(int64_t *out, unsigned int *given, unsigned int bit, const cJSON *o,
		     const char *key, const ctx *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v))
		return bad(c, key, "must be a non-negative integer");
	if (v->valuedouble < 0 || v->valuedouble != floor(v->valuedouble))
		return bad(c, key, "must be a non-negative integer");
	if (v->valuedouble > (double)GS_RUN_MAX_COUNT)
		return bad(c, key, "must be below 2^53");
	*out = (int64_t)v->valuedouble;
	if (given)
		*given |= bit;
	return 0;
}

static int get_number(double *out, unsigned int *given, unsigned int bit, const cJSON *o,
		      const char *key, double scale, const ctx *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || !isfinite(v->valuedouble) ||
	    v->valuedouble > 1e15)
		return bad(c, key, "must be a non-negative number");
	*out = v->valuedouble * scale;
	*given |= bit;
	return 0;
}

static int get_string(char **out, unsigned int *given, unsigned int bit, const cJSON *o,
		      const char *key, const ctx *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return bad(c, key, "must be a string");
	if (!*v->valuestring)
		return 0;
	free(*out);
	if (!(*out = strdup(v->valuestring))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	*given |= bit;
	return 0;
}

/* A time: ISO 8601 text, or a number of milliseconds since the epoch. */
static int get_time(gs_run *run, const cJSON *o, const char *key, const ctx *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v)) {
		if (gs_time_parse(&run->started_at_ms, v->valuestring) < 0)
			return bad(c, key, "is not an ISO 8601 time");
	} else if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15) {
		run->started_at_ms = (int64_t)v->valuedouble;
	} else {
		return bad(c, key, "must be an ISO 8601 time or epoch milliseconds");
	}
	run->given |= GS_RUN_HAS_STARTED;
	return 0;
}

static int get_cost(gs_run *run, const cJSON *o, const char *key, const ctx *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v)
		return 0;
	if (cJSON_IsNull(v)) { /* explicitly unknown */
		run->cost_known = 0;
		run->given |= GS_RUN_HAS_COST;
		return 0;
	}
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > GS_RUN_MAX_COST)
		return bad(c, key, "must be a non-negative number of dollars or null");
	run->cost_usd = v->valuedouble;
	run->cost_known = 1;
	run->given |= GS_RUN_HAS_COST;
	return 0;
}

static int from_snake(gs_run *run, const cJSON *o, const ctx *c)
{
	static const char *known[] = { "input_tokens", "output_tokens", "cache_read_tokens",
				       "cache_write_tokens", "cache_write_1h_tokens",
				       "duration_seconds", "iterations", "context_size", "model",
				       "provider", "cost_usd", "started_at", "run_id",
				       "session_id", "issue" };
	const cJSON *it;
	unsigned int ignored = 0;
	int error;

	cJSON_ArrayForEach(it, o)
	{
		size_t i;
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (!strcmp(it->string, known[i]))
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			return bad(c, it->string, "is not a run field (expected input_tokens, "
						  "output_tokens, cache_read_tokens, ...)");
	}
	if ((error = get_count(&run->input_tokens, &run->given, GS_RUN_HAS_INPUT, o,
			       "input_tokens", c)) < 0 ||
	    (error = get_count(&run->output_tokens, &run->given, GS_RUN_HAS_OUTPUT, o,
			       "output_tokens", c)) < 0 ||
	    (error = get_count(&run->cache_read_tokens, &run->given, GS_RUN_HAS_CACHE_READ, o,
			       "cache_read_tokens", c)) < 0 ||
	    (error = get_count(&run->cache_write_tokens, &run->given, GS_RUN_HAS_CACHE_WRITE, o,
			       "cache_write_tokens", c)) < 0 ||
	    (error = get_count(&run->cache_write_1h_tokens, &run->given,
			       GS_RUN_HAS_CACHE_WRITE_1H, o, "cache_write_1h_tokens", c)) < 0 ||
	    (error = get_number(&run->duration_seconds, &run->given, GS_RUN_HAS_DURATION, o,
				"duration_seconds", 1, c)) < 0 ||
	    (error = get_count(&run->iterations, &run->given, GS_RUN_HAS_ITERATIONS, o,
			       "iterations", c)) < 0 ||
	    (error = get_count(&run->context_size, &run->given, GS_RUN_HAS_CONTEXT, o,
			       "context_size", c)) < 0 ||
	    (error = get_string(&run->model, &run->given, GS_RUN_HAS_MODEL, o, "model", c)) < 0 ||
	    (error = get_string(&run->provider, &ignored, 0, o, "provider", c)) < 0 ||
	    (error = get_cost(run, o, "cost_usd", c)) < 0 ||
	    (error = get_time(run, o, "started_at", c)) < 0 ||
	    (error = get_string(&run->run_id, &run->given, GS_RUN_HAS_RUN_ID, o, "run_id", c)) < 0 ||
	    (error = get_string(&run->session_id, &run->given, GS_RUN_HAS_SESSION, o, "session_id",
				c)) < 0 ||
	    (error = get_string(&run->issue, &run->given, GS_RUN_HAS_ISSUE, o, "issue", c)) < 0)
		return error;
	return 0;
}

static int from_barf(gs_run *run, const cJSON *o, const ctx *c)
{
	int64_t all = 0, cr = 0, cw = 0;
	unsigned int g = 0;
	int error;

	if ((error = get_time(run, o, "startedAt", c)) < 0 ||
	    (error = get_number(&run->duration_seconds, &run->given, GS_RUN_HAS_DURATION, o,
				"durationSeconds", 1, c)) < 0 ||
	    (error = get_count(&all, &g, GS_RUN_HAS_INPUT, o, "inputTokens", c)) < 0 ||
	    (error = get_count(&cr, &g, GS_RUN_HAS_CACHE_READ, o, "cacheReadInputTokens", c)) < 0 ||
	    (error = get_count(&cw, &g, GS_RUN_HAS_CACHE_WRITE, o, "cacheCreationInputTokens", c)) <
		    0 ||
	    (error = get_count(&run->output_tokens, &run->given, GS_RUN_HAS_OUTPUT, o,
			       "outputTokens", c)) < 0 ||
	    (error = get_count(&run->context_size, &run->given, GS_RUN_HAS_CONTEXT, o,
			       "finalContextSize", c)) < 0 ||
	    (error = get_count(&run->iterations, &run->given, GS_RUN_HAS_ITERATIONS, o,
			       "iterations", c)) < 0 ||
	    (error = get_string(&run->model, &run->given, GS_RUN_HAS_MODEL, o, "model", c)) < 0 ||
	    (error = get_cost(run, o, "costUsd", c)) < 0)
		return error;
	/* barf's inputTokens already counts cache tokens; keep its total. */
	if (cr + cw > all)
		return bad(c, "inputTokens", "is smaller than its cache tokens");
	run->input_tokens = all - cr - cw;
	run->cache_read_tokens = cr;
	run->cache_write_tokens = cw;
	run->given |= g;
	return 0;
}

/* One model's share at its rates; *known = 0 when it has none. */
static double model_priced(const gs_pricing *pricing, const gs_run_model *m, int *known)
{
	const gs_price *row = pricing ? gs_pricing_lookup(pricing, m->model) : NULL;

	*known = row != NULL;
	if (!row)
		return 0;
	return gs_pricing_cost(row, m->input_tokens, m->cache_read_tokens, m->cache_write_tokens,
			       0, m->output_tokens);
}

/*
 * The run's model is the one of its split that cost most: its given
 * costUSD, else its price in `pricing` (may be NULL), else 0; a tie goes
 * to more output tokens, then to the first listed.
 */
static int pick_main_model(gs_run *run, const gs_pricing *pricing)
{
	size_t i, best = 0;
	double best_cost = 0;

	for (i = 0; i < run->model_count; i++) {
		const gs_run_model *m = &run->models[i];
		int known = m->cost_known;
		double cost = known ? m->cost_usd : model_priced(pricing, m, &known);

		if (!i || cost > best_cost ||
		    (cost == best_cost && m->output_tokens > run->models[best].output_tokens)) {
			best = i;
			best_cost = cost;
		}
	}
	if (run->model && !strcmp(run->model, run->models[best].model))
		return 0;
	free(run->model);
	if (!(run->model = strdup(run->models[best].model))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	return 0;
}

static int from_claude(gs_run *run, const cJSON *o, const ctx *c)
{
	const cJSON *usage = cJSON_GetObjectItemCaseSensitive(o, "usage");
	const cJSON *mu = cJSON_GetObjectItemCaseSensitive(o, "modelUsage");
	const cJSON *it;
	double ms = 0;
	unsigned int g = 0;
	int error;

	if ((error = get_number(&ms, &g, GS_RUN_HAS_DURATION, o, "duration_ms", 1, c)) < 0 ||
	    (error = get_count(&run->iterations, &run->given, GS_RUN_HAS_ITERATIONS, o, "num_turns",
			       c)) < 0 ||
	    (error = get_string(&run->session_id, &run->given, GS_RUN_HAS_SESSION, o, "session_id",
				c)) < 0 ||
	    (error = get_string(&run->run_id, &run->given, GS_RUN_HAS_RUN_ID, o, "uuid", c)) < 0 ||
	    (error = get_cost(run, o, "total_cost_usd", c)) < 0)
		return error;
	if (g & GS_RUN_HAS_DURATION) {
		run->duration_seconds = ms / 1000.0;
		run->given |= GS_RUN_HAS_DURATION;
	}
	if (cJSON_IsObject(usage)) {
		const cJSON *cc = cJSON_GetObjectItemCaseSensitive(usage, "cache_creation");
		if ((error = get_count(&run->input_tokens, &run->given, GS_RUN_HAS_INPUT, usage,
				       "input_tokens", c)) < 0 ||
		    (error = get_count(&run->output_tokens, &run->given, GS_RUN_HAS_OUTPUT, usage,
				       "output_tokens", c)) < 0 ||
		    (error = get_count(&run->cache_read_tokens, &run->given, GS_RUN_HAS_CACHE_READ,
				       usage, "cache_read_input_tokens", c)) < 0 ||
		    (error = get_count(&run->cache_write_tokens, &run->given,
				       GS_RUN_HAS_CACHE_WRITE, usage,
				       "cache_creation_input_tokens", c)) < 0)
			return error;
		if (cJSON_IsObject(cc) &&
		    (error = get_count(&run->cache_write_1h_tokens, &run->given,
				       GS_RUN_HAS_CACHE_WRITE_1H, cc, "ephemeral_1h_input_tokens",
				       c)) < 0)
			return error;
	}
	if (cJSON_IsObject(mu) && cJSON_GetArraySize(mu) > 0) {
		size_t n = (size_t)cJSON_GetArraySize(mu);
		int64_t in = 0, out = 0, cr = 0, cw = 0;
		int all_known = 1;
		double total = 0;

		run->models = calloc(n, sizeof(*run->models));
		if (!run->models) {
			gs_error_set("out of memory");
			return GS_ERROR;
		}
		cJSON_ArrayForEach(it, mu)
		{
			gs_run_model *m = &run->models[run->model_count];
			unsigned int cg = 0;
			const cJSON *cost = cJSON_GetObjectItemCaseSensitive(it, "costUSD");

			if (!cJSON_IsObject(it))
				return bad(c, "modelUsage", "must map model names to objects");
			if (!(m->model = strdup(it->string))) {
				gs_error_set("out of memory");
				return GS_ERROR;
			}
			run->model_count++;
			if ((error = get_count(&m->input_tokens, NULL, 0, it, "inputTokens", c)) < 0 ||
			    (error = get_count(&m->output_tokens, NULL, 0, it, "outputTokens", c)) < 0 ||
			    (error = get_count(&m->cache_read_tokens, NULL, 0, it,
					       "cacheReadInputTokens", c)) < 0 ||
			    (error = get_count(&m->cache_write_tokens, NULL, 0, it,
					       "cacheCreationInputTokens", c)) < 0 ||
			    (error = get_number(&m->cost_usd, &cg, 1, it, "costUSD", 1, c)) < 0)
				return error;
			m->cost_known = cost && cJSON_IsNumber(cost);
			all_known &= m->cost_known;
			total += m->cost_usd;
			in += m->input_tokens;
			out += m->output_tokens;
			cr += m->cache_read_tokens;
			cw += m->cache_write_tokens;
		}
		/* modelUsage covers every model of the run; `usage` only the main one. */
		run->input_tokens = in;
		run->output_tokens = out;
		run->cache_read_tokens = cr;
		run->cache_write_tokens = cw;
		if (run->cache_write_1h_tokens > cw)
			run->cache_write_1h_tokens = cw;
		run->given |= GS_RUN_HAS_INPUT | GS_RUN_HAS_OUTPUT | GS_RUN_HAS_CACHE_READ |
			      GS_RUN_HAS_CACHE_WRITE | GS_RUN_HAS_MODEL;
		/* by the costUSD given; gs_run_finish prices the others */
		if ((error = pick_main_model(run, NULL)) < 0)
			return error;
		if (!(run->given & GS_RUN_HAS_COST) && all_known) {
			run->cost_usd = total;
			run->cost_known = 1;
			run->given |= GS_RUN_HAS_COST;
		}
		if (run->model_count == 1) { /* nothing to split */
			free(run->models[0].model);
			free(run->models);
			run->models = NULL;
			run->model_count = 0;
		} else {
			run->model_from_split = 1;
		}
	}
	return 0;
}

/*
 * cJSON keeps every copy of a repeated key but lookups see only the first,
 * so {"input_tokens":5,"input_tokens":6} would drop the 6 without a word.
 * `path` is the dotted name of `o` ("" at the top), for the message.
 */
static int no_duplicates(const cJSON *o, const char *path, const ctx *c)
{
	const cJSON *it, *prev;
	gs_buf name = GS_BUF_INIT;
	int error = 0;

	cJSON_ArrayForEach(it, o)
	{
		if (cJSON_IsObject(o)) {
			for (prev = o->child; prev != it; prev = prev->next)
				if (!strcmp(prev->string, it->string))
					break;
			gs_buf_clear(&name);
			if (gs_buf_printf(&name, "%s%s%s", path, *path ? "." : "", it->string) < 0) {
				error = GS_ERROR;
				break;
			}
			if (prev != it) {
				error = bad(c, name.ptr, "is given twice");
				break;
			}
		}
		if ((cJSON_IsObject(it) || cJSON_IsArray(it)) &&
		    (error = no_duplicates(it, cJSON_IsObject(o) ? name.ptr : path, c)) < 0)
			break;
	}
	gs_buf_dispose(&name);
	return error;
}

static void error_position(const char *text, const char *at, const ctx *c)
{
	size_t line = c->first_line, col = 1;
	const char *p;

	for (p = text; p < at; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	gs_error_set("%s:%zu:%zu: malformed JSON", c->name, line, col);
}

int gs_run_from_json(gs_run *run, const char *text, size_t len, const char *name,
		     size_t first_line)
{
	const char *end = NULL;
	cJSON *o;
	const cJSON *type;
	ctx c = { name, first_line ? first_line : 1, first_line != 0 };
	int error;

	if (gs_json_parse(&o, &end, text, len) < 0) {
		error_position(text, end ? end : text + len, &c);
		return GS_EPARSE;
	}
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		gs_error_set("%s:%zu: expected a JSON object", name, c.first_line);
		return GS_EPARSE;
	}
	if ((error = no_duplicates(o, "", &c)) < 0) {
		cJSON_Delete(o);
		return error;
	}
	type = cJSON_GetObjectItemCaseSensitive(o, "type");
	if ((cJSON_IsString(type) && !strcmp(type->valuestring, "result")) ||
	    cJSON_GetObjectItemCaseSensitive(o, "modelUsage") ||
	    cJSON_GetObjectItemCaseSensitive(o, "num_turns"))
		error = from_claude(run, o, &c);
	else if (cJSON_GetObjectItemCaseSensitive(o, "inputTokens") ||
		 cJSON_GetObjectItemCaseSensitive(o, "durationSeconds") ||
		 cJSON_GetObjectItemCaseSensitive(o, "startedAt") ||
		 cJSON_GetObjectItemCaseSensitive(o, "finalContextSize"))
		error = from_barf(run, o, &c);
	else
		error = from_snake(run, o, &c);
	cJSON_Delete(o);
	return error;
}

static double priced(const gs_price *row, const gs_run *run, int *known)
{
	if (!row) {
		*known = 0;
		return 0;
	}
	return gs_pricing_cost(row, run->input_tokens, run->cache_read_tokens,
			       run->cache_write_tokens, run->cache_write_1h_tokens,
			       run->output_tokens);
}

const char *gs_run_unpriced_model(const gs_run *run)
{
	size_t i;

	if (run->cost_known)
		return NULL;
	for (i = 0; i < run->model_count; i++)
		if (!run->models[i].cost_known)
			return run->models[i].model;
	return run->model;
}

int gs_run_finish(gs_run *run, const gs_pricing *pricing, int64_t now_ms)
{
	char id[GS_RUN_ID_BUFSZ];
	size_t i;

	if (!run->run_id) {
		gs_run_id_generate(id);
		if (!(run->run_id = strdup(id))) {
			gs_error_set("out of memory");
			return GS_ERROR;
		}
	}
	run->duration_seconds = (double)llround(run->duration_seconds * 1000.0) / 1000.0;
	if (run->started_at_ms == INT64_MIN)
		run->started_at_ms = now_ms - llround(run->duration_seconds * 1000.0);
	/* before the provider, which follows the model */
	if (run->model_from_split && run->model_count &&
	    pick_main_model(run, pricing) < 0)
		return GS_ERROR;
	if (!run->provider && run->model) {
		if (!(run->provider = strdup(gs_pricing_provider(pricing, run->model)))) {
			gs_error_set("out of memory");
			return GS_ERROR;
		}
	}
	if (!(run->given & GS_RUN_HAS_COST)) {
		int known = pricing && run->model;
		double cost = 0;

		if (known && run->model_count) {
			for (i = 0; i < run->model_count; i++) {
				gs_run_model *m = &run->models[i];
				int mk;
				if (!m->cost_known) {
					m->cost_usd = model_priced(pricing, m, &mk);
					m->cost_known = mk;
				}
				known &= m->cost_known;
				cost += m->cost_usd;
			}
		} else if (known) {
			cost = priced(gs_pricing_lookup(pricing, run->model), run, &known);
		}
		run->cost_known = known;
		run->cost_usd = known ? cost : 0;
	}
	if (run->cost_known)
		run->cost_usd = (double)llround(run->cost_usd * 1e9) / 1e9;
	return gs_run_validate(run);
}
