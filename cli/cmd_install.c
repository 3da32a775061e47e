/*
 * git stats install: hooks, merge driver, attribute and alias (SPEC §9).
 */
#include "cli.h"

#include <string.h>

static const char usage[] =
	"usage: git stats install [--shared]\n"
	"\n"
	"Installs post-commit, post-merge and post-rewrite hooks into the hooks\n"
	"directory git uses (core.hooksPath respected), chaining existing hooks;\n"
	"configures the merge driver merge.gitstats and the attribute\n"
	"'<issuesDir>/*.md merge=gitstats'; sets alias.stats when git-stats is not\n"
	"on PATH. Running it again changes nothing.\n"
	"\n"
	"    --shared    write the attribute to .gitattributes (to commit) instead of\n"
	"                .git/info/attributes\n";

int cmd_install(int argc, char **argv)
{
	git_repository *repo = NULL;
	gs_hooks_env env;
	gs_buf log = GS_BUF_INIT;
	unsigned flags = 0;
	int i, rc = CLI_RUNTIME, error;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--shared"))
			flags |= GS_HOOKS_SHARED;
		else
			return cli_usage_error(usage, "install: unknown argument '%s'", argv[i]);
	}
	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
		gs_error_set("not a git repository (or any parent up to mount point /)");
		return cli_fail(GS_ERROR);
	}
	if (gs_hooks_env_discover(&env) < 0) {
		rc = cli_fail(GS_ERROR);
		git_repository_free(repo);
		return rc;
	}
	error = gs_hooks_install(&log, repo, &env, flags);
	fputs(log.ptr, stdout);
	rc = error < 0 ? cli_fail(error) : CLI_OK;
	gs_buf_dispose(&log);
	gs_hooks_env_dispose(&env);
	git_repository_free(repo);
	return rc;
}
