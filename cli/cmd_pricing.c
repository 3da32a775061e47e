/*
 * git stats pricing: the effective price table, each row with its source.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: git stats pricing [--json] [--ref REF] [<model>...]\n"
	"\n"
	"Print the effective pricing table in USD per million tokens: the built-in\n"
	"rows overridden by the pricing file (git config stats.pricingFile, default\n"
	".gitstats/pricing.yml, read from the work tree, else the target ref).\n"
	"With model names, show the row each one is priced by (dated names match\n"
	"their base: claude-sonnet-4-5-20250929 -> claude-sonnet-4-5), or that it\n"
	"is unknown, in which case its runs have an unknown cost.\n"
	"\n"
	"    --json       print the table as JSON\n"
	"    --ref REF    read the pricing file from REF when the work tree has none\n";

static void add_price(cJSON *o, const char *key, double v)
{
	cJSON_AddNumberToObject(o, key, v);
}

static cJSON *row_json(const gs_price *p)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "model", p->model);
	cJSON_AddStringToObject(o, "provider", p->provider);
	add_price(o, "input", p->input);
	add_price(o, "output", p->output);
	add_price(o, "cache_read", p->cache_read);
	add_price(o, "cache_write", p->cache_write);
	add_price(o, "cache_write_1h", p->cache_write_1h);
	cJSON_AddStringToObject(o, "source", p->source == GS_PRICE_FILE ? "file" : "builtin");
	return o;
}

static int add_row(gs_report_table *t, const gs_price *p, const char *asked)
{
	int error = gs_report_table_row(t);

	if (asked && !error)
		error = gs_report_table_cell(t, asked);
	if (!error)
		error = gs_report_table_cell(t, p ? p->provider : "-");
	if (!error)
		error = gs_report_table_cell(t, p ? p->model : "unknown (cost unknown)");
	if (p && !error)
		error = gs_report_table_cellf(t, "%g", p->input) ||
			gs_report_table_cellf(t, "%g", p->output) ||
			gs_report_table_cellf(t, "%g", p->cache_read) ||
			gs_report_table_cellf(t, "%g", p->cache_write) ||
			gs_report_table_cellf(t, "%g", p->cache_write_1h) ||
			gs_report_table_cell(t, p->source == GS_PRICE_FILE ? "file" : "builtin");
	return error ? GS_ERROR : 0;
}

int cmd_pricing(int argc, char **argv)
{
	static const char *titles[] = { "provider", "model", "input", "output", "cache read",
					"cache write", "cache write 1h", "source" };
	gs_repo *repo = NULL;
	gs_pricing *pricing = NULL;
	gs_report_table *t = NULL;
	gs_buf source = GS_BUF_INIT, out = GS_BUF_INIT;
	const char *ref = NULL;
	const char **models = NULL;
	size_t nmodels = 0, i, first;
	int json = 0, rc = CLI_RUNTIME, error, a;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	if (!(models = calloc((size_t)argc, sizeof(*models))))
		return CLI_RUNTIME;
	for (a = 1; a < argc; a++) {
		int took;
		if (!strcmp(argv[a], "--json")) {
			json = 1;
			continue;
		}
		if (argv[a][0] == '-') {
			took = cli_take_ref(&ref, argc, argv, &a, usage);
			if (took < 0) {
				rc = CLI_USAGE;
				goto out;
			}
			if (!took) {
				rc = cli_usage_error(usage, "unknown option '%s'", argv[a]);
				goto out;
			}
			continue;
		}
		models[nmodels++] = argv[a];
	}
	if ((error = cli_open_repo(&repo, ref)) < 0 ||
	    (error = gs_repo_check_named_target(repo)) < 0 ||
	    (error = gs_pricing_load_repo(&pricing, &source, repo)) < 0) {
		rc = cli_fail(error);
		goto out;
	}
	if (json) {
		cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
		char *text;
		if (source.size)
			cJSON_AddStringToObject(o, "file", source.ptr);
		else
			cJSON_AddNullToObject(o, "file");
		if (nmodels) {
			for (i = 0; i < nmodels; i++) {
				const gs_price *p = gs_pricing_lookup(pricing, models[i]);
				cJSON *e = p ? row_json(p) : cJSON_CreateObject();
				if (!p) {
					cJSON_AddNullToObject(e, "model");
					cJSON_AddStringToObject(e, "provider",
								gs_pricing_provider(pricing, models[i]));
				}
				cJSON_AddStringToObject(e, "name", models[i]);
				cJSON_AddBoolToObject(e, "known", p != NULL);
				cJSON_AddItemToArray(arr, e);
			}
		} else {
			for (i = 0; i < gs_pricing_count(pricing); i++)
				cJSON_AddItemToArray(arr, row_json(gs_pricing_at(pricing, i)));
		}
		cJSON_AddItemToObject(o, "models", arr);
		if ((text = cJSON_Print(o)) != NULL) {
			puts(text);
			free(text);
		}
		cJSON_Delete(o);
		rc = CLI_OK;
		goto out;
	}
	first = nmodels ? 1 : 0;
	if ((error = gs_report_table_new(&t, 8 + first)) < 0)
		goto fail;
	if (first && (error = gs_report_table_column(t, 0, "name", GS_ALIGN_LEFT)) < 0)
		goto fail;
	for (i = 0; i < 8; i++)
		if ((error = gs_report_table_column(t, i + first, titles[i],
						    i >= 2 && i < 7 ? GS_ALIGN_RIGHT
								    : GS_ALIGN_LEFT)) < 0)
			goto fail;
	if (nmodels) {
		for (i = 0; i < nmodels; i++)
			if ((error = add_row(t, gs_pricing_lookup(pricing, models[i]), models[i])) < 0)
				goto fail;
	} else {
		for (i = 0; i < gs_pricing_count(pricing); i++)
			if ((error = add_row(t, gs_pricing_at(pricing, i), NULL)) < 0)
				goto fail;
	}
	if ((error = gs_report_table_render(&out, t, gs_report_color_wanted(1))) < 0)
		goto fail;
	printf("USD per million tokens; pricing file: %s\n\n%s",
	       source.size ? source.ptr : "none (built-in prices only)", out.ptr);
	rc = CLI_OK;
	goto out;
fail:
	rc = cli_fail(error);
out:
	gs_report_table_free(t);
	gs_pricing_free(pricing);
	gs_repo_free(repo);
	gs_buf_dispose(&source);
	gs_buf_dispose(&out);
	free(models);
	return rc;
}
