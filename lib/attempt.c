/*
 * The attempts model of SPEC §4 as pure functions over the `agents` and
 * `resume_attempts` frontmatter blocks: parse (libyaml, into a small node
 * tree), apply events, recompute derived fields, format deterministically.
 */
#include "gs/attempt.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "gs/time.h"

/* ------------------------------------------------------------------ */
/* A minimal YAML node tree: enough to read our two managed blocks.    */

enum { Y_SCALAR, Y_SEQ, Y_MAP };

typedef struct ynode {
	int type;
	char *str;     /* scalar text */
	int plain;     /* plain (unquoted) scalar: null/bool words apply */
	size_t line;   /* 1-based line in the parsed text */
	struct ynode **kids; /* seq items, or map key,value pairs flattened */
	size_t nkids;
} ynode;

static void ynode_free(ynode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

static int ynode_add(ynode *parent, ynode *kid)
{
	ynode **k = realloc(parent->kids, (parent->nkids + 1) * sizeof(*k));

	if (!k) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	parent->kids = k;
	parent->kids[parent->nkids++] = kid;
	return 0;
}

static char *xstrdup(const char *s)
{
	char *d;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	d = malloc(n + 1);
	if (d)
		memcpy(d, s, n + 1);
	return d;
}

/* Parse one node from the event stream; the first event is already read. */
static int ynode_build(ynode **out, yaml_parser_t *p, yaml_event_t *ev, int depth)
{
	ynode *n = NULL;
	yaml_event_t kid_ev;
	int error = GS_EPARSE;

	*out = NULL;
	if (depth > 64) {
		gs_error_set("nesting deeper than 64 levels");
		return GS_EPARSE;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	n->line = ev->start_mark.line + 1;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->type = Y_SCALAR;
		n->str = malloc(ev->data.scalar.length + 1);
		if (!n->str) {
			gs_error_set("out of memory");
			error = GS_ERROR;
			goto done;
		}
		memcpy(n->str, ev->data.scalar.value, ev->data.scalar.length);
		n->str[ev->data.scalar.length] = '\0';
		if (strlen(n->str) != ev->data.scalar.length) {
			gs_error_set("line %zu: NUL byte in a value", n->line);
			goto done;
		}
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n->type = ev->type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP;
		for (;;) {
			ynode *kid = NULL;
			int rc;

			if (!yaml_parser_parse(p, &kid_ev)) {
				gs_error_set("line %zu: %s", (size_t)p->problem_mark.line + 1,
					     p->problem ? p->problem : "invalid YAML");
				goto done;
			}
			if (kid_ev.type == YAML_SEQUENCE_END_EVENT || kid_ev.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&kid_ev);
				break;
			}
			rc = ynode_build(&kid, p, &kid_ev, depth + 1);
			yaml_event_delete(&kid_ev);
			if (rc < 0) {
				error = rc;
				goto done;
			}
			if (ynode_add(n, kid) < 0) {
				ynode_free(kid);
				error = GS_ERROR;
				goto done;
			}
		}
		break;
	case YAML_ALIAS_EVENT:
		gs_error_set("line %zu: aliases are not supported here", n->line);
		goto done;
	default:
		gs_error_set("line %zu: unexpected YAML event", n->line);
		goto done;
	}
	*out = n;
	n = NULL;
	error = 0;
done:
	ynode_free(n);
	return error;
}

/* Parse `len` bytes preceded by `column` spaces; *out is NULL for an empty document. */
static int ytree_parse(ynode **out, const char *raw, size_t len, size_t column)
{
	yaml_parser_t p;
	yaml_event_t ev;
	gs_buf text = GS_BUF_INIT;
	int error = GS_EPARSE, have_parser = 0, done_doc = 0;

	*out = NULL;
	if (!raw || !len)
		return 0;
	for (size_t i = 0; i < column; i++)
		if (gs_buf_putc(&text, ' ') < 0)
			goto oom;
	if (gs_buf_put(&text, raw, len) < 0)
		goto oom;
	if (!yaml_parser_initialize(&p))
		goto oom;
	have_parser = 1;
	yaml_parser_set_input_string(&p, (const unsigned char *)text.ptr, text.size);
	while (!done_doc) {
		if (!yaml_parser_parse(&p, &ev)) {
			gs_error_set("line %zu: %s", (size_t)p.problem_mark.line + 1,
				     p.problem ? p.problem : "invalid YAML");
			goto done;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done_doc = 1;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_ALIAS_EVENT: {
			int rc = ynode_build(out, &p, &ev, 0);

			if (rc < 0) {
				yaml_event_delete(&ev);
				error = rc;
				goto done;
			}
			done_doc = 1;
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	error = 0;
	goto done;
oom:
	gs_error_set("out of memory");
	error = GS_ERROR;
done:
	if (have_parser)
		yaml_parser_delete(&p);
	gs_buf_dispose(&text);
	return error;
}

static int is_null(const ynode *n)
{
	if (!n)
		return 1;
	if (n->type != Y_SCALAR || !n->plain)
		return 0;
	return !*n->str || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
	       !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

/* ------------------------------------------------------------------ */
/* Typed readers with field paths in their messages.                   */

static int want_i64(int64_t *out, const ynode *n, const char *path)
{
	char *end;
	long long v;

	if (n->type != Y_SCALAR) {
		gs_error_set("%s: expected an integer (line %zu)", path, n->line);
		return GS_EPARSE;
	}
	errno = 0;
	v = strtoll(n->str, &end, 10);
	if (!*n->str || *end || errno == ERANGE || v < 0) {
		gs_error_set("%s: expected a non-negative integer, got '%s' (line %zu)", path, n->str, n->line);
		return GS_EPARSE;
	}
	*out = (int64_t)v;
	return 0;
}

static int want_f64(double *out, const ynode *n, const char *path)
{
	char *end;
	double v;

	if (n->type != Y_SCALAR) {
		gs_error_set("%s: expected a number (line %zu)", path, n->line);
		return GS_EPARSE;
	}
	errno = 0;
	v = strtod(n->str, &end);
	if (!*n->str || *end || errno == ERANGE || !isfinite(v) || v < 0) {
		gs_error_set("%s: expected a non-negative number, got '%s' (line %zu)", path, n->str, n->line);
		return GS_EPARSE;
	}
	*out = v;
	return 0;
}

static int want_bool(int *out, const ynode *n, const char *path)
{
	static const char *yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
	static const char *no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
	size_t i;

	if (n->type == Y_SCALAR && n->plain) {
		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
			if (!strcmp(n->str, yes[i])) {
				*out = 1;
				return 0;
			}
			if (!strcmp(n->str, no[i])) {
				*out = 0;
				return 0;
			}
		}
	}
	gs_error_set("%s: expected true or false, got '%s' (line %zu)", path,
		     n->type == Y_SCALAR ? n->str : "a collection", n->line);
	return GS_EPARSE;
}

static int want_str(char **out, const ynode *n, const char *path)
{
	if (n->type != Y_SCALAR) {
		gs_error_set("%s: expected a string (line %zu)", path, n->line);
		return GS_EPARSE;
	}
	free(*out);
	*out = xstrdup(n->str);
	if (!*out) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Agents.                                                             */

const char *gs_agent_status_name(gs_agent_status s)
{
	switch (s) {
	case GS_AGENT_IN_PROGRESS:
		return "in-progress";
	case GS_AGENT_SUCCESS:
		return "success";
	case GS_AGENT_FAILED:
		return "failed";
	default:
		return "none";
	}
}

static void attempt_init(gs_attempt *t)
{
	memset(t, 0, sizeof(*t));
	t->turns = t->input_tokens = t->output_tokens = -1;
}

static void attempt_dispose(gs_attempt *t)
{
	free(t->timestamp);
	free(t->model);
	free(t->error);
	free(t->checkpoint);
	attempt_init(t);
}

static void agent_dispose(gs_agent *g)
{
	size_t i;

	for (i = 0; i < g->nattempts; i++)
		attempt_dispose(&g->attempts[i]);
	free(g->attempts);
	free(g->name);
	free(g->started_at);
	free(g->model);
	free(g->checkpoint);
	memset(g, 0, sizeof(*g));
}

void gs_agents_init(gs_agents *a)
{
	a->agents = NULL;
	a->n = 0;
}

void gs_agents_dispose(gs_agents *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->n; i++)
		agent_dispose(&a->agents[i]);
	free(a->agents);
	gs_agents_init(a);
}

gs_agent *gs_agents_find(gs_agents *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->agents[i].name, name))
			return &a->agents[i];
	return NULL;
}

gs_agent *gs_agents_add(gs_agents *a, const char *name)
{
	gs_agent *g = realloc(a->agents, (a->n + 1) * sizeof(*g));

	if (!g) {
		gs_error_set("out of memory");
		return NULL;
	}
	a->agents = g;
	g = &a->agents[a->n];
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(name);
	if (!g->name) {
		gs_error_set("out of memory");
		return NULL;
	}
	a->n++;
	return g;
}

gs_attempt *gs_agent_add_attempt(gs_agent *g)
{
	gs_attempt *t = realloc(g->attempts, (g->nattempts + 1) * sizeof(*t));

	if (!t) {
		gs_error_set("out of memory");
		return NULL;
	}
	g->attempts = t;
	t = &g->attempts[g->nattempts++];
	attempt_init(t);
	return t;
}

/* Sums of dollar amounts: round away binary noise (0.1 + 0.2) at 1e-10 $. */
static double money(double v)
{
	return round(v * 1e10) / 1e10;
}

static int set_dup(char **dst, const char *src)
{
	free(*dst);
	*dst = NULL;
	if (!src)
		return 0;
	*dst = xstrdup(src);
	if (!*dst) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	return 0;
}

static void agent_recompute(gs_agent *g)
{
	const gs_attempt *ok = NULL, *last_model = NULL;
	double cost = 0;
	size_t i;

	g->unknown_cost = 0;
	for (i = 0; i < g->nattempts; i++) {
		const gs_attempt *t = &g->attempts[i];

		if (t->has_cost)
			cost += t->cost_usd;
		else
			g->unknown_cost++;
		if (t->success)
			ok = t;
		if (t->model)
			last_model = t;
	}
	g->total_cost_usd = money(cost);
	g->final_duration_ms = ok ? ok->duration_ms : 0;
	free(g->model);
	g->model = NULL;
	if (ok && ok->model)
		g->model = xstrdup(ok->model);
	else if (last_model)
		g->model = xstrdup(last_model->model);
	free(g->checkpoint);
	g->checkpoint = ok && ok->checkpoint ? xstrdup(ok->checkpoint) : NULL;
	if (g->status == GS_AGENT_IN_PROGRESS || g->started_at)
		g->status = GS_AGENT_IN_PROGRESS;
	else if (!g->nattempts)
		g->status = GS_AGENT_NONE;
	else
		g->status = g->attempts[g->nattempts - 1].success ? GS_AGENT_SUCCESS : GS_AGENT_FAILED;
}

void gs_agents_recompute(gs_agents *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		agent_recompute(&a->agents[i]);
}

static int parse_attempt(gs_attempt *t, const ynode *m, const char *path)
{
	gs_buf fp = GS_BUF_INIT;
	size_t i;
	int error = GS_EPARSE;

	if (m->type != Y_MAP) {
		gs_error_set("%s: expected a mapping (line %zu)", path, m->line);
		return GS_EPARSE;
	}
	for (i = 0; i + 1 < m->nkids; i += 2) {
		const ynode *k = m->kids[i], *v = m->kids[i + 1];
		const char *key = k->type == Y_SCALAR ? k->str : "";

		gs_buf_clear(&fp);
		if (gs_buf_printf(&fp, "%s.%s", path, key) < 0) {
			error = GS_ERROR;
			goto done;
		}
		if (is_null(v))
			continue;
		if (!strcmp(key, "attempt_number"))
			error = want_i64(&t->attempt_number, v, fp.ptr);
		else if (!strcmp(key, "duration_ms"))
			error = want_i64(&t->duration_ms, v, fp.ptr);
		else if (!strcmp(key, "cost_usd")) {
			error = want_f64(&t->cost_usd, v, fp.ptr);
			t->has_cost = 1;
		} else if (!strcmp(key, "success"))
			error = want_bool(&t->success, v, fp.ptr);
		else if (!strcmp(key, "timestamp"))
			error = want_str(&t->timestamp, v, fp.ptr);
		else if (!strcmp(key, "model"))
			error = want_str(&t->model, v, fp.ptr);
		else if (!strcmp(key, "error"))
			error = want_str(&t->error, v, fp.ptr);
		else if (!strcmp(key, "checkpoint"))
			error = want_str(&t->checkpoint, v, fp.ptr);
		else if (!strcmp(key, "turns"))
			error = want_i64(&t->turns, v, fp.ptr);
		else if (!strcmp(key, "input_tokens"))
			error = want_i64(&t->input_tokens, v, fp.ptr);
		else if (!strcmp(key, "output_tokens"))
			error = want_i64(&t->output_tokens, v, fp.ptr);
		else
			error = 0; /* unknown keys inside a managed block are dropped */
		if (error < 0)
			goto done;
	}
	error = 0;
done:
	gs_buf_dispose(&fp);
	return error;
}

static int parse_agent(gs_agent *g, const ynode *m, const char *path)
{
	gs_buf fp = GS_BUF_INIT;
	size_t i, j;
	int error = GS_EPARSE;

	if (is_null(m))
		return 0;
	if (m->type != Y_MAP) {
		gs_error_set("%s: expected a mapping (line %zu)", path, m->line);
		return GS_EPARSE;
	}
	for (i = 0; i + 1 < m->nkids; i += 2) {
		const ynode *k = m->kids[i], *v = m->kids[i + 1];
		const char *key = k->type == Y_SCALAR ? k->str : "";

		gs_buf_clear(&fp);
		if (gs_buf_printf(&fp, "%s.%s", path, key) < 0) {
			error = GS_ERROR;
			goto done;
		}
		if (is_null(v))
			continue;
		if (!strcmp(key, "status")) {
			if (v->type == Y_SCALAR && !strcmp(v->str, "in-progress"))
				g->status = GS_AGENT_IN_PROGRESS;
		} else if (!strcmp(key, "started_at")) {
			if ((error = want_str(&g->started_at, v, fp.ptr)) < 0)
				goto done;
		} else if (!strcmp(key, "attempts")) {
			if (v->type != Y_SEQ) {
				gs_error_set("%s: expected a sequence (line %zu)", fp.ptr, v->line);
				error = GS_EPARSE;
				goto done;
			}
			for (j = 0; j < v->nkids; j++) {
				gs_buf ap = GS_BUF_INIT;
				gs_attempt *t = gs_agent_add_attempt(g);

				if (!t || gs_buf_printf(&ap, "%s[%zu]", fp.ptr, j) < 0) {
					gs_buf_dispose(&ap);
					error = GS_ERROR;
					goto done;
				}
				error = parse_attempt(t, v->kids[j], ap.ptr);
				gs_buf_dispose(&ap);
				if (error < 0)
					goto done;
				if (!t->attempt_number)
					t->attempt_number = (int64_t)j + 1;
			}
		}
		/* final_duration_ms, total_cost_usd, model, checkpoint: derived */
	}
	error = 0;
done:
	gs_buf_dispose(&fp);
	return error;
}

int gs_agents_parse(gs_agents *out, const char *raw, size_t len, size_t column)
{
	ynode *root = NULL;
	gs_buf path = GS_BUF_INIT;
	size_t i;
	int error;

	gs_agents_init(out);
	if ((error = ytree_parse(&root, raw, len, column)) < 0) {
		gs_error_prefix("agents");
		goto done;
	}
	if (is_null(root))
		goto done;
	if (root->type != Y_MAP) {
		gs_error_set("agents: expected a mapping of agent names (line %zu)", root->line);
		error = GS_EPARSE;
		goto done;
	}
	for (i = 0; i + 1 < root->nkids; i += 2) {
		const ynode *k = root->kids[i];
		gs_agent *g;

		if (k->type != Y_SCALAR || !*k->str) {
			gs_error_set("agents: agent names must be strings (line %zu)", k->line);
			error = GS_EPARSE;
			goto done;
		}
		/*
		 * Only names our commands could have written: the block must
		 * format back to YAML that parses (libyaml refuses implicit keys
		 * over 1024 characters) and each name must be a ref component.
		 */
		if (gs_agent_name_check(k->str) < 0) {
			gs_error_prefix("agents (line %zu)", k->line);
			error = GS_EPARSE;
			goto done;
		}
		if (gs_agents_find(out, k->str)) {
			gs_error_set("agents: duplicate agent '%s' (line %zu)", k->str, k->line);
			error = GS_EPARSE;
			goto done;
		}
		if (!(g = gs_agents_add(out, k->str))) {
			error = GS_ERROR;
			goto done;
		}
		gs_buf_clear(&path);
		if (gs_buf_printf(&path, "agents.%s", k->str) < 0) {
			error = GS_ERROR;
			goto done;
		}
		if ((error = parse_agent(g, root->kids[i + 1], path.ptr)) < 0)
			goto done;
	}
	gs_agents_recompute(out);
done:
	if (error < 0)
		gs_agents_dispose(out);
	ynode_free(root);
	gs_buf_dispose(&path);
	return error;
}

int gs_agent_name_check(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (!n) {
		gs_error_set("agent name is empty");
		return GS_EUSAGE;
	}
	if (n > 100) {
		gs_error_set("agent name '%.20s...' is longer than 100 bytes", name);
		return GS_EUSAGE;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!(isalnum(c) || c == '.' || c == '_' || c == '-') || c > 127) {
			gs_error_set("invalid agent name '%s': only letters, digits, '.', '_' and '-' are allowed",
				     name);
			return GS_EUSAGE;
		}
	}
	if (name[0] == '.' || name[0] == '-' || strstr(name, "..") || name[n - 1] == '.' ||
	    (n >= 5 && !strcmp(name + n - 5, ".lock"))) {
		gs_error_set("invalid agent name '%s': not usable as a ref name component", name);
		return GS_EUSAGE;
	}
	return 0;
}

static int64_t next_attempt_number(const gs_agent *g)
{
	int64_t max = 0;
	size_t i;

	for (i = 0; i < g->nattempts; i++)
		if (g->attempts[i].attempt_number > max)
			max = g->attempts[i].attempt_number;
	return max + 1;
}

/* Close the running attempt of `g` as a finished attempt with `opts`. */
static int agent_close(gs_agent *g, const gs_attempt_end_opts *opts)
{
	gs_attempt *t;
	int64_t start_ms = 0, duration = opts->duration_ms;
	char ts[GS_TIME_BUFSZ];
	const char *timestamp = g->started_at;

	if (g->started_at && gs_time_parse(&start_ms, g->started_at) < 0) {
		gs_error_prefix("agents.%s.started_at", g->name);
		return GS_EPARSE;
	}
	if (duration < 0) {
		if (!g->started_at) {
			gs_error_set("agent '%s': start time unknown; give --duration-ms", g->name);
			return GS_EUSAGE;
		}
		duration = opts->end_ms - start_ms;
		if (duration < 0) {
			gs_error_set("agent '%s': attempt ends before it started (%s); give --duration-ms",
				     g->name, g->started_at);
			return GS_EUSAGE;
		}
	}
	if (!timestamp) {
		gs_time_format(ts, opts->end_ms - duration, 1);
		timestamp = ts;
	}
	if (!(t = gs_agent_add_attempt(g)))
		return GS_ERROR;
	t->attempt_number = next_attempt_number(g);
	t->duration_ms = duration;
	t->success = opts->success;
	t->has_cost = opts->has_cost;
	t->cost_usd = opts->has_cost ? opts->cost_usd : 0;
	t->turns = opts->turns;
	t->input_tokens = opts->input_tokens;
	t->output_tokens = opts->output_tokens;
	if (set_dup(&t->timestamp, timestamp) < 0 || set_dup(&t->model, opts->model) < 0 ||
	    set_dup(&t->error, opts->success ? NULL : opts->error) < 0 ||
	    set_dup(&t->checkpoint, opts->success ? opts->checkpoint : NULL) < 0)
		return GS_ERROR;
	free(g->started_at);
	g->started_at = NULL;
	g->status = GS_AGENT_NONE;
	agent_recompute(g);
	return 0;
}

int gs_agents_start(gs_agents *a, const char *name, int64_t now_ms, int *abandoned)
{
	gs_agent *g;
	char ts[GS_TIME_BUFSZ];
	int error;

	if (abandoned)
		*abandoned = 0;
	if ((error = gs_agent_name_check(name)) < 0)
		return error;
	g = gs_agents_find(a, name);
	if (!g && !(g = gs_agents_add(a, name)))
		return GS_ERROR;
	if (g->status == GS_AGENT_IN_PROGRESS) {
		gs_attempt_end_opts stale = GS_ATTEMPT_END_OPTS_INIT;
		int64_t start_ms = now_ms;

		/* A crashed attempt never ended: it failed, and took until now. */
		if (g->started_at && gs_time_parse(&start_ms, g->started_at) < 0)
			start_ms = now_ms;
		stale.end_ms = now_ms;
		stale.duration_ms = now_ms > start_ms ? now_ms - start_ms : 0;
		stale.error = "abandoned";
		if ((error = agent_close(g, &stale)) < 0)
			return error;
		if (abandoned)
			*abandoned = 1;
	}
	gs_time_format(ts, now_ms, 1);
	if (set_dup(&g->started_at, ts) < 0)
		return GS_ERROR;
	g->status = GS_AGENT_IN_PROGRESS;
	agent_recompute(g);
	return 0;
}

int gs_agents_end(gs_agents *a, const char *name, const gs_attempt_end_opts *opts)
{
	gs_agent *g = gs_agents_find(a, name);

	if (!g) {
		gs_error_set("unknown agent '%s': no attempt was started", name);
		return GS_ENOTFOUND;
	}
	if (g->status != GS_AGENT_IN_PROGRESS) {
		gs_error_set("agent '%s' has no attempt in progress (run 'git stats attempt start' first)",
			     name);
		return GS_ESTATE;
	}
	if (opts->success && !opts->checkpoint) {
		gs_error_set("agent '%s': a successful attempt needs a checkpoint", name);
		return GS_EUSAGE;
	}
	return agent_close(g, opts);
}

void gs_agents_totals(gs_attempt_totals *out, const gs_agents *a)
{
	double cost = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->agents_total = a->n;
	for (i = 0; i < a->n; i++) {
		const gs_agent *g = &a->agents[i];

		if (g->status != GS_AGENT_SUCCESS)
			continue;
		out->agent_count++;
		out->duration_ms += g->final_duration_ms;
		out->unknown_cost += g->unknown_cost;
		cost += g->total_cost_usd;
	}
	out->cost_usd = money(cost);
}

const char *gs_agents_latest_checkpoint(const gs_agents *a)
{
	const char *best = NULL;
	int64_t best_ms = INT64_MIN;
	size_t i, j;

	for (i = 0; i < a->n; i++) {
		const gs_agent *g = &a->agents[i];

		for (j = 0; j < g->nattempts; j++) {
			const gs_attempt *t = &g->attempts[j];
			int64_t ms = INT64_MIN + 1, end;

			if (!t->success || !t->checkpoint)
				continue;
			if (t->timestamp && gs_time_parse(&ms, t->timestamp) < 0)
				ms = INT64_MIN + 1;
			end = ms > INT64_MAX - t->duration_ms ? ms : ms + t->duration_ms;
			if (end >= best_ms) {
				best_ms = end;
				best = t->checkpoint;
			}
		}
	}
	return best;
}

/* ------------------------------------------------------------------ */
/* Phases.                                                             */

void gs_phases_dispose(gs_phases *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		free(p->phases[i].name);
	free(p->phases);
	p->phases = NULL;
	p->n = 0;
}

int gs_phases_compute(gs_phases *out, const gs_agents *a, gs_phase_lookup_fn lookup, void *payload)
{
	gs_attempt_totals tot;
	size_t i, j;

	out->phases = NULL;
	out->n = 0;
	gs_agents_totals(&tot, a);
	for (i = 0; i < a->n; i++) {
		const gs_agent *g = &a->agents[i];
		const char *name = lookup ? lookup(g->name, payload) : NULL;
		gs_phase *ph = NULL;

		if (!name || !*name)
			name = GS_PHASE_UNASSIGNED;
		for (j = 0; j < out->n; j++)
			if (!strcmp(out->phases[j].name, name))
				ph = &out->phases[j];
		if (!ph) {
			gs_phase *np = realloc(out->phases, (out->n + 1) * sizeof(*np));

			if (!np)
				goto oom;
			out->phases = np;
			ph = &out->phases[out->n];
			memset(ph, 0, sizeof(*ph));
			if (!(ph->name = xstrdup(name)))
				goto oom;
			out->n++;
		}
		if (g->status != GS_AGENT_SUCCESS)
			continue;
		ph->agent_count++;
		ph->duration_ms += g->final_duration_ms;
		ph->unknown_cost += g->unknown_cost;
		ph->cost_usd = money(ph->cost_usd + g->total_cost_usd);
	}
	for (j = 0; j < out->n; j++) {
		gs_phase *ph = &out->phases[j];

		ph->duration_percentage =
			tot.duration_ms > 0 ? round((double)ph->duration_ms * 10000.0 / (double)tot.duration_ms) / 100.0
					    : 0.0;
	}
	return 0;
oom:
	gs_error_set("out of memory");
	gs_phases_dispose(out);
	return GS_ERROR;
}

/* ------------------------------------------------------------------ */
/* Resume records.                                                     */

void gs_resumes_init(gs_resumes *r)
{
	r->recs = NULL;
	r->n = 0;
}

static void resume_dispose(gs_resume_rec *rec)
{
	size_t i;

	free(rec->workflow_id);
	free(rec->timestamp);
	for (i = 0; i < rec->nterminated; i++)
		free(rec->terminated[i]);
	free(rec->terminated);
	free(rec->checkpoint);
	memset(rec, 0, sizeof(*rec));
}

void gs_resumes_dispose(gs_resumes *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		resume_dispose(&r->recs[i]);
	free(r->recs);
	gs_resumes_init(r);
}

static int add_terminated(gs_resume_rec *rec, const char *id)
{
	char **t = realloc(rec->terminated, (rec->nterminated + 1) * sizeof(*t));

	if (!t) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	rec->terminated = t;
	if (!(t[rec->nterminated] = xstrdup(id))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	rec->nterminated++;
	return 0;
}

static gs_resume_rec *resumes_add(gs_resumes *r)
{
	gs_resume_rec *n = realloc(r->recs, (r->n + 1) * sizeof(*n));

	if (!n) {
		gs_error_set("out of memory");
		return NULL;
	}
	r->recs = n;
	n = &r->recs[r->n++];
	memset(n, 0, sizeof(*n));
	return n;
}

int gs_resumes_parse(gs_resumes *out, const char *raw, size_t len, size_t column)
{
	ynode *root = NULL;
	gs_buf fp = GS_BUF_INIT;
	size_t i, j, k;
	int error;

	gs_resumes_init(out);
	if ((error = ytree_parse(&root, raw, len, column)) < 0) {
		gs_error_prefix("resume_attempts");
		goto done;
	}
	if (is_null(root))
		goto done;
	error = GS_EPARSE;
	if (root->type != Y_SEQ) {
		gs_error_set("resume_attempts: expected a sequence (line %zu)", root->line);
		goto done;
	}
	for (i = 0; i < root->nkids; i++) {
		const ynode *m = root->kids[i];
		gs_resume_rec *rec = resumes_add(out);

		if (!rec) {
			error = GS_ERROR;
			goto done;
		}
		if (m->type != Y_MAP) {
			gs_error_set("resume_attempts[%zu]: expected a mapping (line %zu)", i, m->line);
			goto done;
		}
		for (j = 0; j + 1 < m->nkids; j += 2) {
			const ynode *kn = m->kids[j], *v = m->kids[j + 1];
			const char *key = kn->type == Y_SCALAR ? kn->str : "";

			gs_buf_clear(&fp);
			if (gs_buf_printf(&fp, "resume_attempts[%zu].%s", i, key) < 0) {
				error = GS_ERROR;
				goto done;
			}
			if (is_null(v))
				continue;
			if (!strcmp(key, "workflow_id"))
				error = want_str(&rec->workflow_id, v, fp.ptr);
			else if (!strcmp(key, "timestamp"))
				error = want_str(&rec->timestamp, v, fp.ptr);
			else if (!strcmp(key, "resumed_from_checkpoint"))
				error = want_str(&rec->checkpoint, v, fp.ptr);
			else if (!strcmp(key, "terminated_previous")) {
				error = 0;
				if (v->type == Y_SCALAR) {
					error = add_terminated(rec, v->str);
				} else if (v->type == Y_SEQ) {
					for (k = 0; k < v->nkids && error >= 0; k++) {
						if (v->kids[k]->type != Y_SCALAR) {
							gs_error_set("%s: expected workflow ids (line %zu)", fp.ptr,
								     v->kids[k]->line);
							error = GS_EPARSE;
						} else {
							error = add_terminated(rec, v->kids[k]->str);
						}
					}
				} else {
					gs_error_set("%s: expected a sequence (line %zu)", fp.ptr, v->line);
					error = GS_EPARSE;
				}
			} else
				error = 0;
			if (error < 0)
				goto done;
		}
	}
	error = 0;
done:
	if (error < 0)
		gs_resumes_dispose(out);
	ynode_free(root);
	gs_buf_dispose(&fp);
	return error;
}

int gs_resumes_append(gs_resumes *r, const char *workflow_id, const char *timestamp,
		      const char *const *terminated, size_t nterminated, const char *checkpoint)
{
	gs_resume_rec *rec = resumes_add(r);
	size_t i;

	if (!rec)
		return GS_ERROR;
	if (set_dup(&rec->workflow_id, workflow_id) < 0 || set_dup(&rec->timestamp, timestamp) < 0 ||
	    set_dup(&rec->checkpoint, checkpoint) < 0)
		return GS_ERROR;
	for (i = 0; i < nterminated; i++)
		if (add_terminated(rec, terminated[i]) < 0)
			return GS_ERROR;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Formatting.                                                         */

int gs_attempt_format_number(gs_buf *out, double v)
{
	char tmp[64];
	int prec;

	if (!isfinite(v)) {
		gs_error_set("cannot format a non-finite number");
		return GS_ERROR;
	}
	if (v == 0)
		return gs_buf_puts(out, "0");
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* Exponent forms are not numbers to every YAML 1.1 reader: go fixed. */
	if (strchr(tmp, 'e') && fabs(v) < 1e15) {
		for (prec = 1; prec <= 30; prec++) {
			snprintf(tmp, sizeof(tmp), "%.*f", prec, v);
			if (strtod(tmp, NULL) == v)
				break;
		}
	}
	return gs_buf_puts(out, tmp);
}

static int looks_special(const char *s)
{
	static const char *words[] = { "null", "true", "false", "yes", "no", "on", "off", "y", "n", "~" };
	char *end;
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return 1;
	errno = 0;
	(void)strtod(s, &end);
	if (!*end)
		return 1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b'))
		return 1;
	for (i = 0; s[i]; i++)
		if (isalpha((unsigned char)s[i]))
			return 0;
	return 1; /* digits and punctuation only: maybe a YAML 1.1 number */
}

/* A scalar as YAML: plain when every reader gets the same string back. */
static int put_scalar(gs_buf *out, const char *s)
{
	size_t i;
	int plain = *s && (isalnum((unsigned char)s[0]) || s[0] == '_' || s[0] == '/');

	for (i = 0; plain && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Inner spaces are fine in a block scalar; ": " and " #" are not. */
		if (c == ' ' && s[i + 1] && s[i + 1] != ' ' && s[i + 1] != '#' && s[i - 1] != ':')
			continue;
		if (!(isalnum(c) || strchr("._-/+:@", c)) || c > 127)
			plain = 0;
	}
	if (plain && s[strlen(s) - 1] == ':')
		plain = 0;
	if (plain && !looks_special(s))
		return gs_buf_puts(out, s);
	if (gs_buf_putc(out, '"') < 0)
		return GS_ERROR;
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		int rc;

		if (c == '"' || c == '\\')
			rc = gs_buf_printf(out, "\\%c", c);
		else if (c == '\n')
			rc = gs_buf_puts(out, "\\n");
		else if (c == '\t')
			rc = gs_buf_puts(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			rc = gs_buf_printf(out, "\\x%02x", c);
		else
			rc = gs_buf_putc(out, (char)c);
		if (rc < 0)
			return GS_ERROR;
	}
	return gs_buf_putc(out, '"');
}

static int put_kv_str(gs_buf *out, const char *indent, const char *key, const char *val)
{
	if (gs_buf_printf(out, "%s%s: ", indent, key) < 0 || put_scalar(out, val) < 0)
		return GS_ERROR;
	return gs_buf_putc(out, '\n');
}

static int put_kv_num(gs_buf *out, const char *indent, const char *key, double v)
{
	if (gs_buf_printf(out, "%s%s: ", indent, key) < 0 || gs_attempt_format_number(out, v) < 0)
		return GS_ERROR;
	return gs_buf_putc(out, '\n');
}

int gs_agents_format(gs_buf *out, const gs_agents *a)
{
	size_t i, j;

	if (!a->n)
		return gs_buf_puts(out, "{}\n");
	for (i = 0; i < a->n; i++) {
		const gs_agent *g = &a->agents[i];

		if (put_scalar(out, g->name) < 0 || gs_buf_puts(out, ":\n") < 0)
			return GS_ERROR;
		if (put_kv_str(out, "  ", "status", gs_agent_status_name(g->status)) < 0)
			return GS_ERROR;
		if (g->started_at && put_kv_str(out, "  ", "started_at", g->started_at) < 0)
			return GS_ERROR;
		if (gs_buf_puts(out, g->nattempts ? "  attempts:\n" : "  attempts: []\n") < 0)
			return GS_ERROR;
		for (j = 0; j < g->nattempts; j++) {
			const gs_attempt *t = &g->attempts[j];
			const char *in = "      ";

			if (gs_buf_printf(out, "    - attempt_number: %lld\n", (long long)t->attempt_number) < 0 ||
			    gs_buf_printf(out, "%sduration_ms: %lld\n", in, (long long)t->duration_ms) < 0 ||
			    (t->has_cost && put_kv_num(out, in, "cost_usd", t->cost_usd) < 0) ||
			    gs_buf_printf(out, "%ssuccess: %s\n", in, t->success ? "true" : "false") < 0 ||
			    (t->timestamp && put_kv_str(out, in, "timestamp", t->timestamp) < 0) ||
			    (t->model && put_kv_str(out, in, "model", t->model) < 0) ||
			    (t->error && put_kv_str(out, in, "error", t->error) < 0) ||
			    (t->checkpoint && put_kv_str(out, in, "checkpoint", t->checkpoint) < 0) ||
			    (t->turns >= 0 && gs_buf_printf(out, "%sturns: %lld\n", in, (long long)t->turns) < 0) ||
			    (t->input_tokens >= 0 &&
			     gs_buf_printf(out, "%sinput_tokens: %lld\n", in, (long long)t->input_tokens) < 0) ||
			    (t->output_tokens >= 0 &&
			     gs_buf_printf(out, "%soutput_tokens: %lld\n", in, (long long)t->output_tokens) < 0))
				return GS_ERROR;
		}
		if (gs_buf_printf(out, "  final_duration_ms: %lld\n", (long long)g->final_duration_ms) < 0 ||
		    put_kv_num(out, "  ", "total_cost_usd", g->total_cost_usd) < 0 ||
		    (g->model && put_kv_str(out, "  ", "model", g->model) < 0) ||
		    (g->checkpoint && put_kv_str(out, "  ", "checkpoint", g->checkpoint) < 0))
			return GS_ERROR;
	}
	return 0;
}

int gs_resumes_format(gs_buf *out, const gs_resumes *r)
{
	size_t i, j;

	if (!r->n)
		return gs_buf_puts(out, "[]\n");
	for (i = 0; i < r->n; i++) {
		const gs_resume_rec *rec = &r->recs[i];

		if (gs_buf_puts(out, "- workflow_id: ") < 0 || put_scalar(out, rec->workflow_id ? rec->workflow_id : "") < 0 ||
		    gs_buf_putc(out, '\n') < 0)
			return GS_ERROR;
		if (rec->timestamp && put_kv_str(out, "  ", "timestamp", rec->timestamp) < 0)
			return GS_ERROR;
		if (gs_buf_puts(out, rec->nterminated ? "  terminated_previous:\n" : "  terminated_previous: []\n") < 0)
			return GS_ERROR;
		for (j = 0; j < rec->nterminated; j++)
			if (gs_buf_puts(out, "    - ") < 0 || put_scalar(out, rec->terminated[j]) < 0 ||
			    gs_buf_putc(out, '\n') < 0)
				return GS_ERROR;
		if (rec->checkpoint) {
			if (put_kv_str(out, "  ", "resumed_from_checkpoint", rec->checkpoint) < 0)
				return GS_ERROR;
		} else if (gs_buf_puts(out, "  resumed_from_checkpoint: null\n") < 0) {
			return GS_ERROR;
		}
	}
	return 0;
}
