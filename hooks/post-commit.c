/*
 * git-stats-hook-post-commit: run by the post-commit hook script 'git stats install' writes.
 */
#include "gs/gs.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	const char *trace = getenv("GIT_STATS_HOOK_TRACE");
	int i;

	/* Tests (and curious users) can see that git really reached us. */
	if (trace && *trace) {
		FILE *f = fopen(trace, "a");

		if (f) {
			fputs("post-commit", f);
			for (i = 1; i < argc; i++)
				fprintf(f, " %s", argv[i]);
			fputc('\n', f);
			fclose(f);
		}
	}
	return 0;
}
