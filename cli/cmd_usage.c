/*
 * git stats usage: tokens, cost and time over a window, grouped by model,
 * provider, day or issue, from issue runs and/or sessions (SPEC §8).
 */
#include "cli.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: git stats usage [--since W] [--by model|provider|day|issue]\n"
	"                       [--source issues|sessions|all] [--ref REF]\n"
	"                       [--json | --format text|json|csv] [--ascii] [--no-cache]\n"
	"\n"
	"Sum tokens, cost and time of recorded runs (and/or sessions) over a window.\n"
	"\n"
	"    --since W      today, <N>d (last N days), YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD\n"
	"                   (both days included) or all (default); days are UTC\n"
	"    --by KEY       one row per model (default), provider, day or issue\n"
	"    --source S     issues: runs recorded in issue files (default); sessions:\n"
	"                   session logs; all: both, a session named by a run counted once\n"
	"    --ref REF      read issues from REF (default: stats.ref, else the current branch)\n"
	"    --json         print {window, by, source, rows, totals} (same as --format json)\n"
	"    --format F     text (default), json or csv\n"
	"    --ascii        draw --by day bars with '#' instead of Unicode blocks\n"
	"    --no-cache     parse every issue file; neither read nor write the usage cache\n";

enum format { FMT_TEXT, FMT_JSON, FMT_CSV };

/* `--name VALUE` or `--name=VALUE` at argv[*i]: 1 taken, 0 not this option, -1 usage error. */
static int take(const char **out, const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (!strncmp(a, name, n) && a[n] == '=') {
		*out = a + n + 1;
	} else if (!strcmp(a, name)) {
		if (*i + 1 >= argc) {
			cli_usage_error(usage, "%s needs a value", name);
			return -1;
		}
		*out = argv[++*i];
	} else {
		return 0;
	}
	return 1;
}

/* The root tree at the target ref, NULL while the ref is unborn. */
static int target_tree(git_tree **out, gs_repo *repo)
{
	git_commit *commit = NULL;
	const char *target;
	git_oid oid;
	int error, grc;

	*out = NULL;
	if ((error = gs_repo_target_ref(&target, repo)) < 0)
		return error;
	grc = git_reference_name_to_id(&oid, gs_repo_git(repo), target);
	if (grc == GIT_ENOTFOUND)
		return 0;
	if (grc < 0 || git_commit_lookup(&commit, gs_repo_git(repo), &oid) < 0 ||
	    git_commit_tree(out, commit) < 0)
		error = gs_repo_git_error("cannot read '%s'", target);
	git_commit_free(commit);
	return error;
}

int cmd_usage(int argc, char **argv)
{
	const char *since = "all", *by_text = "model", *source_text = "issues", *ref = NULL;
	const char *format_text = NULL;
	enum format format = FMT_TEXT;
	int ascii = 0, no_cache = 0, json = 0, rc = CLI_RUNTIME, error, i, took;
	gs_usage_by by;
	gs_usage_source source;
	gs_window window;
	gs_usage_report *report = NULL;
	gs_pricing *pricing = NULL;
	gs_repo *repo = NULL;
	git_tree *tree = NULL;
	gs_buf path = GS_BUF_INIT, out = GS_BUF_INIT;
	size_t skipped = 0;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	for (i = 1; i < argc; i++) {
		if ((took = cli_take_ref(&ref, argc, argv, &i, usage)) ||
		    (took = take(&since, "--since", argc, argv, &i)) ||
		    (took = take(&by_text, "--by", argc, argv, &i)) ||
		    (took = take(&source_text, "--source", argc, argv, &i)) ||
		    (took = take(&format_text, "--format", argc, argv, &i))) {
			if (took < 0)
				return CLI_USAGE;
			continue;
		}
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--ascii"))
			ascii = 1;
		else if (!strcmp(argv[i], "--no-cache"))
			no_cache = 1;
		else
			return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
	}
	if (gs_window_parse(&window, since, gs_time_now_ms()) < 0 ||
	    gs_usage_by_parse(&by, by_text) < 0 || gs_usage_source_parse(&source, source_text) < 0)
		return cli_usage_error(usage, "%s", gs_error_last());
	if (format_text) {
		if (!strcmp(format_text, "text"))
			format = FMT_TEXT;
		else if (!strcmp(format_text, "json"))
			format = FMT_JSON;
		else if (!strcmp(format_text, "csv"))
			format = FMT_CSV;
		else
			return cli_usage_error(usage, "--format: '%s' is not one of text, json, csv",
					       format_text);
		if (json && format != FMT_JSON)
			return cli_usage_error(usage, "--json and --format %s contradict each other",
					       format_text);
	}
	if (json)
		format = FMT_JSON;

	/* Pricing only names the provider of runs and sessions that did not record one. */
	if ((error = cli_open_repo(&repo, ref)) < 0 ||
	    (error = gs_repo_check_named_target(repo)) < 0 ||
	    (error = gs_pricing_load_repo(&pricing, NULL, repo)) < 0 ||
	    (error = gs_usage_report_new(&report, by, source, &window)) < 0)
		goto fail;
	/* Runs first: with --source all they claim the sessions they name. */
	if (source & GS_USAGE_SOURCE_ISSUES) {
		if ((error = target_tree(&tree, repo)) < 0 ||
		    (!no_cache && (error = gs_usage_cache_path(&path, gs_repo_git(repo))) < 0) ||
		    (error = gs_usage_add_issues(NULL, report, gs_repo_git(repo), tree,
						 gs_repo_issues_dir(repo), no_cache ? NULL : path.ptr,
						 pricing)) < 0)
			goto fail;
	}
	if (source & GS_USAGE_SOURCE_SESSIONS) {
		const char *common = git_repository_commondir(gs_repo_git(repo));

		gs_buf_clear(&path);
		if ((error = gs_buf_printf(&path, "%s%sstats/sessions", common,
					   common[strlen(common) - 1] == '/' ? "" : "/")) < 0 ||
		    (error = gs_usage_add_sessions(&skipped, report, path.ptr, pricing)) < 0)
			goto fail;
	}
	if ((error = gs_usage_report_finish(report)) < 0)
		goto fail;
	if (format == FMT_JSON)
		error = gs_usage_report_json(&out, report);
	else if (format == FMT_CSV)
		error = gs_usage_report_csv(&out, report);
	else
		error = gs_usage_report_text(&out, report,
					     (gs_report_color_wanted(STDOUT_FILENO)
						      ? GS_USAGE_TEXT_COLOR
						      : 0) |
						     (ascii ? GS_USAGE_TEXT_ASCII : 0));
	if (error < 0)
		goto fail;
	if (skipped)
		fprintf(stderr, "git-stats: warning: skipped %zu session%s with unreadable metadata\n",
			skipped, skipped == 1 ? "" : "s");
	fwrite(out.ptr, 1, out.size, stdout);
	rc = fflush(stdout) == 0 ? CLI_OK : CLI_RUNTIME;
	goto done;
fail:
	rc = cli_fail(error);
done:
	gs_buf_dispose(&out);
	gs_buf_dispose(&path);
	git_tree_free(tree);
	gs_usage_report_free(report);
	gs_pricing_free(pricing);
	gs_repo_free(repo);
	return rc;
}
