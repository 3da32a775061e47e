/*
 * git stats record: turn flags, a JSON object or JSON Lines into runs and
 * commit them (SPEC §3). With --best-effort a runtime failure spools the
 * runs instead, so an agent's bookkeeping never fails its job.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: git stats record [options] <issue>\n"
	"   or: git stats record --batch FILE|- [--best-effort] [--ref REF] [--format json]\n"
	"\n"
	"Record one agent run on an issue: add it to the frontmatter totals and\n"
	"append a run block under '## Run stats', in one commit on the target ref.\n"
	"A run id that is already recorded changes nothing (exit 0).\n"
	"\n"
	"    --input-tokens N         base input tokens (without cache tokens)\n"
	"    --output-tokens N        output tokens\n"
	"    --cache-read-tokens N    cache read tokens\n"
	"    --cache-write-tokens N   cache write tokens (all lifetimes)\n"
	"    --cache-write-1h-tokens N  the part of the cache writes with a 1-hour lifetime\n"
	"    --duration SECONDS       wall time (fractions allowed)\n"
	"    --iterations N           agent iterations (turns)\n"
	"    --context-size N         final context size in tokens\n"
	"    --model NAME             model name (prices are looked up by it)\n"
	"    --cost USD               cost in dollars (default: computed from pricing)\n"
	"    --started-at TIME        ISO 8601 start time (default: now minus duration)\n"
	"    --run-id ID              run id (default: generated, run_<time><random>)\n"
	"    --session ID             session id to store with the run\n"
	"    --json FILE|-            read the run from JSON: snake_case fields, barf's\n"
	"                             SessionStats, or 'claude -p --output-format json'\n"
	"                             output; flags override its fields\n"
	"    --batch FILE|-           JSON Lines, one run per line with an 'issue' key,\n"
	"                             all recorded in one commit\n"
	"    --best-effort            on a runtime failure warn, spool the run to\n"
	"                             $GIT_DIR/stats/spool/ and exit 0\n"
	"    --ref REF                commit to REF (default: stats.ref, else the current branch)\n"
	"    --format text|json       output format (default: text)\n";

#define INPUT_LIMIT (256u * 1024u * 1024u)

struct opts {
	const char *issue;
	const char *json;
	const char *batch;
	const char *ref;
	int best_effort;
	int format_json;
	gs_run flags; /* values given as flags, marked in flags.given */
};

static int read_input(gs_buf *out, const char *file)
{
	char chunk[65536];
	ssize_t n;

	if (strcmp(file, "-"))
		return gs_file_read(out, file, INPUT_LIMIT);
	while ((n = read(0, chunk, sizeof(chunk))) > 0) {
		if (out->size + (size_t)n > INPUT_LIMIT) {
			gs_error_set("standard input is larger than %u bytes", INPUT_LIMIT);
			return GS_ETOOBIG;
		}
		if (gs_buf_put(out, chunk, (size_t)n) < 0)
			return GS_ERROR;
	}
	if (n < 0) {
		gs_error_set("cannot read standard input");
		return GS_ERROR;
	}
	return 0;
}

/* The option's value: "--opt=value" or "--opt value". NULL when missing. */
static const char *take_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (!strncmp(a, name, n) && a[n] == '=')
		return a + n + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int opt_is(const char *a, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(a, name, n) && (a[n] == '\0' || a[n] == '=');
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : GS_ERROR;
}

static int parse_args(struct opts *o, int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t off;
		unsigned int bit;
	} counts[] = {
		{ "--input-tokens", offsetof(gs_run, input_tokens), GS_RUN_HAS_INPUT },
		{ "--output-tokens", offsetof(gs_run, output_tokens), GS_RUN_HAS_OUTPUT },
		{ "--cache-read-tokens", offsetof(gs_run, cache_read_tokens), GS_RUN_HAS_CACHE_READ },
		{ "--cache-write-tokens", offsetof(gs_run, cache_write_tokens),
		  GS_RUN_HAS_CACHE_WRITE },
		{ "--cache-write-1h-tokens", offsetof(gs_run, cache_write_1h_tokens),
		  GS_RUN_HAS_CACHE_WRITE_1H },
		{ "--iterations", offsetof(gs_run, iterations), GS_RUN_HAS_ITERATIONS },
		{ "--context-size", offsetof(gs_run, context_size), GS_RUN_HAS_CONTEXT },
	};
	gs_run *f = &o->flags;
	int i, only_args = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		size_t k;
		int took;

		if (only_args || a[0] != '-' || !strcmp(a, "-")) {
			if (o->issue)
				return cli_usage_error(usage, "unexpected argument '%s'", a);
			o->issue = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		if (!strcmp(a, "--best-effort")) {
			o->best_effort = 1;
			continue;
		}
		took = cli_take_ref(&o->ref, argc, argv, &i, usage);
		if (took < 0)
			return CLI_USAGE;
		if (took)
			continue;
		for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++)
			if (opt_is(a, counts[k].name))
				break;
		if (k < sizeof(counts) / sizeof(counts[0])) {
			int64_t *dst = (int64_t *)(void *)((char *)f + counts[k].off);
			if (!(v = take_value(argc, argv, &i, counts[k].name)))
				return cli_usage_error(usage, "%s needs a value", counts[k].name);
			if (cli_parse_i64(dst, counts[k].name, v) < 0)
				return cli_fail(GS_EUSAGE);
			if (*dst > GS_RUN_MAX_COUNT)
				return cli_usage_error(NULL, "%s: '%s' must be below 2^53",
						       counts[k].name, v);
			f->given |= counts[k].bit;
			continue;
		}
#define VALUE(name)                                                                       \
	if (!(v = take_value(argc, argv, &i, name)))                                       \
		return cli_usage_error(usage, "%s needs a value", name);
		if (opt_is(a, "--duration")) {
			VALUE("--duration");
			if (cli_parse_f64(&f->duration_seconds, "--duration", v) < 0)
				return cli_fail(GS_EUSAGE);
			if (f->duration_seconds > 1e12)
				return cli_usage_error(NULL, "--duration: '%s' is too large", v);
			f->given |= GS_RUN_HAS_DURATION;
		} else if (opt_is(a, "--cost")) {
			VALUE("--cost");
			if (cli_parse_cost(&f->cost_usd, "--cost", v) < 0)
				return cli_fail(GS_EUSAGE);
			f->cost_known = 1;
			f->given |= GS_RUN_HAS_COST;
		} else if (opt_is(a, "--model")) {
			VALUE("--model");
			if (!*v)
				return cli_usage_error(usage, "--model needs a value");
			if (set_str(&f->model, v) < 0)
				return CLI_RUNTIME;
			f->given |= GS_RUN_HAS_MODEL;
		} else if (opt_is(a, "--started-at")) {
			VALUE("--started-at");
			if (gs_time_parse(&f->started_at_ms, v) < 0)
				return cli_usage_error(NULL, "--started-at: '%s' is not an ISO 8601 time",
						       v);
			f->given |= GS_RUN_HAS_STARTED;
		} else if (opt_is(a, "--run-id")) {
			VALUE("--run-id");
			if (gs_run_id_check(v) < 0)
				return cli_fail(GS_EUSAGE);
			if (set_str(&f->run_id, v) < 0)
				return CLI_RUNTIME;
			f->given |= GS_RUN_HAS_RUN_ID;
		} else if (opt_is(a, "--session")) {
			VALUE("--session");
			if (!*v)
				return cli_usage_error(usage, "--session needs a value");
			if (set_str(&f->session_id, v) < 0)
				return CLI_RUNTIME;
			f->given |= GS_RUN_HAS_SESSION;
		} else if (opt_is(a, "--json")) {
			VALUE("--json");
			o->json = v;
		} else if (opt_is(a, "--batch")) {
			VALUE("--batch");
			o->batch = v;
		} else if (opt_is(a, "--format")) {
			VALUE("--format");
			if (strcmp(v, "json") && strcmp(v, "text"))
				return cli_usage_error(usage, "--format: expected 'text' or 'json', got '%s'",
						       v);
			o->format_json = !strcmp(v, "json");
		} else {
			return cli_usage_error(usage, "unknown option '%s'", a);
		}
#undef VALUE
	}
	if (o->batch) {
		if (o->issue)
			return cli_usage_error(usage, "--batch takes no <issue>: each line names its issue");
		if (o->json || f->given)
			return cli_usage_error(usage, "--batch cannot be combined with --json or run "
						      "fields; put them in the lines");
		return CLI_OK;
	}
	if (!o->issue)
		return cli_usage_error(usage, "which issue? give <issue>");
	if (gs_issue_id_check(o->issue) < 0)
		return cli_fail(GS_EUSAGE);
	return CLI_OK;
}

/* Flags win over JSON: copy every field the flags set into `run`. */
static int merge_flags(gs_run *run, const gs_run *f)
{
	unsigned int g = f->given;

	if (g & GS_RUN_HAS_INPUT)
		run->input_tokens = f->input_tokens;
	if (g & GS_RUN_HAS_OUTPUT)
		run->output_tokens = f->output_tokens;
	if (g & GS_RUN_HAS_CACHE_READ)
		run->cache_read_tokens = f->cache_read_tokens;
	if (g & GS_RUN_HAS_CACHE_WRITE)
		run->cache_write_tokens = f->cache_write_tokens;
	if (g & GS_RUN_HAS_CACHE_WRITE_1H)
		run->cache_write_1h_tokens = f->cache_write_1h_tokens;
	if (g & GS_RUN_HAS_DURATION)
		run->duration_seconds = f->duration_seconds;
	if (g & GS_RUN_HAS_ITERATIONS)
		run->iterations = f->iterations;
	if (g & GS_RUN_HAS_CONTEXT)
		run->context_size = f->context_size;
	if (g & GS_RUN_HAS_STARTED)
		run->started_at_ms = f->started_at_ms;
	if (g & GS_RUN_HAS_COST) {
		run->cost_usd = f->cost_usd;
		run->cost_known = 1;
	}
	if (((g & GS_RUN_HAS_MODEL) && set_str(&run->model, f->model) < 0) ||
	    ((g & GS_RUN_HAS_RUN_ID) && set_str(&run->run_id, f->run_id) < 0) ||
	    ((g & GS_RUN_HAS_SESSION) && set_str(&run->session_id, f->session_id) < 0)) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	if (g & GS_RUN_HAS_MODEL) {
		/* a model given as a flag replaces a JSON per-model split */
		free(run->provider);
		run->provider = NULL;
		run->model_from_split = 0;
	}
	run->given |= g;
	return 0;
}

/*
 * --session: fill the fields that flags and JSON left out (tokens with
 * their cache classes, cost, duration, model, iterations = llm.response
 * events, start time) from the session's event log, using run->given to
 * know which. A cost the log does not know stays for pricing to compute
 * (or unknown), never $0. The stored session id is the resolved full id.
 * A --session flag must name a session here (`strict`); a session_id that
 * came in JSON may be another tool's (`claude -p` prints Claude's own) or
 * from another machine, so when it names no local session it is stored
 * as given and nothing is filled.
 */
static int fill_from_session(gs_run *run, gs_repo *repo, int strict)
{
	const char *common = git_repository_commondir(gs_repo_git(repo));
	gs_buf dir = GS_BUF_INIT;
	gs_session_totals t;
	char id[GS_SESSION_ID_BUFSZ];
	unsigned int g = run->given;
	int error;

	memset(&t, 0, sizeof(t));
	if ((error = gs_buf_printf(&dir, "%s%sstats/sessions", common,
				   common[strlen(common) - 1] == '/' ? "" : "/")) < 0)
		goto done;
	error = gs_session_resolve(id, dir.ptr, run->session_id);
	if (error < 0 && !strict && error != GS_ERROR) {
		gs_error_clear();
		error = 0;
		goto done;
	}
	if (error < 0 || (error = gs_session_run_totals(&t, dir.ptr, id, NULL, NULL)) < 0) {
		gs_error_prefix("--session");
		if (error == GS_EUSAGE)
			error = GS_ENOTFOUND;
		goto done;
	}
	if ((error = set_str(&run->session_id, id)) < 0)
		goto done;
	if (!(g & GS_RUN_HAS_INPUT))
		run->input_tokens = t.input_tokens;
	if (!(g & GS_RUN_HAS_OUTPUT))
		run->output_tokens = t.output_tokens;
	if (!(g & GS_RUN_HAS_CACHE_READ))
		run->cache_read_tokens = t.cache_read_tokens;
	if (!(g & GS_RUN_HAS_CACHE_WRITE))
		run->cache_write_tokens = t.cache_write_tokens;
	if (!(g & GS_RUN_HAS_DURATION))
		run->duration_seconds = (double)t.duration_ms / 1000.0;
	if (!(g & GS_RUN_HAS_ITERATIONS))
		run->iterations = t.iterations;
	if (!(g & GS_RUN_HAS_STARTED) && t.created_ms >= 0)
		run->started_at_ms = t.created_ms;
	if (!(g & GS_RUN_HAS_MODEL) && t.model) {
		if ((error = set_str(&run->model, t.model)) < 0)
			goto done;
		if (t.provider && (error = set_str(&run->provider, t.provider)) < 0)
			goto done;
	}
	if (!(g & GS_RUN_HAS_COST) && t.cost_known) {
		run->cost_usd = t.cost_usd;
		run->cost_known = 1;
		run->given |= GS_RUN_HAS_COST;
	}
	run->given |= GS_RUN_HAS_INPUT | GS_RUN_HAS_OUTPUT | GS_RUN_HAS_CACHE_READ |
		      GS_RUN_HAS_CACHE_WRITE | GS_RUN_HAS_DURATION | GS_RUN_HAS_ITERATIONS;
	error = 0;
done:
	gs_session_totals_dispose(&t);
	gs_buf_dispose(&dir);
	return error;
}

static int read_batch(gs_run **out, size_t *n, const char *file)
{
	gs_buf data = GS_BUF_INIT;
	gs_run *runs = NULL;
	size_t count = 0, alloc = 0, line = 0;
	const char *p, *end, *name = strcmp(file, "-") ? file : "<stdin>";
	int error;

	*out = NULL;
	*n = 0;
	if ((error = read_input(&data, file)) < 0)
		goto done;
	p = data.ptr;
	end = data.ptr + data.size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p;

		line++;
		while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < le) {
			if (count == alloc) {
				gs_run *g;
				alloc = alloc ? alloc * 2 : 64;
				if (!(g = realloc(runs, alloc * sizeof(*g)))) {
					error = GS_ERROR;
					gs_error_set("out of memory");
					goto done;
				}
				runs = g;
			}
			gs_run_init(&runs[count]);
			count++;
			if ((error = gs_run_from_json(&runs[count - 1], p, (size_t)(le - p), name,
						      line)) < 0)
				goto done;
			if (!runs[count - 1].issue) {
				gs_error_set("%s:%zu: the run names no 'issue'", name, line);
				error = GS_EPARSE;
				goto done;
			}
			if (gs_issue_id_check(runs[count - 1].issue) < 0) {
				gs_error_prefix("%s:%zu", name, line);
				error = GS_EPARSE;
				goto done;
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (!count) {
		gs_error_set("%s: no runs in the batch", name);
		error = GS_EPARSE;
		goto done;
	}
	*out = runs;
	*n = count;
	runs = NULL;
	count = 0;
	error = 0;
done:
	gs_run_free_array(runs, count);
	gs_buf_dispose(&data);
	return error;
}

static void print_json_result(const gs_run *runs, size_t n, const int *status, char **paths,
			      const gs_store_result *res, const char *spool_error,
			      char **spool_files)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	size_t i, recorded = 0, dups = 0;
	char hex[GIT_OID_HEXSZ + 1];
	char *text;

	if (!o)
		return;
	arr = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		cJSON *r = cJSON_CreateObject();
		const char *st = spool_error ? "spooled"
				 : status[i] == GS_RUN_DUPLICATE ? "duplicate"
								  : "recorded";
		if (!spool_error && status[i] == GS_RUN_DUPLICATE)
			dups++;
		else if (!spool_error)
			recorded++;
		cJSON_AddStringToObject(r, "run_id", runs[i].run_id);
		cJSON_AddStringToObject(r, "issue", runs[i].issue);
		if (paths && paths[i])
			cJSON_AddStringToObject(r, "path", paths[i]);
		else
			cJSON_AddNullToObject(r, "path");
		cJSON_AddStringToObject(r, "status", st);
		if (runs[i].model)
			cJSON_AddStringToObject(r, "model", runs[i].model);
		else
			cJSON_AddNullToObject(r, "model");
		if (runs[i].cost_known) {
			gs_buf b = GS_BUF_INIT;
			gs_run_fmt_usd(&b, gs_run_cost_nanos(&runs[i]));
			cJSON_AddRawToObject(r, "cost_usd", b.ptr);
			gs_buf_dispose(&b);
		} else {
			cJSON_AddNullToObject(r, "cost_usd");
		}
		if (spool_files && spool_files[i])
			cJSON_AddStringToObject(r, "spool_file", spool_files[i]);
		cJSON_AddItemToArray(arr, r);
	}
	cJSON_AddNumberToObject(o, "recorded", (double)recorded);
	cJSON_AddNumberToObject(o, "duplicates", (double)dups);
	if (res && res->changed) {
		git_oid_tostr(hex, sizeof(hex), &res->commit);
		cJSON_AddStringToObject(o, "commit", hex);
	} else {
		cJSON_AddNullToObject(o, "commit");
	}
	cJSON_AddBoolToObject(o, "spooled", spool_error != NULL);
	if (spool_error)
		cJSON_AddStringToObject(o, "error", spool_error);
	cJSON_AddItemToObject(o, "runs", arr);
	if ((text = cJSON_Print(o)) != NULL) {
		puts(text);
		free(text);
	}
	cJSON_Delete(o);
}

/* Runs without a price are reported, never counted as $0. */
static void print_unknown_costs(const gs_run *runs, size_t n, const int *status)
{
	const char *models[3];
	size_t i, j, unknown = 0, nm = 0, more = 0;

	for (i = 0; i < n; i++) {
		const char *m = gs_run_unpriced_model(&runs[i]);
		if (status[i] == GS_RUN_DUPLICATE || runs[i].cost_known)
			continue;
		if (!m)
			m = "(no model)";
		unknown++;
		for (j = 0; j < nm && strcmp(models[j], m); j++)
			;
		if (j < nm)
			continue;
		if (nm < 3)
			models[nm++] = m;
		else
			more = 1;
	}
	if (!unknown)
		return;
	printf("%zu run%s with unknown cost (", unknown, unknown == 1 ? "" : "s");
	for (j = 0; j < nm; j++)
		printf("%s%s", j ? ", " : "", models[j]);
	printf("%s); their issues' total_cost_usd is omitted\n", more ? ", ..." : "");
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_text_result(const gs_run *runs, size_t n, const int *status, char **paths,
			      const gs_store_result *res)
{
	char hex[8];
	gs_buf b = GS_BUF_INIT;
	size_t i, dups = 0, issues = 0;

	git_oid_tostr(hex, sizeof(hex), &res->commit);
	if (n == 1) {
		if (status[0] == GS_RUN_DUPLICATE) {
			printf("run %s is already recorded in %s; nothing changed\n", runs[0].run_id,
			       paths[0]);
			return;
		}
		gs_buf_printf(&b, "recorded run %s in %s: ", runs[0].run_id, paths[0]);
		gs_report_fmt_int(&b, runs[0].input_tokens + runs[0].cache_read_tokens +
					      runs[0].cache_write_tokens);
		gs_buf_puts(&b, " input, ");
		gs_report_fmt_int(&b, runs[0].output_tokens);
		gs_buf_puts(&b, " output tokens, ");
		if (runs[0].cost_known) {
			gs_buf_putc(&b, '$');
			gs_run_fmt_usd(&b, gs_run_cost_nanos(&runs[0]));
		} else {
			const char *unpriced = gs_run_unpriced_model(&runs[0]);
			if (unpriced)
				gs_buf_printf(&b, "cost unknown (no price for model '%s')", unpriced);
			else
				gs_buf_puts(&b, "cost unknown (no model given)");
		}
		printf("%s (commit %s)\n", b.ptr, hex);
		gs_buf_dispose(&b);
		return;
	}
	{
		char **sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			return;
		for (i = 0; i < n; i++) {
			if (status[i] == GS_RUN_DUPLICATE)
				dups++;
			sorted[i] = paths[i];
		}
		qsort(sorted, n, sizeof(*sorted), cmp_paths);
		for (i = 0; i < n; i++)
			if (!i || strcmp(sorted[i - 1], sorted[i]))
				issues++;
		free(sorted);
	}
	if (n - dups == 0) {
		printf("all %zu runs are already recorded; nothing changed\n", n);
		return;
	}
	gs_report_fmt_int(&b, (int64_t)(n - dups));
	printf("recorded %s runs on %zu issue%s in commit %s", b.ptr, issues, issues == 1 ? "" : "s",
	       hex);
	if (dups)
		printf(" (%zu already recorded)", dups);
	putchar('\n');
	gs_buf_dispose(&b);
	print_unknown_costs(runs, n, status);
}

int cmd_record(int argc, char **argv)
{
	struct opts o;
	gs_run *runs = NULL;
	size_t n = 0, i, spooled = 0;
	gs_repo *repo = NULL;
	gs_pricing *pricing = NULL;
	gs_store_result res;
	int *status = NULL, price_later = 0, rc, error;
	char **paths = NULL, **spool_files = NULL;
	gs_buf data = GS_BUF_INIT, msg = GS_BUF_INIT, spool_note = GS_BUF_INIT;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	gs_run_init(&o.flags);
	if ((rc = parse_args(&o, argc, argv)) != CLI_OK)
		goto out;
	rc = CLI_RUNTIME;

	/* The input: runtime errors here cannot be spooled (there is no record). */
	if (o.batch) {
		if ((error = read_batch(&runs, &n, o.batch)) < 0) {
			rc = cli_fail(error);
			goto out;
		}
	} else {
		if (!(runs = calloc(1, sizeof(*runs))))
			goto out;
		gs_run_init(&runs[0]);
		n = 1;
		if (o.json) {
			const char *name = strcmp(o.json, "-") ? o.json : "<stdin>";
			if ((error = read_input(&data, o.json)) < 0 ||
			    (error = gs_run_from_json(&runs[0], data.ptr, data.size, name, 0)) < 0) {
				rc = cli_fail(error);
				goto out;
			}
		}
		if ((error = merge_flags(&runs[0], &o.flags)) < 0 ||
		    (error = set_str(&runs[0].issue, o.issue)) < 0) {
			rc = cli_fail(error);
			goto out;
		}
	}

	if ((error = cli_open_repo(&repo, o.ref)) < 0) {
		rc = cli_fail(error);
		goto out;
	}
	if ((error = gs_pricing_load_repo(&pricing, NULL, repo)) < 0) {
		if (!o.best_effort) {
			rc = cli_fail(error);
			goto out;
		}
		fprintf(stderr, "git-stats: warning: %s; runs are priced when flushed\n",
			gs_error_last());
		price_later = 1;
	}
	for (i = 0; i < n; i++) {
		if (runs[i].session_id &&
		    (error = fill_from_session(&runs[i], repo,
					       !o.batch && (o.flags.given & GS_RUN_HAS_SESSION))) < 0) {
			rc = cli_fail(error);
			goto out;
		}
		if ((error = gs_run_finish(&runs[i], pricing, gs_time_now_ms())) < 0) {
			if (o.batch)
				gs_error_prefix("run %zu of the batch", i + 1);
			rc = cli_fail(o.batch && error == GS_EUSAGE ? GS_EPARSE : error);
			goto out;
		}
	}
	if (!price_later) {
		/* Older spooled runs go first, so totals keep their order. */
		size_t queued = 0;
		gs_spool_result sr;
		if (gs_spool_count(&queued, repo) == 0 && queued) {
			if (gs_spool_flush(&sr, repo, pricing) < 0)
				gs_buf_printf(&spool_note, "cannot flush the spool: %s", gs_error_last());
			else if (sr.failed)
				gs_buf_printf(&spool_note, "%zu spooled record%s could not be applied",
					      sr.failed, sr.failed == 1 ? "" : "s");
			gs_spool_result_dispose(&sr);
		}
	}
	if (!(status = calloc(n, sizeof(*status))))
		goto out;
	error = price_later ? GS_ERROR : gs_run_record(&res, status, &paths, NULL, repo, runs, n, NULL, 0);
	if (error < 0) {
		const char *target = NULL;
		if (!o.best_effort || error == GS_EUSAGE) {
			rc = cli_fail(error);
			goto out;
		}
		/* Best effort: keep the runs for 'git stats flush'. */
		if (!price_later)
			gs_buf_puts(&msg, gs_error_last());
		else
			gs_buf_puts(&msg, "the pricing file does not parse");
		if (gs_repo_target_ref(&target, repo) < 0)
			target = NULL;
		if (!(spool_files = calloc(n, sizeof(*spool_files))))
			goto out;
		for (i = 0; i < n; i++) {
			gs_buf path = GS_BUF_INIT;
			if ((error = gs_spool_write(&path, repo, &runs[i], target, price_later)) < 0) {
				gs_buf_dispose(&path);
				gs_error_prefix("cannot spool run '%s' after '%s'", runs[i].run_id,
						msg.ptr);
				rc = cli_fail(error);
				goto out;
			}
			spool_files[i] = gs_buf_detach(&path);
			spooled++;
		}
		/* one warning (SPEC §3), the spool's trouble included */
		fprintf(stderr, "git-stats: warning: %s; spooled %zu run%s for 'git stats flush'%s%s%s\n",
			msg.ptr, spooled, spooled == 1 ? "" : "s", spool_note.size ? " (also: " : "",
			spool_note.ptr, spool_note.size ? ")" : "");
		gs_buf_clear(&spool_note);
		if (o.format_json)
			print_json_result(runs, n, status, NULL, NULL, msg.ptr, spool_files);
		rc = CLI_OK;
		goto out;
	}
	if (o.format_json)
		print_json_result(runs, n, status, paths, &res, NULL, NULL);
	else
		print_text_result(runs, n, status, paths, &res);
	rc = CLI_OK;
out:
	if (spool_note.size && rc == CLI_OK) /* an error stays one line; flush tells again */
		fprintf(stderr, "git-stats: warning: %s; see 'git stats flush'\n", spool_note.ptr);
	gs_buf_dispose(&spool_note);
	gs_run_record_paths_free(paths, n);
	gs_run_record_paths_free(spool_files, n);
	gs_run_free_array(runs, n);
	gs_run_dispose(&o.flags);
	free(status);
	gs_pricing_free(pricing);
	gs_repo_free(repo);
	gs_buf_dispose(&data);
	gs_buf_dispose(&msg);
	return rc;
}
