/*
 * Usage aggregation and its three renderings. Sums are exact integers
 * (costs in nano-dollars) so the order items arrive in, cached or parsed,
 * never changes a figure.
 */
#include "gs/usage.h"
#include "gs/report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- a string-keyed hash map (owned keys -> index) ---------------------- */

struct strmap {
	char **keys;
	size_t *vals;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int oom(void)
{
	gs_error_set("out of memory");
	return GS_ERROR;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* The slot of `key`: its own when present, else the free one to use. */
static size_t strmap_slot(const struct strmap *m, const char *key)
{
	size_t k = (size_t)hash_str(key) & (m->cap - 1);

	while (m->keys[k] && strcmp(m->keys[k], key))
		k = (k + 1) & (m->cap - 1);
	return k;
}

static int strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	size_t k;

	if (!m->cap)
		return 0;
	k = strmap_slot(m, key);
	if (!m->keys[k])
		return 0;
	*val = m->vals[k];
	return 1;
}

static int strmap_put(struct strmap *m, const char *key, size_t val)
{
	size_t k;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap g = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };
		size_t i;

		if (!(g.keys = calloc(g.cap, sizeof(char *))) ||
		    !(g.vals = calloc(g.cap, sizeof(size_t)))) {
			free(g.keys);
			return oom();
		}
		for (i = 0; i < m->cap; i++) {
			if (!m->keys[i])
				continue;
			k = strmap_slot(&g, m->keys[i]);
			g.keys[k] = m->keys[i];
			g.vals[k] = m->vals[i];
		}
		g.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	k = strmap_slot(m, key);
	if (!m->keys[k]) {
		if (!(m->keys[k] = dup_str(key)))
			return oom();
		m->n++;
	}
	m->vals[k] = val;
	return 0;
}

static void strmap_dispose(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* --- names -------------------------------------------------------------- */

static const char *const by_names[] = { "model", "provider", "day", "issue" };

int gs_usage_by_parse(gs_usage_by *out, const char *text)
{
	size_t i;

	for (i = 0; i < sizeof(by_names) / sizeof(by_names[0]); i++)
		if (text && !strcmp(text, by_names[i])) {
			*out = (gs_usage_by)i;
			return 0;
		}
	gs_error_set("--by: '%s' is not one of model, provider, day, issue", text ? text : "");
	return GS_EUSAGE;
}

const char *gs_usage_by_name(gs_usage_by by)
{
	return (unsigned)by < 4 ? by_names[by] : "model";
}

int gs_usage_source_parse(gs_usage_source *out, const char *text)
{
	if (text && !strcmp(text, "issues"))
		*out = GS_USAGE_SOURCE_ISSUES;
	else if (text && !strcmp(text, "sessions"))
		*out = GS_USAGE_SOURCE_SESSIONS;
	else if (text && !strcmp(text, "all"))
		*out = GS_USAGE_SOURCE_ALL;
	else {
		gs_error_set("--source: '%s' is not one of issues, sessions, all", text ? text : "");
		return GS_EUSAGE;
	}
	return 0;
}

const char *gs_usage_source_name(gs_usage_source source)
{
	return source == GS_USAGE_SOURCE_SESSIONS ? "sessions"
	       : source == GS_USAGE_SOURCE_ALL	  ? "all"
						  : "issues";
}

static int has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

const char *gs_usage_provider_guess(const char *model)
{
	if (!model || !*model)
		return "unknown";
	if (has_prefix(model, "claude-") || has_prefix(model, "anthropic/"))
		return "anthropic";
	if (has_prefix(model, "gpt-") || has_prefix(model, "chatgpt-") ||
	    has_prefix(model, "codex-") || has_prefix(model, "openai/") ||
	    ((model[0] == 'o') && (model[1] == '1' || model[1] == '3' || model[1] == '4') &&
	     (model[2] == '\0' || model[2] == '-')))
		return "openai";
	if (has_prefix(model, "gemini-") || has_prefix(model, "google/"))
		return "google";
	return "unknown";
}

/* --- the report ----------------------------------------------------------- */

struct acc {
	char *key, *provider, *model;
	int64_t sessions, success, failed, input, output, cache_read, cache_write, duration_ms;
	int64_t cost_nanos, known_cost, unknown_cost;
	int64_t success_known; /* successes whose cost is known: cost_per_success divides by them */
};

struct gs_usage_report {
	gs_usage_by by;
	gs_usage_source source;
	gs_window window;

	struct acc *accs;
	size_t n, a;
	struct strmap index; /* key -> acc */
	struct acc total;
	size_t last; /* acc of the previous item: runs come in runs of one key */
	int64_t last_day;

	struct strmap seen_sessions; /* session ids that runs name (source all) */

	gs_usage_row *rows;
	gs_usage_row totals;
	int finished;
};

int gs_usage_report_new(gs_usage_report **out, gs_usage_by by, gs_usage_source source,
			const gs_window *window)
{
	gs_usage_report *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return oom();
	r->by = by;
	r->source = source;
	r->window = *window;
	r->last = SIZE_MAX;
	r->last_day = INT64_MIN;
	*out = r;
	return 0;
}

void gs_usage_report_free(gs_usage_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->accs[i].key);
		free(r->accs[i].provider);
		free(r->accs[i].model);
	}
	free(r->accs);
	strmap_dispose(&r->index);
	strmap_dispose(&r->seen_sessions);
	free(r->rows);
	free(r);
}

/* The accumulator for `key`, made on first sight. */
static int acc_for(struct acc **out, gs_usage_report *r, const char *key, const gs_usage_item *it)
{
	struct acc *a;
	size_t i;

	if (r->last != SIZE_MAX && !strcmp(r->accs[r->last].key, key)) {
		*out = &r->accs[r->last];
		return 0;
	}
	if (strmap_get(&r->index, key, &i)) {
		r->last = i;
		*out = &r->accs[i];
		return 0;
	}
	if (r->n == r->a) {
		size_t n = r->a ? r->a * 2 : 16;
		struct acc *p = realloc(r->accs, n * sizeof(*p));

		if (!p)
			return oom();
		r->accs = p;
		r->a = n;
	}
	a = &r->accs[r->n];
	memset(a, 0, sizeof(*a));
	if (!(a->key = dup_str(key)))
		return oom();
	if (r->by == GS_USAGE_BY_MODEL || r->by == GS_USAGE_BY_PROVIDER) {
		const char *prov = it->provider && *it->provider ? it->provider
								 : gs_usage_provider_guess(it->model);

		if (!(a->provider = dup_str(prov)))
			return oom();
	}
	if (r->by == GS_USAGE_BY_MODEL && !(a->model = dup_str(key)))
		return oom();
	r->n++;
	if (strmap_put(&r->index, key, r->n - 1) < 0)
		return GS_ERROR;
	r->last = r->n - 1;
	*out = a;
	return 0;
}

static int add_i64(int64_t *sum, int64_t v)
{
	if (v < 0)
		v = 0; /* negative counts are not usage; parsers reject them anyway */
	if (*sum > INT64_MAX - v) {
		gs_error_set("usage sum passes 2^63-1");
		return GS_EOVERFLOW;
	}
	*sum += v;
	return 0;
}

static int acc_add(struct acc *a, const gs_usage_item *it, int64_t nanos)
{
	int known = !isnan(it->cost_usd);

	if (add_i64(&a->sessions, 1) < 0 || add_i64(it->success ? &a->success : &a->failed, 1) < 0 ||
	    add_i64(&a->input, it->input_tokens) < 0 || add_i64(&a->output, it->output_tokens) < 0 ||
	    add_i64(&a->cache_read, it->cache_read_tokens) < 0 ||
	    add_i64(&a->cache_write, it->cache_write_tokens) < 0 ||
	    add_i64(&a->duration_ms, it->duration_ms) < 0 ||
	    add_i64(known ? &a->known_cost : &a->unknown_cost, 1) < 0 ||
	    (known && it->success && add_i64(&a->success_known, 1) < 0) ||
	    (known && add_i64(&a->cost_nanos, nanos) < 0))
		return GS_EOVERFLOW;
	return 0;
}

int gs_usage_report_add(gs_usage_report *r, const gs_usage_item *it)
{
	char day[GS_TIME_BUFSZ];
	const char *key;
	struct acc *a;
	int64_t nanos = 0;
	size_t dummy;
	int error;

	if (r->finished) {
		gs_error_set("usage report already finished");
		return GS_EUSAGE;
	}
	if (r->source == GS_USAGE_SOURCE_ALL && it->session_id && *it->session_id) {
		if (it->kind == GS_USAGE_ITEM_RUN) {
			if (strmap_put(&r->seen_sessions, it->session_id, 0) < 0)
				return GS_ERROR;
		} else if (strmap_get(&r->seen_sessions, it->session_id, &dummy)) {
			return 0; /* a run already counts this session */
		}
	}
	if (it->has_started_at ? !gs_window_contains(&r->window, it->started_at_ms)
			       : r->window.start_ms != INT64_MIN)
		return 0;
	if (!isnan(it->cost_usd)) {
		double n = round(it->cost_usd * 1e9);

		if (!(n < 9.2e18)) {
			gs_error_set("usage cost passes what a report can sum");
			return GS_EOVERFLOW;
		}
		nanos = n > 0 ? (int64_t)n : 0;
	}
	switch (r->by) {
	case GS_USAGE_BY_MODEL:
		key = it->model ? it->model : "";
		break;
	case GS_USAGE_BY_PROVIDER:
		key = it->provider && *it->provider ? it->provider
						    : gs_usage_provider_guess(it->model);
		break;
	case GS_USAGE_BY_DAY:
		if (!it->has_started_at) {
			r->last_day = INT64_MIN;
			key = "";
			break;
		}
		/* Formatting a date per item is the hot spot of a big report:
		 * consecutive items mostly share a day. */
		if (r->last != SIZE_MAX && gs_time_day_start(it->started_at_ms) == r->last_day) {
			key = r->accs[r->last].key;
			break;
		}
		r->last_day = gs_time_day_start(it->started_at_ms);
		gs_time_format_day(day, it->started_at_ms);
		key = day;
		break;
	default:
		key = it->issue ? it->issue : "";
		break;
	}
	if ((error = acc_for(&a, r, key, it)) < 0)
		return error;
	if ((error = acc_add(a, it, nanos)) < 0 || (error = acc_add(&r->total, it, nanos)) < 0)
		return error;
	return 0;
}

static double ratio(double num, double den)
{
	return den > 0 ? num / den : NAN;
}

static void fill_row(gs_usage_row *row, const struct acc *a)
{
	double secs = (double)a->duration_ms / 1000.0;

	row->key = a->key ? a->key : "";
	row->provider = a->provider;
	row->model = a->model;
	row->sessions = a->sessions;
	row->success_sessions = a->success;
	row->failed_sessions = a->failed;
	row->input_tokens = a->input;
	row->output_tokens = a->output;
	row->cache_read_tokens = a->cache_read;
	row->cache_write_tokens = a->cache_write;
	/* Saturate rather than wrap: each part fits, the sum may not. */
	row->total_tokens = a->input;
	if (add_i64(&row->total_tokens, a->output) < 0 ||
	    add_i64(&row->total_tokens, a->cache_read) < 0 ||
	    add_i64(&row->total_tokens, a->cache_write) < 0)
		row->total_tokens = INT64_MAX;
	row->duration_ms = a->duration_ms;
	row->known_cost_usd = a->known_cost ? (double)a->cost_nanos / 1e9 : NAN;
	row->unknown_cost_sessions = a->unknown_cost;
	row->cache_hit_rate =
		ratio((double)a->cache_read, (double)a->input + (double)a->cache_read +
						     (double)a->cache_write);
	/* a success of unknown cost would count as $0 in the average: it is left out */
	row->cost_per_success =
		a->known_cost ? ratio(row->known_cost_usd, (double)a->success_known) : NAN;
	row->input_tokens_per_second = ratio((double)a->input, secs);
	row->output_tokens_per_second = ratio((double)a->output, secs);
	row->success_rate = ratio((double)a->success, (double)a->sessions);
}

static double cost_or_minus(const gs_usage_row *row)
{
	return isnan(row->known_cost_usd) ? -1.0 : row->known_cost_usd;
}

static int cmp_by_day(const void *pa, const void *pb)
{
	const gs_usage_row *a = pa, *b = pb;

	/* Rows without a day ("") sort last. */
	if (!*a->key != !*b->key)
		return *a->key ? -1 : 1;
	return strcmp(a->key, b->key);
}

static int cmp_by_cost(const void *pa, const void *pb)
{
	const gs_usage_row *a = pa, *b = pb;
	double ca = cost_or_minus(a), cb = cost_or_minus(b);

	if (ca != cb)
		return ca > cb ? -1 : 1;
	if (a->total_tokens != b->total_tokens)
		return a->total_tokens > b->total_tokens ? -1 : 1;
	return strcmp(a->key, b->key);
}

int gs_usage_report_finish(gs_usage_report *r)
{
	size_t i;

	if (r->finished)
		return 0;
	if (r->n && !(r->rows = calloc(r->n, sizeof(*r->rows))))
		return oom();
	for (i = 0; i < r->n; i++)
		fill_row(&r->rows[i], &r->accs[i]);
	if (r->n)
		qsort(r->rows, r->n, sizeof(*r->rows),
		      r->by == GS_USAGE_BY_DAY ? cmp_by_day : cmp_by_cost);
	fill_row(&r->totals, &r->total);
	r->totals.key = "";
	r->finished = 1;
	return 0;
}

size_t gs_usage_report_count(const gs_usage_report *r)
{
	return r->finished ? r->n : 0;
}

const gs_usage_row *gs_usage_report_row(const gs_usage_report *r, size_t i)
{
	return r->finished && i < r->n ? &r->rows[i] : NULL;
}

const gs_usage_row *gs_usage_report_totals(const gs_usage_report *r)
{
	return &r->totals;
}

/* --- JSON ------------------------------------------------------------------- */

/* Rates keep six decimals: enough for any reader, stable across machines. */
static double round6(double v)
{
	return round(v * 1e6) / 1e6;
}

static int json_num(cJSON *o, const char *name, double v, int rounded)
{
	cJSON *n = isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(rounded ? round6(v) : v);

	return n && cJSON_AddItemToObject(o, name, n) ? 0 : oom();
}

static int json_int(cJSON *o, const char *name, int64_t v)
{
	/* Exact as a double up to 2^53; token counts stay far below. */
	return json_num(o, name, (double)v, 0);
}

static int json_str(cJSON *o, const char *name, const char *s)
{
	cJSON *v = s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();

	return v && cJSON_AddItemToObject(o, name, v) ? 0 : oom();
}

static cJSON *json_row(const gs_usage_report *r, const gs_usage_row *row, int totals)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	if (!totals && r->by == GS_USAGE_BY_DAY && json_str(o, "day", row->key) < 0)
		goto fail;
	if (!totals && r->by == GS_USAGE_BY_ISSUE && json_str(o, "issue", row->key) < 0)
		goto fail;
	if (json_str(o, "provider", row->provider) < 0 || json_str(o, "model", row->model) < 0 ||
	    json_int(o, "sessions", row->sessions) < 0 ||
	    json_int(o, "success_sessions", row->success_sessions) < 0 ||
	    json_int(o, "failed_sessions", row->failed_sessions) < 0 ||
	    json_int(o, "input_tokens", row->input_tokens) < 0 ||
	    json_int(o, "output_tokens", row->output_tokens) < 0 ||
	    json_int(o, "total_tokens", row->total_tokens) < 0 ||
	    json_int(o, "duration_ms", row->duration_ms) < 0 ||
	    json_num(o, "known_cost_usd", row->known_cost_usd, 0) < 0 ||
	    json_int(o, "unknown_cost_sessions", row->unknown_cost_sessions) < 0 ||
	    json_int(o, "cache_read_tokens", row->cache_read_tokens) < 0 ||
	    json_int(o, "cache_write_tokens", row->cache_write_tokens) < 0 ||
	    json_num(o, "cache_hit_rate", row->cache_hit_rate, 1) < 0 ||
	    json_num(o, "cost_per_success", row->cost_per_success, 1) < 0 ||
	    json_num(o, "input_tokens_per_second", row->input_tokens_per_second, 1) < 0 ||
	    json_num(o, "output_tokens_per_second", row->output_tokens_per_second, 1) < 0 ||
	    json_num(o, "success_rate", row->success_rate, 1) < 0)
		goto fail;
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

/* The first and last day of a bounded window, "" for unbounded ends. */
static void window_days(const gs_window *w, char *from, char *to)
{
	from[0] = to[0] = '\0';
	if (w->start_ms != INT64_MIN)
		gs_time_format_day(from, w->start_ms);
	if (w->end_ms != INT64_MAX)
		gs_time_format_day(to, w->end_ms - 1);
}

int gs_usage_report_json(gs_buf *out, const gs_usage_report *r)
{
	char from[GS_TIME_BUFSZ], to[GS_TIME_BUFSZ];
	cJSON *root = cJSON_CreateObject(), *win = NULL, *rows, *row;
	char *text = NULL;
	int error = GS_ERROR;
	size_t i;

	if (!root || !(win = cJSON_AddObjectToObject(root, "window")))
		goto nomem;
	window_days(&r->window, from, to);
	if (json_str(win, "spec", r->window.spec) < 0 || json_str(win, "from", from) < 0 ||
	    json_str(win, "to", to) < 0 || json_str(root, "by", gs_usage_by_name(r->by)) < 0 ||
	    json_str(root, "source", gs_usage_source_name(r->source)) < 0 ||
	    !(rows = cJSON_AddArrayToObject(root, "rows")))
		goto nomem;
	for (i = 0; i < gs_usage_report_count(r); i++) {
		if (!(row = json_row(r, &r->rows[i], 0)))
			goto nomem;
		cJSON_AddItemToArray(rows, row);
	}
	if (!(row = json_row(r, &r->totals, 1)))
		goto nomem;
	cJSON_AddItemToObject(root, "totals", row);
	if (!(text = cJSON_Print(root)))
		goto nomem;
	if (gs_buf_puts(out, text) < 0 || gs_buf_putc(out, '\n') < 0)
		goto done;
	error = 0;
	goto done;
nomem:
	oom();
done:
	free(text);
	cJSON_Delete(root);
	return error;
}

/* --- CSV -------------------------------------------------------------------- */

/* A plain decimal (no exponent, so every spreadsheet reads it): nine
 * places for costs (nano-dollars), six for rates, trailing zeros cut. */
static int csv_num(gs_buf *out, double v, int rounded)
{
	size_t start;

	if (gs_buf_putc(out, ',') < 0)
		return GS_ERROR;
	if (isnan(v))
		return 0;
	start = out->size;
	if (gs_buf_printf(out, rounded ? "%.6f" : "%.9f", rounded ? round6(v) : v) < 0)
		return GS_ERROR;
	while (out->size > start && out->ptr[out->size - 1] == '0')
		gs_buf_truncate(out, out->size - 1);
	if (out->size > start && out->ptr[out->size - 1] == '.')
		gs_buf_truncate(out, out->size - 1);
	return 0;
}

static int csv_int(gs_buf *out, int64_t v)
{
	return gs_buf_printf(out, ",%lld", (long long)v);
}

int gs_usage_report_csv(gs_buf *out, const gs_usage_report *r)
{
	size_t i;

	if (r->by == GS_USAGE_BY_DAY || r->by == GS_USAGE_BY_ISSUE) {
		if (gs_buf_puts(out, gs_usage_by_name(r->by)) < 0 || gs_buf_putc(out, ',') < 0)
			return GS_ERROR;
	}
	if (gs_buf_puts(out, "provider,model,sessions,success_sessions,failed_sessions,"
			     "input_tokens,output_tokens,total_tokens,duration_ms,known_cost_usd,"
			     "unknown_cost_sessions,cache_read_tokens,cache_write_tokens,"
			     "cache_hit_rate,cost_per_success,input_tokens_per_second,"
			     "output_tokens_per_second,success_rate\n") < 0)
		return GS_ERROR;
	for (i = 0; i < gs_usage_report_count(r); i++) {
		const gs_usage_row *row = &r->rows[i];

		if (r->by == GS_USAGE_BY_DAY || r->by == GS_USAGE_BY_ISSUE) {
			if (gs_report_csv_field(out, row->key) < 0 || gs_buf_putc(out, ',') < 0)
				return GS_ERROR;
		}
		if (gs_report_csv_field(out, row->provider ? row->provider : "") < 0 ||
		    gs_buf_putc(out, ',') < 0 ||
		    gs_report_csv_field(out, row->model ? row->model : "") < 0 ||
		    csv_int(out, row->sessions) < 0 || csv_int(out, row->success_sessions) < 0 ||
		    csv_int(out, row->failed_sessions) < 0 || csv_int(out, row->input_tokens) < 0 ||
		    csv_int(out, row->output_tokens) < 0 || csv_int(out, row->total_tokens) < 0 ||
		    csv_int(out, row->duration_ms) < 0 || csv_num(out, row->known_cost_usd, 0) < 0 ||
		    csv_int(out, row->unknown_cost_sessions) < 0 ||
		    csv_int(out, row->cache_read_tokens) < 0 ||
		    csv_int(out, row->cache_write_tokens) < 0 ||
		    csv_num(out, row->cache_hit_rate, 1) < 0 ||
		    csv_num(out, row->cost_per_success, 1) < 0 ||
		    csv_num(out, row->input_tokens_per_second, 1) < 0 ||
		    csv_num(out, row->output_tokens_per_second, 1) < 0 ||
		    csv_num(out, row->success_rate, 1) < 0 || gs_buf_putc(out, '\n') < 0)
			return GS_ERROR;
	}
	return 0;
}

/* --- text ------------------------------------------------------------------- */

static int cell_int(gs_report_table *t, int64_t v)
{
	gs_buf b = GS_BUF_INIT;

	if (gs_report_fmt_int(&b, v) < 0) {
		gs_buf_dispose(&b);
		return GS_ERROR;
	}
	return gs_report_table_cell_buf(t, &b);
}

typedef int (*fmt_fn)(gs_buf *, double);

static int cell_fmt(gs_report_table *t, fmt_fn fn, double v)
{
	gs_buf b = GS_BUF_INIT;

	if (fn(&b, v) < 0) {
		gs_buf_dispose(&b);
		return GS_ERROR;
	}
	return gs_report_table_cell_buf(t, &b);
}

/* Cost cell: `unknown` when nothing is priced, a `*` when part is not. */
static int cell_cost(gs_report_table *t, double usd, int64_t unknown, int per_success)
{
	gs_buf b = GS_BUF_INIT;

	if (isnan(usd)) {
		if (gs_buf_puts(&b, per_success ? "-" : "unknown") < 0)
			goto fail;
	} else if (gs_report_fmt_usd(&b, usd) < 0 || (unknown && gs_buf_putc(&b, '*') < 0)) {
		goto fail;
	}
	return gs_report_table_cell_buf(t, &b);
fail:
	gs_buf_dispose(&b);
	return GS_ERROR;
}

#define BAR_WIDTH 16

/* Text columns. The table keeps to what fits a wide terminal; JSON and
 * CSV carry every field. --by day trades the rates for the bar. */
enum col {
	COL_SESSIONS, COL_SUCCESS, COL_INPUT, COL_OUTPUT, COL_CACHE_READ, COL_HIT, COL_DURATION,
	COL_OUT_RATE, COL_COST, COL_PER_SUCCESS, COL_TOTAL, COL_BAR, COL_END
};

static const enum col cols_rates[] = { COL_SESSIONS, COL_SUCCESS,  COL_INPUT,    COL_OUTPUT,
				       COL_CACHE_READ, COL_HIT,    COL_DURATION, COL_OUT_RATE,
				       COL_COST,     COL_PER_SUCCESS, COL_END };
static const enum col cols_day[] = { COL_SESSIONS, COL_SUCCESS,  COL_INPUT, COL_OUTPUT,
				     COL_CACHE_READ, COL_HIT,    COL_DURATION, COL_COST,
				     COL_TOTAL,    COL_BAR,     COL_END };

static const char *const col_titles[] = { "runs", "success", "input", "output", "cache read",
					  "cache hit", "duration", "out tok/s", "cost",
					  "per success", "tokens", "" };

static const enum col *text_cols(const gs_usage_report *r)
{
	return r->by == GS_USAGE_BY_DAY ? cols_day : cols_rates;
}

static int text_cell(gs_report_table *t, enum col c, const gs_usage_row *row, int totals,
		     double max_tokens, unsigned int flags)
{
	gs_buf b = GS_BUF_INIT;

	switch (c) {
	case COL_SESSIONS:
		return cell_int(t, row->sessions);
	case COL_SUCCESS:
		return cell_fmt(t, gs_report_fmt_percent, row->success_rate);
	case COL_INPUT:
		return cell_int(t, row->input_tokens);
	case COL_OUTPUT:
		return cell_int(t, row->output_tokens);
	case COL_CACHE_READ:
		return cell_int(t, row->cache_read_tokens);
	case COL_HIT:
		return cell_fmt(t, gs_report_fmt_percent, row->cache_hit_rate);
	case COL_DURATION:
		return gs_report_table_cell_duration(t, row->duration_ms);
	case COL_OUT_RATE:
		return cell_fmt(t, gs_report_fmt_rate, row->output_tokens_per_second);
	case COL_COST:
		return cell_cost(t, row->known_cost_usd, row->unknown_cost_sessions, 0);
	case COL_PER_SUCCESS:
		return cell_cost(t, row->cost_per_success, row->unknown_cost_sessions, 1);
	case COL_TOTAL:
		return cell_int(t, row->total_tokens);
	case COL_BAR:
		if (!totals && gs_report_bar(&b, (double)row->total_tokens, max_tokens, BAR_WIDTH,
					     (flags & GS_USAGE_TEXT_ASCII) != 0) < 0) {
			gs_buf_dispose(&b);
			return GS_ERROR;
		}
		return gs_report_table_cell_buf(t, &b);
	default:
		return gs_report_table_cell(t, "");
	}
}

static int text_row(gs_report_table *t, const gs_usage_report *r, const gs_usage_row *row,
		    int totals, double max_tokens, unsigned int flags)
{
	const enum col *c;
	const char *key = row->key;

	if (totals)
		key = "total";
	else if (!*key)
		key = r->by == GS_USAGE_BY_ISSUE ? "(none)" : "(unknown)";
	if (gs_report_table_row(t) < 0 || gs_report_table_cell(t, key) < 0)
		return GS_ERROR;
	if (r->by == GS_USAGE_BY_MODEL &&
	    gs_report_table_cell(t, totals ? "" : row->provider) < 0)
		return GS_ERROR;
	for (c = text_cols(r); *c != COL_END; c++)
		if (text_cell(t, *c, row, totals, max_tokens, flags) < 0)
			return GS_ERROR;
	return 0;
}

static int title_line(gs_buf *out, const gs_usage_report *r)
{
	char from[GS_TIME_BUFSZ], to[GS_TIME_BUFSZ];
	const char *spec = r->window.spec;
	int error;

	window_days(&r->window, from, to);
	error = gs_buf_printf(out, "Usage by %s, ", gs_usage_by_name(r->by));
	if (!error && !*from && !*to)
		error = gs_buf_puts(out, "all time");
	else if (!error && !strcmp(from, to))
		error = gs_buf_printf(out, "%s", from);
	else if (!error)
		error = gs_buf_printf(out, "%s to %s", *from ? from : "the start", *to ? to : "now");
	if (!error && (*from || *to))
		error = gs_buf_puts(out, " UTC");
	/* Name relative windows as typed: the dates alone hide "last 7 days". */
	if (!error && *spec && (!strcmp(spec, "today") || spec[strlen(spec) - 1] == 'd'))
		error = gs_buf_printf(out, " (%s)", spec);
	if (!error)
		error = gs_buf_printf(out, ", from %s\n\n",
				      r->source == GS_USAGE_SOURCE_ISSUES ? "issue runs"
				      : r->source == GS_USAGE_SOURCE_SESSIONS
					      ? "sessions"
					      : "issue runs and sessions");
	return error;
}

int gs_usage_report_text(gs_buf *out, const gs_usage_report *r, unsigned int flags)
{
	const char *unit = r->source == GS_USAGE_SOURCE_ISSUES ? "runs" : "sessions";
	gs_report_table *t = NULL;
	size_t ncols, col = 0, i;
	const enum col *c;
	double max_tokens = 0;
	int error = GS_ERROR;

	if (title_line(out, r) < 0)
		return GS_ERROR;
	if (!gs_usage_report_count(r))
		return gs_buf_printf(out, "No %s in this window.\n", unit);

	ncols = 1 + (r->by == GS_USAGE_BY_MODEL);
	for (c = text_cols(r); *c != COL_END; c++)
		ncols++;
	if (gs_report_table_new(&t, ncols) < 0 ||
	    gs_report_table_column(t, col++, gs_usage_by_name(r->by), GS_ALIGN_LEFT) < 0)
		goto done;
	if (r->by == GS_USAGE_BY_MODEL &&
	    gs_report_table_column(t, col++, "provider", GS_ALIGN_LEFT) < 0)
		goto done;
	for (c = text_cols(r); *c != COL_END; c++)
		if (gs_report_table_column(t, col++, *c == COL_SESSIONS ? unit : col_titles[*c],
					   *c == COL_BAR ? GS_ALIGN_LEFT : GS_ALIGN_RIGHT) < 0)
			goto done;

	for (i = 0; i < r->n; i++)
		if ((double)r->rows[i].total_tokens > max_tokens)
			max_tokens = (double)r->rows[i].total_tokens;
	for (i = 0; i < r->n; i++)
		if (text_row(t, r, &r->rows[i], 0, max_tokens, flags) < 0)
			goto done;
	if (gs_report_table_rule(t) < 0 || text_row(t, r, &r->totals, 1, max_tokens, flags) < 0 ||
	    gs_report_table_render(out, t, (flags & GS_USAGE_TEXT_COLOR) != 0) < 0)
		goto done;
	if (r->totals.unknown_cost_sessions) {
		gs_buf n = GS_BUF_INIT;
		int e = gs_report_fmt_int(&n, r->totals.unknown_cost_sessions);

		if (!e)
			e = gs_buf_printf(out, "\n* %s %s of unknown cost (model without a price) %s "
					       "left out of the costs marked *.\n",
					  n.ptr,
					  r->totals.unknown_cost_sessions > 1 ? unit
					  : r->source == GS_USAGE_SOURCE_ISSUES ? "run"
										: "session",
					  r->totals.unknown_cost_sessions > 1 ? "are" : "is");
		gs_buf_dispose(&n);
		if (e < 0)
			goto done;
	}
	error = 0;
done:
	gs_report_table_free(t);
	return error;
}
