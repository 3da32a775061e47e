/*
 * git stats show: an issue's frontmatter as an aligned table or JSON,
 * read from the target ref (the committed state).
 */
#include "cli.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: git stats show [--ref REF] [--json] <issue>\n"
	"\n"
	"Show the frontmatter of an issue at the target ref as a two-column table,\n"
	"then its recorded runs as a table (start, model, duration, tokens, cost).\n"
	"\n"
	"    --json       print an object of key -> value (numbers as numbers)\n"
	"    --ref REF    read from REF (default: stats.ref, else the current branch)\n";

/* One value for the table: scalars decoded, blocks flattened to one line. */
static void table_value(gs_buf *out, const gs_fm *fm, const char *key)
{
	char *s = NULL;
	const char *raw;
	size_t n;

	if (!strcmp(key, "agents") || !strcmp(key, "resume_attempts")) {
		gs_buf_puts(out, "(below)"); /* presented by show_attempts */
		return;
	}
	if (gs_fm_get_str(&s, fm, key) == 0) {
		gs_buf_puts(out, s);
		free(s);
		return;
	}
	gs_error_clear();
	if (gs_fm_get_raw(&raw, &n, fm, key) < 0)
		return;
	/* a block: squeeze whitespace runs so the table keeps one row per key */
	for (size_t i = 0; i < n; i++) {
		char c = raw[i];

		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			if (out->size && out->ptr[out->size - 1] != ' ')
				gs_buf_putc(out, ' ');
			continue;
		}
		gs_buf_putc(out, c);
	}
	while (out->size && out->ptr[out->size - 1] == ' ')
		gs_buf_truncate(out, out->size - 1);
}

/*
 * The frontmatter as "key  value" rows, keys padded to the widest. The id
 * row is always there, as in list and show --json: the file name's id
 * when the frontmatter has none (first) or an empty one (in its place).
 */
static void show_table(FILE *f, const gs_fm *fm, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t width = 2, count = gs_fm_key_count(fm);
	char name_id[GS_ISSUE_ID_MAX + 1];
	gs_buf v = GS_BUF_INIT;
	int have_name_id = gs_issue_id_from_name(name_id, sizeof(name_id), base) == 0;

	fprintf(f, "%s\n", path);
	for (size_t i = 0; i < count; i++) {
		size_t n = strlen(gs_fm_key_at(fm, i));

		if (n > width)
			width = n;
	}
	if (have_name_id && !gs_fm_has(fm, "id"))
		fprintf(f, "  %-*s  %s\n", (int)width, "id", name_id);
	for (size_t i = 0; i < count; i++) {
		const char *key = gs_fm_key_at(fm, i);

		gs_buf_clear(&v);
		table_value(&v, fm, key);
		if (have_name_id && !v.size && !strcmp(key, "id"))
			gs_buf_puts(&v, name_id);
		fprintf(f, "  %-*s  %s\n", (int)width, key, v.ptr);
	}
	gs_buf_dispose(&v);
}

/* The run blocks of the issue as a table, oldest first as recorded. */
static int show_runs(FILE *f, const gs_fm *fm)
{
	static const char *const titles[] = { "started (UTC)", "model", "duration", "input",
					      "cache read", "cache write", "output", "iter",
					      "cost", "run id" };
	gs_report_table *t = NULL;
	gs_buf b = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_run *runs = NULL;
	const char *doc;
	size_t len, n = 0;
	int error;

	gs_fm_bytes(&doc, &len, fm);
	if ((error = gs_run_parse_body(&runs, &n, doc, len)) < 0) {
		gs_error_prefix("'%s'", gs_fm_name(fm));
		return error;
	}
	if (!n)
		return 0;
	if ((error = gs_report_table_new(&t, 10)) < 0)
		goto done;
	for (size_t j = 0; j < 10; j++)
		gs_report_table_column(t, j, titles[j],
				       j < 2 || j == 9 ? GS_ALIGN_LEFT : GS_ALIGN_RIGHT);
	for (size_t i = 0; i < n; i++) {
		const gs_run *r = &runs[i];
		const int64_t counts[] = { r->input_tokens, r->cache_read_tokens,
					   r->cache_write_tokens, r->output_tokens, r->iterations };
		char when[GS_TIME_BUFSZ];

		gs_time_format(when, r->started_at_ms, 0);
		when[10] = ' ';
		when[16] = '\0'; /* 2026-03-15 12:00 */
		gs_report_table_row(t);
		gs_report_table_cell(t, when);
		gs_report_table_cell(t, r->model ? r->model : "(unknown)");
		gs_buf_clear(&b);
		gs_report_fmt_duration(&b, gs_run_duration_ms(r));
		gs_report_table_cell(t, b.ptr);
		for (size_t k = 0; k < 5; k++) {
			gs_buf_clear(&b);
			gs_report_fmt_int(&b, counts[k]);
			gs_report_table_cell(t, b.ptr);
		}
		gs_buf_clear(&b);
		if (r->cost_known)
			gs_report_fmt_usd(&b, (double)gs_run_cost_nanos(r) / 1e9);
		else
			gs_buf_puts(&b, "unknown");
		gs_report_table_cell(t, b.ptr);
		gs_report_table_cell(t, r->run_id);
	}
	if ((error = gs_report_table_render(&out, t, gs_report_color_wanted(fileno(f)))) < 0)
		goto done;
	fprintf(f, "\nRuns (%zu)\n", n);
	fwrite(out.ptr, 1, out.size, f);
done:
	gs_buf_dispose(&b);
	gs_buf_dispose(&out);
	gs_report_table_free(t);
	gs_run_free_array(runs, n);
	return error;
}

/*
 * "id" is always there and a string, as in list: the file name's id when
 * the frontmatter has none (first, where the template puts it) or an
 * empty one (in its place).
 */
static int json_id_from_name(cJSON **obj, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	cJSON *id = cJSON_GetObjectItemCaseSensitive(*obj, "id"), *out;
	char name_id[GS_ISSUE_ID_MAX + 1];

	if (cJSON_IsString(id) && *id->valuestring)
		return 0;
	if (gs_issue_id_from_name(name_id, sizeof(name_id), base) < 0)
		return 0; /* resolved by frontmatter id alone: nothing better to say */
	if (id) {
		if (!cJSON_ReplaceItemInObjectCaseSensitive(*obj, "id", cJSON_CreateString(name_id)))
			goto oom;
		return 0;
	}
	if (!(out = cJSON_CreateObject()) || !cJSON_AddStringToObject(out, "id", name_id)) {
		cJSON_Delete(out);
		goto oom;
	}
	while ((*obj)->child) {
		cJSON *c = cJSON_DetachItemViaPointer(*obj, (*obj)->child);

		cJSON_AddItemToObject(out, c->string, c);
	}
	cJSON_Delete(*obj);
	*obj = out;
	return 0;
oom:
	gs_error_set("out of memory");
	return GS_ERROR;
}

static int show_json(FILE *f, gs_repo *repo, const gs_fm *fm, const char *path)
{
	cJSON *obj = NULL;
	char *text;
	int error = gs_issue_fm_json(&obj, fm);

	if (error == 0)
		error = json_id_from_name(&obj, path);
	if (error == 0)
		error = gs_attempt_report_json(obj, repo, fm, gs_fm_name(fm));
	if (error < 0) {
		cJSON_Delete(obj);
		return error;
	}
	text = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (!text) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	fprintf(f, "%s\n", text);
	free(text);
	return 0;
}

/* Agents, attempts, phases and resume records (lib/attempt_show.c). */
static int show_attempts(FILE *f, gs_repo *repo, const gs_fm *fm)
{
	gs_buf out = GS_BUF_INIT;
	int error = gs_attempt_report_text(&out, repo, fm, gs_fm_name(fm), gs_report_color_wanted(fileno(f)));

	if (error == 0)
		fwrite(out.ptr, 1, out.size, f);
	gs_buf_dispose(&out);
	return error;
}

/* Load the issue's file at the target ref. */
static int load_issue(gs_fm **fm, char **path, gs_repo *repo, const char *id)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	const char *ref;
	git_oid oid;
	int error, rc;

	error = gs_repo_target_ref(&ref, repo);
	if (error < 0)
		return error;
	rc = git_reference_name_to_id(&oid, gs_repo_git(repo), ref);
	if (rc == GIT_ENOTFOUND) {
		gs_error_set("issue '%s' not found: '%s' has no commits yet", id, ref);
		return GS_ENOTFOUND;
	}
	if (rc < 0 || git_commit_lookup(&commit, gs_repo_git(repo), &oid) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		error = gs_repo_git_error("cannot read '%s'", ref);
		goto done;
	}
	error = gs_issue_resolve(path, &oid, gs_repo_git(repo), tree, gs_repo_issues_dir(repo), id);
	if (error < 0)
		goto done;
	if (git_blob_lookup(&blob, gs_repo_git(repo), &oid) < 0) {
		error = gs_repo_git_error("cannot read '%s'", *path);
		goto done;
	}
	error = gs_fm_parse(fm, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), *path);
done:
	git_blob_free(blob);
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}

int cmd_show(int argc, char **argv)
{
	const char *ref = NULL, *id = NULL;
	gs_repo *repo = NULL;
	gs_fm *fm = NULL;
	char *path = NULL;
	int rc = CLI_RUNTIME, error, json = 0;

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
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(usage, "unknown option '%s'", argv[i]);
		else if (!id)
			id = argv[i];
		else
			return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
	}
	if (!id)
		return cli_usage_error(usage, "no issue given");
	error = gs_issue_id_check(id);
	if (error == 0)
		error = cli_open_repo(&repo, ref);
	if (error == 0)
		error = gs_repo_check_named_target(repo);
	if (error == 0)
		error = load_issue(&fm, &path, repo, id);
	if (error == 0)
		error = json ? show_json(stdout, repo, fm, path) : (show_table(stdout, fm, path), show_runs(stdout, fm));
	if (error == 0 && !json)
		error = show_attempts(stdout, repo, fm);
	rc = error < 0 ? cli_fail(error) : CLI_OK;
	gs_fm_free(fm);
	free(path);
	gs_repo_free(repo);
	return rc;
}
