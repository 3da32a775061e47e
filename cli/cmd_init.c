/*
 * git stats init: record the defaults in git config and create the
 * issues directory (or, for a dedicated ref, its first commit).
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"usage: git stats init [--ref REF] [--issues-dir DIR]\n"
	"\n"
	"Set stats.issuesDir (default 'issues') and, with --ref, stats.ref in the\n"
	"repository's config. Creates the issues directory in the work tree, or\n"
	"for a dedicated ref (e.g. refs/heads/issues) an orphan commit holding it.\n"
	"Running it again changes nothing.\n"
	"\n"
	"    --ref REF          commit issues to REF instead of the current branch\n"
	"    --issues-dir DIR   directory of the issue files (default: issues)\n";

static int init_txn(gs_txn *t, void *payload)
{
	gs_buf path = GS_BUF_INIT;
	int error;

	(void)payload;
	if (gs_txn_base(t))
		return 0; /* the ref exists: nothing to create */
	if (gs_buf_printf(&path, "%s/.gitkeep", gs_repo_issues_dir(gs_txn_repo(t))) < 0)
		return GS_ERROR;
	error = gs_txn_create(t, path.ptr, "", 0);
	gs_buf_dispose(&path);
	return error;
}

static int mkdirs(const char *path)
{
	char *p = strdup(path);
	int error = 0;

	if (!p)
		return GS_ERROR;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			error = GS_ERROR;
		*s = '/';
	}
	if (mkdir(p, 0777) < 0 && errno != EEXIST)
		error = GS_ERROR;
	if (error < 0)
		gs_error_set("cannot create directory '%s': %s", path, strerror(errno));
	free(p);
	return error;
}

int cmd_init(int argc, char **argv)
{
	const char *ref = NULL, *dir = NULL, *target;
	gs_repo *repo = NULL;
	gs_store_result res;
	char *cur = NULL;
	gs_buf path = GS_BUF_INIT;
	int rc = CLI_RUNTIME, error, is_head;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	for (int i = 1; i < argc; i++) {
		int took = cli_take_ref(&ref, argc, argv, &i, usage);

		if (took < 0)
			return CLI_USAGE;
		if (took)
			continue;
		if (!strcmp(argv[i], "--issues-dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strncmp(argv[i], "--issues-dir=", 13))
			dir = argv[i] + 13;
		else
			return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
	}
	/*
	 * Everything is validated before the first config write: a refused
	 * --issues-dir or --ref leaves the config as it was. An explicit
	 * directory also replaces a bad stats.issuesDir without reading it.
	 */
	if (dir) {
		error = gs_repo_open_issues_dir(&repo, NULL, dir);
		if (error == 0 && ref)
			error = gs_repo_set_ref(repo, ref);
	} else {
		error = cli_open_repo(&repo, ref);
	}
	if (error < 0)
		goto fail;
	error = gs_repo_target_ref(&target, repo);
	if (error < 0)
		goto fail;
	is_head = gs_repo_target_is_head(repo);
	if (is_head < 0) {
		error = is_head;
		goto fail;
	}
	/* the directory or the ref first: a refusal there (say, the ref is
	 * checked out in another worktree) must not leave config behind */
	if (is_head) {
		gs_buf_printf(&path, "%s%s", gs_repo_workdir(repo), gs_repo_issues_dir(repo));
		error = mkdirs(path.ptr);
	} else {
		error = gs_store_update(&res, repo, "stats: init", init_txn, NULL);
	}
	if (error < 0)
		goto fail;
	if (dir || gs_repo_config_str(&cur, repo, "stats.issuesDir") == GS_ENOTFOUND) {
		error = gs_repo_config_set_str(repo, "stats.issuesDir", gs_repo_issues_dir(repo));
		if (error < 0)
			goto fail;
	}
	if (ref) {
		error = gs_repo_config_set_str(repo, "stats.ref", target);
		if (error < 0)
			goto fail;
	}
	if (is_head)
		printf("issues in '%s/', committed to '%s'\n", gs_repo_issues_dir(repo), target);
	else
		printf("issues in '%s/' on '%s'%s\n", gs_repo_issues_dir(repo), target,
		       res.changed ? " (created)" : "");
	rc = CLI_OK;
	goto done;
fail:
	rc = cli_fail(error);
done:
	free(cur);
	gs_buf_dispose(&path);
	gs_repo_free(repo);
	return rc;
}
