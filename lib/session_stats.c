/*
 * Readers over many sessions: per-model statistics from run.summary
 * events, routing (requests vs overrides), and the redacted export.
 */
#include "session_priv.h"

#include <stdlib.h>
#include <string.h>

/* Keep a session only when it matches a spec (resolved), or all. */
static int session_ids(char ***ids, size_t *n, const char *dir, const char *spec)
{
	char id[GS_SESSION_ID_BUFSZ];
	int error;

	if (!spec)
		return gs_session__ids(ids, n, dir);
	if ((error = gs_session_resolve(id, dir, spec)) < 0)
		return error;
	*ids = malloc(sizeof(**ids));
	if (!*ids || !((*ids)[0] = strdup(id))) {
		free(*ids);
		*ids = NULL;
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	*n = 1;
	return 0;
}

/* ---- models ----------------------------------------------------------------- */

struct models_ctx {
	gs_session_models *out;
	size_t alloc;
	const char *want_hash;
	const char *session_hash;
	int failed;
};

static gs_session_model_stats *model_slot(struct models_ctx *c, const char *name)
{
	gs_session_models *m = c->out;
	size_t i;

	for (i = 0; i < m->count; i++)
		if (!strcmp(m->models[i].model, name))
			return &m->models[i];
	if (m->count == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 16;
		gs_session_model_stats *grown = realloc(m->models, na * sizeof(*grown));

		if (!grown)
			return NULL;
		m->models = grown;
		c->alloc = na;
	}
	memset(&m->models[m->count], 0, sizeof(m->models[0]));
	if (!(m->models[m->count].model = strdup(name)))
		return NULL;
	return &m->models[m->count++];
}

static int64_t num_i64(const cJSON *obj, const char *key)
{
	double v = gs_session__num(obj, key);

	return v >= 9.2e18 ? INT64_MAX : v > 0 ? (int64_t)v : 0;
}

static int models_cb(const gs_session_event *ev, void *payload)
{
	struct models_ctx *c = payload;
	const cJSON *models = cJSON_GetObjectItemCaseSensitive(ev->data, "models"), *m, *prev;
	const cJSON *results = cJSON_GetObjectItemCaseSensitive(ev->data, "results");
	const char *selected = gs_session__str(ev->data, "selected");
	const char *rating = gs_session__str(ev->data, "rating");
	const char *type = gs_session__str(ev->data, "type");
	const char *hash = gs_session__str(ev->data, "config_hash");

	if (type && !strcmp(type, "rewind")) {
		c->out->rewinds++;
		return 0;
	}
	if (!hash)
		hash = c->session_hash;
	if (c->want_hash && (!hash || strcmp(hash, c->want_hash)))
		return 0;
	c->out->runs++;
	cJSON_ArrayForEach(m, models) {
		gs_session_model_stats *s;
		const cJSON *r, *v;
		int dup = 0;

		if (!cJSON_IsString(m) || !*m->valuestring)
			continue;
		/* A model listed twice in one run participates once. */
		for (prev = models->child; prev != m; prev = prev->next)
			if (cJSON_IsString(prev) && !strcmp(prev->valuestring, m->valuestring))
				dup = 1;
		if (dup)
			continue;
		if (!(s = model_slot(c, m->valuestring))) {
			gs_error_set("out of memory");
			c->failed = 1;
			return GS_ERROR;
		}
		s->participations++;
		if (selected && !strcmp(selected, m->valuestring)) {
			s->wins++;
			if (rating && !strcmp(rating, "down"))
				s->thumbs_down++;
		} else if (selected) {
			s->losses++;
		}
		r = cJSON_GetObjectItemCaseSensitive(results, m->valuestring);
		if (!cJSON_IsObject(r))
			continue;
		v = cJSON_GetObjectItemCaseSensitive(r, "latency_ms");
		if (cJSON_IsNumber(v) && v->valuedouble >= 0) {
			s->latency_count++;
			s->latency_ms_sum += v->valuedouble;
		}
		v = cJSON_GetObjectItemCaseSensitive(r, "cost_usd");
		if (cJSON_IsNumber(v) && v->valuedouble >= 0) {
			s->cost_count++;
			s->cost_usd += v->valuedouble;
		}
		s->input_tokens += num_i64(r, "input_tokens");
		s->output_tokens += num_i64(r, "output_tokens");
		s->tool_calls += num_i64(r, "tool_calls");
		s->proposed_writes += num_i64(r, "proposed_writes");
	}
	return 0;
}

static int cmp_models(const void *a, const void *b)
{
	const gs_session_model_stats *x = a, *y = b;

	if (x->participations != y->participations)
		return x->participations > y->participations ? -1 : 1;
	return strcmp(x->model, y->model);
}

void gs_session_models_dispose(gs_session_models *m)
{
	size_t i;

	for (i = 0; i < m->count; i++)
		free(m->models[i].model);
	free(m->models);
	memset(m, 0, sizeof(*m));
}

int gs_session_models_compute(gs_session_models *out, const char *sessions_dir,
			      const gs_session_models_opts *opts, gs_session_warn_cb warn,
			      void *wpayload)
{
	struct models_ctx c;
	char **ids = NULL;
	size_t n = 0, i;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.want_hash = opts ? opts->config_hash : NULL;
	if ((error = session_ids(&ids, &n, sessions_dir, opts ? opts->session : NULL)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		cJSON *meta = NULL;

		c.session_hash = NULL;
		if (c.want_hash) {
			if ((error = gs_session_metadata_load(&meta, sessions_dir, ids[i])) < 0)
				goto done;
			c.session_hash = gs_session__str(meta, "config_hash");
		}
		error = gs_session_read(sessions_dir, ids[i], GS_SESSION_EV_MASK(GS_SESSION_EV_RUN_SUMMARY),
					models_cb, &c, warn, wpayload);
		cJSON_Delete(meta);
		if (error < 0)
			goto done;
	}
	if (out->count > 1)
		qsort(out->models, out->count, sizeof(out->models[0]), cmp_models);
	error = 0;
done:
	if (error < 0)
		gs_session_models_dispose(out);
	gs_session__ids_free(ids, n);
	return error;
}

/* ---- routing ---------------------------------------------------------------- */

struct routing_ctx {
	gs_session_routing *out;
	size_t alloc;
	const gs_window *window;
};

static gs_session_routing_row *routing_slot(struct routing_ctx *c, const char *name)
{
	gs_session_routing *r = c->out;
	size_t i;

	for (i = 0; i < r->count; i++)
		if (!strcmp(r->rows[i].model, name))
			return &r->rows[i];
	if (r->count == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 16;
		gs_session_routing_row *grown = realloc(r->rows, na * sizeof(*grown));

		if (!grown)
			return NULL;
		r->rows = grown;
		c->alloc = na;
	}
	memset(&r->rows[r->count], 0, sizeof(r->rows[0]));
	if (!(r->rows[r->count].model = strdup(name)))
		return NULL;
	return &r->rows[r->count++];
}

static int routing_cb(const gs_session_event *ev, void *payload)
{
	struct routing_ctx *c = payload;
	const char *model;
	gs_session_routing_row *row;

	if (c->window && !gs_window_contains(c->window, ev->ts_ms))
		return 0;
	if (ev->type == GS_SESSION_EV_REQUEST)
		model = gs_session__str(ev->data, "model");
	else
		model = gs_session__str(ev->data, "from");
	if (!(row = routing_slot(c, model && *model ? model : "(none)"))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	if (ev->type == GS_SESSION_EV_REQUEST) {
		row->requests++;
		c->out->requests++;
	} else {
		row->overrides++;
		c->out->overrides++;
	}
	return 0;
}

static int cmp_routing(const void *a, const void *b)
{
	const gs_session_routing_row *x = a, *y = b;

	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	return strcmp(x->model, y->model);
}

void gs_session_routing_dispose(gs_session_routing *r)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		free(r->rows[i].model);
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

int gs_session_routing_compute(gs_session_routing *out, const char *sessions_dir,
			       const gs_window *window, gs_session_warn_cb warn, void *wpayload)
{
	struct routing_ctx c;
	char **ids = NULL;
	size_t n = 0, i;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.window = window;
	if ((error = gs_session__ids(&ids, &n, sessions_dir)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		error = gs_session_read(sessions_dir, ids[i],
					GS_SESSION_EV_MASK(GS_SESSION_EV_REQUEST) |
						GS_SESSION_EV_MASK(GS_SESSION_EV_OVERRIDE),
					routing_cb, &c, warn, wpayload);
		if (error < 0)
			goto done;
	}
	if (out->count > 1)
		qsort(out->rows, out->count, sizeof(out->rows[0]), cmp_routing);
	error = 0;
done:
	if (error < 0)
		gs_session_routing_dispose(out);
	gs_session__ids_free(ids, n);
	return error;
}

/* ---- export ----------------------------------------------------------------- */

#define EXPORT_PREVIEW_CHARS 120

/* Fields holding conversation text or tool payloads: shown as a preview. */
static int is_text_field(const char *key)
{
	static const char *const keys[] = { "prompt", "messages", "content", "text", "output",
					    "input", "completion", "response", "system", "result",
					    "stdout", "stderr", "arguments", "args", "diff" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}

/* Fields whose whole value is a credential, whatever it looks like. */
static int is_secret_field(const char *key)
{
	static const char *const keys[] = { "api_key", "apikey", "api-key", "x-api-key",
					    "authorization", "password", "secret", "token",
					    "access_token", "refresh_token", "client_secret",
					    "private_key" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}

static cJSON *redacted_string(const char *s, size_t len, int preview)
{
	gs_buf b = GS_BUF_INIT;
	cJSON *out = NULL;

	if ((preview ? gs_session_preview(&b, s, len, EXPORT_PREVIEW_CHARS)
		     : gs_session_redact(&b, s, len, NULL)) == 0)
		out = cJSON_CreateString(b.ptr);
	gs_buf_dispose(&b);
	return out;
}

/* A redacted deep copy of `v`. */
static cJSON *redact_value(const cJSON *v, const char *key)
{
	cJSON *out, *c;
	const cJSON *child;

	if (key && is_secret_field(key) && cJSON_IsString(v))
		return cJSON_CreateString("[REDACTED]");
	if (key && is_text_field(key) && !cJSON_IsNull(v)) {
		char *text;

		if (cJSON_IsString(v))
			return redacted_string(v->valuestring, strlen(v->valuestring), 1);
		if (!(text = cJSON_PrintUnformatted(v)))
			return NULL;
		out = redacted_string(text, strlen(text), 1);
		free(text);
		return out;
	}
	if (cJSON_IsString(v))
		return redacted_string(v->valuestring, strlen(v->valuestring), 0);
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		out = cJSON_IsObject(v) ? cJSON_CreateObject() : cJSON_CreateArray();
		if (!out)
			return NULL;
		cJSON_ArrayForEach(child, v) {
			if (!(c = redact_value(child, cJSON_IsObject(v) ? child->string : key))) {
				cJSON_Delete(out);
				return NULL;
			}
			if (cJSON_IsObject(v))
				cJSON_AddItemToObject(out, child->string, c);
			else
				cJSON_AddItemToArray(out, c);
		}
		return out;
	}
	return cJSON_Duplicate(v, 1);
}

struct export_ctx {
	cJSON *events;
	const gs_window *window;
};

static int export_cb(const gs_session_event *ev, void *payload)
{
	struct export_ctx *c = payload;
	char ts[GS_TIME_BUFSZ];
	cJSON *e, *d;

	if (c->window && !gs_window_contains(c->window, ev->ts_ms))
		return 0;
	gs_time_format(ts, ev->ts_ms, 1);
	if (!(e = cJSON_CreateObject()) || !(d = redact_value(ev->data, NULL))) {
		cJSON_Delete(e);
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	cJSON_AddNumberToObject(e, "seq", (double)ev->seq);
	cJSON_AddStringToObject(e, "type", gs_session_event_type_name(ev->type));
	cJSON_AddStringToObject(e, "ts", ts);
	cJSON_AddItemToObject(e, "data", d);
	cJSON_AddItemToArray(c->events, e);
	return 0;
}

static int64_t meta_time(const cJSON *m, const char *key)
{
	const char *s = gs_session__str(m, key);
	int64_t ms;

	return s && gs_time_parse(&ms, s) == 0 ? ms : -1;
}

int gs_session_export(cJSON **out, const char *sessions_dir, const gs_window *window,
		      gs_session_warn_cb warn, void *wpayload)
{
	cJSON *root = cJSON_CreateObject(), *sessions;
	char **ids = NULL;
	size_t n = 0, i;
	int error = GS_ERROR;

	*out = NULL;
	if (!root)
		goto oom;
	cJSON_AddStringToObject(root, "window", window ? window->spec : "all");
	if (!(sessions = cJSON_AddArrayToObject(root, "sessions")))
		goto oom;
	if ((error = gs_session__ids(&ids, &n, sessions_dir)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		cJSON *meta = NULL, *s, *rm;
		struct export_ctx c;
		int64_t first, last;

		if ((error = gs_session_metadata_load(&meta, sessions_dir, ids[i])) < 0)
			goto done;
		first = meta_time(meta, "created_at");
		last = meta_time(meta, "last_active_at");
		/* Activity [created, last active] must meet the window. */
		if (window && (last < window->start_ms || first >= window->end_ms)) {
			cJSON_Delete(meta);
			continue;
		}
		rm = redact_value(meta, NULL);
		cJSON_Delete(meta);
		if (!rm || !(s = cJSON_CreateObject())) {
			cJSON_Delete(rm);
			goto oom;
		}
		cJSON_AddItemToArray(sessions, s);
		cJSON_AddItemToObject(s, "metadata", rm);
		c.events = cJSON_AddArrayToObject(s, "events");
		c.window = window;
		if (!c.events)
			goto oom;
		error = gs_session_read(sessions_dir, ids[i], GS_SESSION_EV_ALL, export_cb, &c, warn,
					wpayload);
		if (error < 0)
			goto done;
	}
	*out = root;
	root = NULL;
	error = 0;
	goto done;
oom:
	gs_error_set("out of memory");
	error = GS_ERROR;
done:
	cJSON_Delete(root);
	gs_session__ids_free(ids, n);
	return error;
}
