/*
 * git stats list: one row per issue at the target ref with its totals.
 */
#include "cli.h"

#include <ctype.h>
#include <git2.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: git stats list [--ref REF] [--sort cost|tokens|runs|id] [--json]\n"
	"\n"
	"List the issues at the target ref with their totals: runs, input and output\n"
	"tokens, duration and cost, and a totals row.\n"
	"\n"
	"    --json       print an array of objects\n"
	"    --ref REF    read from REF (default: stats.ref, else the current branch)\n"
	"    --sort KEY   highest cost, tokens or runs first; id (the default) in id order\n";

struct row {
	char *id, *path, *title, *state;
	int64_t runs, tokens, input, output, duration_ms;
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
	int error;

	memset(r, 0, sizeof(*r));
	if (git_blob_lookup(&blob, git, &e->blob) < 0)
		return gs_repo_git_error("cannot read '%s'", e->path);
	error = gs_fm_parse(&fm, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), e->path);
	if (error < 0) {
		/* GS_EPARSE: the caller names the file; a row of zeros would pass for an issue */
		git_blob_free(blob);
		return error;
	}
	fm_id = get_str(fm, "id");
	r->id = strdup(fm_id && *fm_id ? fm_id : e->id);
	free(fm_id);
	r->path = strdup(e->path);
	r->title = get_str(fm, "title");
	r->state = get_str(fm, "state");
	r->runs = get_i64(fm, "run_count");
	r->input = get_i64(fm, "total_input_tokens");
	r->output = get_i64(fm, "total_output_tokens");
	r->tokens = r->input + r->output;
	if (fm && gs_fm_get_f64(&r->cost, fm, "total_cost_usd") == 0)
		r->has_cost = 1;
	{
		double secs = 0;

		if (fm && gs_fm_get_f64(&secs, fm, "total_duration_seconds") == 0 && secs > 0)
			r->duration_ms = (int64_t)(secs * 1000.0 + 0.5);
	}
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
		cJSON_AddNumberToObject(o, "total_input_tokens", (double)rows[i].input);
		cJSON_AddNumberToObject(o, "total_output_tokens", (double)rows[i].output);
		cJSON_AddNumberToObject(o, "total_duration_seconds",
					(double)rows[i].duration_ms / 1000.0);
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

/* Cost of a row: a price, "unknown" when runs were recorded without one. */
static void cost_text(gs_buf *b, const struct row *r)
{
	if (r->has_cost)
		gs_report_fmt_usd(b, r->cost);
	else
		gs_buf_puts(b, r->runs ? "unknown" : "-");
}

static int print_table(const struct row *rows, size_t n)
{
	static const char *const titles[] = { "id", "title", "state", "runs", "input+cache",
					      "output", "duration", "cost" };
	gs_report_table *t = NULL;
	gs_buf b = GS_BUF_INIT, out = GS_BUF_INIT;
	int64_t runs = 0, input = 0, output = 0, ms = 0, unknown = 0, known = 0;
	double cost = 0;
	int error;

	if ((error = gs_report_table_new(&t, 8)) < 0)
		return error;
	for (size_t j = 0; j < 8; j++)
		gs_report_table_column(t, j, titles[j], j < 3 ? GS_ALIGN_LEFT : GS_ALIGN_RIGHT);
	for (size_t i = 0; i <= n; i++) {
		const struct row *r = &rows[i];
		struct row total;

		if (i == n) {
			/* The totals row; costs left unknown are flagged, never read as $0. */
			memset(&total, 0, sizeof(total));
			total.runs = runs;
			total.input = input;
			total.output = output;
			total.duration_ms = ms;
			total.cost = cost;
			total.has_cost = !unknown;
			gs_report_table_rule(t);
			r = &total;
		} else {
			runs += r->runs;
			input += r->input;
			output += r->output;
			ms += r->duration_ms;
			if (r->has_cost) {
				cost += r->cost;
				known++;
			} else if (r->runs)
				unknown++;
		}
		gs_report_table_row(t);
		gs_report_table_cell(t, i == n ? "total" : r->id);
		/* Titles are cut (at a character) so the numbers stay on screen. */
		if (i < n && gs_report_text_width(r->title) > 40) {
			size_t k = 0, chars = 0;

			for (; r->title[k] && chars <= 37; k++)
				chars += ((unsigned char)r->title[k] & 0xC0) != 0x80;
			gs_report_table_cellf(t, "%.*s...", (int)(k - 1), r->title);
		} else
			gs_report_table_cell(t, i == n ? "" : r->title);
		gs_report_table_cell(t, i == n ? "" : r->state);
		gs_buf_clear(&b);
		gs_report_fmt_int(&b, r->runs);
		gs_report_table_cell(t, b.ptr);
		gs_buf_clear(&b);
		gs_report_fmt_int(&b, r->input);
		gs_report_table_cell(t, b.ptr);
		gs_buf_clear(&b);
		gs_report_fmt_int(&b, r->output);
		gs_report_table_cell(t, b.ptr);
		gs_buf_clear(&b);
		gs_report_fmt_duration(&b, r->duration_ms);
		gs_report_table_cell(t, r->runs ? b.ptr : "-");
		gs_buf_clear(&b);
		if (i == n && unknown && !known) {
			gs_buf_puts(&b, "unknown");
		} else if (i == n && unknown) {
			gs_report_fmt_usd(&b, cost);
			gs_buf_putc(&b, '*');
		} else {
			cost_text(&b, r);
		}
		gs_report_table_cell(t, b.ptr);
	}
	error = gs_report_table_render(&out, t, gs_report_color_wanted(STDOUT_FILENO));
	if (error == 0) {
		fwrite(out.ptr, 1, out.size, stdout);
		if (unknown && known) {
			gs_buf_clear(&b);
			gs_report_fmt_int(&b, unknown);
			printf("\n* %s issue%s with runs of unknown cost left out of the total.\n",
			       b.ptr, unknown == 1 ? "" : "s");
		}
	}
	gs_buf_dispose(&b);
	gs_buf_dispose(&out);
	gs_report_table_free(t);
	return error;
}

enum sort_key { SORT_ID, SORT_COST, SORT_TOKENS, SORT_RUNS };
static enum sort_key sort_key;

/* Ids in natural order: runs of digits compare by value ("9" < "10"). */
static int cmp_id(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *x = a, *y = b;
			size_t la, lb;
			int c;

			while (*x == '0' && isdigit((unsigned char)x[1]))
				x++;
			while (*y == '0' && isdigit((unsigned char)y[1]))
				y++;
			for (a = x; isdigit((unsigned char)*a); a++)
				;
			for (b = y; isdigit((unsigned char)*b); b++)
				;
			la = (size_t)(a - x);
			lb = (size_t)(b - y);
			if (la != lb)
				return la < lb ? -1 : 1;
			if ((c = memcmp(x, y, la)) != 0)
				return c;
			continue;
		}
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return tolower((unsigned char)*a) - tolower((unsigned char)*b);
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;

	switch (sort_key) {
	case SORT_COST: {
		double ca = a->has_cost ? a->cost : -1, cb = b->has_cost ? b->cost : -1;

		if (ca != cb)
			return ca > cb ? -1 : 1;
		break;
	}
	case SORT_TOKENS:
		if (a->tokens != b->tokens)
			return a->tokens > b->tokens ? -1 : 1;
		break;
	case SORT_RUNS:
		if (a->runs != b->runs)
			return a->runs > b->runs ? -1 : 1;
		break;
	default:
		break;
	}
	return cmp_id(a->id, b->id);
}

int cmd_list(int argc, char **argv)
{
	const char *ref = NULL, *target;
	gs_repo *repo = NULL;
	gs_issue_list list = { NULL, 0 };
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	struct row *rows = NULL;
	size_t nrows = 0, unparsable = 0;
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
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--sort") || !strncmp(argv[i], "--sort=", 7)) {
			const char *v = argv[i][6] == '=' ? argv[i] + 7 : i + 1 < argc ? argv[++i] : "";

			if (!strcmp(v, "id"))
				sort_key = SORT_ID;
			else if (!strcmp(v, "cost"))
				sort_key = SORT_COST;
			else if (!strcmp(v, "tokens"))
				sort_key = SORT_TOKENS;
			else if (!strcmp(v, "runs"))
				sort_key = SORT_RUNS;
			else
				return cli_usage_error(usage, "--sort: '%s' is not one of cost, tokens, "
							      "runs, id", v);
		} else {
			return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
		}
	}
	error = cli_open_repo(&repo, ref);
	if (error == 0)
		error = gs_repo_check_named_target(repo);
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
	/* an unparsable (or oversized) file is named on stderr and makes the exit 1; the others are listed */
	for (size_t i = 0; i < list.count; i++) {
		error = load_row(&rows[nrows], gs_repo_git(repo), &list.entries[i]);
		if (error == GS_EPARSE || error == GS_ETOOBIG) {
			fprintf(stderr, "git-stats: %s\n", gs_error_last());
			unparsable++;
			continue;
		}
		nrows++;
		if (error < 0)
			goto fail;
	}
	qsort(rows, nrows, sizeof(*rows), cmp_rows);
	if (json)
		print_json(rows, nrows);
	else if ((error = print_table(rows, nrows)) < 0)
		goto fail;
	rc = unparsable ? CLI_RUNTIME : CLI_OK;
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
