/*
 * git-stats-hook-post-commit, run by the post-commit script 'git stats install' puts in
 * the hooks directory: records the new commit as checkpoint candidate of running agent attempts
 * and flushes the spool to a dedicated ref. Prints nothing unless something
 * went wrong; never fails the user's commit (git ignores its status anyway).
 */
#include "gs/gs.h"

#include <stdio.h>

static int run(gs_buf *warn, gs_repo *r, int argc, char **argv, void *payload)
{
	(void)argc;
	(void)argv;
	(void)payload;
	return gs_hooks_post_commit(warn, r);
}

int main(int argc, char **argv)
{
	gs_buf out = GS_BUF_INIT;

	gs_hooks_main(&out, "post-commit", argc, argv, run, NULL);
	fputs(out.ptr, stderr);
	gs_buf_dispose(&out);
	return 0;
}
