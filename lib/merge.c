/*
 * Three-way merge of one issue file, as git's custom merge driver (SPEC §9).
 *
 * Git's line merge cannot merge what git-stats writes: two clones that each
 * record a run both rewrite `run_count` and both append a block at the end
 * of `## Run stats`, which is a conflict for a text merge although nothing
 * conflicts. So the parts git-stats owns are merged by meaning (counters
 * add up, runs and attempts are sets), the user's keys key by key, and only
 * the rest (the body text) goes through git_merge_file. To keep the user's
 * layout, the merged managed values and the resolved user keys are first
 * written into all three versions, making those lines identical everywhere;
 * the run blocks are taken out of all three and put back, as a union, after
 * the text merge.
 */
#define _POSIX_C_SOURCE 200809L
#include "gs/merge.h"

#include "gs/attempt.h"
#include "gs/frontmatter.h"
#include "gs/run.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- counters ------------------------------------------------------------- */

/* In the order git-stats writes them (gs_run_apply), which is also the order keys new since the base are re-added in. */
enum { C_RUNS, C_INPUT, C_OUTPUT, C_CREAD, C_CWRITE, C_DUR, C_ITER, C_COST, NCOUNTERS };

/* Decimal counters are held in billionths, exact for what git-stats writes. */
static const struct {
	const char *key;
	int decimal;
} counters[NCOUNTERS] = {
	{ "run_count", 0 },
	{ "total_input_tokens", 0 },
	{ "total_output_tokens", 0 },
	{ "total_cache_read_tokens", 0 },
	{ "total_cache_write_tokens", 0 },
	{ "total_duration_seconds", 1 },
	{ "total_iterations", 0 },
	{ "total_cost_usd", 1 },
};

#define NANO 1000000000LL

/* "12", "0.0421", "65.5" -> billionths; no sign, no exponent. */
static int parse_decimal(int64_t *out, const char *s)
{
	int64_t v = 0, frac = 0, scale = NANO;
	const char *p = s;
	int digits = 0;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v))
			return GS_EOVERFLOW;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (!digits || *p)
		return GS_EPARSE;
	if (__builtin_mul_overflow(v, NANO, &v) || __builtin_add_overflow(v, frac, &v))
		return GS_EOVERFLOW;
	*out = v;
	return 0;
}

/* Shortest decimal text of a billionths value ("0.0421", "65", "1.5"). */
static int format_decimal(gs_buf *out, int64_t v)
{
	int64_t whole = v / NANO, frac = v % NANO;
	char digits[16];
	int n;

	gs_buf_clear(out);
	if (gs_buf_printf(out, "%lld", (long long)whole) < 0)
		return GS_ERROR;
	if (!frac)
		return 0;
	n = snprintf(digits, sizeof(digits), "%09lld", (long long)frac);
	while (n > 0 && digits[n - 1] == '0')
		n--;
	return gs_buf_printf(out, ".%.*s", n, digits);
}

static void run_contribution(int64_t v[NCOUNTERS], const gs_run *r)
{
	v[C_RUNS] = 1;
	v[C_INPUT] = r->input_tokens + r->cache_read_tokens + r->cache_write_tokens;
	v[C_OUTPUT] = r->output_tokens;
	v[C_CREAD] = r->cache_read_tokens;
	v[C_CWRITE] = r->cache_write_tokens;
	v[C_ITER] = r->iterations;
	v[C_DUR] = gs_run_duration_ms(r) * 1000000LL;
	v[C_COST] = r->cost_known ? gs_run_cost_nanos(r) : 0;
}

/* --- one version of the file ----------------------------------------------- */

typedef struct {
	size_t off, len; /* the block's bytes in the body, blank line before it included */
	gs_run run;
} block;

typedef struct {
	const char *label;
	const char *data;
	size_t len;
	gs_fm *fm;
	block *blocks;
	size_t nblocks;
	int has[NCOUNTERS];
	int64_t val[NCOUNTERS];
	char *last_run_at, *last_model;
	int has_agents, has_resumes;
	gs_agents agents;
	gs_resumes resumes;
	int clean; /* totals agree with blocks */
} side;

static void side_dispose(side *s)
{
	size_t i;

	for (i = 0; i < s->nblocks; i++)
		gs_run_dispose(&s->blocks[i].run);
	free(s->blocks);
	gs_fm_free(s->fm);
	free(s->last_run_at);
	free(s->last_model);
	gs_agents_dispose(&s->agents);
	gs_resumes_dispose(&s->resumes);
	memset(s, 0, sizeof(*s));
}

static size_t line_end(const char *p, size_t len, size_t off)
{
	const char *nl = off < len ? memchr(p + off, '\n', len - off) : NULL;

	return nl ? (size_t)(nl - p) + 1 : len;
}

static int is_blank(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

static int starts_with(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(p, prefix, n);
}

#define RUN_COMMENT "<!-- git-stats:run "
/* Stands in for the run blocks during the text merge; no user writes this line. */
#define SENTINEL "\x1egit-stats: run blocks\x1e"

/*
 * Find the run blocks of a body by their shape: an optional blank line and
 * `### ` heading, the machine-readable comment line, then a blank line and
 * the table rows. Each block is parsed on its own so its bytes can travel.
 */
static int find_blocks(side *s, const char *body, size_t len, size_t body_line)
{
	size_t i = 0, prev1 = SIZE_MAX, prev2 = SIZE_MAX, floor = 0, line = body_line;
	int error = GS_ERROR;
	char fence = 0;

	while (i < len) {
		size_t e = line_end(body, len, i), start, end;
		gs_run *runs = NULL;
		size_t nruns = 0;
		block *b;
		int rc;

		if (gs_run_in_fence(&fence, body + i, e - i) || !starts_with(body + i, e - i, RUN_COMMENT)) {
			prev2 = prev1;
			prev1 = i;
			i = e;
			line++;
			continue;
		}
		start = i;
		if (prev1 != SIZE_MAX && prev1 >= floor && starts_with(body + prev1, i - prev1, "### ")) {
			start = prev1;
			if (prev2 != SIZE_MAX && prev2 >= floor && is_blank(body + prev2, prev1 - prev2))
				start = prev2;
		} else if (prev1 != SIZE_MAX && prev1 >= floor && is_blank(body + prev1, i - prev1)) {
			start = prev1;
		}
		end = e;
		if (end < len && is_blank(body + end, line_end(body, len, end) - end)) {
			size_t after = line_end(body, len, end);

			if (after < len && body[after] == '|')
				end = after;
		}
		while (end < len && body[end] == '|')
			end = line_end(body, len, end);

		rc = gs_run_parse_body(&runs, &nruns, body + i, e - i);
		if (rc < 0 || nruns != 1) {
			if (rc >= 0)
				gs_error_set("malformed run block at line %zu", line);
			gs_run_free_array(runs, nruns);
			error = rc < 0 ? rc : GS_EPARSE;
			gs_error_prefix("%s", s->label);
			goto done;
		}
		b = realloc(s->blocks, (s->nblocks + 1) * sizeof(*b));
		if (!b) {
			gs_run_free_array(runs, nruns);
			gs_error_set("out of memory");
			goto done;
		}
		s->blocks = b;
		b = &s->blocks[s->nblocks++];
		b->off = start;
		b->len = end - start;
		b->run = runs[0];
		free(runs); /* the run's contents now belong to the block */

		for (; i < end; i = line_end(body, len, i))
			line++;
		i = end;
		floor = end;
		prev1 = prev2 = SIZE_MAX;
	}
	error = 0;
done:
	return error;
}

static int dup_str(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = strdup(s);
	if (!*out) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	return 0;
}

/* Column at which `p` starts in the document (for the block parsers). */
static size_t column_of(const side *s, const char *p)
{
	const char *doc;
	size_t len, col = 0;

	gs_fm_bytes(&doc, &len, s->fm);
	while (p > doc && p[-1] != '\n') {
		p--;
		col++;
	}
	return col;
}

static int side_load(side *s, const char *label, const char *data, size_t len, const char *path)
{
	const char *body, *doc, *raw;
	size_t blen, dlen, rlen, k, body_line = 1;
	gs_run_drift *drift = NULL;
	size_t ndrift = 0;
	char *text = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	gs_agents_init(&s->agents);
	gs_resumes_init(&s->resumes);
	s->label = label;
	s->data = data;
	s->len = len;
	if ((rc = gs_fm_parse(&s->fm, data, len, path)) < 0)
		return rc;

	gs_fm_bytes(&doc, &dlen, s->fm);
	gs_fm_body(&body, &blen, s->fm);
	for (k = 0; k < dlen - blen; k++)
		body_line += doc[k] == '\n';
	if ((rc = find_blocks(s, body, blen, body_line)) < 0)
		return rc;

	for (k = 0; k < NCOUNTERS; k++) {
		if (!gs_fm_has(s->fm, counters[k].key))
			continue;
		s->has[k] = 1;
		if (!counters[k].decimal) {
			rc = gs_fm_get_i64(&s->val[k], s->fm, counters[k].key);
		} else {
			rc = gs_fm_get_str(&text, s->fm, counters[k].key);
			if (rc == 0 && (rc = parse_decimal(&s->val[k], text)) < 0)
				gs_error_set("%s of '%s': '%s' is not a decimal number", counters[k].key, path, text);
			free(text);
			text = NULL;
		}
		if (rc < 0)
			return rc;
	}
	if (gs_fm_has(s->fm, "last_run_at") && (rc = gs_fm_get_str(&s->last_run_at, s->fm, "last_run_at")) < 0)
		return rc;
	if (gs_fm_has(s->fm, "last_model") && (rc = gs_fm_get_str(&s->last_model, s->fm, "last_model")) < 0)
		return rc;
	if (gs_fm_has(s->fm, "agents")) {
		s->has_agents = 1;
		if ((rc = gs_fm_get_raw(&raw, &rlen, s->fm, "agents")) < 0 ||
		    (rc = gs_agents_parse(&s->agents, raw, rlen, column_of(s, raw))) < 0)
			return rc;
	}
	if (gs_fm_has(s->fm, "resume_attempts")) {
		s->has_resumes = 1;
		if ((rc = gs_fm_get_raw(&raw, &rlen, s->fm, "resume_attempts")) < 0 ||
		    (rc = gs_resumes_parse(&s->resumes, raw, rlen, column_of(s, raw))) < 0)
			return rc;
	}
	rc = gs_run_check(&drift, &ndrift, NULL, data, len, path);
	s->clean = rc == 0 && ndrift == 0;
	gs_run_drift_free(drift, ndrift);
	gs_error_clear();
	return 0;
}

static const block *find_run(const side *s, const char *id)
{
	size_t i;

	if (!id)
		return NULL;
	for (i = 0; i < s->nblocks; i++)
		if (s->blocks[i].run.run_id && !strcmp(s->blocks[i].run.run_id, id))
			return &s->blocks[i];
	return NULL;
}

/* --- agents and resume records ---------------------------------------------- */

static int streq0(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The same attempt on two sides: everything but its (renumbered) position agrees. */
static int attempt_same(const gs_attempt *a, const gs_attempt *b)
{
	return streq0(a->timestamp, b->timestamp) && a->duration_ms == b->duration_ms &&
	       a->success == b->success && a->has_cost == b->has_cost &&
	       (!a->has_cost || a->cost_usd == b->cost_usd) && streq0(a->model, b->model) &&
	       streq0(a->error, b->error) && streq0(a->checkpoint, b->checkpoint) && a->turns == b->turns &&
	       a->input_tokens == b->input_tokens && a->output_tokens == b->output_tokens;
}

static int has_attempt(const gs_agent *g, const gs_attempt *t)
{
	size_t i;

	for (i = 0; g && i < g->nattempts; i++)
		if (attempt_same(&g->attempts[i], t))
			return 1;
	return 0;
}

static int push_attempt(gs_agent *g, const gs_attempt *src)
{
	gs_attempt *t = gs_agent_add_attempt(g);

	if (!t)
		return GS_ERROR;
	*t = *src;
	t->timestamp = t->model = t->error = t->checkpoint = NULL;
	if (dup_str(&t->timestamp, src->timestamp) < 0 || dup_str(&t->model, src->model) < 0 ||
	    dup_str(&t->error, src->error) < 0 || dup_str(&t->checkpoint, src->checkpoint) < 0)
		return GS_ERROR;
	return 0;
}

/* Three-way scalar: the side that changed it wins; both changed: the later. */
static const char *merge_started(const char *b, const char *o, const char *t)
{
	if (streq0(o, b))
		return t;
	if (streq0(t, b) || !t)
		return o;
	if (!o)
		return t;
	return strcmp(o, t) >= 0 ? o : t;
}

static int merge_agent(gs_agents *out, const char *name, const gs_agent *b, const gs_agent *o,
		       const gs_agent *t)
{
	gs_agent *g = gs_agents_add(out, name);
	const char *started;
	size_t i, j;

	if (!g)
		return GS_ERROR;
	/* A set merge: kept unless the other side removed what the base had. */
	for (i = 0; o && i < o->nattempts; i++)
		if ((!has_attempt(b, &o->attempts[i]) || has_attempt(t, &o->attempts[i])) &&
		    push_attempt(g, &o->attempts[i]) < 0)
			return GS_ERROR;
	for (i = 0; t && i < t->nattempts; i++)
		if (!has_attempt(o, &t->attempts[i]) && !has_attempt(b, &t->attempts[i]) &&
		    push_attempt(g, &t->attempts[i]) < 0)
			return GS_ERROR;
	/* Time order (stable), then numbered again: the status follows the last. */
	for (i = 1; i < g->nattempts; i++) {
		gs_attempt cur = g->attempts[i];

		for (j = i; j > 0 && g->attempts[j - 1].timestamp && cur.timestamp &&
			    strcmp(g->attempts[j - 1].timestamp, cur.timestamp) > 0; j--)
			g->attempts[j] = g->attempts[j - 1];
		g->attempts[j] = cur;
	}
	for (i = 0; i < g->nattempts; i++)
		g->attempts[i].attempt_number = (int64_t)i + 1;
	started = merge_started(b ? b->started_at : NULL, o ? o->started_at : NULL, t ? t->started_at : NULL);
	for (i = 0; started && i < g->nattempts; i++)
		if (streq0(g->attempts[i].timestamp, started))
			started = NULL; /* that attempt has ended on one side */
	if (dup_str(&g->started_at, started) < 0)
		return GS_ERROR;
	g->status = GS_AGENT_NONE;
	return 0;
}

static int merge_agents(gs_agents *out, side *b, side *o, side *t)
{
	size_t i;

	for (i = 0; i < o->agents.n; i++) {
		const char *name = o->agents.agents[i].name;
		gs_agent *ba = gs_agents_find(&b->agents, name), *ta = gs_agents_find(&t->agents, name);

		if (ba && !ta)
			continue; /* theirs removed the agent */
		if (merge_agent(out, name, ba, &o->agents.agents[i], ta) < 0)
			return GS_ERROR;
	}
	for (i = 0; i < t->agents.n; i++) {
		const char *name = t->agents.agents[i].name;

		if (gs_agents_find(&o->agents, name) || gs_agents_find(&b->agents, name))
			continue;
		if (merge_agent(out, name, NULL, NULL, &t->agents.agents[i]) < 0)
			return GS_ERROR;
	}
	gs_agents_recompute(out);
	return 0;
}

static int has_resume(const gs_resumes *r, const gs_resume_rec *x)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (streq0(r->recs[i].workflow_id, x->workflow_id) && streq0(r->recs[i].timestamp, x->timestamp))
			return 1;
	return 0;
}

static int push_resume(gs_resumes *out, const gs_resume_rec *x)
{
	return gs_resumes_append(out, x->workflow_id, x->timestamp, (const char *const *)x->terminated,
				 x->nterminated, x->checkpoint);
}

static int merge_resumes(gs_resumes *out, side *b, side *o, side *t)
{
	size_t i;

	for (i = 0; i < o->resumes.n; i++)
		if ((!has_resume(&b->resumes, &o->resumes.recs[i]) || has_resume(&t->resumes, &o->resumes.recs[i])) &&
		    push_resume(out, &o->resumes.recs[i]) < 0)
			return GS_ERROR;
	for (i = 0; i < t->resumes.n; i++)
		if (!has_resume(&o->resumes, &t->resumes.recs[i]) && !has_resume(&b->resumes, &t->resumes.recs[i]) &&
		    push_resume(out, &t->resumes.recs[i]) < 0)
			return GS_ERROR;
	return 0;
}

/* --- text -------------------------------------------------------------------- */

int gs_merge_text(gs_buf *out, int *conflict, const char *base, size_t base_len, const char *ours,
		  size_t ours_len, const char *theirs, size_t theirs_len, const gs_merge_opts *opts)
{
	git_merge_file_input in_b, in_o, in_t;
	git_merge_file_options mo;
	git_merge_file_result res;
	const char *path = opts && opts->path ? opts->path : "issue";
	int error;

	memset(&res, 0, sizeof(res));
	if (git_merge_file_input_init(&in_b, GIT_MERGE_FILE_INPUT_VERSION) < 0 ||
	    git_merge_file_input_init(&in_o, GIT_MERGE_FILE_INPUT_VERSION) < 0 ||
	    git_merge_file_input_init(&in_t, GIT_MERGE_FILE_INPUT_VERSION) < 0 ||
	    git_merge_file_options_init(&mo, GIT_MERGE_FILE_OPTIONS_VERSION) < 0) {
		gs_error_set("cannot merge '%s': libgit2 option setup failed", path);
		return GS_ERROR;
	}
	in_b.ptr = base;
	in_b.size = base_len;
	in_o.ptr = ours;
	in_o.size = ours_len;
	in_t.ptr = theirs;
	in_t.size = theirs_len;
	mo.ancestor_label = opts && opts->base_label ? opts->base_label : "base";
	mo.our_label = opts && opts->ours_label ? opts->ours_label : "ours";
	mo.their_label = opts && opts->theirs_label ? opts->theirs_label : "theirs";
	if (opts && opts->marker_size)
		mo.marker_size = opts->marker_size;
	if (git_merge_file(&res, &in_b, &in_o, &in_t, &mo) < 0) {
		const git_error *e = git_error_last();

		gs_error_set("cannot merge '%s': %s", path, e && e->message ? e->message : "libgit2 error");
		return GS_ERROR;
	}
	gs_buf_clear(out);
	error = gs_buf_put(out, res.ptr, res.len);
	*conflict = !res.automergeable;
	git_merge_file_result_free(&res);
	return error;
}

/* Put `blocks` at the end of the `## Run stats` section (made when missing). */
static int insert_blocks(gs_buf *doc, const char *blocks, size_t len, const char *eol)
{
	size_t i = 0, at = SIZE_MAX;

	if (!len)
		return 0;
	while (i < doc->size) {
		size_t e = line_end(doc->ptr, doc->size, i);

		if (at == SIZE_MAX) {
			if (gs_run_is_heading(doc->ptr + i, e - i))
				at = e;
		} else if ((doc->ptr[i] == '#' && (starts_with(doc->ptr + i, e - i, "# ") ||
						   starts_with(doc->ptr + i, e - i, "## ") ||
						   is_blank(doc->ptr + i + 1, e - i - 1) ||
						   (doc->ptr[i + 1] == '#' && is_blank(doc->ptr + i + 2, e - i - 2))))) {
			break;
		}
		i = e;
	}
	if (at == SIZE_MAX) {
		if (doc->size && doc->ptr[doc->size - 1] != '\n' && gs_buf_puts(doc, eol) < 0)
			return GS_ERROR;
		if (gs_buf_printf(doc, "%s%s%s", eol, GS_RUN_HEADING, eol) < 0)
			return GS_ERROR;
		return gs_buf_put(doc, blocks, len);
	}
	/* The section ends at the next heading; the blank lines before it stay after us. */
	while (i > at) {
		size_t p = i - 1;

		while (p > at && doc->ptr[p - 1] != '\n')
			p--;
		if (!is_blank(doc->ptr + p, i - p))
			break;
		i = p;
	}
	if (i > 0 && doc->ptr[i - 1] != '\n') {
		if (gs_buf_splice(doc, i, 0, eol, strlen(eol)) < 0)
			return GS_ERROR;
		i += strlen(eol);
	}
	return gs_buf_splice(doc, i, 0, blocks, len);
}

/* --- the merge ------------------------------------------------------------------ */

void gs_merge_info_init(gs_merge_info *info)
{
	info->conflict = 0;
	info->plain = 0;
	gs_buf_init(&info->reason);
	info->runs = 0;
}

void gs_merge_info_dispose(gs_merge_info *info)
{
	gs_buf_dispose(&info->reason);
	gs_merge_info_init(info);
}

/* The merged values every version is given before the text merge. */
typedef struct {
	int has[NCOUNTERS];
	gs_buf text[NCOUNTERS];
	const char *last_run_at, *last_model; /* borrowed from a side */
	int has_agents, has_resumes;
	gs_buf agents_yaml, resumes_yaml;
} merged_keys;

static int three_way_has(int b, int o, int t)
{
	return o == b ? t : o;
}

enum { K_RAW, K_STR, K_BLOCK };

/* One managed key as every version is to carry it. */
typedef struct {
	const char *key;
	int kind;
	const char *value; /* NULL: absent from the result */
} managed;

static size_t managed_keys(managed *out, const merged_keys *m)
{
	size_t k, n = 0;

	for (k = 0; k < NCOUNTERS; k++) {
		out[n].key = counters[k].key;
		out[n].kind = K_RAW;
		out[n++].value = m->has[k] ? m->text[k].ptr : NULL;
	}
	out[n].key = "last_model";
	out[n].kind = K_STR;
	out[n++].value = m->last_model;
	out[n].key = "last_run_at";
	out[n].kind = K_STR;
	out[n++].value = m->last_run_at;
	out[n].key = "agents";
	out[n].kind = K_BLOCK;
	out[n++].value = m->has_agents ? m->agents_yaml.ptr : NULL;
	out[n].key = "resume_attempts";
	out[n].kind = K_BLOCK;
	out[n++].value = m->has_resumes ? m->resumes_yaml.ptr : NULL;
	return n;
}

static int set_managed(gs_fm *fm, const managed *k)
{
	if (!k->value)
		return gs_fm_remove(fm, k->key);
	if (k->kind == K_RAW)
		return gs_fm_set_raw(fm, k->key, k->value);
	if (k->kind == K_STR)
		return gs_fm_set_str(fm, k->key, k->value);
	return gs_fm_set_block(fm, k->key, k->value);
}

/*
 * Give a version the merged managed values the base has, in place (so
 * their lines read the same in all three versions), and take out the ones
 * new since the base: append_keys puts them back.
 */
static int apply_keys(side *s, const side *base, const merged_keys *m)
{
	managed keys[NCOUNTERS + 4];
	size_t n = managed_keys(keys, m), i;
	int rc;

	for (i = 0; i < n; i++) {
		if (!gs_fm_has(s->fm, keys[i].key))
			continue;
		if (gs_fm_has(base->fm, keys[i].key))
			rc = set_managed(s->fm, &keys[i]);
		else
			rc = gs_fm_remove(s->fm, keys[i].key);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * Append the managed keys new since the base in one fixed order to a side:
 * two clones that added them in different orders (one recorded a run
 * first, the other started an attempt first) then insert the same lines
 * at the same place, which the text merge takes once.
 */
static int append_keys(side *s, const side *base, const merged_keys *m)
{
	managed keys[NCOUNTERS + 4];
	size_t n = managed_keys(keys, m), i;
	int rc;

	for (i = 0; i < n; i++)
		if (keys[i].value && !gs_fm_has(base->fm, keys[i].key) && (rc = set_managed(s->fm, &keys[i])) < 0)
			return rc;
	return 0;
}

/* --- user keys -------------------------------------------------------------- */

static int is_managed(const char *key)
{
	static const char *const others[] = { "last_model", "last_run_at", "agents", "resume_attempts" };
	size_t k;

	for (k = 0; k < NCOUNTERS; k++)
		if (!strcmp(key, counters[k].key))
			return 1;
	for (k = 0; k < sizeof(others) / sizeof(others[0]); k++)
		if (!strcmp(key, others[k]))
			return 1;
	return 0;
}

/* A key's entry in one version; p is NULL when the version lacks the key. */
typedef struct {
	const char *p;
	size_t n;
} entry;

static entry entry_of(const gs_fm *fm, const char *key)
{
	entry e = { NULL, 0 };

	if (gs_fm_has(fm, key) && gs_fm_get_entry(&e.p, &e.n, fm, key) < 0)
		e.p = NULL;
	return e;
}

/* Both absent, or the same bytes up to CRLF against LF. */
static int same_entry(entry a, entry b)
{
	size_t i = 0, j = 0;

	if (!a.p || !b.p)
		return !a.p && !b.p;
	while (i < a.n && j < b.n) {
		if (a.p[i] == '\r' && i + 1 < a.n && a.p[i + 1] == '\n')
			i++;
		if (b.p[j] == '\r' && j + 1 < b.n && b.p[j + 1] == '\n')
			j++;
		if (a.p[i++] != b.p[j++])
			return 0;
	}
	return i == a.n && j == b.n;
}

/* Make `key` read as `want` in fm (absent: removed), when it does not already. */
static int put_entry(gs_fm *fm, const char *key, entry want)
{
	if (same_entry(entry_of(fm, key), want))
		return 0;
	if (!want.p)
		return gs_fm_remove(fm, key);
	return gs_fm_set_entry(fm, key, want.p, want.n);
}

/* Every user key of the three versions once: base's, then ours' new, then theirs' new, in file order. */
static int user_keys(const char ***out, size_t *n, const gs_fm *b, const gs_fm *o, const gs_fm *t)
{
	const gs_fm *v[3] = { b, o, t };
	size_t i, k, cap = gs_fm_key_count(b) + gs_fm_key_count(o) + gs_fm_key_count(t);
	const char **keys = calloc(cap ? cap : 1, sizeof(*keys));

	*out = keys;
	*n = 0;
	if (!keys) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	for (i = 0; i < 3; i++) {
		for (k = 0; k < gs_fm_key_count(v[i]); k++) {
			const char *key = gs_fm_key_at(v[i], k);

			if (!is_managed(key) && (i == 0 || (!gs_fm_has(b, key) && (i == 1 || !gs_fm_has(o, key)))))
				keys[(*n)++] = key;
		}
	}
	return 0;
}

/*
 * Merge the user's keys key by key into the three versions, so that the
 * text merge finds them identical everywhere except where both sides
 * changed a key differently: those lines it leaves as a conflict. A line
 * merge of the whole frontmatter would instead conflict on two different
 * keys on adjacent lines, and on two new keys (`set` appends both at the
 * same place). A resolved key is written with the bytes of the side that
 * changed it; keys new since the base are taken out and appended in one
 * order to all three (ours' new ones, then theirs'). Edits go to copies:
 * when one is refused (say, the sides indent their keys differently), the
 * versions stay as they were and the line merge decides, as it did before.
 */
static int merge_user_keys(side *sb, side *so, side *st)
{
	side *sides[3] = { sb, so, st };
	gs_fm *copy[3] = { NULL, NULL, NULL };
	const char **keys = NULL;
	size_t nkeys = 0, i, v;
	int error = GS_ERROR, rc = 0;

	for (v = 0; v < 3; v++)
		if (gs_fm_dialect_of(sides[v]->fm) != gs_fm_dialect_of(sb->fm) ||
		    gs_fm_dialect_of(sides[v]->fm) == GS_FM_NONE)
			return 0;
	if (user_keys(&keys, &nkeys, sb->fm, so->fm, st->fm) < 0)
		goto done;
	for (v = 0; v < 3; v++) {
		const char *doc;
		size_t len;

		gs_fm_bytes(&doc, &len, sides[v]->fm);
		if ((rc = gs_fm_parse(&copy[v], doc, len, gs_fm_name(sides[v]->fm))) < 0)
			goto refused;
	}
	/* Keys the base has keep their place; new ones go out, to be appended below. */
	for (i = 0; i < nkeys; i++) {
		entry b = entry_of(sb->fm, keys[i]), o = entry_of(so->fm, keys[i]), t = entry_of(st->fm, keys[i]);
		entry want = same_entry(o, t) || same_entry(t, b) ? o : t, none = { NULL, 0 };

		if (!b.p) {
			want = none;
		} else if (!same_entry(o, t) && !same_entry(o, b) && !same_entry(t, b)) {
			continue; /* changed both ways: a real conflict */
		}
		for (v = 0; v < 3; v++)
			if ((rc = put_entry(copy[v], keys[i], want)) < 0)
				goto refused;
	}
	/* New keys: first the resolved ones, in all three; then each side's own of a conflicting one. */
	for (i = 0; i < nkeys; i++) {
		entry o = entry_of(so->fm, keys[i]), t = entry_of(st->fm, keys[i]);

		if (gs_fm_has(sb->fm, keys[i]) || (o.p && t.p && !same_entry(o, t)))
			continue;
		for (v = 0; v < 3; v++)
			if ((rc = put_entry(copy[v], keys[i], o.p ? o : t)) < 0)
				goto refused;
	}
	for (i = 0; i < nkeys; i++) {
		entry o = entry_of(so->fm, keys[i]), t = entry_of(st->fm, keys[i]);

		if (gs_fm_has(sb->fm, keys[i]) || !o.p || !t.p || same_entry(o, t))
			continue;
		if ((rc = put_entry(copy[1], keys[i], o)) < 0 || (rc = put_entry(copy[2], keys[i], t)) < 0)
			goto refused;
	}
	for (v = 0; v < 3; v++) {
		gs_fm_free(sides[v]->fm);
		sides[v]->fm = copy[v];
		copy[v] = NULL;
	}
	error = 0;
	goto done;
refused:
	if (rc == GS_EUSAGE || rc == GS_EPARSE) {
		gs_error_clear();
		error = 0;
	} else {
		error = rc;
	}
done:
	for (v = 0; v < 3; v++)
		gs_fm_free(copy[v]);
	free(keys);
	return error;
}

/* The version as text for git_merge_file: run blocks out. */
static int reduced_text(gs_buf *out, const side *s)
{
	const char *doc, *body;
	size_t dlen, blen, pos, i;

	gs_buf_clear(out);
	gs_fm_bytes(&doc, &dlen, s->fm);
	gs_fm_body(&body, &blen, s->fm);
	if (gs_buf_put(out, doc, dlen - blen) < 0)
		return GS_ERROR;
	for (pos = 0, i = 0; i < s->nblocks; i++) {
		if (gs_buf_put(out, body + pos, s->blocks[i].off - pos) < 0)
			return GS_ERROR;
		pos = s->blocks[i].off + s->blocks[i].len;
	}
	/* Where the runs were, so the union goes back to the same place. */
	if (s->nblocks && gs_buf_printf(out, "%s%s", SENTINEL, gs_fm_eol(s->fm)) < 0)
		return GS_ERROR;
	return gs_buf_put(out, body + pos, blen - pos);
}

/* Whether a version's body has a `## Run stats` heading line. */
static int has_heading(const side *s)
{
	const char *body;
	size_t blen, i = 0;

	gs_fm_body(&body, &blen, s->fm);
	while (i < blen) {
		size_t e = line_end(body, blen, i);

		if (gs_run_is_heading(body + i, e - i))
			return 1;
		i = e;
	}
	return 0;
}

/* Whether the line at [p, p+len) is the sentinel reduced_text put in. */
static int is_sentinel(const char *p, size_t len)
{
	size_t n = strlen(SENTINEL);

	return starts_with(p, len, SENTINEL) && is_blank(p + n, len - n);
}

/*
 * Take out of a side's text a `## Run stats` section that the base has
 * not, when it ends the text and holds nothing but the runs: `record`
 * made it there with the side's first run. Both sides making one is no
 * conflict, but the text merge sees two insertions at the end, next to
 * any edit of the body's last line (a ticked checkbox). place_blocks
 * makes the section anew, where record would.
 */
static void strip_new_section(gs_buf *t)
{
	size_t i = 0, head = SIZE_MAX;

	while (i < t->size) {
		size_t e = line_end(t->ptr, t->size, i);

		if (head == SIZE_MAX) {
			if (gs_run_is_heading(t->ptr + i, e - i))
				head = i;
		} else if (!is_blank(t->ptr + i, e - i) && !is_sentinel(t->ptr + i, e - i)) {
			return; /* the user wrote in it: the text merge decides */
		}
		i = e;
	}
	if (head == SIZE_MAX)
		return;
	if (head > 0) { /* and the blank line record put before it */
		size_t p = head - 1;

		while (p > 0 && t->ptr[p - 1] != '\n')
			p--;
		if (is_blank(t->ptr + p, head - p))
			head = p;
	}
	gs_buf_truncate(t, head);
}

/*
 * Replace the one sentinel line the text merge kept with the blocks. When
 * there is not exactly one (a side dropped all its runs, or the spot is in
 * a conflict), remove them and fall back to the end of `## Run stats`.
 */
static int place_blocks(gs_buf *doc, const char *blocks, size_t len, const char *eol)
{
	size_t at = SIZE_MAX, found = 0, i = 0;

	while (i < doc->size) {
		size_t e = line_end(doc->ptr, doc->size, i);

		if (is_sentinel(doc->ptr + i, e - i)) {
			found++;
			if (gs_buf_splice(doc, i, e - i, NULL, 0) < 0)
				return GS_ERROR;
			at = i;
			continue;
		}
		i = e;
	}
	if (found == 1)
		return gs_buf_splice(doc, at, 0, blocks, len);
	return insert_blocks(doc, blocks, len, eol);
}

static int plain_merge(gs_buf *out, gs_merge_info *info, const char *base, size_t base_len, const char *ours,
		       size_t ours_len, const char *theirs, size_t theirs_len, const gs_merge_opts *opts)
{
	info->plain = 1;
	gs_buf_clear(&info->reason);
	if (gs_buf_puts(&info->reason, gs_error_last()) < 0)
		return GS_ERROR;
	gs_error_clear();
	return gs_merge_text(out, &info->conflict, base, base_len, ours, ours_len, theirs, theirs_len, opts);
}

int gs_merge_issue(gs_buf *out, gs_merge_info *info, const char *base, size_t base_len, const char *ours,
		   size_t ours_len, const char *theirs, size_t theirs_len, const gs_merge_opts *opts)
{
	const char *path = opts && opts->path ? opts->path : "issue";
	side sb, so, st;
	merged_keys m;
	gs_agents agents;
	gs_resumes resumes;
	gs_buf rb = GS_BUF_INIT, ro = GS_BUF_INIT, rt = GS_BUF_INIT, blocks = GS_BUF_INIT;
	int64_t both_added[NCOUNTERS] = { 0 }, both_removed[NCOUNTERS] = { 0 }, c[NCOUNTERS];
	const char *eol;
	size_t i, k;
	int error = GS_ERROR, rc;

	memset(&sb, 0, sizeof(sb));
	memset(&so, 0, sizeof(so));
	memset(&st, 0, sizeof(st));
	memset(&m, 0, sizeof(m));
	for (k = 0; k < NCOUNTERS; k++)
		gs_buf_init(&m.text[k]);
	gs_buf_init(&m.agents_yaml);
	gs_buf_init(&m.resumes_yaml);
	gs_agents_init(&agents);
	gs_resumes_init(&resumes);
	info->conflict = info->plain = 0;
	info->runs = 0;
	gs_buf_clear(&info->reason);
	gs_buf_clear(out);

	if ((rc = side_load(&sb, "base", base, base_len, path)) < 0 ||
	    (rc = side_load(&so, "ours", ours, ours_len, path)) < 0 ||
	    (rc = side_load(&st, "theirs", theirs, theirs_len, path)) < 0) {
		if (rc == GS_EPARSE || rc == GS_ETOOBIG || rc == GS_EOVERFLOW)
			error = plain_merge(out, info, base, base_len, ours, ours_len, theirs, theirs_len, opts);
		else
			error = rc;
		goto done;
	}

	/* Runs both sides added (or both removed) must count once, not twice (or never). */
	for (i = 0; i < so.nblocks; i++) {
		const char *id = so.blocks[i].run.run_id;

		if (find_run(&st, id) && !find_run(&sb, id)) {
			run_contribution(c, &so.blocks[i].run);
			for (k = 0; k < NCOUNTERS; k++)
				both_added[k] += c[k];
		}
	}
	for (i = 0; i < sb.nblocks; i++) {
		const char *id = sb.blocks[i].run.run_id;

		if (id && !find_run(&so, id) && !find_run(&st, id)) {
			run_contribution(c, &sb.blocks[i].run);
			for (k = 0; k < NCOUNTERS; k++)
				both_removed[k] += c[k];
		}
	}
	for (k = 0; k < NCOUNTERS; k++) {
		int64_t v;

		m.has[k] = three_way_has(sb.has[k], so.has[k], st.has[k]);
		if (!m.has[k])
			continue;
		if (__builtin_add_overflow(so.val[k], st.val[k], &v) || __builtin_sub_overflow(v, sb.val[k], &v) ||
		    __builtin_sub_overflow(v, both_added[k], &v) || __builtin_add_overflow(v, both_removed[k], &v)) {
			gs_error_set("%s of '%s': the merged value is larger than 2^63-1", counters[k].key, path);
			error = GS_EOVERFLOW;
			goto done;
		}
		if (v < 0) {
			gs_error_set("%s of '%s': ours + theirs - base is negative", counters[k].key, path);
			error = plain_merge(out, info, base, base_len, ours, ours_len, theirs, theirs_len, opts);
			goto done;
		}
		if ((counters[k].decimal ? format_decimal(&m.text[k], v) : gs_buf_printf(&m.text[k], "%lld", (long long)v)) < 0)
			goto done;
	}
	/* The later run decides last_run_at and last_model. */
	if (three_way_has(!!sb.last_run_at, !!so.last_run_at, !!st.last_run_at)) {
		const side *w = !st.last_run_at || (so.last_run_at && strcmp(so.last_run_at, st.last_run_at) >= 0) ? &so : &st;

		m.last_run_at = w->last_run_at;
		m.last_model = w->last_model ? w->last_model : (w == &so ? st.last_model : so.last_model);
	}
	if (!three_way_has(!!sb.last_model, !!so.last_model, !!st.last_model))
		m.last_model = NULL;

	m.has_agents = three_way_has(sb.has_agents, so.has_agents, st.has_agents);
	if (m.has_agents && (merge_agents(&agents, &sb, &so, &st) < 0 || gs_agents_format(&m.agents_yaml, &agents) < 0))
		goto done;
	m.has_resumes = three_way_has(sb.has_resumes, so.has_resumes, st.has_resumes);
	if (m.has_resumes &&
	    (merge_resumes(&resumes, &sb, &so, &st) < 0 || gs_resumes_format(&m.resumes_yaml, &resumes) < 0))
		goto done;

	/* Run blocks: ours (minus what theirs removed), then theirs' new ones. */
	eol = gs_fm_eol(so.fm);
	for (i = 0; i < so.nblocks; i++) {
		const block *b = &so.blocks[i];
		const char *id = b->run.run_id, *body;
		size_t blen;

		if (find_run(&sb, id) && !find_run(&st, id))
			continue;
		gs_fm_body(&body, &blen, so.fm);
		if (gs_buf_put_eol(&blocks, body + b->off, b->len, eol) < 0)
			goto done;
		info->runs++;
	}
	for (i = 0; i < st.nblocks; i++) {
		const block *b = &st.blocks[i];
		const char *id = b->run.run_id, *body;
		size_t blen;

		if (find_run(&so, id) || find_run(&sb, id))
			continue;
		gs_fm_body(&body, &blen, st.fm);
		if (gs_buf_put_eol(&blocks, body + b->off, b->len, eol) < 0)
			goto done;
		info->runs++;
	}

	/* Merged managed values in place, user keys merged, new managed keys appended. */
	if ((rc = apply_keys(&sb, &sb, &m)) < 0 || (rc = apply_keys(&so, &sb, &m)) < 0 ||
	    (rc = apply_keys(&st, &sb, &m)) < 0 || (rc = merge_user_keys(&sb, &so, &st)) < 0 ||
	    (rc = append_keys(&so, &sb, &m)) < 0 || (rc = append_keys(&st, &sb, &m)) < 0 ||
	    (rc = reduced_text(&rb, &sb)) < 0 || (rc = reduced_text(&ro, &so)) < 0 ||
	    (rc = reduced_text(&rt, &st)) < 0) {
		error = rc;
		goto done;
	}
	if (!sb.nblocks && !has_heading(&sb)) {
		strip_new_section(&ro);
		strip_new_section(&rt);
	}
	if (gs_merge_text(out, &info->conflict, rb.ptr, rb.size, ro.ptr, ro.size, rt.ptr, rt.size, opts) < 0 ||
	    place_blocks(out, blocks.ptr, blocks.size, eol) < 0)
		goto done;

	/* With every input consistent, the result's totals are its blocks' totals. */
	if (!info->conflict && sb.clean && so.clean && st.clean) {
		gs_run_drift *drift = NULL;
		size_t ndrift = 0;
		gs_buf fixed = GS_BUF_INIT;

		rc = gs_run_check(&drift, &ndrift, &fixed, out->ptr, out->size, path);
		if (rc == 0 && ndrift && fixed.size)
			gs_buf_set(out, fixed.ptr, fixed.size);
		gs_run_drift_free(drift, ndrift);
		gs_buf_dispose(&fixed);
		gs_error_clear();
	}
	error = 0;
done:
	side_dispose(&sb);
	side_dispose(&so);
	side_dispose(&st);
	for (k = 0; k < NCOUNTERS; k++)
		gs_buf_dispose(&m.text[k]);
	gs_buf_dispose(&m.agents_yaml);
	gs_buf_dispose(&m.resumes_yaml);
	gs_agents_dispose(&agents);
	gs_resumes_dispose(&resumes);
	gs_buf_dispose(&rb);
	gs_buf_dispose(&ro);
	gs_buf_dispose(&rt);
	gs_buf_dispose(&blocks);
	return error;
}
