/*
 * git-stats-hook-post-merge, run by the post-merge script 'git stats install' puts in
 * the hooks directory: verifies the issues the merge changed, reports drift between totals and
 * run blocks on stderr, and flushes the spool. $1 is 1 for a squash merge.
 */
#include "gs/gs.h"

#include <stdio.h>
#include <string.h>

/* $1 is "1" for a squash merge. */
static int run(gs_buf *warn, gs_repo *r, int argc, char **argv, void *payload)
{
	(void)payload;
	return gs_hooks_post_merge(warn, r, argc > 1 && !strcmp(argv[1], "1"));
}

int main(int argc, char **argv)
{
	gs_buf out = GS_BUF_INIT;

	gs_hooks_main(&out, "post-merge", argc, argv, run, NULL);
	fputs(out.ptr, stderr);
	gs_buf_dispose(&out);
	return 0;
}
