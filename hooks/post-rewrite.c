/*
 * git-stats-hook-post-rewrite, run by the post-rewrite script 'git stats install' puts in
 * the hooks directory: after an amend or rebase ($1), moves checkpoint candidates from
 * the old commits to the new ones git lists on stdin.
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
	fputs("post-rewrite", f);
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
	gs_buf input = GS_BUF_INIT;
	char chunk[4096];
	ssize_t n;

	while ((n = read(0, chunk, sizeof(chunk))) > 0)
		gs_buf_put(&input, chunk, (size_t)n);

	trace(argc, argv);
	if (!gs_hooks_may_have_work("post-rewrite"))
		goto out;
	git_libgit2_init();
	/* Outside a repository git-stats knows nothing to do: stay quiet. */
	if (gs_repo_open(&r, NULL) == 0) {
		gs_hooks_post_rewrite(&warn, r, input.ptr, input.size);
		/* One "git-stats: ..." line per problem, as every command reports. */
		for (p = warn.ptr; *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			fprintf(stderr, "git-stats: post-rewrite: %.*s\n", (int)len, p);
			p += len + (nl != NULL);
		}
	}
	gs_repo_free(r);
	gs_buf_dispose(&warn);
	git_libgit2_shutdown();
out:
	gs_buf_dispose(&input);
	return 0;
}
