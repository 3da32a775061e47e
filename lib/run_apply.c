/*
 * Recording runs in an issue document and checking its totals: pure
 * functions from old bytes to new bytes, so the store can apply them to
 * the blob, the index and the work tree alike. Frontmatter values change
 * in place through the lossless frontmatter API; blocks are spliced in at
 * the end of the `## Run stats` section.
 */
#include "gs/frontmatter.h"
#include "gs/run.h"
#include "gs/time.h"

#include <stdlib.h>
#include <string.h>

enum { K_INT, K_DURATION, K_COST, K_MODEL, K_TIME };

typedef struct {
	const char *key;
	int kind;
	int barf; /* one of barf's five key=value totals */
} managed_key;

static const managed_key keys[] = {
	{ "run_count", K_INT, 1 },
	{ "total_input_tokens", K_INT, 1 },
	{ "total_output_tokens", K_INT, 1 },
	{ "total_cache_read_tokens", K_INT, 0 },
	{ "total_cache_write_tokens", K_INT, 0 },
	{ "total_duration_seconds", K_DURATION, 1 },
	{ "total_iterations", K_INT, 1 },
	{ "total_cost_usd", K_COST, 0 },
	{ "last_model", K_MODEL, 0 },
	{ "last_run_at", K_TIME, 0 },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static int64_t *int_field(gs_run_totals *t, const char *key)
{
	if (!strcmp(key, "run_count"))
		return &t->run_count;
	if (!strcmp(key, "total_input_tokens"))
		return &t->input_tokens;
	if (!strcmp(key, "total_output_tokens"))
		return &t->output_tokens;
	if (!strcmp(key, "total_cache_read_tokens"))
		return &t->cache_read_tokens;
	if (!strcmp(key, "total_cache_write_tokens"))
		return &t->cache_write_tokens;
	return &t->iterations;
}

static int managed(const gs_fm *fm, const managed_key *k)
{
	return gs_fm_dialect_of(fm) == GS_FM_KV ? k->barf : 1;
}

/* The value of `key` as text (decoded), or NULL when absent. */
static int get_text(char **out, const gs_fm *fm, const char *key)
{
	int error;

	*out = NULL;
	if (!gs_fm_has(fm, key))
		return 0;
	error = gs_fm_get_str(out, fm, key);
	return error == GS_ENOTFOUND ? 0 : error;
}

/*
 * The totals recorded in the frontmatter. *cost_known tells whether
 * total_cost_usd may still be maintained: it is present, or no run was
 * recorded yet. Absent counters read as 0.
 */
static int read_totals(gs_run_totals *t, int *cost_known, const gs_fm *fm, const char *path)
{
	char *text = NULL;
	size_t i;
	int error = 0;

	gs_run_totals_init(t);
	for (i = 0; i < NKEYS && !error; i++) {
		const managed_key *k = &keys[i];
		if (!managed(fm, k) || !gs_fm_has(fm, k->key))
			continue;
		switch (k->kind) {
		case K_INT:
			error = gs_fm_get_i64(int_field(t, k->key), fm, k->key);
			if (!error && *int_field(t, k->key) < 0) {
				gs_error_set("'%s' of '%s' is negative", k->key, path);
				error = GS_EPARSE;
			}
			break;
		case K_DURATION: {
			double d = 0;
			error = gs_fm_get_f64(&d, fm, k->key);
			if (!error && !(d >= 0 && d < 9e15)) {
				gs_error_set("'%s' of '%s' is not a non-negative number", k->key, path);
				error = GS_EPARSE;
			}
			t->duration_ms = (int64_t)(d * 1000.0 + 0.5);
			break;
		}
		case K_COST:
			if ((error = get_text(&text, fm, k->key)) == 0 && text &&
			    (error = gs_run_parse_usd(&t->cost_nanos, text)) < 0)
				gs_error_prefix("'%s' of '%s'", k->key, path);
			free(text);
			text = NULL;
			break;
		case K_TIME:
			if ((error = get_text(&text, fm, k->key)) == 0 && text &&
			    gs_time_parse(&t->last_run_at_ms, text) < 0)
				t->last_run_at_ms = INT64_MIN; /* unreadable: the next run replaces it */
			free(text);
			text = NULL;
			break;
		default:
			break;
		}
	}
	*cost_known = gs_fm_dialect_of(fm) != GS_FM_KV &&
		      (gs_fm_has(fm, "total_cost_usd") || t->run_count == 0);
	return error;
}

static int set_fixed(gs_fm *fm, const char *key, int64_t v, int is_usd)
{
	gs_buf b = GS_BUF_INIT;
	int error = is_usd ? gs_run_fmt_usd(&b, v) : gs_run_fmt_seconds(&b, v);

	if (!error)
		error = gs_fm_set_raw(fm, key, b.ptr);
	gs_buf_dispose(&b);
	return error;
}

/*
 * Write totals `t` (with `last_model` when it changes) into `fm`: only
 * the keys the dialect manages; total_cost_usd removed unless cost_known.
 */
static int write_totals(gs_fm *fm, const gs_run_totals *t, int cost_known, int set_last)
{
	char when[GS_TIME_BUFSZ];
	gs_run_totals copy = *t;
	size_t i;
	int error = 0;

	for (i = 0; i < NKEYS && !error; i++) {
		const managed_key *k = &keys[i];
		if (!managed(fm, k))
			continue;
		switch (k->kind) {
		case K_INT:
			error = gs_fm_set_i64(fm, k->key, *int_field(&copy, k->key));
			break;
		case K_DURATION:
			error = set_fixed(fm, k->key, t->duration_ms, 0);
			break;
		case K_COST:
			error = cost_known ? set_fixed(fm, k->key, t->cost_nanos, 1)
					   : gs_fm_remove(fm, k->key);
			break;
		case K_MODEL:
			if (set_last && t->last_model)
				error = gs_fm_set_str(fm, k->key, t->last_model);
			break;
		case K_TIME:
			if (set_last && t->last_run_at_ms != INT64_MIN) {
				gs_time_format(when, t->last_run_at_ms, 0);
				error = gs_fm_set_str(fm, k->key, when);
			}
			break;
		default:
			break;
		}
	}
	return error;
}

static int add_totals(gs_run_totals *acc, const gs_run_totals *d)
{
	gs_run_totals n = *acc;
	int64_t *a[] = { &n.run_count, &n.input_tokens, &n.output_tokens, &n.cache_read_tokens,
			 &n.cache_write_tokens, &n.duration_ms, &n.iterations, &n.cost_nanos };
	const int64_t b[] = { d->run_count, d->input_tokens, d->output_tokens,
			      d->cache_read_tokens, d->cache_write_tokens, d->duration_ms,
			      d->iterations, d->cost_nanos };
	static const char *names[] = { "run_count", "total_input_tokens", "total_output_tokens",
				       "total_cache_read_tokens", "total_cache_write_tokens",
				       "total_duration_seconds", "total_iterations",
				       "total_cost_usd" };
	size_t i;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		if (__builtin_add_overflow(*a[i], b[i], a[i]) || *a[i] < 0) {
			gs_error_set("'%s' would pass %lld", names[i], (long long)INT64_MAX);
			return GS_EOVERFLOW;
		}
	}
	n.unknown_cost_runs += d->unknown_cost_runs;
	*acc = n;
	return 0;
}

/* --- where blocks go ------------------------------------------------------ */

static int is_blank(const char *p, size_t n)
{
	for (; n; p++, n--)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return 0;
	return 1;
}

/* A level 1 or 2 heading ends the run stats section. */
static int is_section_heading(const char *p, size_t n)
{
	if (n >= 1 && p[0] == '#' && (n == 1 || p[1] == ' ' || p[1] == '\r'))
		return 1;
	return n >= 2 && p[0] == '#' && p[1] == '#' && (n == 2 || p[2] == ' ' || p[2] == '\r');
}

/*
 * Find where new blocks go in `body`: just after the last non-blank line
 * of the `## Run stats` section. *found says whether the heading exists.
 */
static size_t insertion_point(int *found, const char *body, size_t len)
{
	const char *p = body, *end = body + len;
	int in_section = 0;
	char fence = 0;
	size_t point = len;

	*found = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		const char *next = nl ? nl + 1 : end;

		if (gs_run_in_fence(&fence, p, n)) {
			/* a heading in a code block is an example */
		} else if (!in_section && !*found && gs_run_is_heading(p, n)) {
			*found = 1;
			in_section = 1;
			point = (size_t)(next - body);
			p = next;
			continue;
		} else if (in_section && is_section_heading(p, n)) {
			return point;
		}
		if (in_section && !is_blank(p, n))
			point = (size_t)(next - body);
		p = next;
	}
	return *found ? point : len;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int gs_run_apply_many(gs_buf *out, int *skipped, const char *doc, size_t len, const char *path,
		      const gs_run *runs, size_t n)
{
	gs_fm *fm = NULL;
	gs_run *existing = NULL;
	size_t nexisting = 0, i, applied = 0, point, body_len, body_off;
	char **ids = NULL, **seen = NULL;
	size_t nseen = 0;
	gs_run_totals total, delta;
	gs_buf blocks = GS_BUF_INIT, ins = GS_BUF_INIT;
	const char *bytes, *body, *eol;
	size_t blen;
	int cost_known, found, error = -1;

	gs_buf_clear(out);
	for (i = 0; i < n; i++) {
		if (skipped)
			skipped[i] = 0;
		if ((error = gs_run_validate(&runs[i])) < 0)
			goto done;
	}
	if ((error = gs_fm_parse(&fm, doc, len, path)) < 0)
		goto done;
	gs_fm_bytes(&bytes, &blen, fm);
	if ((error = gs_run_parse_body(&existing, &nexisting, bytes, blen)) < 0) {
		gs_error_prefix("'%s'", path);
		goto done;
	}
	error = GS_ERROR;
	ids = calloc(nexisting + 1, sizeof(*ids));
	seen = calloc(n + 1, sizeof(*seen));
	if (!ids || !seen) {
		gs_error_set("out of memory");
		goto done;
	}
	for (i = 0; i < nexisting; i++)
		ids[i] = existing[i].run_id;
	qsort(ids, nexisting, sizeof(*ids), cmp_str);

	gs_run_totals_init(&delta);
	for (i = 0; i < n; i++) {
		char *id = runs[i].run_id;
		size_t j;
		int dup = bsearch(&id, ids, nexisting, sizeof(*ids), cmp_str) != NULL;

		/* Duplicates inside one batch: a linear probe of the few seen
		 * so far would be quadratic, so keep `seen` sorted. */
		if (!dup && nseen) {
			dup = bsearch(&id, seen, nseen, sizeof(*seen), cmp_str) != NULL;
		}
		if (dup) {
			if (skipped)
				skipped[i] = 1;
			continue;
		}
		for (j = nseen; j > 0 && strcmp(seen[j - 1], id) > 0; j--)
			seen[j] = seen[j - 1];
		seen[j] = id;
		nseen++;
		if ((error = gs_run_totals_add(&delta, &runs[i])) < 0)
			goto done;
		if ((error = gs_run_block_format(&blocks, &runs[i])) < 0)
			goto done;
		applied++;
	}
	if (!applied) {
		error = GS_RUN_DUPLICATE;
		goto done;
	}

	if ((error = read_totals(&total, &cost_known, fm, path)) < 0)
		goto done;
	{
		int64_t old_last = total.last_run_at_ms;
		int set_last = delta.last_run_at_ms >= old_last;

		if ((error = add_totals(&total, &delta)) < 0) {
			gs_error_prefix("cannot record in '%s'", path);
			goto done;
		}
		if (delta.unknown_cost_runs)
			cost_known = 0;
		total.last_model = delta.last_model;
		total.last_run_at_ms = set_last ? delta.last_run_at_ms : old_last;
		if ((error = write_totals(fm, &total, cost_known, set_last)) < 0)
			goto done;
	}

	/* Blocks go into the body of the edited document. */
	eol = gs_fm_eol(fm);
	gs_fm_bytes(&bytes, &blen, fm);
	gs_fm_body(&body, &body_len, fm);
	body_off = (size_t)(body - bytes);
	point = insertion_point(&found, body, body_len);
	error = GS_ERROR;
	if (body_off + point > 0 && bytes[body_off + point - 1] != '\n' && gs_buf_puts(&ins, "\n") < 0)
		goto done; /* e.g. a closing '---' without a line end */
	if (!found) {
		/* A new section at the end: make sure it starts on a fresh line
		 * after a blank one. */
		if (body_len && !(body_len >= 2 && body[body_len - 2] == '\n') &&
		    !(body_len >= 3 && !memcmp(body + body_len - 3, "\n\r\n", 3)) &&
		    gs_buf_puts(&ins, "\n") < 0)
			goto done;
		if (gs_buf_puts(&ins, GS_RUN_HEADING "\n") < 0)
			goto done;
	}
	if (gs_buf_put(&ins, blocks.ptr, blocks.size) < 0)
		goto done;
	if (gs_buf_put(out, bytes, body_off + point) < 0 ||
	    gs_buf_put_eol(out, ins.ptr, ins.size, eol) < 0 ||
	    gs_buf_put(out, bytes + body_off + point, blen - body_off - point) < 0)
		goto done;
	error = 0;
done:
	if (error)
		gs_buf_clear(out);
	gs_buf_dispose(&blocks);
	gs_buf_dispose(&ins);
	free(ids);
	free(seen);
	gs_run_free_array(existing, nexisting);
	gs_fm_free(fm);
	return error;
}

int gs_run_apply(gs_buf *out, const char *doc, size_t len, const char *path, const gs_run *run)
{
	return gs_run_apply_many(out, NULL, doc, len, path, run, 1);
}

/* --- verify ---------------------------------------------------------------- */

void gs_run_drift_free(gs_run_drift *drift, size_t n)
{
	size_t i;

	for (i = 0; drift && i < n; i++) {
		free(drift[i].recorded);
		free(drift[i].expected);
	}
	free(drift);
}

/* The expected text of a key from block totals, NULL when it should be absent. */
static int expected_text(char **out, const managed_key *k, gs_run_totals *t)
{
	gs_buf b = GS_BUF_INIT;
	char when[GS_TIME_BUFSZ];

	*out = NULL;
	switch (k->kind) {
	case K_INT:
		gs_buf_printf(&b, "%lld", (long long)*int_field(t, k->key));
		break;
	case K_DURATION:
		gs_run_fmt_seconds(&b, t->duration_ms);
		break;
	case K_COST:
		if (t->unknown_cost_runs)
			return 0;
		gs_run_fmt_usd(&b, t->cost_nanos);
		break;
	case K_MODEL:
		if (!t->run_count || !t->last_model)
			return 0;
		gs_buf_puts(&b, t->last_model);
		break;
	case K_TIME:
		if (!t->run_count)
			return 0;
		gs_time_format(when, t->last_run_at_ms, 0);
		gs_buf_puts(&b, when);
		break;
	default:
		break;
	}
	*out = gs_buf_detach(&b);
	return *out ? 0 : GS_ERROR;
}

/* Whether recorded text means the expected value (numbers compare by value). */
static int same_value(const managed_key *k, const char *recorded, const char *expected)
{
	int64_t a = 0, b = 0;
	char *end;

	if (!recorded) /* absent counters are zero; last_* may be absent */
		return !expected || !strcmp(expected, "0") || k->kind == K_MODEL ||
		       k->kind == K_TIME;
	if (!expected) /* total_cost_usd must go once a cost is unknown */
		return k->kind == K_MODEL || k->kind == K_TIME;
	switch (k->kind) {
	case K_INT:
		a = strtoll(recorded, &end, 10);
		return *recorded && !*end && a == strtoll(expected, NULL, 10);
	case K_DURATION:
	case K_COST:
		/* both as nano-units: seconds and dollars share the parser */
		return gs_run_parse_usd(&a, recorded) == 0 && gs_run_parse_usd(&b, expected) == 0 &&
		       a == b;
	case K_TIME:
		return gs_time_parse(&a, recorded) == 0 && gs_time_parse(&b, expected) == 0 && a == b;
	default:
		return !strcmp(recorded, expected);
	}
}

int gs_run_check(gs_run_drift **drift, size_t *n, gs_buf *fixed, const char *doc, size_t len,
		 const char *path)
{
	gs_fm *fm = NULL;
	gs_run *runs = NULL;
	size_t nruns = 0, i, count = 0;
	gs_run_drift *out = NULL;
	gs_run_totals t;
	const char *bytes;
	size_t blen;
	int error;

	*drift = NULL;
	*n = 0;
	if ((error = gs_fm_parse(&fm, doc, len, path)) < 0)
		goto done;
	gs_fm_bytes(&bytes, &blen, fm);
	if ((error = gs_run_parse_body(&runs, &nruns, bytes, blen)) < 0) {
		gs_error_prefix("'%s'", path);
		goto done;
	}
	gs_run_totals_init(&t);
	for (i = 0; i < nruns; i++)
		if ((error = gs_run_totals_add(&t, &runs[i])) < 0) {
			gs_error_prefix("'%s'", path);
			goto done;
		}
	error = GS_ERROR;
	if (!(out = calloc(NKEYS, sizeof(*out)))) {
		gs_error_set("out of memory");
		goto done;
	}
	for (i = 0; i < NKEYS; i++) {
		const managed_key *k = &keys[i];
		char *rec = NULL, *exp = NULL;

		if (!managed(fm, k))
			continue;
		if (get_text(&rec, fm, k->key) < 0) {
			const char *raw;
			size_t rl;
			/* not a scalar: report its raw text */
			if (gs_fm_get_raw(&raw, &rl, fm, k->key) == 0)
				rec = strndup(raw, rl);
		}
		if ((error = expected_text(&exp, k, &t)) < 0) {
			free(rec);
			goto done;
		}
		if (same_value(k, rec, exp)) {
			free(rec);
			free(exp);
			continue;
		}
		out[count].key = k->key;
		out[count].recorded = rec;
		out[count].expected = exp;
		count++;
	}
	if (fixed && count) {
		gs_buf_clear(fixed);
		if ((error = write_totals(fm, &t, !t.unknown_cost_runs, t.run_count > 0)) < 0)
			goto done;
		gs_fm_bytes(&bytes, &blen, fm);
		if ((error = gs_buf_set(fixed, bytes, blen)) < 0)
			goto done;
	}
	*drift = out;
	*n = count;
	out = NULL;
	error = 0;
done:
	gs_run_drift_free(out, count);
	gs_run_free_array(runs, nruns);
	gs_fm_free(fm);
	return error;
}
