/*
 * git-stats-hook-post-rewrite, run by the post-rewrite script 'git stats install' puts in
 * the hooks directory: after an amend or rebase ($1), moves checkpoint candidates from
 * the old commits to the new ones git lists on stdin.
 */
#include "gs/gs.h"

#include <stdio.h>
#include <unistd.h>

static int run(gs_buf *warn, gs_repo *r, int argc, char **argv, void *payload)
{
	const gs_buf *input = payload;

	(void)argc;
	(void)argv;
	return gs_hooks_post_rewrite(warn, r, input->ptr, input->size);
}

int main(int argc, char **argv)
{
	gs_buf input = GS_BUF_INIT, out = GS_BUF_INIT;
	char chunk[4096];
	ssize_t n;

	/* git feeds the list through a pipe: drain it first, also when
	 * there turns out to be nothing to do, so git never writes into a
	 * closed pipe. */
	while ((n = read(0, chunk, sizeof(chunk))) > 0)
		gs_buf_put(&input, chunk, (size_t)n);

	gs_hooks_main(&out, "post-rewrite", argc, argv, run, &input);
	fputs(out.ptr, stderr);
	gs_buf_dispose(&out);
	gs_buf_dispose(&input);
	return 0;
}
