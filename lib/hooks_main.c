/*
 * The run every hook program makes (hooks/<name>.c only pick the body):
 * trace, the start-up shortcut, libgit2, the repository, warnings worded
 * as every command words them. Kept apart from hooks.c, which holds what
 * the hooks do rather than how a hook program starts.
 */
#include "gs/hooks.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tests (and curious users) can see that git really reached us. */
static void trace(const char *hook, int argc, char **argv)
{
	const char *path = getenv("GIT_STATS_HOOK_TRACE");
	FILE *f;
	int i;

	if (!path || !*path || !(f = fopen(path, "a")))
		return;
	fputs(hook, f);
	for (i = 1; i < argc; i++)
		fprintf(f, " %s", argv[i]);
	fputc('\n', f);
	fclose(f);
}

void gs_hooks_main(gs_buf *out, const char *hook, int argc, char **argv, gs_hooks_body body,
		   void *payload)
{
	gs_repo *r = NULL;
	gs_buf warn = GS_BUF_INIT;
	const char *p;

	trace(hook, argc, argv);
	if (!gs_hooks_may_have_work(hook))
		return;
	git_libgit2_init();
	/* Outside a repository git-stats knows nothing to do: stay quiet. */
	if (gs_repo_open(&r, NULL) == 0) {
		body(&warn, r, argc, argv, payload);
		/* One "git-stats: ..." line per problem, as every command reports. */
		for (p = warn.ptr; *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			gs_buf_printf(out, "git-stats: %s: %.*s\n", hook, (int)len, p);
			p += len + (nl != NULL);
		}
	}
	gs_repo_free(r);
	gs_buf_dispose(&warn);
	git_libgit2_shutdown();
}
