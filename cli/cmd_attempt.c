/*
 * git stats attempt start|end: one agent attempt, one commit each (SPEC §4).
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

static const char usage[] =
	"usage: git stats attempt start <issue> --agent NAME [--ref REF] [--json]\n"
	"   or: git stats attempt end <issue> --agent NAME (--success | --failed)\n"
	"                [--cost USD] [--duration-ms N] [--model M] [--turns N]\n"
	"                [--input-tokens N] [--output-tokens N] [--checkpoint REV]\n"
	"                [--error MSG] [--ref REF] [--json]\n"
	"\n"
	"    start           begin attempt n+1 of the agent; an attempt still\n"
	"                    running (a crash) is closed as failed, error 'abandoned'\n"
	"    end             close the running attempt\n"
	"    --success       the attempt succeeded: its checkpoint is REV, else the\n"
	"                    commit the post-commit hook captured during the\n"
	"                    attempt, else HEAD; kept under\n"
	"                    refs/stats/checkpoints/<issue>/<agent>\n"
	"    --failed        the attempt failed (--error says why)\n"
	"    --cost USD      the attempt's cost (else from the model's price and\n"
	"                    the tokens when both are given, else unknown)\n"
	"    --duration-ms N the attempt's duration (default: end time - start time)\n"
	"    --ref REF       commit to REF instead of the default target ref\n"
	"    --json          print the agent's resulting state as JSON\n";

struct args {
	const char *sub, *issue, *agent, *ref, *model, *error, *checkpoint;
	int success, failed, json, has_cost;
	double cost;
	int64_t duration_ms, turns, input_tokens, output_tokens;
};

/* `--name value` or `--name=value`; advances *i past the value. */
static int opt_value(const char **out, int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n])
		return 0;
	if (*i + 1 >= argc) {
		*out = NULL;
		return -1;
	}
	*out = argv[++*i];
	return 1;
}

static int parse_args(struct args *a, int argc, char **argv)
{
	int i, rc;
	const char *v;

	memset(a, 0, sizeof(*a));
	a->duration_ms = a->turns = a->input_tokens = a->output_tokens = -1;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int64_t *num = NULL;

		if (!strcmp(arg, "--success")) {
			a->success = 1;
			continue;
		}
		if (!strcmp(arg, "--failed")) {
			a->failed = 1;
			continue;
		}
		if (!strcmp(arg, "--json")) {
			a->json = 1;
			continue;
		}
		rc = 0;
		if ((rc = opt_value(&a->agent, argc, argv, &i, "--agent")) ||
		    (rc = opt_value(&a->ref, argc, argv, &i, "--ref")) ||
		    (rc = opt_value(&a->model, argc, argv, &i, "--model")) ||
		    (rc = opt_value(&a->error, argc, argv, &i, "--error")) ||
		    (rc = opt_value(&a->checkpoint, argc, argv, &i, "--checkpoint"))) {
			if (rc < 0)
				return cli_usage_error(usage, "%s needs a value", arg);
			continue;
		}
		if ((rc = opt_value(&v, argc, argv, &i, "--cost")) != 0) {
			if (rc < 0)
				return cli_usage_error(usage, "--cost needs a value");
			if (cli_parse_cost(&a->cost, "--cost", v) < 0)
				return cli_usage_error(usage, "%s", gs_error_last());
			a->has_cost = 1;
			continue;
		}
		if ((rc = opt_value(&v, argc, argv, &i, "--duration-ms")) != 0)
			num = &a->duration_ms;
		else if ((rc = opt_value(&v, argc, argv, &i, "--turns")) != 0)
			num = &a->turns;
		else if ((rc = opt_value(&v, argc, argv, &i, "--input-tokens")) != 0)
			num = &a->input_tokens;
		else if ((rc = opt_value(&v, argc, argv, &i, "--output-tokens")) != 0)
			num = &a->output_tokens;
		if (num) {
			if (rc < 0)
				return cli_usage_error(usage, "%s needs a value", arg);
			if (cli_parse_i64(num, arg, v) < 0)
				return cli_usage_error(usage, "%s", gs_error_last());
			continue;
		}
		if (arg[0] == '-' && arg[1])
			return cli_usage_error(usage, "unknown option '%s'", arg);
		if (!a->sub)
			a->sub = arg;
		else if (!a->issue)
			a->issue = arg;
		else
			return cli_usage_error(usage, "unexpected argument '%s'", arg);
	}
	if (!a->sub)
		return cli_usage_error(usage, "attempt: say 'start' or 'end'");
	if (strcmp(a->sub, "start") && strcmp(a->sub, "end"))
		return cli_usage_error(usage, "attempt: unknown subcommand '%s' (use 'start' or 'end')", a->sub);
	if (!a->issue)
		return cli_usage_error(usage, "attempt %s: missing <issue>", a->sub);
	if (!a->agent)
		return cli_usage_error(usage, "attempt %s: missing --agent NAME", a->sub);
	if (!strcmp(a->sub, "start")) {
		if (a->success || a->failed || a->has_cost || a->model || a->error || a->checkpoint ||
		    a->duration_ms >= 0 || a->turns >= 0 || a->input_tokens >= 0 || a->output_tokens >= 0)
			return cli_usage_error(usage, "attempt start takes only <issue>, --agent, --ref and --json");
		return 0;
	}
	if (a->success && a->failed)
		return cli_usage_error(usage, "attempt end: --success and --failed are mutually exclusive");
	if (!a->success && !a->failed)
		return cli_usage_error(usage, "attempt end: say --success or --failed");
	if (a->success && a->error)
		return cli_usage_error(usage, "attempt end: --error goes with --failed");
	if (a->failed && a->checkpoint)
		return cli_usage_error(usage, "attempt end: --checkpoint goes with --success");
	return 0;
}

/*
 * Without --cost, price the tokens of a known model with the repository's
 * table (built-in rows plus the pricing file); an unknown model leaves the
 * cost unknown, never 0.
 */
static int price_it(struct args *a, gs_repo *r)
{
	gs_pricing *p = NULL;
	const gs_price *row;
	int error;

	if (a->has_cost || !a->model || (a->input_tokens < 0 && a->output_tokens < 0))
		return 0;
	if ((error = gs_pricing_load_repo(&p, NULL, r)) < 0)
		return error;
	if ((row = gs_pricing_lookup(p, a->model)) != NULL) {
		a->cost = gs_pricing_cost(row, a->input_tokens > 0 ? a->input_tokens : 0, 0, 0, 0,
					  a->output_tokens > 0 ? a->output_tokens : 0);
		a->has_cost = 1;
	}
	gs_pricing_free(p);
	return 0;
}

static int print_json_outcome(const gs_attempt_outcome *out, const char *which)
{
	cJSON *o = cJSON_CreateObject(), *agent;
	char hex[GIT_OID_HEXSZ + 1], *s;

	if (!o)
		goto oom;
	git_oid_tostr(hex, sizeof(hex), &out->commit);
	cJSON_AddStringToObject(o, "issue", out->issue);
	cJSON_AddStringToObject(o, "path", out->path ? out->path : "");
	cJSON_AddStringToObject(o, "commit", hex);
	cJSON_AddStringToObject(o, "event", which);
	if (!strcmp(which, "start"))
		cJSON_AddBoolToObject(o, "abandoned_previous", out->abandoned);
	else {
		if (out->checkpoint_source)
			cJSON_AddStringToObject(o, "checkpoint_source", out->checkpoint_source);
		else
			cJSON_AddNullToObject(o, "checkpoint_source");
		if (out->checkpoint_ref)
			cJSON_AddStringToObject(o, "checkpoint_ref", out->checkpoint_ref);
		else
			cJSON_AddNullToObject(o, "checkpoint_ref");
	}
	if (!(agent = gs_agent_json(&out->agents.agents[out->agent], NULL)))
		goto oom;
	cJSON_AddItemToObject(o, "agent", agent);
	if (!(s = cJSON_PrintUnformatted(o)))
		goto oom;
	printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
	return CLI_OK;
oom:
	cJSON_Delete(o);
	gs_error_set("out of memory");
	return cli_fail(GS_ERROR);
}

static void print_text(const gs_attempt_outcome *out, const char *which)
{
	const gs_agent *g = &out->agents.agents[out->agent];
	const gs_attempt *t = g->nattempts ? &g->attempts[g->nattempts - 1] : NULL;
	gs_buf b = GS_BUF_INIT;

	if (!strcmp(which, "start")) {
		if (out->abandoned && t)
			printf("closed attempt %lld of '%s' as failed (abandoned)\n", (long long)t->attempt_number,
			       g->name);
		printf("started attempt %zu of '%s' on issue %s\n", g->nattempts + 1, g->name, out->issue);
		return;
	}
	if (!t)
		return;
	gs_report_fmt_duration(&b, t->duration_ms);
	gs_buf_puts(&b, ", ");
	if (t->has_cost)
		gs_report_fmt_usd(&b, t->cost_usd);
	else
		gs_buf_puts(&b, "cost unknown");
	printf("attempt %lld of '%s' %s (%s)\n", (long long)t->attempt_number, g->name,
	       t->success ? "succeeded" : "failed", b.ptr);
	if (t->success && g->checkpoint)
		printf("checkpoint %s (%s) kept as %s\n", g->checkpoint,
		       out->checkpoint_source ? out->checkpoint_source : "given",
		       out->checkpoint_ref ? out->checkpoint_ref : "-");
	gs_buf_clear(&b);
	gs_report_fmt_usd(&b, g->total_cost_usd);
	printf("'%s': %s, %zu attempt%s, %s in total\n", g->name, gs_agent_status_name(g->status), g->nattempts,
	       g->nattempts == 1 ? "" : "s", b.ptr);
	gs_buf_dispose(&b);
}

int cmd_attempt(int argc, char **argv)
{
	struct args a;
	gs_repo *r = NULL;
	gs_attempt_outcome out;
	int error, rc;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	if ((rc = parse_args(&a, argc, argv)) != 0)
		return rc;
	if ((error = gs_agent_name_check(a.agent)) < 0 || (error = gs_issue_id_check(a.issue)) < 0)
		return cli_fail(error);
	memset(&out, 0, sizeof(out));
	if ((error = gs_repo_open(&r, NULL)) < 0)
		return cli_fail(error);
	if (a.ref && (error = gs_repo_set_ref(r, a.ref)) < 0)
		goto done;
	if (!strcmp(a.sub, "start")) {
		error = gs_attempt_cmd_start(&out, r, a.issue, a.agent);
	} else {
		gs_attempt_end_opts o = GS_ATTEMPT_END_OPTS_INIT;

		if ((error = price_it(&a, r)) < 0)
			goto done;
		o.success = a.success;
		o.duration_ms = a.duration_ms;
		o.cost_usd = a.cost;
		o.has_cost = a.has_cost;
		o.model = a.model;
		o.error = a.error;
		o.turns = a.turns;
		o.input_tokens = a.input_tokens;
		o.output_tokens = a.output_tokens;
		error = gs_attempt_cmd_end(&out, r, a.issue, a.agent, &o, a.checkpoint);
	}
	if (error < 0)
		goto done;
	if (a.json)
		rc = print_json_outcome(&out, a.sub);
	else
		print_text(&out, a.sub);
done:
	if (error < 0)
		rc = cli_fail(error);
	gs_attempt_outcome_dispose(&out);
	gs_repo_free(r);
	return rc;
}
