/*
 * Session storage: one directory per session under $GIT_DIR/stats/sessions
 * with an append-only events.jsonl (the source of truth) and metadata.json
 * (a summary of the log, so listings and reports never read whole logs).
 */
#include "session_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define META_LIMIT (64u * 1024 * 1024)
#define PREVIEW_CHARS 80
#define READ_CHUNK (1u << 20)

static const char *const type_names[GS_SESSION_EV__COUNT] = {
	"session.start", "llm.request", "llm.response", "tool.call",
	"session.end",   "override",    "run.summary",
};

int gs_session_event_type_parse(const char *name)
{
	int i;

	for (i = 0; i < GS_SESSION_EV__COUNT; i++)
		if (!strcmp(name, type_names[i]))
			return i;
	return -1;
}

const char *gs_session_event_type_name(gs_session_event_type type)
{
	return (unsigned)type < GS_SESSION_EV__COUNT ? type_names[type] : "?";
}

const char *gs_session_event_type_list(void)
{
	return "session.start, llm.request, llm.response, tool.call, session.end, override, "
	       "run.summary";
}

double gs_session__num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : 0;
}

const char *gs_session__str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- locating sessions ---------------------------------------------------- */

int gs_session_dir_discover(gs_buf *out, const char *path)
{
	git_repository *repo = NULL;
	const char *common;
	int error = GS_ERROR;

	git_libgit2_init();
	/* FROM_ENV: GIT_DIR, GIT_CEILING_DIRECTORIES etc. as git itself. */
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
		const git_error *e = git_error_last();

		gs_error_set("not a git repository: %s", e && e->message ? e->message : "not found");
		error = GS_ENOTFOUND;
		goto done;
	}
	/* The common dir, as `git rev-parse --git-path stats` gives it: all
	 * worktrees of a repository share their sessions. */
	common = git_repository_commondir(repo);
	if (gs_buf_puts(out, common) < 0 ||
	    gs_buf_puts(out, common[strlen(common) - 1] == '/' ? "" : "/") < 0 ||
	    gs_buf_puts(out, "stats/sessions") < 0)
		goto done;
	error = 0;
done:
	git_repository_free(repo);
	git_libgit2_shutdown();
	return error;
}

void gs_session__ids_free(char **ids, size_t count)
{
	gs_file_names_free(ids, count);
}

int gs_session__ids(char ***out, size_t *out_count, const char *sessions_dir)
{
	return gs_file_list_dir(out, out_count, sessions_dir, gs_session_id_valid);
}

static int valid_prefix(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || *s == '-'))
			return 0;
	return 1;
}

int gs_session_resolve(char out[GS_SESSION_ID_BUFSZ], const char *sessions_dir, const char *spec)
{
	gs_buf want = GS_BUF_INIT, list = GS_BUF_INIT;
	char **ids = NULL;
	size_t n = 0, i, matches = 0, match = 0;
	int error = GS_ERROR;

	if (!spec || !*spec) {
		gs_error_set("empty session id");
		return GS_EUSAGE;
	}
	if (strcmp(spec, "latest") &&
	    !(valid_prefix(strncmp(spec, "ses_", 4) ? spec : spec + 4) && strlen(spec) <= 40)) {
		gs_error_set("'%s' is not a session id (ses_<uuid>, a prefix of one, or 'latest')",
			     spec);
		return GS_EUSAGE;
	}
	if (gs_session__ids(&ids, &n, sessions_dir) < 0)
		goto done;
	if (!strcmp(spec, "latest")) {
		if (!n) {
			gs_error_set("no sessions yet in '%s'", sessions_dir);
			error = GS_ENOTFOUND;
			goto done;
		}
		memcpy(out, ids[n - 1], GS_SESSION_ID_BUFSZ);
		error = 0;
		goto done;
	}
	if ((strncmp(spec, "ses_", 4) && gs_buf_puts(&want, "ses_") < 0) ||
	    gs_buf_puts(&want, spec) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (strncmp(ids[i], want.ptr, want.size))
			continue;
		if (!strcmp(ids[i], want.ptr)) { /* an exact id wins over longer ones */
			matches = 1;
			match = i;
			break;
		}
		if (matches < 8 && gs_buf_printf(&list, "%s%s", matches ? ", " : "", ids[i]) < 0)
			goto done;
		matches++;
		match = i;
	}
	if (!matches) {
		gs_error_set("unknown session '%s'", spec);
		error = GS_ENOTFOUND;
		goto done;
	}
	if (matches > 1) {
		gs_error_set("ambiguous session '%s' matches %zu sessions: %s%s", spec, matches,
			     list.ptr, matches > 8 ? ", ..." : "");
		error = GS_EAMBIGUOUS;
		goto done;
	}
	memcpy(out, ids[match], GS_SESSION_ID_BUFSZ);
	error = 0;
done:
	gs_session__ids_free(ids, n);
	gs_buf_dispose(&want);
	gs_buf_dispose(&list);
	return error;
}

static int session_path(gs_buf *out, const char *sessions_dir, const char *id, const char *file)
{
	gs_buf_clear(out);
	return gs_buf_printf(out, "%s/%s%s%s", sessions_dir, id, file ? "/" : "", file ? file : "");
}

/*
 * Replace `path` atomically (temporary file + rename), mode 0600. Unlike
 * gs_file_write_atomic there is no fsync: metadata is a cache of the log
 * (see meta_refresh), so losing its latest version costs only a re-read.
 */
static int write_replace(const char *path, const char *data, size_t len)
{
	gs_buf tmp = GS_BUF_INIT;
	int fd = -1, error = GS_ERROR;

	if (gs_buf_printf(&tmp, "%s.tmp-XXXXXX", path) < 0)
		goto done;
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		gs_error_set("cannot create '%s': %s", tmp.ptr, strerror(errno));
		gs_buf_clear(&tmp);
		goto done;
	}
	if (fchmod(fd, 0600) < 0 || gs_file_write_all(fd, data, len) < 0)
		goto io;
	if (close(fd) < 0) {
		fd = -1;
		goto io;
	}
	fd = -1;
	if (rename(tmp.ptr, path) < 0) {
		gs_error_set("cannot replace '%s': %s", path, strerror(errno));
		goto done;
	}
	gs_buf_clear(&tmp);
	error = 0;
	goto done;
io:
	gs_error_set("cannot write '%s': %s", tmp.ptr, strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (tmp.size)
		unlink(tmp.ptr);
	gs_buf_dispose(&tmp);
	return error;
}

/* ---- the accumulator: what metadata.json summarizes ----------------------- */

/*
 * One pass over events builds this; metadata.json is its serialization, so
 * totals from metadata (fast) and from the log (truth) agree by design.
 */
typedef struct {
	cJSON *meta; /* the metadata object being maintained */
} acc;

static cJSON *obj_child(cJSON *parent, const char *key)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(parent, key);

	if (!cJSON_IsObject(c)) {
		cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
		c = cJSON_AddObjectToObject(parent, key);
	}
	return c;
}

static int set_num(cJSON *obj, const char *key, double v)
{
	cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, key), *n;

	if (cJSON_IsNumber(old)) { /* in place: this runs for every event */
		cJSON_SetNumberValue(old, v);
		return 0;
	}
	if (!(n = cJSON_CreateNumber(v)))
		return GS_ERROR;
	if (old)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, n);
	else
		cJSON_AddItemToObject(obj, key, n);
	return 0;
}

static void add_num(cJSON *obj, const char *key, double v)
{
	set_num(obj, key, gs_session__num(obj, key) + v);
}

static void set_str(cJSON *obj, const char *key, const char *v)
{
	cJSON *n = v ? cJSON_CreateString(v) : cJSON_CreateNull();

	if (!n)
		return;
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, n);
	else
		cJSON_AddItemToObject(obj, key, n);
}

static void set_time(cJSON *obj, const char *key, int64_t ms)
{
	char t[GS_TIME_BUFSZ];

	gs_time_format(t, ms, 1);
	set_str(obj, key, t);
}

static int64_t get_time(const cJSON *obj, const char *key)
{
	const char *s = gs_session__str(obj, key);
	int64_t ms;

	return s && gs_time_parse(&ms, s) == 0 ? ms : -1;
}

static void add_model(cJSON *meta, const char *model)
{
	cJSON *models = cJSON_GetObjectItemCaseSensitive(meta, "models"), *m;

	if (!model || !*model)
		return;
	if (!cJSON_IsArray(models)) {
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "models");
		models = cJSON_AddArrayToObject(meta, "models");
	}
	cJSON_ArrayForEach(m, models)
		if (cJSON_IsString(m) && !strcmp(m->valuestring, model))
			return;
	cJSON_AddItemToArray(models, cJSON_CreateString(model));
}

static cJSON *meta_new(const char *id, int64_t created_ms, const gs_session_new_opts *opts)
{
	cJSON *m = cJSON_CreateObject();

	if (!m)
		return NULL;
	set_str(m, "id", id);
	set_time(m, "created_at", created_ms);
	set_time(m, "last_active_at", created_ms);
	set_str(m, "issue", opts ? opts->issue : NULL);
	set_str(m, "model", opts ? opts->model : NULL);
	cJSON_AddArrayToObject(m, "models");
	if (opts && opts->model)
		add_model(m, opts->model);
	set_str(m, "provider", NULL);
	set_str(m, "config_hash", opts ? opts->config_hash : NULL);
	set_str(m, "status", "open");
	set_str(m, "end_status", NULL);
	set_str(m, "error", NULL);
	set_num(m, "prompt_count", 0);
	set_str(m, "first_prompt_preview", NULL);
	set_str(m, "last_prompt_preview", NULL);
	set_num(m, "event_count", 0);
	set_num(m, "last_seq", 0);
	set_num(m, "log_size", 0);
	set_str(m, "first_event_at", NULL);
	cJSON_AddObjectToObject(m, "responses");
	cJSON_AddObjectToObject(m, "tools");
	cJSON_AddNullToObject(m, "end");
	cJSON_AddObjectToObject(m, "totals");
	set_num(m, "override_count", 0);
	cJSON_AddObjectToObject(m, "runs");
	return m;
}

/* Read a token count from `usage` under either of two names. */
static double usage_num(const cJSON *usage, const char *ours, const char *theirs)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(usage, ours);

	if (!cJSON_IsNumber(v) && theirs)
		v = cJSON_GetObjectItemCaseSensitive(usage, theirs);
	return cJSON_IsNumber(v) && v->valuedouble > 0 ? v->valuedouble : 0;
}

static void add_usage(cJSON *dst, const cJSON *usage)
{
	add_num(dst, "input_tokens", usage_num(usage, "input_tokens", NULL));
	add_num(dst, "output_tokens", usage_num(usage, "output_tokens", NULL));
	add_num(dst, "cache_read_tokens",
		usage_num(usage, "cache_read_tokens", "cache_read_input_tokens"));
	add_num(dst, "cache_write_tokens",
		usage_num(usage, "cache_write_tokens", "cache_creation_input_tokens"));
}

/* The text of a prompt: `prompt`, else the last message's content (a string
 * or an array of {type: text, text} blocks). Borrowed. */
static const char *prompt_text(const cJSON *data)
{
	const cJSON *msgs, *last, *content, *block;
	const char *p = gs_session__str(data, "prompt");

	if (p)
		return p;
	msgs = cJSON_GetObjectItemCaseSensitive(data, "messages");
	if (!cJSON_IsArray(msgs) || !(last = cJSON_GetArrayItem(msgs, cJSON_GetArraySize(msgs) - 1)))
		return NULL;
	content = cJSON_GetObjectItemCaseSensitive(last, "content");
	if (cJSON_IsString(content))
		return content->valuestring;
	cJSON_ArrayForEach(block, content)
		if ((p = gs_session__str(block, "text")) != NULL)
			return p;
	return NULL;
}

static int is_error_value(const cJSON *e)
{
	return e && !cJSON_IsNull(e) && !cJSON_IsFalse(e) &&
	       !(cJSON_IsString(e) && !*e->valuestring);
}

static int status_is_success(const char *s)
{
	return s && (!strcmp(s, "success") || !strcmp(s, "succeeded") || !strcmp(s, "completed") ||
		     !strcmp(s, "ok"));
}

/* Recompute the derived `totals` object from the raw sums. */
static void meta_totals(cJSON *m)
{
	cJSON *resp = obj_child(m, "responses"), *end = cJSON_GetObjectItemCaseSensitive(m, "end");
	cJSON *totals = obj_child(m, "totals"), *tokens_src = resp, *cost;
	const char *model = NULL;
	int64_t first = get_time(m, "first_event_at"), last = get_time(m, "last_active_at");
	static const char *const keys[] = { "input_tokens", "output_tokens", "cache_read_tokens",
					    "cache_write_tokens" };
	size_t i;

	if (!cJSON_IsObject(end))
		end = NULL;
	if (end && gs_session__num(resp, "count") == 0 &&
	    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(end, "tokens")))
		tokens_src = cJSON_GetObjectItemCaseSensitive(end, "tokens");
	for (i = 0; i < 4; i++)
		set_num(totals, keys[i], gs_session__num(tokens_src, keys[i]));
	set_num(totals, "iterations", gs_session__num(resp, "count"));

	cost = end ? cJSON_GetObjectItemCaseSensitive(end, "cost_usd") : NULL;
	if (cJSON_IsNumber(cost))
		set_num(totals, "cost_usd", cost->valuedouble);
	else if (gs_session__num(resp, "count") > 0 && gs_session__num(resp, "without_cost") == 0)
		set_num(totals, "cost_usd", gs_session__num(resp, "cost_usd"));
	else
		set_str(totals, "cost_usd", NULL);
	set_num(totals, "known_cost_usd", cJSON_IsNumber(cost) ? cost->valuedouble
							    : gs_session__num(resp, "cost_usd"));

	if (end && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(end, "duration_ms")))
		set_num(totals, "duration_ms", gs_session__num(end, "duration_ms"));
	else
		set_num(totals, "duration_ms", first >= 0 && last > first ? (double)(last - first) : 0);

	if (end)
		model = gs_session__str(end, "model");
	if (!model)
		model = gs_session__str(resp, "last_model");
	if (!model)
		model = gs_session__str(m, "model");
	set_str(totals, "model", model);
}

/* Fold one event into the metadata. */
static void meta_apply(cJSON *m, int64_t seq, int64_t ts, gs_session_event_type type,
		       const cJSON *data)
{
	const char *model = gs_session__str(data, "model");
	const char *provider = gs_session__str(data, "provider");
	cJSON *sub;

	add_num(m, "event_count", 1);
	if ((double)seq > gs_session__num(m, "last_seq"))
		set_num(m, "last_seq", (double)seq);
	if (get_time(m, "first_event_at") < 0)
		set_time(m, "first_event_at", ts);
	if (ts > get_time(m, "last_active_at"))
		set_time(m, "last_active_at", ts);
	if (provider)
		set_str(m, "provider", provider);
	if (model && type != GS_SESSION_EV_OVERRIDE)
		add_model(m, model);

	switch (type) {
	case GS_SESSION_EV_START: {
		const char *issue = gs_session__str(data, "issue");
		const char *hash = gs_session__str(data, "config_hash");

		if (issue && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "issue")))
			set_str(m, "issue", issue);
		if (hash && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "config_hash")))
			set_str(m, "config_hash", hash);
		if (model && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "model")))
			set_str(m, "model", model);
		break;
	}
	case GS_SESSION_EV_REQUEST: {
		const char *text = prompt_text(data);

		add_num(m, "prompt_count", 1);
		if (text) {
			gs_buf pv = GS_BUF_INIT;

			if (gs_session_preview(&pv, text, strlen(text), PREVIEW_CHARS) == 0) {
				if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "first_prompt_preview")))
					set_str(m, "first_prompt_preview", pv.ptr);
				set_str(m, "last_prompt_preview", pv.ptr);
			}
			gs_buf_dispose(&pv);
		}
		break;
	}
	case GS_SESSION_EV_RESPONSE: {
		const cJSON *cost = cJSON_GetObjectItemCaseSensitive(data, "cost_usd");

		sub = obj_child(m, "responses");
		add_num(sub, "count", 1);
		add_usage(sub, cJSON_GetObjectItemCaseSensitive(data, "usage"));
		if (cJSON_IsNumber(cost))
			add_num(sub, "cost_usd", cost->valuedouble);
		else
			add_num(sub, "without_cost", 1);
		if (model)
			set_str(sub, "last_model", model);
		break;
	}
	case GS_SESSION_EV_TOOL:
		sub = obj_child(m, "tools");
		add_num(sub, "calls", 1);
		if (is_error_value(cJSON_GetObjectItemCaseSensitive(data, "error")))
			add_num(sub, "errors", 1);
		break;
	case GS_SESSION_EV_END: {
		const char *status = gs_session__str(data, "status");
		const cJSON *err = cJSON_GetObjectItemCaseSensitive(data, "error");
		cJSON *end = cJSON_Duplicate(data, 1);

		if (end) {
			const cJSON *tokens = cJSON_GetObjectItemCaseSensitive(data, "tokens");

			/* Keep only what totals need, token names normalized. */
			cJSON_DeleteItemFromObjectCaseSensitive(end, "tokens");
			if (cJSON_IsObject(tokens)) {
				cJSON *t = cJSON_AddObjectToObject(end, "tokens");

				add_usage(t, tokens);
			}
			cJSON_ReplaceItemInObjectCaseSensitive(m, "end", end);
		}
		set_str(m, "end_status", status);
		set_str(m, "status", status_is_success(status) ? "success" : "failed");
		set_str(m, "error", cJSON_IsString(err) ? err->valuestring
				    : is_error_value(err) ? "error" : NULL);
		break;
	}
	case GS_SESSION_EV_OVERRIDE:
		add_num(m, "override_count", 1);
		break;
	case GS_SESSION_EV_RUN_SUMMARY: {
		/* A bounded summary: counts, and wins per model; the runs
		 * themselves stay in the log (see gs_session_models_compute). */
		const char *rtype = gs_session__str(data, "type");
		const char *selected = gs_session__str(data, "selected");
		const char *rating = gs_session__str(data, "rating");
		const cJSON *v;

		sub = obj_child(m, "runs");
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(data, "models"))
			if (cJSON_IsString(v))
				add_model(m, v->valuestring);
		if (rtype && !strcmp(rtype, "rewind")) {
			add_num(sub, "rewinds", 1);
			break;
		}
		add_num(sub, "count", 1);
		if (rating && !strcmp(rating, "up"))
			add_num(sub, "rated_up", 1);
		if (rating && !strcmp(rating, "down"))
			add_num(sub, "rated_down", 1);
		if (selected)
			add_num(obj_child(sub, "selected"), selected, 1);
		set_num(sub, "last_seq", (double)seq);
		break;
	}
	default:
		break;
	}
	/* meta_totals() runs once after a batch of events, not here. */
}

/* ---- validation of event data ------------------------------------------ */

static int bad(const char *type, const char *field, const char *want)
{
	gs_error_set("%s: field '%s' must be %s", type, field, want);
	return GS_EUSAGE;
}

static int check_num(const cJSON *obj, const char *type, const char *field, int nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);

	if (!v || (nullable && cJSON_IsNull(v)))
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
		return bad(type, field, nullable ? "a non-negative number or null"
						  : "a non-negative number");
	return 0;
}

static int check_str(const cJSON *obj, const char *type, const char *field, int nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);

	if (!v || (nullable && cJSON_IsNull(v)) || cJSON_IsString(v))
		return 0;
	return bad(type, field, nullable ? "a string or null" : "a string");
}

static int check_usage(const cJSON *usage, const char *type, const char *field)
{
	static const char *const keys[] = { "input_tokens", "output_tokens", "cache_read_tokens",
					    "cache_write_tokens", "cache_read_input_tokens",
					    "cache_creation_input_tokens" };
	size_t i;

	if (!usage)
		return 0;
	if (!cJSON_IsObject(usage))
		return bad(type, field, "an object of token counts");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(usage, keys[i]);

		if (v && !cJSON_IsNull(v) &&
		    (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9.2e18 ||
		     v->valuedouble != floor(v->valuedouble))) {
			gs_error_set("%s: field '%s.%s' must be a non-negative integer", type, field,
				     keys[i]);
			return GS_EUSAGE;
		}
	}
	return 0;
}

static int check_run_summary(const cJSON *data, const char *t)
{
	const cJSON *models = cJSON_GetObjectItemCaseSensitive(data, "models"), *m, *res, *r;
	const char *selected = gs_session__str(data, "selected"), *rating, *type;
	int found = 0;

	if (!cJSON_IsArray(models) || cJSON_GetArraySize(models) == 0)
		return bad(t, "models", "a non-empty array of model names");
	cJSON_ArrayForEach(m, models) {
		if (!cJSON_IsString(m) || !*m->valuestring)
			return bad(t, "models", "a non-empty array of model names");
		if (selected && !strcmp(selected, m->valuestring))
			found = 1;
	}
	if (check_str(data, t, "selected", 1) < 0)
		return GS_EUSAGE;
	if (selected && !found) {
		gs_error_set("%s: selected model '%s' is not one of 'models'", t, selected);
		return GS_EUSAGE;
	}
	if (check_str(data, t, "rating", 1) < 0)
		return GS_EUSAGE;
	rating = gs_session__str(data, "rating");
	if (rating && strcmp(rating, "up") && strcmp(rating, "down"))
		return bad(t, "rating", "\"up\", \"down\" or null");
	if (check_str(data, t, "type", 0) < 0)
		return GS_EUSAGE;
	type = gs_session__str(data, "type");
	if (type && *type && strcmp(type, "rewind"))
		return bad(t, "type", "\"\" or \"rewind\"");
	res = cJSON_GetObjectItemCaseSensitive(data, "results");
	if (res && !cJSON_IsObject(res))
		return bad(t, "results", "an object keyed by model name");
	cJSON_ArrayForEach(r, res) {
		static const char *const nums[] = { "latency_ms", "cost_usd", "input_tokens",
						    "output_tokens", "tool_calls", "proposed_writes" };
		size_t i;

		if (!cJSON_IsObject(r))
			return bad(t, "results.<model>", "an object");
		for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, nums[i]);

			if (v && !cJSON_IsNull(v) &&
			    (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)) {
				gs_error_set("%s: field 'results.%s.%s' must be a non-negative number",
					     t, r->string, nums[i]);
				return GS_EUSAGE;
			}
		}
	}
	return 0;
}

/* Type-check the fields this tool reads; anything else is the caller's. */
static int validate(gs_session_event_type type, const cJSON *data)
{
	const char *t = type_names[type];

	if (!cJSON_IsObject(data)) {
		gs_error_set("%s: data must be a JSON object", t);
		return GS_EUSAGE;
	}
	if (check_str(data, t, "model", 1) < 0 || check_str(data, t, "provider", 1) < 0)
		return GS_EUSAGE;
	switch (type) {
	case GS_SESSION_EV_START:
		return check_str(data, t, "issue", 1) < 0 || check_str(data, t, "config_hash", 1) < 0
			       ? GS_EUSAGE : 0;
	case GS_SESSION_EV_REQUEST:
		if (check_str(data, t, "prompt", 1) < 0)
			return GS_EUSAGE;
		if (cJSON_GetObjectItemCaseSensitive(data, "messages") &&
		    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(data, "messages")))
			return bad(t, "messages", "an array");
		return 0;
	case GS_SESSION_EV_RESPONSE:
		return check_usage(cJSON_GetObjectItemCaseSensitive(data, "usage"), t, "usage") < 0 ||
				       check_num(data, t, "cost_usd", 1) < 0 ||
				       check_num(data, t, "latency_ms", 1) < 0 ||
				       check_str(data, t, "finish_reason", 1) < 0
			       ? GS_EUSAGE : 0;
	case GS_SESSION_EV_TOOL:
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(data, "tool")))
			return bad(t, "tool", "a string (the tool's name)");
		return check_num(data, t, "duration_ms", 1) < 0 ? GS_EUSAGE : 0;
	case GS_SESSION_EV_END:
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(data, "status")))
			return bad(t, "status", "a string (success, failed, ...)");
		return check_usage(cJSON_GetObjectItemCaseSensitive(data, "tokens"), t, "tokens") < 0 ||
				       check_num(data, t, "cost_usd", 1) < 0 ||
				       check_num(data, t, "duration_ms", 1) < 0
			       ? GS_EUSAGE : 0;
	case GS_SESSION_EV_OVERRIDE:
		return check_str(data, t, "from", 1) < 0 || check_str(data, t, "to", 1) < 0 ? GS_EUSAGE
											: 0;
	case GS_SESSION_EV_RUN_SUMMARY:
		return check_run_summary(data, t);
	default:
		return 0;
	}
}

/* ---- metadata ------------------------------------------------------------- */

static int meta_load_path(cJSON **out, const char *path)
{
	gs_buf b = GS_BUF_INIT;
	cJSON *m = NULL;
	int error;

	*out = NULL;
	error = gs_file_read(&b, path, META_LIMIT);
	if (error < 0)
		goto done;
	m = cJSON_ParseWithLength(b.ptr, b.size);
	if (!cJSON_IsObject(m) || !gs_session__str(m, "id") || get_time(m, "created_at") < 0) {
		gs_error_set("corrupt session metadata '%s': %s", path,
			     m ? "not a session metadata object" : "not valid JSON");
		cJSON_Delete(m);
		error = GS_EPARSE;
		goto done;
	}
	*out = m;
	error = 0;
done:
	gs_buf_dispose(&b);
	return error;
}

/*
 * Write metadata `m` to `path` as pretty JSON and a newline. Only the
 * first write of a session needs to be `durable` (the session exists once
 * it returns); later ones replace a cache (see write_replace).
 */
static int meta_save(const char *path, cJSON *m, int durable)
{
	char *text = cJSON_Print(m);
	gs_buf b = GS_BUF_INIT;
	int error;

	if (!text) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	if (gs_buf_puts(&b, text) < 0 || gs_buf_putc(&b, '\n') < 0)
		error = GS_ERROR;
	else if (durable)
		error = gs_file_write_atomic(path, b.ptr, b.size, 0600);
	else
		error = write_replace(path, b.ptr, b.size);
	free(text);
	gs_buf_dispose(&b);
	return error;
}

struct rebuild_ctx {
	cJSON *meta;
};

/* A log found without metadata: its first event is the best creation time. */
static void created_from_log(cJSON *meta, const cJSON *old)
{
	int64_t first = get_time(meta, "first_event_at");

	if (!old && first >= 0)
		set_time(meta, "created_at", first);
}

static int rebuild_cb(const gs_session_event *ev, void *payload)
{
	struct rebuild_ctx *ctx = payload;

	meta_apply(ctx->meta, ev->seq, ev->ts_ms, ev->type, ev->data);
	return 0;
}

static int session_exists(gs_buf *path, const char *sessions_dir, const char *id)
{
	struct stat st;

	if (!gs_session_id_valid(id)) {
		gs_error_set("'%s' is not a session id", id);
		return GS_EUSAGE;
	}
	if (session_path(path, sessions_dir, id, NULL) < 0)
		return GS_ERROR;
	if (stat(path->ptr, &st) < 0 || !S_ISDIR(st.st_mode)) {
		gs_error_set("unknown session '%s'", id);
		return GS_ENOTFOUND;
	}
	return 0;
}

static int read_log(const char *path, const char *id, off_t start, off_t *out_end, unsigned mask,
		    gs_session_event_cb cb, void *payload, gs_session_warn_cb warn, void *wpayload);

/* A fresh metadata object keeping what only metadata knows: the options
 * given to `session new` and the creation time. */
static cJSON *meta_restart(const char *id, const cJSON *old)
{
	gs_session_new_opts opts = { NULL, NULL, NULL };
	int64_t created = old ? get_time(old, "created_at") : -1;

	if (old) {
		opts.issue = gs_session__str(old, "issue");
		opts.model = gs_session__str(old, "model");
		opts.config_hash = gs_session__str(old, "config_hash");
	}
	return meta_new(id, created >= 0 ? created : gs_session_id_time_ms(id), &opts);
}

/*
 * Bring metadata up to date with the log. Appends never touch metadata
 * (rewriting it per event would cost a rename, ~0.3 ms on ext4); instead
 * metadata records how many bytes of the log it has folded in
 * (`log_size`), and whoever reads it folds in the rest, then saves it.
 * Concurrent refreshers write the same deterministic result, and any
 * saved version is consistent with a prefix of the log.
 */
static int meta_refresh(cJSON **out, const char *sessions_dir, const char *id)
{
	gs_buf path = GS_BUF_INIT, mpath = GS_BUF_INIT;
	struct rebuild_ctx ctx;
	cJSON *meta = NULL;
	struct stat st;
	off_t off, size = 0, end = 0;
	int fresh = 0, missing = 0, error;

	*out = NULL;
	if ((error = session_exists(&path, sessions_dir, id)) < 0)
		goto done;
	if ((error = session_path(&path, sessions_dir, id, "events.jsonl")) < 0 ||
	    (error = session_path(&mpath, sessions_dir, id, "metadata.json")) < 0)
		goto done;
	error = meta_load_path(&meta, mpath.ptr);
	if (error == GS_ENOTFOUND) { /* a log without metadata: derive it */
		fresh = missing = 1;
		meta = meta_restart(id, NULL);
	} else if (error < 0) {
		goto done;
	}
	error = GS_ERROR;
	if (!meta) {
		gs_error_set("out of memory");
		goto done;
	}
	if (stat(path.ptr, &st) == 0)
		size = st.st_size;
	off = (off_t)gs_session__num(meta, "log_size");
	/* Start over when the log was truncated or replaced, or when the
	 * metadata does not say how much of the log it covers. */
	if (off > size || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(meta, "log_size"))) {
		cJSON *again = meta_restart(id, meta);

		cJSON_Delete(meta);
		if (!(meta = again)) {
			gs_error_set("out of memory");
			goto done;
		}
		off = 0;
		fresh = 1;
	}
	end = off;
	if (off < size) {
		ctx.meta = meta;
		if ((error = read_log(path.ptr, id, off, &end, GS_SESSION_EV_ALL, rebuild_cb, &ctx,
				      NULL, NULL)) < 0)
			goto done;
		error = GS_ERROR;
	}
	if (missing)
		created_from_log(meta, NULL);
	if (end != off || fresh) {
		set_num(meta, "log_size", (double)end);
		meta_totals(meta);
		/* Best effort: a reader without write access still gets
		 * up-to-date figures. */
		if (meta_save(mpath.ptr, meta, 0) < 0)
			gs_error_clear();
	}
	*out = meta;
	meta = NULL;
	error = 0;
done:
	cJSON_Delete(meta);
	gs_buf_dispose(&path);
	gs_buf_dispose(&mpath);
	return error;
}

int gs_session_metadata_load(cJSON **out, const char *sessions_dir, const char *id)
{
	return meta_refresh(out, sessions_dir, id);
}

/* ---- create ----------------------------------------------------------------- */

int gs_session_create(char out_id[GS_SESSION_ID_BUFSZ], const char *sessions_dir,
		      const gs_session_new_opts *opts)
{
	gs_buf path = GS_BUF_INIT;
	cJSON *meta = NULL;
	char id[GS_SESSION_ID_BUFSZ];
	int fd, error = GS_ERROR;

	if (gs_file_mkdir_p(sessions_dir, 0700) < 0)
		goto done;
	if (gs_session_id_new(id) < 0 || session_path(&path, sessions_dir, id, NULL) < 0)
		goto done;
	if (mkdir(path.ptr, 0700) < 0) {
		gs_error_set("cannot create '%s': %s", path.ptr, strerror(errno));
		goto done;
	}
	if (session_path(&path, sessions_dir, id, "events.jsonl") < 0)
		goto done;
	fd = open(path.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		gs_error_set("cannot create '%s': %s", path.ptr, strerror(errno));
		goto done;
	}
	close(fd);
	if (!(meta = meta_new(id, gs_time_now_ms(), opts))) {
		gs_error_set("out of memory");
		goto done;
	}
	meta_totals(meta);
	if (session_path(&path, sessions_dir, id, "metadata.json") < 0)
		goto done;
	if ((error = meta_save(path.ptr, meta, 1)) < 0)
		goto done;
	memcpy(out_id, id, GS_SESSION_ID_BUFSZ);
	error = 0;
done:
	cJSON_Delete(meta);
	gs_buf_dispose(&path);
	return error;
}

/* ---- append ------------------------------------------------------------------ */

/* Parse `"seq":N` near the start of a line written by us, else by cJSON. */
static int line_seq(int64_t *out, const char *line, size_t len)
{
	const char *end = line + (len < 128 ? len : 128), *p;
	cJSON *j;

	for (p = line; p + 6 <= end; p++) {
		if (memcmp(p, "\"seq\":", 6))
			continue;
		p += 6;
		if (p < line + len && *p >= '0' && *p <= '9') {
			int64_t v = 0;

			while (p < line + len && *p >= '0' && *p <= '9' && v < INT64_MAX / 10)
				v = v * 10 + (*p++ - '0');
			*out = v;
			return 0;
		}
		break;
	}
	j = cJSON_ParseWithLength(line, len);
	if (j && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "seq"))) {
		*out = (int64_t)cJSON_GetObjectItemCaseSensitive(j, "seq")->valuedouble;
		cJSON_Delete(j);
		return 0;
	}
	cJSON_Delete(j);
	return -1;
}

/*
 * The last seq in the log, reading only its tail: lines are scanned from
 * the end, the window doubling only for a line longer than it. A torn
 * line still counts when its seq is readable, so a seq is never reused.
 * `*torn` tells whether the file lacks its final newline.
 */
static int tail_seq(int64_t *out, int *torn, int fd, off_t size, const char *path)
{
	gs_buf win = GS_BUF_INIT;
	size_t want = 4096;
	int error = GS_ERROR;

	*out = 0;
	*torn = 0;
	if (size == 0)
		return 0;
	for (;;) {
		size_t n = (off_t)want < size ? want : (size_t)size, le, ls;
		off_t at = size - (off_t)n;
		ssize_t r;

		gs_buf_clear(&win);
		if (gs_buf_grow(&win, n) < 0)
			goto done;
		r = pread(fd, win.ptr, n, at);
		if (r < 0 || (size_t)r != n) {
			gs_error_set("cannot read '%s': %s", path, r < 0 ? strerror(errno) : "short read");
			goto done;
		}
		win.size = n;
		*torn = win.ptr[n - 1] != '\n';
		le = *torn ? n : n - 1;
		for (;;) {
			/* line is [ls, le) */
			ls = le;
			while (ls > 0 && win.ptr[ls - 1] != '\n')
				ls--;
			if (ls == 0 && at > 0)
				break; /* the line may start before the window */
			if (le > ls && line_seq(out, win.ptr + ls, le - ls) == 0) {
				error = 0;
				goto done;
			}
			if (ls == 0) { /* whole file scanned, no seq anywhere */
				*out = 0;
				error = 0;
				goto done;
			}
			le = ls - 1;
		}
		want *= 2;
	}
done:
	gs_buf_dispose(&win);
	return error;
}

int gs_session_append(int64_t *out_seq, int64_t *out_ts_ms, gs_buf *out_line,
		      const char *sessions_dir, const char *id, gs_session_event_type type,
		      const cJSON *data)
{
	gs_buf path = GS_BUF_INIT, line = GS_BUF_INIT;
	cJSON *empty = NULL;
	char *dtext = NULL, ts_text[GS_TIME_BUFSZ];
	struct stat st;
	int64_t seq, ts;
	int fd = -1, torn, error;

	if ((unsigned)type >= GS_SESSION_EV__COUNT) {
		gs_error_set("unknown event type; valid types: %s", gs_session_event_type_list());
		return GS_EUSAGE;
	}
	if (!data)
		data = empty = cJSON_CreateObject();
	if ((error = validate(type, data)) < 0)
		goto done;
	if ((error = session_exists(&path, sessions_dir, id)) < 0)
		goto done;
	error = GS_ERROR;
	if (!(dtext = cJSON_PrintUnformatted(data))) {
		gs_error_set("out of memory");
		goto done;
	}
	if (session_path(&path, sessions_dir, id, "events.jsonl") < 0)
		goto done;

	fd = open(path.ptr, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		gs_error_set("cannot open '%s': %s", path.ptr, strerror(errno));
		goto done;
	}
	/* One lock covers reading the last seq and the append: seq stays
	 * unique and consecutive across processes. */
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			gs_error_set("cannot lock '%s': %s", path.ptr, strerror(errno));
			goto done;
		}
	}
	if (fstat(fd, &st) < 0) {
		gs_error_set("cannot stat '%s': %s", path.ptr, strerror(errno));
		goto done;
	}
	if (tail_seq(&seq, &torn, fd, st.st_size, path.ptr) < 0)
		goto done;
	if (seq >= INT64_MAX - 1) {
		gs_error_set("'%s': seq would pass %lld", path.ptr, (long long)INT64_MAX);
		error = GS_EOVERFLOW;
		goto done;
	}
	seq++;
	ts = gs_time_now_ms();
	gs_time_format(ts_text, ts, 1);

	/* A crash may have left a torn last line: end it, so that it stays one
	 * bad line that readers skip, and ours starts on a line of its own. */
	if ((torn && gs_buf_putc(&line, '\n') < 0) ||
	    gs_buf_printf(&line, "{\"session_id\":\"%s\",\"seq\":%lld,\"type\":\"%s\",\"ts\":\"%s\","
				 "\"data\":%s}\n",
			  id, (long long)seq, type_names[type], ts_text, dtext) < 0)
		goto done;
	if (gs_file_write_all(fd, line.ptr, line.size) < 0) {
		gs_error_set("cannot append to '%s': %s", path.ptr, strerror(errno));
		/* Take back a partial line: nothing half-written stays behind. */
		if (ftruncate(fd, st.st_size) < 0) {
			/* then readers skip the torn line; nothing more to do */
		}
		goto done;
	}
	if (out_seq)
		*out_seq = seq;
	if (out_ts_ms)
		*out_ts_ms = ts;
	if (out_line) {
		size_t skip = torn ? 1 : 0;

		if (gs_buf_put(out_line, line.ptr + skip, line.size - skip - 1) < 0)
			goto done;
	}
	error = 0;
done:
	if (fd >= 0)
		close(fd); /* releases the lock */
	cJSON_Delete(empty);
	free(dtext);
	gs_buf_dispose(&path);
	gs_buf_dispose(&line);
	return error;
}

/* ---- reading ----------------------------------------------------------------- */

struct reader {
	const char *path;
	const char *id;   /* the session whose log this is */
	unsigned mask;
	gs_session_event_cb cb;
	void *payload;
	gs_session_warn_cb warn;
	void *wpayload;
	size_t line_no;   /* counted from the start of the read */
	off_t start;      /* where the read started (0: line numbers are real) */
	off_t line_off;   /* byte offset of the current line */
};

static void warn_line(struct reader *r, const char *why)
{
	gs_buf msg = GS_BUF_INIT;

	if (!r->warn)
		return;
	if ((r->start == 0 ? gs_buf_printf(&msg, "'%s' line %zu: %s; skipped", r->path, r->line_no, why)
			   : gs_buf_printf(&msg, "'%s' at byte %lld: %s; skipped", r->path,
					   (long long)r->line_off, why)) == 0)
		r->warn(msg.ptr, r->wpayload);
	gs_buf_dispose(&msg);
}

static int digits_at(int64_t *out, const char **p, const char *end)
{
	int64_t v = 0;
	const char *q = *p;

	if (q >= end || *q < '0' || *q > '9')
		return -1;
	while (q < end && *q >= '0' && *q <= '9') {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*q++ - '0');
	}
	*p = q;
	*out = v;
	return 0;
}

/*
 * Split a line in the exact shape gs_session_append writes, without a
 * JSON parser: seq, type and ts are found at known places, and the data
 * object is parsed only when the type is wanted. -1 when the line has
 * another shape (then the slow path parses it whole).
 */
static int fast_split(const char **sid, int64_t *seq, const char **type, size_t *type_len,
		      const char **ts, size_t *ts_len, const char **data, size_t *data_len,
		      const char *line, size_t len)
{
	static const char p1[] = "{\"session_id\":\"";
	static const char p2[] = "\",\"seq\":";
	static const char p3[] = ",\"type\":\"";
	static const char p4[] = "\",\"ts\":\"";
	static const char p5[] = "\",\"data\":";
	const char *p = line, *end = line + len, *q;

	if (len < 100 || line[len - 1] != '}' || memcmp(p, p1, sizeof(p1) - 1))
		return -1;
	*sid = p + sizeof(p1) - 1; /* GS_SESSION_ID_BUFSZ - 1 bytes */
	p += sizeof(p1) - 1 + (GS_SESSION_ID_BUFSZ - 1);
	if (end - p < (ptrdiff_t)sizeof(p2) || memcmp(p, p2, sizeof(p2) - 1))
		return -1;
	p += sizeof(p2) - 1;
	if (digits_at(seq, &p, end) < 0 || end - p < (ptrdiff_t)sizeof(p3) ||
	    memcmp(p, p3, sizeof(p3) - 1))
		return -1;
	p += sizeof(p3) - 1;
	for (q = p; q < end && *q != '"' && *q != '\\'; q++)
		;
	if (q >= end || *q != '"')
		return -1;
	*type = p;
	*type_len = (size_t)(q - p);
	p = q;
	if (end - p < (ptrdiff_t)sizeof(p4) || memcmp(p, p4, sizeof(p4) - 1))
		return -1;
	p += sizeof(p4) - 1;
	for (q = p; q < end && *q != '"' && q - p < GS_TIME_BUFSZ - 1; q++)
		;
	if (q >= end || *q != '"')
		return -1;
	*ts = p;
	*ts_len = (size_t)(q - p);
	p = q;
	if (end - p < (ptrdiff_t)sizeof(p5) || memcmp(p, p5, sizeof(p5) - 1))
		return -1;
	p += sizeof(p5) - 1;
	*data = p;
	*data_len = (size_t)(end - 1 - p);
	return 0;
}

static int type_from(const char *s, size_t n)
{
	int i;

	for (i = 0; i < GS_SESSION_EV__COUNT; i++)
		if (strlen(type_names[i]) == n && !memcmp(type_names[i], s, n))
			return i;
	return -1;
}

/*
 * Skip a line whose data fails the checks `session log` makes: the log is
 * plain text anyone can edit, and a field of the wrong type would
 * otherwise be read as 0 and counted.
 */
static int data_invalid(struct reader *r, int t, const cJSON *data)
{
	if (validate((gs_session_event_type)t, data) == 0)
		return 0;
	warn_line(r, gs_error_last());
	gs_error_clear();
	return 1;
}

/* Skip a line that belongs to another session (copied or misplaced). */
static int other_session(struct reader *r, const char *sid, size_t sid_len)
{
	gs_buf why = GS_BUF_INIT;

	if (!r->id || (strlen(r->id) == sid_len && !memcmp(r->id, sid, sid_len)))
		return 0;
	if (gs_buf_printf(&why, "field 'session_id' is '%.*s', another session's",
			  (int)(sid_len < 64 ? sid_len : 64), sid) == 0)
		warn_line(r, why.ptr);
	gs_buf_dispose(&why);
	return 1;
}

/*
 * Decode one line and hand it to the callback. A line that is not a
 * complete event of this session with well-typed data is skipped with a
 * warning naming the file, line and (when it is one) the field.
 */
static int process_line(struct reader *r, const char *line, size_t len)
{
	gs_session_event ev;
	const char *sid, *type, *ts, *data;
	size_t type_len, ts_len, data_len;
	char tsbuf[GS_TIME_BUFSZ];
	cJSON *whole = NULL, *dobj = NULL;
	int t, rc = 0;

	if (len && line[len - 1] == '\r')
		len--;
	if (!len)
		return 0;
	memset(&ev, 0, sizeof(ev));
	if (fast_split(&sid, &ev.seq, &type, &type_len, &ts, &ts_len, &data, &data_len, line,
		       len) == 0) {
		if (other_session(r, sid, GS_SESSION_ID_BUFSZ - 1))
			return 0;
		if ((t = type_from(type, type_len)) < 0) {
			warn_line(r, "unknown event type");
			return 0;
		}
		if (!(r->mask & GS_SESSION_EV_MASK(t)))
			return 0;
		memcpy(tsbuf, ts, ts_len);
		tsbuf[ts_len] = '\0';
		if (gs_time_parse(&ev.ts_ms, tsbuf) < 0) {
			warn_line(r, "bad timestamp");
			return 0;
		}
		if (gs_json_parse(&dobj, NULL, data, data_len) < 0 || !cJSON_IsObject(dobj)) {
			gs_error_clear();
			cJSON_Delete(dobj);
			warn_line(r, "not a complete JSON event (torn line?)");
			return 0;
		}
	} else {
		const cJSON *s, *ty, *tsv, *sidv;

		if (gs_json_parse(&whole, NULL, line, len) < 0)
			gs_error_clear();
		s = cJSON_GetObjectItemCaseSensitive(whole, "seq");
		ty = cJSON_GetObjectItemCaseSensitive(whole, "type");
		tsv = cJSON_GetObjectItemCaseSensitive(whole, "ts");
		sidv = cJSON_GetObjectItemCaseSensitive(whole, "session_id");
		if (!cJSON_IsObject(whole) || !cJSON_IsNumber(s) || !cJSON_IsString(ty) ||
		    !cJSON_IsString(tsv)) {
			cJSON_Delete(whole);
			warn_line(r, "not a complete JSON event (torn line?)");
			return 0;
		}
		if (!cJSON_IsString(sidv)) {
			cJSON_Delete(whole);
			warn_line(r, "field 'session_id' must be a string (this session's id)");
			return 0;
		}
		if (other_session(r, sidv->valuestring, strlen(sidv->valuestring))) {
			cJSON_Delete(whole);
			return 0;
		}
		if ((t = gs_session_event_type_parse(ty->valuestring)) < 0) {
			cJSON_Delete(whole);
			warn_line(r, "unknown event type");
			return 0;
		}
		if (!(r->mask & GS_SESSION_EV_MASK(t))) {
			cJSON_Delete(whole);
			return 0;
		}
		if (gs_time_parse(&ev.ts_ms, tsv->valuestring) < 0) {
			cJSON_Delete(whole);
			warn_line(r, "bad timestamp");
			return 0;
		}
		ev.seq = (int64_t)s->valuedouble;
		dobj = cJSON_DetachItemFromObjectCaseSensitive(whole, "data");
		cJSON_Delete(whole);
		if (!dobj)
			dobj = cJSON_CreateObject();
		if (!cJSON_IsObject(dobj)) {
			cJSON_Delete(dobj);
			warn_line(r, "data is not an object");
			return 0;
		}
	}
	if (data_invalid(r, t, dobj)) {
		cJSON_Delete(dobj);
		return 0;
	}
	ev.type = (gs_session_event_type)t;
	ev.data = dobj;
	ev.line = line;
	ev.line_len = len;
	ev.line_no = r->line_no;
	rc = r->cb(&ev, r->payload);
	cJSON_Delete(dobj);
	return rc;
}

/*
 * Read the log at `path` from byte `start` (a line boundary). `*out_end`
 * (may be NULL) receives the offset just past the last complete line: an
 * unfinished last line is not consumed. A missing file reads as empty.
 */
static int read_log(const char *path, const char *id, off_t start, off_t *out_end, unsigned mask,
		    gs_session_event_cb cb, void *payload, gs_session_warn_cb warn, void *wpayload)
{
	gs_buf buf = GS_BUF_INIT;
	struct reader r;
	size_t pos = 0;
	off_t buf_off = start; /* file offset of buf.ptr[0] */
	int fd = -1, error = GS_ERROR;

	if (out_end)
		*out_end = start;
	r.path = path;
	r.id = id;
	r.mask = mask;
	r.cb = cb;
	r.payload = payload;
	r.warn = warn;
	r.wpayload = wpayload;
	r.line_no = 0;
	r.start = start;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) { /* created but never written to */
			error = 0;
			goto done;
		}
		gs_error_set("cannot open '%s': %s", path, strerror(errno));
		goto done;
	}
	if (start && lseek(fd, start, SEEK_SET) < 0) {
		gs_error_set("cannot seek in '%s': %s", path, strerror(errno));
		goto done;
	}
	for (;;) {
		ssize_t n;
		char *nl;

		/* Keep the unfinished line, drop what was processed. */
		if (pos) {
			memmove(buf.ptr, buf.ptr + pos, buf.size - pos);
			buf.size -= pos;
			buf_off += (off_t)pos;
			pos = 0;
		}
		if (gs_buf_grow(&buf, READ_CHUNK) < 0)
			goto done;
		n = read(fd, buf.ptr + buf.size, buf.asize - buf.size - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			gs_error_set("cannot read '%s': %s", path, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		buf.size += (size_t)n;
		buf.ptr[buf.size] = '\0';
		while ((nl = memchr(buf.ptr + pos, '\n', buf.size - pos)) != NULL) {
			int rc;

			r.line_no++;
			r.line_off = buf_off + (off_t)pos;
			rc = process_line(&r, buf.ptr + pos, (size_t)(nl - (buf.ptr + pos)));
			pos = (size_t)(nl - buf.ptr) + 1;
			if (out_end)
				*out_end = buf_off + (off_t)pos;
			if (rc) {
				error = rc;
				goto done;
			}
		}
	}
	if (buf.size > pos) {
		r.line_no++;
		r.line_off = buf_off + (off_t)pos;
		warn_line(&r, "incomplete last line (torn by a crash, or still being written)");
	}
	error = 0;
done:
	if (fd >= 0)
		close(fd);
	gs_buf_dispose(&buf);
	return error;
}

int gs_session_read(const char *sessions_dir, const char *id, unsigned type_mask,
		    gs_session_event_cb cb, void *payload, gs_session_warn_cb warn, void *wpayload)
{
	gs_buf path = GS_BUF_INIT;
	int error;

	if ((error = session_exists(&path, sessions_dir, id)) < 0)
		goto done;
	if ((error = session_path(&path, sessions_dir, id, "events.jsonl")) < 0)
		goto done;
	error = read_log(path.ptr, id, 0, NULL, type_mask, cb, payload, warn, wpayload);
done:
	gs_buf_dispose(&path);
	return error;
}

/* ---- totals ------------------------------------------------------------------ */

void gs_session_totals_dispose(gs_session_totals *t)
{
	free(t->issue);
	free(t->model);
	free(t->provider);
	t->issue = t->model = t->provider = NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int64_t to_i64(double v)
{
	return v >= 9.2e18 ? INT64_MAX : v <= 0 ? 0 : (int64_t)v;
}

/* Fill `out` from a metadata object (its derived totals). */
static int totals_from_meta(gs_session_totals *out, const cJSON *m)
{
	const cJSON *totals = cJSON_GetObjectItemCaseSensitive(m, "totals");
	const cJSON *tools = cJSON_GetObjectItemCaseSensitive(m, "tools");
	const cJSON *cost = cJSON_GetObjectItemCaseSensitive(totals, "cost_usd");
	const char *id = gs_session__str(m, "id"), *status = gs_session__str(m, "status");

	memset(out, 0, sizeof(*out));
	if (id && strlen(id) < GS_SESSION_ID_BUFSZ)
		memcpy(out->id, id, strlen(id) + 1);
	out->issue = dup_or_null(gs_session__str(m, "issue"));
	out->model = dup_or_null(gs_session__str(totals, "model"));
	out->provider = dup_or_null(gs_session__str(m, "provider"));
	out->created_ms = get_time(m, "created_at");
	out->last_active_ms = get_time(m, "last_active_at");
	out->status = !status || !strcmp(status, "open") ? GS_SESSION_OPEN
		      : !strcmp(status, "success")       ? GS_SESSION_SUCCESS
							 : GS_SESSION_FAILED;
	out->input_tokens = to_i64(gs_session__num(totals, "input_tokens"));
	out->output_tokens = to_i64(gs_session__num(totals, "output_tokens"));
	out->cache_read_tokens = to_i64(gs_session__num(totals, "cache_read_tokens"));
	out->cache_write_tokens = to_i64(gs_session__num(totals, "cache_write_tokens"));
	out->cost_known = cJSON_IsNumber(cost);
	out->cost_usd = out->cost_known ? cost->valuedouble
					: gs_session__num(totals, "known_cost_usd");
	out->duration_ms = to_i64(gs_session__num(totals, "duration_ms"));
	out->iterations = to_i64(gs_session__num(totals, "iterations"));
	out->tool_calls = to_i64(gs_session__num(tools, "calls"));
	out->tool_errors = to_i64(gs_session__num(tools, "errors"));
	out->events = to_i64(gs_session__num(m, "event_count"));
	if ((out->issue == NULL) != (gs_session__str(m, "issue") == NULL) ||
	    (out->model == NULL) != (gs_session__str(totals, "model") == NULL) ||
	    (out->provider == NULL) != (gs_session__str(m, "provider") == NULL)) {
		gs_session_totals_dispose(out);
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	return 0;
}

int gs_session_run_totals(gs_session_totals *out, const char *sessions_dir, const char *id,
			  gs_session_warn_cb warn, void *wpayload)
{
	gs_buf mpath = GS_BUF_INIT;
	cJSON *old = NULL, *meta = NULL;
	struct rebuild_ctx ctx;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = session_exists(&mpath, sessions_dir, id)) < 0)
		goto done;
	if ((error = session_path(&mpath, sessions_dir, id, "metadata.json")) < 0)
		goto done;
	error = meta_load_path(&old, mpath.ptr);
	if (error < 0 && error != GS_ENOTFOUND)
		goto done;
	/* From the log, with `new`'s options from the metadata. */
	{
		gs_session_new_opts opts = { NULL, NULL, NULL };
		int64_t created = old ? get_time(old, "created_at") : gs_session_id_time_ms(id);

		if (old) {
			opts.issue = gs_session__str(old, "issue");
			opts.model = gs_session__str(old, "model");
			opts.config_hash = gs_session__str(old, "config_hash");
		}
		if (!(meta = meta_new(id, created, &opts))) {
			gs_error_set("out of memory");
			error = GS_ERROR;
			goto done;
		}
	}
	ctx.meta = meta;
	error = gs_session_read(sessions_dir, id, GS_SESSION_EV_ALL, rebuild_cb, &ctx, warn,
				wpayload);
	if (error < 0)
		goto done;
	created_from_log(meta, old);
	meta_totals(meta);
	error = totals_from_meta(out, meta);
done:
	cJSON_Delete(old);
	cJSON_Delete(meta);
	gs_buf_dispose(&mpath);
	return error;
}

int gs_session_totals_load(gs_session_totals *out, const char *sessions_dir, const char *id)
{
	cJSON *m = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = meta_refresh(&m, sessions_dir, id)) < 0)
		return error;
	error = totals_from_meta(out, m);
	cJSON_Delete(m);
	return error;
}

/* ---- iteration over sessions ------------------------------------------------ */

struct gs_session_iter {
	char *dir;
	char **ids;
	size_t count, next;
	gs_session_totals cur;
};

int gs_session_iter_new(gs_session_iter **out, const char *sessions_dir)
{
	gs_session_iter *it = calloc(1, sizeof(*it));

	*out = NULL;
	if (!it || !(it->dir = strdup(sessions_dir))) {
		free(it);
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	if (gs_session__ids(&it->ids, &it->count, sessions_dir) < 0) {
		free(it->dir);
		free(it);
		return GS_ERROR;
	}
	*out = it;
	return 0;
}

int gs_session_iter_next(const gs_session_totals **out, gs_session_iter *it)
{
	cJSON *m = NULL;
	int error;

	*out = NULL;
	gs_session_totals_dispose(&it->cur);
	if (it->next >= it->count)
		return GS_SESSION_ITEROVER;
	error = gs_session_metadata_load(&m, it->dir, it->ids[it->next++]);
	if (error < 0)
		return error;
	error = totals_from_meta(&it->cur, m);
	cJSON_Delete(m);
	if (error < 0)
		return error;
	*out = &it->cur;
	return 0;
}

void gs_session_iter_free(gs_session_iter *it)
{
	if (!it)
		return;
	gs_session_totals_dispose(&it->cur);
	gs_session__ids_free(it->ids, it->count);
	free(it->dir);
	free(it);
}
