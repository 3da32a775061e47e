/*
 * git stats session: session event logs (SPEC §7). Subcommands are
 * dispatched from a table; each parses its arguments, calls
 * lib/session*.c and prints text or --json.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DATA_LIMIT (16u * 1024 * 1024)

static const char usage_main[] =
	"usage: git stats session <subcommand> [<args>]\n"
	"\n"
	"   new [--issue ID] [--model M] [--config-hash H]   start a session, print its id\n"
	"   log <id> <type> [--data JSON|-]                  append an event\n"
	"   replay <id>                                      readable transcript\n"
	"   list [--issue ID]                                sessions, oldest first\n"
	"   show <id>                                        metadata and totals\n"
	"   models [--session ID] [--config-hash H]          per-model run statistics\n"
	"   export [--since W]                               redacted JSON export\n"
	"   routing [--since W]                              requests and overrides\n"
	"\n"
	"<id> is a session id, a unique prefix of one, or 'latest'. Every\n"
	"subcommand takes --json. Event types: session.start, llm.request,\n"
	"llm.response, tool.call, session.end, override, run.summary.\n";

static const char usage_new[] =
	"usage: git stats session new [--issue ID] [--model M] [--config-hash H] [--json]\n";
static const char usage_log[] =
	"usage: git stats session log <id> <type> [--data JSON|-] [--json]\n"
	"\n"
	"Appends one event; seq and ts are assigned. --data is a JSON object\n"
	"(- reads it from stdin). Types: session.start, llm.request, llm.response,\n"
	"tool.call, session.end, override, run.summary.\n";
static const char usage_replay[] = "usage: git stats session replay <id> [--json]\n";
static const char usage_list[] = "usage: git stats session list [--issue ID] [--json]\n";
static const char usage_show[] = "usage: git stats session show <id> [--json]\n";
static const char usage_models[] =
	"usage: git stats session models [--session ID] [--config-hash H] [--json]\n";
static const char usage_export[] = "usage: git stats session export [--since W] [--json]\n";
static const char usage_routing[] = "usage: git stats session routing [--since W] [--json]\n";

/* ---- shared helpers ---------------------------------------------------------- */

static void print_warning(const char *msg, void *payload)
{
	(void)payload;
	fprintf(stderr, "git-stats: warning: %s\n", msg);
}

/* Match `--name VALUE` or `--name=VALUE`; advances *i past a separate value. */
static int opt_value(const char **out, int argc, char **argv, int *i, const char *name,
		     const char *usage, int *rc)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*out = a + n + 1;
		return 1;
	}
	if (a[n])
		return 0;
	if (*i + 1 >= argc) {
		*rc = cli_usage_error(usage, "option '%s' needs a value", name);
		return -1;
	}
	*out = argv[++*i];
	return 1;
}

static int sessions_dir(gs_buf *dir)
{
	int error = gs_session_dir_discover(dir, NULL);

	return error < 0 ? cli_fail(error) : 0;
}

static int resolve(char id[GS_SESSION_ID_BUFSZ], const char *dir, const char *spec)
{
	int error = gs_session_resolve(id, dir, spec);

	/* An id that cannot exist is still a runtime "not found" for a user
	 * who typed it; only a missing argument is a usage error. */
	return error < 0 ? cli_fail(error == GS_EUSAGE ? GS_ENOTFOUND : error) : 0;
}

static void print_json(cJSON *j, int pretty)
{
	char *s = pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j);

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
	}
	free(s);
}

static void fmt_cost(char *out, size_t n, double usd, int known)
{
	if (!known)
		snprintf(out, n, "unknown");
	else
		snprintf(out, n, "$%.4f", usd);
}

/* ---- new ---------------------------------------------------------------------- */

static int sub_new(int argc, char **argv)
{
	gs_session_new_opts opts = { NULL, NULL, NULL };
	gs_buf dir = GS_BUF_INIT;
	char id[GS_SESSION_ID_BUFSZ];
	int i, json = 0, rc = CLI_OK, m;

	for (i = 1; i < argc; i++) {
		if ((m = opt_value(&opts.issue, argc, argv, &i, "--issue", usage_new, &rc)) ||
		    (m = opt_value(&opts.model, argc, argv, &i, "--model", usage_new, &rc)) ||
		    (m = opt_value(&opts.config_hash, argc, argv, &i, "--config-hash", usage_new, &rc))) {
			if (m < 0)
				return rc;
		} else if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_usage_error(usage_new, "unknown argument '%s'", argv[i]);
	}
	if (opts.issue && (!*opts.issue || strchr(opts.issue, '/') || strpbrk(opts.issue, "\n\r\t")))
		return cli_usage_error(usage_new, "--issue: '%s' is not an issue id", opts.issue);
	if ((rc = sessions_dir(&dir)) != 0)
		goto done;
	if ((rc = gs_session_create(id, dir.ptr, &opts)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (json) {
		cJSON *meta = NULL;

		if ((rc = gs_session_metadata_load(&meta, dir.ptr, id)) < 0) {
			rc = cli_fail(rc);
			goto done;
		}
		print_json(meta, 0);
		cJSON_Delete(meta);
	} else {
		printf("%s\n", id);
	}
	rc = CLI_OK;
done:
	gs_buf_dispose(&dir);
	return rc;
}

/* ---- log ---------------------------------------------------------------------- */

static int sub_log(int argc, char **argv)
{
	const char *spec = NULL, *type_name = NULL, *data_arg = NULL;
	gs_buf dir = GS_BUF_INIT, text = GS_BUF_INIT, line = GS_BUF_INIT;
	cJSON *data = NULL;
	char id[GS_SESSION_ID_BUFSZ];
	int i, json = 0, rc = CLI_OK, m, type;

	for (i = 1; i < argc; i++) {
		if ((m = opt_value(&data_arg, argc, argv, &i, "--data", usage_log, &rc))) {
			if (m < 0)
				return rc;
		} else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(usage_log, "unknown option '%s'", argv[i]);
		else if (!spec)
			spec = argv[i];
		else if (!type_name)
			type_name = argv[i];
		else
			return cli_usage_error(usage_log, "unexpected argument '%s'", argv[i]);
	}
	if (!spec || !type_name)
		return cli_usage_error(usage_log, "session log needs <id> and <type>");
	if ((type = gs_session_event_type_parse(type_name)) < 0)
		return cli_usage_error(NULL, "unknown event type '%s'; valid types: %s", type_name,
				       gs_session_event_type_list());
	if (data_arg) {
		if (!strcmp(data_arg, "-")) {
			int error = gs_file_read(&text, "/dev/stdin", DATA_LIMIT);

			if (error < 0) {
				gs_error_prefix("--data -");
				rc = cli_fail(error);
				goto done;
			}
		} else if (gs_buf_puts(&text, data_arg) < 0) {
			rc = cli_fail(GS_ERROR);
			goto done;
		}
		if (gs_json_parse(&data, NULL, text.ptr, text.size) < 0) {
			rc = cli_usage_error(NULL, "--data: %s", gs_error_last());
			goto done;
		}
		if (!cJSON_IsObject(data)) {
			rc = cli_usage_error(NULL, "--data: must be a JSON object, not '%.40s'",
					     text.ptr);
			goto done;
		}
	}
	if ((rc = sessions_dir(&dir)) != 0 || (rc = resolve(id, dir.ptr, spec)) != 0)
		goto done;
	if ((rc = gs_session_append(NULL, NULL, &line, dir.ptr, id, (gs_session_event_type)type,
				    data)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (json)
		printf("%s\n", line.ptr);
	rc = CLI_OK;
done:
	cJSON_Delete(data);
	gs_buf_dispose(&dir);
	gs_buf_dispose(&text);
	gs_buf_dispose(&line);
	return rc;
}

/* Parse `<id> [--json]` for the one-session subcommands. */
static int one_session_args(const char **spec, int *json, int argc, char **argv, const char *usage)
{
	int i;

	*spec = NULL;
	*json = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			*json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(usage, "unknown option '%s'", argv[i]);
		else if (!*spec)
			*spec = argv[i];
		else
			return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
	}
	if (!*spec)
		return cli_usage_error(usage, "missing session id");
	return 0;
}

/* ---- replay ------------------------------------------------------------------- */

struct replay_ctx {
	FILE *out;
	int json;
	int64_t first_ts;
	size_t n;
};

static const char *str_or(const cJSON *o, const char *k, const char *dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : dflt;
}

static double num_or(const cJSON *o, const char *k, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static double usage_tokens(const cJSON *u, const char *a, const char *b)
{
	double v = num_or(u, a, -1);

	if (v < 0 && b)
		v = num_or(u, b, -1);
	return v < 0 ? 0 : v;
}

static void replay_text(struct replay_ctx *c, const gs_session_event *ev)
{
	const cJSON *d = ev->data;
	gs_buf pv = GS_BUF_INIT;
	FILE *f = c->out;
	double off = (double)(ev->ts_ms - c->first_ts) / 1000.0;

	fprintf(f, "%+10.3fs  #%-4lld %-14s", off, (long long)ev->seq,
		gs_session_event_type_name(ev->type));
	switch (ev->type) {
	case GS_SESSION_EV_START:
		fprintf(f, " model %s", str_or(d, "model", "-"));
		if (str_or(d, "issue", NULL))
			fprintf(f, "  issue %s", str_or(d, "issue", ""));
		break;
	case GS_SESSION_EV_REQUEST: {
		const char *p = str_or(d, "prompt", NULL);
		const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(d, "messages");

		fprintf(f, " %s", str_or(d, "model", "-"));
		if (!p && cJSON_IsArray(msgs)) {
			const cJSON *last = cJSON_GetArrayItem(msgs, cJSON_GetArraySize(msgs) - 1);

			p = str_or(last, "content", NULL);
		}
		if (p && gs_session_preview(&pv, p, strlen(p), 60) == 0)
			fprintf(f, "  \"%s\"", pv.ptr);
		break;
	}
	case GS_SESSION_EV_RESPONSE: {
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(d, "usage");
		const cJSON *cost = cJSON_GetObjectItemCaseSensitive(d, "cost_usd");
		char cbuf[32];

		fmt_cost(cbuf, sizeof(cbuf), cJSON_IsNumber(cost) ? cost->valuedouble : 0,
			 cJSON_IsNumber(cost));
		fprintf(f, " %s  in %.0f out %.0f cache r %.0f w %.0f  cost %s", str_or(d, "model", "-"),
			usage_tokens(u, "input_tokens", NULL), usage_tokens(u, "output_tokens", NULL),
			usage_tokens(u, "cache_read_tokens", "cache_read_input_tokens"),
			usage_tokens(u, "cache_write_tokens", "cache_creation_input_tokens"), cbuf);
		if (num_or(d, "latency_ms", -1) >= 0)
			fprintf(f, "  %.0f ms", num_or(d, "latency_ms", 0));
		if (str_or(d, "finish_reason", NULL))
			fprintf(f, "  %s", str_or(d, "finish_reason", ""));
		break;
	}
	case GS_SESSION_EV_TOOL: {
		const cJSON *err = cJSON_GetObjectItemCaseSensitive(d, "error");

		fprintf(f, " %s", str_or(d, "tool", "?"));
		if (num_or(d, "duration_ms", -1) >= 0)
			fprintf(f, "  %.0f ms", num_or(d, "duration_ms", 0));
		if (cJSON_IsString(err) && *err->valuestring) {
			if (gs_session_preview(&pv, err->valuestring, strlen(err->valuestring), 60) == 0)
				fprintf(f, "  error: %s", pv.ptr);
		} else if (cJSON_IsTrue(err)) {
			fprintf(f, "  error");
		} else {
			fprintf(f, "  ok");
		}
		break;
	}
	case GS_SESSION_EV_END: {
		const cJSON *cost = cJSON_GetObjectItemCaseSensitive(d, "cost_usd");
		const char *err = str_or(d, "error", NULL);

		fprintf(f, " %s", str_or(d, "status", "?"));
		if (num_or(d, "duration_ms", -1) >= 0)
			fprintf(f, "  %.3f s", num_or(d, "duration_ms", 0) / 1000.0);
		if (cJSON_IsNumber(cost))
			fprintf(f, "  $%.4f", cost->valuedouble);
		if (err && *err && gs_session_preview(&pv, err, strlen(err), 60) == 0)
			fprintf(f, "  error: %s", pv.ptr);
		break;
	}
	case GS_SESSION_EV_OVERRIDE:
		fprintf(f, " %s -> %s", str_or(d, "from", "-"), str_or(d, "to", "-"));
		if (str_or(d, "reason", NULL) &&
		    gs_session_preview(&pv, str_or(d, "reason", ""), strlen(str_or(d, "reason", "")),
				       60) == 0)
			fprintf(f, "  (%s)", pv.ptr);
		break;
	case GS_SESSION_EV_RUN_SUMMARY: {
		const cJSON *m;
		int first = 1;

		fprintf(f, " models ");
		cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(d, "models")) {
			if (cJSON_IsString(m))
				fprintf(f, "%s%s", first ? "" : ",", m->valuestring);
			first = 0;
		}
		fprintf(f, "  selected %s  rating %s", str_or(d, "selected", "-"),
			str_or(d, "rating", "-"));
		if (str_or(d, "type", NULL) && *str_or(d, "type", ""))
			fprintf(f, "  [%s]", str_or(d, "type", ""));
		break;
	}
	default:
		break;
	}
	fputc('\n', f);
	gs_buf_dispose(&pv);
}

static int replay_cb(const gs_session_event *ev, void *payload)
{
	struct replay_ctx *c = payload;

	if (c->n == 0)
		c->first_ts = ev->ts_ms;
	if (c->json) {
		fputs(c->n ? ",\n" : "\n", c->out);
		fwrite(ev->line, 1, ev->line_len, c->out);
	} else {
		replay_text(c, ev);
	}
	c->n++;
	return 0;
}

static void print_totals_text(const gs_session_totals *t)
{
	char cbuf[32];

	fmt_cost(cbuf, sizeof(cbuf), t->cost_usd, t->cost_known);
	printf("status: %s\n", t->status == GS_SESSION_SUCCESS  ? "success"
			       : t->status == GS_SESSION_FAILED ? "failed"
								: "open (no session.end)");
	printf("totals: %lld responses; tokens in %lld, out %lld, cache read %lld, cache write "
	       "%lld; cost %s; duration %.3f s; %lld tool calls (%lld failed)\n",
	       (long long)t->iterations, (long long)t->input_tokens, (long long)t->output_tokens,
	       (long long)t->cache_read_tokens, (long long)t->cache_write_tokens, cbuf,
	       (double)t->duration_ms / 1000.0, (long long)t->tool_calls, (long long)t->tool_errors);
}

static cJSON *totals_json(const gs_session_totals *t)
{
	cJSON *o = cJSON_CreateObject();
	char when[GS_TIME_BUFSZ];

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "id", t->id);
	gs_time_format(when, t->created_ms, 1);
	cJSON_AddStringToObject(o, "created_at", when);
	gs_time_format(when, t->last_active_ms, 1);
	cJSON_AddStringToObject(o, "last_active_at", when);
	if (t->issue)
		cJSON_AddStringToObject(o, "issue", t->issue);
	else
		cJSON_AddNullToObject(o, "issue");
	if (t->model)
		cJSON_AddStringToObject(o, "model", t->model);
	else
		cJSON_AddNullToObject(o, "model");
	if (t->provider)
		cJSON_AddStringToObject(o, "provider", t->provider);
	else
		cJSON_AddNullToObject(o, "provider");
	cJSON_AddStringToObject(o, "status", t->status == GS_SESSION_SUCCESS  ? "success"
					     : t->status == GS_SESSION_FAILED ? "failed"
									      : "open");
	cJSON_AddNumberToObject(o, "input_tokens", (double)t->input_tokens);
	cJSON_AddNumberToObject(o, "output_tokens", (double)t->output_tokens);
	cJSON_AddNumberToObject(o, "cache_read_tokens", (double)t->cache_read_tokens);
	cJSON_AddNumberToObject(o, "cache_write_tokens", (double)t->cache_write_tokens);
	if (t->cost_known)
		cJSON_AddNumberToObject(o, "cost_usd", t->cost_usd);
	else
		cJSON_AddNullToObject(o, "cost_usd");
	cJSON_AddNumberToObject(o, "duration_ms", (double)t->duration_ms);
	cJSON_AddNumberToObject(o, "iterations", (double)t->iterations);
	cJSON_AddNumberToObject(o, "tool_calls", (double)t->tool_calls);
	cJSON_AddNumberToObject(o, "tool_errors", (double)t->tool_errors);
	cJSON_AddNumberToObject(o, "events", (double)t->events);
	return o;
}

static int sub_replay(int argc, char **argv)
{
	gs_buf dir = GS_BUF_INIT;
	gs_session_totals t;
	struct replay_ctx c;
	const char *spec;
	char id[GS_SESSION_ID_BUFSZ];
	cJSON *meta = NULL;
	int json, rc, error;

	memset(&t, 0, sizeof(t));
	if ((rc = one_session_args(&spec, &json, argc, argv, usage_replay)) != 0)
		return rc;
	if ((rc = sessions_dir(&dir)) != 0 || (rc = resolve(id, dir.ptr, spec)) != 0)
		goto done;
	if ((error = gs_session_metadata_load(&meta, dir.ptr, id)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	memset(&c, 0, sizeof(c));
	c.out = stdout;
	c.json = json;
	if (json) {
		printf("{\"session\":\"%s\",\"events\":[", id);
	} else {
		const char *issue = str_or(meta, "issue", NULL);

		printf("session %s\n", id);
		printf("created %s", str_or(meta, "created_at", "?"));
		if (issue)
			printf("  issue %s", issue);
		printf("\n\n");
	}
	/* The transcript streams the events, never holding them in memory;
	 * totals come from the metadata refreshed above. */
	if ((error = gs_session_read(dir.ptr, id, GS_SESSION_EV_ALL, replay_cb, &c, print_warning,
				     NULL)) < 0 ||
	    (error = gs_session_totals_load(&t, dir.ptr, id)) < 0) {
		if (json)
			printf("]}\n");
		rc = cli_fail(error);
		goto done;
	}
	if (json) {
		cJSON *tj = totals_json(&t);

		printf("%s],\"totals\":", c.n ? "\n" : "");
		print_json(tj, 0);
		fputs("}\n", stdout);
		cJSON_Delete(tj);
	} else {
		if (!c.n)
			printf("(no events)\n");
		printf("\n");
		print_totals_text(&t);
	}
	rc = CLI_OK;
done:
	gs_session_totals_dispose(&t);
	cJSON_Delete(meta);
	gs_buf_dispose(&dir);
	return rc;
}

/* ---- list --------------------------------------------------------------------- */

static int sub_list(int argc, char **argv)
{
	const char *issue = NULL;
	gs_session_iter *it = NULL;
	gs_buf dir = GS_BUF_INIT;
	cJSON *arr = NULL;
	int i, json = 0, rc = CLI_OK, m, shown = 0;

	for (i = 1; i < argc; i++) {
		if ((m = opt_value(&issue, argc, argv, &i, "--issue", usage_list, &rc))) {
			if (m < 0)
				return rc;
		} else if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_usage_error(usage_list, "unknown argument '%s'", argv[i]);
	}
	if ((rc = sessions_dir(&dir)) != 0)
		goto done;
	if ((rc = gs_session_iter_new(&it, dir.ptr)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	arr = cJSON_CreateArray();
	if (!json)
		printf("%-40s  %-20s  %-8s  %-24s  %6s  %-7s  %s\n", "ID", "CREATED", "ISSUE", "MODEL",
		       "EVENTS", "STATUS", "COST");
	for (;;) {
		const gs_session_totals *t;
		char created[GS_TIME_BUFSZ], cbuf[32];
		int error = gs_session_iter_next(&t, it);

		if (error == GS_SESSION_ITEROVER)
			break;
		if (error < 0) {
			/* One corrupt session does not hide the others. */
			fprintf(stderr, "git-stats: warning: %s\n", gs_error_last());
			continue;
		}
		if (issue && (!t->issue || strcasecmp(t->issue, issue)))
			continue;
		shown++;
		if (json) {
			cJSON_AddItemToArray(arr, totals_json(t));
			continue;
		}
		gs_time_format(created, t->created_ms, 0);
		fmt_cost(cbuf, sizeof(cbuf), t->cost_usd, t->cost_known);
		printf("%-40s  %-20s  %-8s  %-24s  %6lld  %-7s  %s\n", t->id, created,
		       t->issue ? t->issue : "-", t->model ? t->model : "-", (long long)t->events,
		       t->status == GS_SESSION_SUCCESS  ? "success"
		       : t->status == GS_SESSION_FAILED ? "failed"
							: "open",
		       t->iterations || t->cost_known ? cbuf : "-");
	}
	if (json) {
		print_json(arr, 1);
	} else if (!shown) {
		printf("(no sessions)\n");
	}
	rc = CLI_OK;
done:
	cJSON_Delete(arr);
	gs_session_iter_free(it);
	gs_buf_dispose(&dir);
	return rc;
}

/* ---- show --------------------------------------------------------------------- */

static int sub_show(int argc, char **argv)
{
	gs_buf dir = GS_BUF_INIT;
	const char *spec;
	char id[GS_SESSION_ID_BUFSZ], cbuf[32];
	cJSON *meta = NULL, *totals, *tools, *runs;
	const cJSON *models, *mv;
	int json, rc, error, first = 1;
	int64_t nruns = 0, rewinds = 0;

	if ((rc = one_session_args(&spec, &json, argc, argv, usage_show)) != 0)
		return rc;
	if ((rc = sessions_dir(&dir)) != 0 || (rc = resolve(id, dir.ptr, spec)) != 0)
		goto done;
	if ((error = gs_session_metadata_load(&meta, dir.ptr, id)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	if (json) {
		print_json(meta, 1);
		rc = CLI_OK;
		goto done;
	}
	totals = cJSON_GetObjectItemCaseSensitive(meta, "totals");
	tools = cJSON_GetObjectItemCaseSensitive(meta, "tools");
	runs = cJSON_GetObjectItemCaseSensitive(meta, "runs");
	nruns = (int64_t)num_or(runs, "count", 0);
	rewinds = (int64_t)num_or(runs, "rewinds", 0);
	printf("session:      %s\n", id);
	printf("created:      %s\n", str_or(meta, "created_at", "?"));
	printf("last active:  %s\n", str_or(meta, "last_active_at", "?"));
	printf("issue:        %s\n", str_or(meta, "issue", "-"));
	printf("model:        %s\n", str_or(totals, "model", "-"));
	printf("models:       ");
	models = cJSON_GetObjectItemCaseSensitive(meta, "models");
	cJSON_ArrayForEach(mv, models) {
		if (cJSON_IsString(mv))
			printf("%s%s", first ? "" : ", ", mv->valuestring);
		first = 0;
	}
	printf("%s\n", first ? "-" : "");
	printf("config hash:  %s\n", str_or(meta, "config_hash", "-"));
	printf("status:       %s", str_or(meta, "status", "open"));
	if (str_or(meta, "end_status", NULL) &&
	    strcmp(str_or(meta, "end_status", ""), str_or(meta, "status", "")))
		printf(" (%s)", str_or(meta, "end_status", ""));
	if (str_or(meta, "error", NULL))
		printf(": %s", str_or(meta, "error", ""));
	printf("\n");
	printf("prompts:      %.0f\n", num_or(meta, "prompt_count", 0));
	if (str_or(meta, "first_prompt_preview", NULL)) {
		printf("first prompt: \"%s\"\n", str_or(meta, "first_prompt_preview", ""));
		printf("last prompt:  \"%s\"\n", str_or(meta, "last_prompt_preview", ""));
	}
	printf("events:       %.0f (last seq %.0f)\n", num_or(meta, "event_count", 0),
	       num_or(meta, "last_seq", 0));
	printf("iterations:   %.0f\n", num_or(totals, "iterations", 0));
	printf("tokens:       in %.0f, out %.0f, cache read %.0f, cache write %.0f\n",
	       num_or(totals, "input_tokens", 0), num_or(totals, "output_tokens", 0),
	       num_or(totals, "cache_read_tokens", 0), num_or(totals, "cache_write_tokens", 0));
	fmt_cost(cbuf, sizeof(cbuf), num_or(totals, "cost_usd", 0),
		 cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(totals, "cost_usd")));
	printf("cost:         %s\n", cbuf);
	printf("duration:     %.3f s\n", num_or(totals, "duration_ms", 0) / 1000.0);
	printf("tool calls:   %.0f (%.0f failed)\n", num_or(tools, "calls", 0),
	       num_or(tools, "errors", 0));
	printf("runs:         %lld (%lld rewound)\n", (long long)nruns, (long long)rewinds);
	rc = CLI_OK;
done:
	cJSON_Delete(meta);
	gs_buf_dispose(&dir);
	return rc;
}

/* ---- models ------------------------------------------------------------------- */

static void add_rate(cJSON *o, const char *key, int64_t num, int64_t den)
{
	if (den)
		cJSON_AddNumberToObject(o, key, (double)num / (double)den);
	else
		cJSON_AddNullToObject(o, key);
}

static int sub_models(int argc, char **argv)
{
	gs_session_models_opts opts = { NULL, NULL };
	gs_session_models ms;
	gs_buf dir = GS_BUF_INIT;
	char id[GS_SESSION_ID_BUFSZ];
	int i, json = 0, rc = CLI_OK, m, error;
	size_t k;

	memset(&ms, 0, sizeof(ms));
	for (i = 1; i < argc; i++) {
		if ((m = opt_value(&opts.session, argc, argv, &i, "--session", usage_models, &rc)) ||
		    (m = opt_value(&opts.config_hash, argc, argv, &i, "--config-hash", usage_models,
				   &rc))) {
			if (m < 0)
				return rc;
		} else if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_usage_error(usage_models, "unknown argument '%s'", argv[i]);
	}
	if ((rc = sessions_dir(&dir)) != 0)
		goto done;
	if (opts.session) {
		if ((rc = resolve(id, dir.ptr, opts.session)) != 0)
			goto done;
		opts.session = id;
	}
	if ((error = gs_session_models_compute(&ms, dir.ptr, &opts, print_warning, NULL)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	if (json) {
		cJSON *root = cJSON_CreateObject(), *arr;

		cJSON_AddNumberToObject(root, "runs", (double)ms.runs);
		cJSON_AddNumberToObject(root, "rewinds_excluded", (double)ms.rewinds);
		arr = cJSON_AddArrayToObject(root, "models");
		for (k = 0; k < ms.count; k++) {
			const gs_session_model_stats *s = &ms.models[k];
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "model", s->model);
			cJSON_AddNumberToObject(o, "participations", (double)s->participations);
			cJSON_AddNumberToObject(o, "wins", (double)s->wins);
			cJSON_AddNumberToObject(o, "losses", (double)s->losses);
			cJSON_AddNumberToObject(o, "thumbs_down", (double)s->thumbs_down);
			add_rate(o, "win_rate", s->wins, s->participations);
			add_rate(o, "loss_rate", s->losses, s->participations);
			add_rate(o, "bad_rate", s->thumbs_down, s->participations);
			if (s->latency_count)
				cJSON_AddNumberToObject(o, "avg_latency_ms",
							s->latency_ms_sum / (double)s->latency_count);
			else
				cJSON_AddNullToObject(o, "avg_latency_ms");
			if (s->cost_count) {
				cJSON_AddNumberToObject(o, "cost_usd", s->cost_usd);
				cJSON_AddNumberToObject(o, "avg_cost_usd",
							s->cost_usd / (double)s->cost_count);
			} else {
				cJSON_AddNullToObject(o, "cost_usd");
				cJSON_AddNullToObject(o, "avg_cost_usd");
			}
			cJSON_AddNumberToObject(o, "input_tokens", (double)s->input_tokens);
			cJSON_AddNumberToObject(o, "output_tokens", (double)s->output_tokens);
			cJSON_AddNumberToObject(o, "tool_calls", (double)s->tool_calls);
			cJSON_AddNumberToObject(o, "proposed_writes", (double)s->proposed_writes);
			cJSON_AddItemToArray(arr, o);
		}
		print_json(root, 1);
		cJSON_Delete(root);
	} else {
		printf("%-28s %5s %5s %6s %5s %6s %6s %6s %9s %10s %10s %10s %6s %6s\n", "MODEL", "RUNS",
		       "WINS", "LOSSES", "DOWN", "WIN%", "LOSS%", "BAD%", "LATENCY", "COST", "IN",
		       "OUT", "TOOLS", "WRITES");
		for (k = 0; k < ms.count; k++) {
			const gs_session_model_stats *s = &ms.models[k];
			double p = s->participations ? (double)s->participations : 1;
			char lat[32], cost[32];

			if (s->latency_count)
				snprintf(lat, sizeof(lat), "%.0f ms",
					 s->latency_ms_sum / (double)s->latency_count);
			else
				snprintf(lat, sizeof(lat), "-");
			fmt_cost(cost, sizeof(cost), s->cost_usd, s->cost_count > 0);
			printf("%-28s %5lld %5lld %6lld %5lld %5.1f%% %5.1f%% %5.1f%% %9s %10s %10lld "
			       "%10lld %6lld %6lld\n",
			       s->model, (long long)s->participations, (long long)s->wins,
			       (long long)s->losses, (long long)s->thumbs_down,
			       100.0 * (double)s->wins / p, 100.0 * (double)s->losses / p,
			       100.0 * (double)s->thumbs_down / p, lat, cost,
			       (long long)s->input_tokens, (long long)s->output_tokens,
			       (long long)s->tool_calls, (long long)s->proposed_writes);
		}
		printf("%lld runs (%lld rewound runs excluded)\n", (long long)ms.runs,
		       (long long)ms.rewinds);
	}
	rc = CLI_OK;
done:
	gs_session_models_dispose(&ms);
	gs_buf_dispose(&dir);
	return rc;
}

/* ---- export and routing --------------------------------------------------------- */

/* Parse `[--since W] [--json]`; `*has_window` tells whether W was given. */
static int window_args(gs_window *w, int *has_window, int *json, int argc, char **argv,
		       const char *usage)
{
	const char *since = NULL;
	int i, m, rc = 0, error;

	*has_window = 0;
	*json = 0;
	for (i = 1; i < argc; i++) {
		if ((m = opt_value(&since, argc, argv, &i, "--since", usage, &rc))) {
			if (m < 0)
				return rc;
		} else if (!strcmp(argv[i], "--json"))
			*json = 1;
		else
			return cli_usage_error(usage, "unknown argument '%s'", argv[i]);
	}
	if (since) {
		if ((error = gs_window_parse(w, since, gs_time_now_ms())) < 0)
			return cli_fail(GS_EUSAGE);
		*has_window = 1;
	}
	return 0;
}

static int sub_export(int argc, char **argv)
{
	gs_buf dir = GS_BUF_INIT;
	gs_window w;
	cJSON *out = NULL;
	int has_w, json, rc, error;

	if ((rc = window_args(&w, &has_w, &json, argc, argv, usage_export)) != 0)
		return rc;
	if ((rc = sessions_dir(&dir)) != 0)
		goto done;
	if ((error = gs_session_export(&out, dir.ptr, has_w ? &w : NULL, print_warning, NULL)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	print_json(out, 1);
	rc = CLI_OK;
done:
	cJSON_Delete(out);
	gs_buf_dispose(&dir);
	return rc;
}

static int sub_routing(int argc, char **argv)
{
	gs_session_routing r;
	gs_buf dir = GS_BUF_INIT;
	gs_window w;
	int has_w, json, rc, error;
	size_t k;

	memset(&r, 0, sizeof(r));
	if ((rc = window_args(&w, &has_w, &json, argc, argv, usage_routing)) != 0)
		return rc;
	if ((rc = sessions_dir(&dir)) != 0)
		goto done;
	if ((error = gs_session_routing_compute(&r, dir.ptr, has_w ? &w : NULL, print_warning,
						NULL)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	if (json) {
		cJSON *root = cJSON_CreateObject(), *arr;

		cJSON_AddStringToObject(root, "window", has_w ? w.spec : "all");
		cJSON_AddNumberToObject(root, "requests", (double)r.requests);
		cJSON_AddNumberToObject(root, "overrides", (double)r.overrides);
		add_rate(root, "override_rate", r.overrides, r.requests);
		arr = cJSON_AddArrayToObject(root, "models");
		for (k = 0; k < r.count; k++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "model", r.rows[k].model);
			cJSON_AddNumberToObject(o, "requests", (double)r.rows[k].requests);
			cJSON_AddNumberToObject(o, "overrides", (double)r.rows[k].overrides);
			add_rate(o, "override_rate", r.rows[k].overrides, r.rows[k].requests);
			cJSON_AddItemToArray(arr, o);
		}
		print_json(root, 1);
		cJSON_Delete(root);
	} else {
		printf("%-32s %9s %9s %10s\n", "MODEL", "REQUESTS", "OVERRIDES", "OVERRIDE%");
		for (k = 0; k < r.count; k++) {
			char rate[16] = "-";

			if (r.rows[k].requests)
				snprintf(rate, sizeof(rate), "%.1f%%",
					 100.0 * (double)r.rows[k].overrides / (double)r.rows[k].requests);
			printf("%-32s %9lld %9lld %10s\n", r.rows[k].model, (long long)r.rows[k].requests,
			       (long long)r.rows[k].overrides, rate);
		}
		{
			char rate[16] = "-";

			if (r.requests)
				snprintf(rate, sizeof(rate), "%.1f%%",
					 100.0 * (double)r.overrides / (double)r.requests);
			printf("%-32s %9lld %9lld %10s\n", "total", (long long)r.requests,
			       (long long)r.overrides, rate);
		}
	}
	rc = CLI_OK;
done:
	gs_session_routing_dispose(&r);
	gs_buf_dispose(&dir);
	return rc;
}

/* ---- dispatch ----------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} subcommands[] = {
	{ "new", sub_new, usage_new },
	{ "log", sub_log, usage_log },
	{ "replay", sub_replay, usage_replay },
	{ "list", sub_list, usage_list },
	{ "show", sub_show, usage_show },
	{ "models", sub_models, usage_models },
	{ "export", sub_export, usage_export },
	{ "routing", sub_routing, usage_routing },
};

int cmd_session(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return cli_usage_error(usage_main, "session needs a subcommand");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return cli_help(usage_main);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name))
			continue;
		if (cli_wants_help(argc - 1, argv + 1))
			return cli_help(subcommands[i].usage);
		return subcommands[i].fn(argc - 1, argv + 1);
	}
	return cli_usage_error(usage_main, "unknown session subcommand '%s'", argv[1]);
}
