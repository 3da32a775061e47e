/*
 * git stats list: one row per issue at the target ref with its totals.
 */
#include "cli.h"

#include <git2.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: git stats list [--ref REF] [--json]\n"
	"\n"
	"List the issues at the target ref: id, title, state, runs, tokens, cost.\n"
	"\n"
	"    --json       print an array of objects\n"
	"    --ref REF    read from REF (default: stats.ref, else the current branch)\n";

struct row {
	char *id, *path, *title, *state;
	int64_t runs, tokens;
	double cost;
	int has_cost;
};

static char *get_str(const gs_fm *fm, const char *key)
{
	char *s = NULL;

	if (fm && gs_fm_get_str(&s, fm, key) == 0)
		return s;
	free(s);
	gs_error_clear();
	return strdup("");
}

static int64_t get_i64(const gs_fm *fm, const char *key)
{
	int64_t v = 0;

	if (!fm || gs_fm_get_i64(&v, fm, key) < 0) {
		gs_error_clear();
		return 0;
	}
	return v;
}

static int load_row(struct row *r, git_repository *git, const gs_issue_entry *e)
{
	git_blob *blob = NULL;
	gs_fm *fm = NULL;
	char *fm_id = NULL;

	memset(r, 0, sizeof(*r));
	if (git_blob_lookup(&blob, git, &e->blob) < 0)
		return gs_repo_git_error("cannot read '%s'", e->path);
	if (gs_fm_parse(&fm, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), e->path) < 0) {
		fm = NULL; /* listed with what the name tells; verify reports the file */
		gs_error_clear();
	}
	fm_id = fm ? get_str(fm, "id") : NULL;
	r->id = strdup(fm_id && *fm_id ? fm_id : e->id);
	free(fm_id);
	r->path = strdup(e->path);
	r->title = get_str(fm, "title");
	r->state = get_str(fm, "state");
	r->runs = get_i64(fm, "run_count");
	r->tokens = get_i64(fm, "total_input_tokens") + get_i64(fm, "total_output_tokens");
	if (fm && gs_fm_get_f64(&r->cost, fm, "total_cost_usd") == 0)
		r->has_cost = 1;
	gs_error_clear();
	gs_fm_free(fm);
	git_blob_free(blob);
	return r->id && r->path && r->title && r->state ? 0 : GS_ERROR;
}

static void print_json(const struct row *rows, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	char *text;

	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "id", rows[i].id);
		cJSON_AddStringToObject(o, "path", rows[i].path);
		cJSON_AddStringToObject(o, "title", rows[i].title);
		cJSON_AddStringToObject(o, "state", rows[i].state);
		cJSON_AddNumberToObject(o, "run_count", (double)rows[i].runs);
		cJSON_AddNumberToObject(o, "total_tokens", (double)rows[i].tokens);
		if (rows[i].has_cost)
			cJSON_AddNumberToObject(o, "total_cost_usd", rows[i].cost);
		else
			cJSON_AddNullToObject(o, "total_cost_usd");
		cJSON_AddItemToArray(arr, o);
	}
	text = cJSON_PrintUnformatted(arr);
	if (text)
		printf("%s\n", text);
	free(text);
	cJSON_Delete(arr);
}

static void print_table(const struct row *rows, size_t n)
{
	int wid = 2, wtitle = 5, wstate = 5;

	for (size_t i = 0; i < n; i++) {
		int a = (int)strlen(rows[i].id), b = (int)strlen(rows[i].title),
		    c = (int)strlen(rows[i].state);

		wid = a > wid ? a : wid;
		wtitle = b > wtitle ? (b > 50 ? 50 : b) : wtitle;
		wstate = c > wstate ? c : wstate;
	}
	printf("%-*s  %-*s  %-*s  %6s  %12s  %10s\n", wid, "ID", wtitle, "TITLE", wstate, "STATE",
	       "RUNS", "TOKENS", "COST");
	for (size_t i = 0; i < n; i++) {
		char cost[32];

		if (rows[i].has_cost)
			snprintf(cost, sizeof(cost), "$%.2f", rows[i].cost);
		else
			snprintf(cost, sizeof(cost), "-");
		printf("%-*s  %-*.*s  %-*s  %6" PRId64 "  %12" PRId64 "  %10s\n", wid, rows[i].id, wtitle,
		       wtitle, rows[i].title, wstate, rows[i].state, rows[i].runs, rows[i].tokens, cost);
	}
}

int cmd_list(int argc, char **argv)
{
	const char *ref = NULL, *target;
	gs_repo *repo = NULL;
	gs_issue_list list = { NULL, 0 };
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	struct row *rows = NULL;
	size_t nrows = 0;
	git_oid oid;
	int rc = CLI_RUNTIME, error, json = 0, grc;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	for (int i = 1; i < argc; i++) {
		int took = cli_take_ref(&ref, argc, argv, &i, usage);

		if (took < 0)
			return CLI_USAGE;
		if (took)
			continue;
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
	}
	error = cli_open_repo(&repo, ref);
	if (error == 0)
		error = gs_repo_target_ref(&target, repo);
	if (error < 0)
		goto fail;
	grc = git_reference_name_to_id(&oid, gs_repo_git(repo), target);
	if (grc < 0 && grc != GIT_ENOTFOUND) {
		error = gs_repo_git_error("cannot read '%s'", target);
		goto fail;
	}
	if (grc == 0 && (git_commit_lookup(&commit, gs_repo_git(repo), &oid) < 0 ||
			 git_commit_tree(&tree, commit) < 0)) {
		error = gs_repo_git_error("cannot read '%s'", target);
		goto fail;
	}
	error = gs_issue_list_at(&list, gs_repo_git(repo), tree, gs_repo_issues_dir(repo), 0);
	if (error < 0)
		goto fail;
	rows = calloc(list.count + 1, sizeof(*rows));
	if (!rows) {
		error = GS_ERROR;
		goto fail;
	}
	for (; nrows < list.count; nrows++) {
		error = load_row(&rows[nrows], gs_repo_git(repo), &list.entries[nrows]);
		if (error < 0) {
			nrows++;
			goto fail;
		}
	}
	if (json)
		print_json(rows, nrows);
	else
		print_table(rows, nrows);
	rc = CLI_OK;
	goto done;
fail:
	rc = cli_fail(error);
done:
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].id);
		free(rows[i].path);
		free(rows[i].title);
		free(rows[i].state);
	}
	free(rows);
	gs_issue_list_dispose(&list);
	git_tree_free(tree);
	git_commit_free(commit);
	gs_repo_free(repo);
	return rc;
}
