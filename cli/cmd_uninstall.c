/*
 * git stats uninstall: remove exactly what install set up (SPEC §9).
 */
#include "cli.h"

static const char usage[] =
	"usage: git stats uninstall\n"
	"\n"
	"Removes the git-stats hooks (restoring chained hooks byte for byte), the\n"
	"merge driver config, the merge=gitstats attribute lines and alias.stats.\n";

int cmd_uninstall(int argc, char **argv)
{
	git_repository *repo = NULL;
	gs_buf log = GS_BUF_INIT;
	int rc, error;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	if (argc > 1)
		return cli_usage_error(usage, "uninstall: unknown argument '%s'", argv[1]);
	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
		gs_error_set("not a git repository (or any parent up to mount point /)");
		return cli_fail(GS_ERROR);
	}
	error = gs_hooks_uninstall(&log, repo);
	fputs(log.ptr, stdout);
	rc = error < 0 ? cli_fail(error) : CLI_OK;
	gs_buf_dispose(&log);
	git_repository_free(repo);
	return rc;
}
