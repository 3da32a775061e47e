/*
 * git-stats-hook-post-commit, run by the post-commit script 'git stats install' puts in
 * the hooks directory: records the new commit as checkpoint candidate of running agent attempts
 * and flushes the spool to a dedicated ref. Prints nothing unless something
 * went wrong; never fails the user's commit (git ignores its status anyway).
 */
#include "gs/gs.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Tests (and curious users) can see that git really reached us. */
static void trace(int argc, char **argv)
{
	const char *path = getenv("GIT_STATS_HOOK_TRACE");
	FILE *f;
	int i;

	if (!path || !*path || !(f = fopen(path, "a")))
		return;
	fputs("post-commit", f);
	for (i = 1; i < argc; i++)
		fprintf(f, " %s", argv[i]);
	fputc('\n', f);
	fclose(f);
}

int main(int argc, char **argv)
{
	gs_repo *r = NULL;
	gs_buf warn = GS_BUF_INIT;
	const char *p;

	trace(argc, argv);
	if (!gs_hooks_may_have_work("post-commit"))
		goto out;
	git_libgit2_init();
	/* Outside a repository git-stats knows nothing to do: stay quiet. */
	if (gs_repo_open(&r, NULL) == 0) {
		gs_hooks_post_commit(&warn, r);
		/* One "git-stats: ..." line per problem, as every command reports. */
		for (p = warn.ptr; *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			fprintf(stderr, "git-stats: post-commit: %.*s\n", (int)len, p);
			p += len + (nl != NULL);
		}
	}
	gs_repo_free(r);
	gs_buf_dispose(&warn);
	git_libgit2_shutdown();
out:
	return 0;
}
