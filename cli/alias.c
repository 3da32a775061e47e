/*
 * User aliases (SPEC §9): `git config stats.alias.week "usage --since 7d
 * --by day"` makes `git stats week` run `git stats usage --since 7d --by
 * day`. Built-in commands always win, so an alias cannot shadow one.
 */
#include "cli.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

int cli_alias_run(int argc, char **argv, int depth);
int cli_run(int argc, char **argv, int depth);

/* Aliases may name other aliases, but a loop must end somewhere. */
#define ALIAS_MAX_DEPTH 8

/* Config variable names: a letter, then letters, digits and '-'. */
static int valid_name(const char *name)
{
	const char *p;

	if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z')))
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-'))
			return 0;
	return 1;
}

/* The alias value, or GS_ENOTFOUND. Inside a repository its config counts too. */
static int lookup(gs_buf *out, const char *name)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL, *snap = NULL;
	gs_buf key = GS_BUF_INIT;
	const char *v;
	int error = GS_ENOTFOUND, rc;

	if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) == 0)
		rc = git_repository_config(&cfg, repo);
	else
		rc = git_config_open_default(&cfg);
	if (rc < 0 || git_config_snapshot(&snap, cfg) < 0 || gs_buf_printf(&key, "stats.alias.%s", name) < 0)
		goto done;
	if (git_config_get_string(&v, snap, key.ptr) == 0)
		error = gs_buf_puts(out, v);
done:
	git_error_clear();
	gs_buf_dispose(&key);
	git_config_free(snap);
	git_config_free(cfg);
	git_repository_free(repo);
	return error;
}

/*
 * Split like a shell (and git's split_cmdline): blanks separate words,
 * '...' is literal, "..." allows \" and \\, a backslash outside quotes
 * takes the next character. Words are NUL-separated in `out`.
 */
static int split_words(gs_buf *out, size_t *count, const char *s)
{
	int in_word = 0;
	char quote = 0;

	*count = 0;
	for (; *s; s++) {
		char c = *s;

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else if (gs_buf_putc(out, c) < 0)
				return GS_ERROR;
			continue;
		}
		if (quote == '"') {
			if (c == '"') {
				quote = 0;
				continue;
			}
			if (c == '\\' && (s[1] == '"' || s[1] == '\\'))
				c = *++s;
			if (gs_buf_putc(out, c) < 0)
				return GS_ERROR;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word && gs_buf_putc(out, '\0') < 0)
				return GS_ERROR;
			in_word = 0;
			continue;
		}
		if (!in_word) {
			in_word = 1;
			(*count)++;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			continue;
		}
		if (c == '\\' && s[1])
			c = *++s;
		if (gs_buf_putc(out, c) < 0)
			return GS_ERROR;
	}
	if (quote) {
		gs_error_set("unterminated %s quote", quote == '"' ? "double" : "single");
		return GS_EUSAGE;
	}
	if (in_word && gs_buf_putc(out, '\0') < 0)
		return GS_ERROR;
	return 0;
}

/* Runs `stats.alias.<argv[0]>`; returns -1 when there is none. */
int cli_alias_run(int argc, char **argv, int depth)
{
	gs_buf value = GS_BUF_INIT, words = GS_BUF_INIT;
	char **nargv = NULL;
	size_t n = 0, i;
	const char *p;
	int rc = -1, error;

	if (!valid_name(argv[0]) || lookup(&value, argv[0]) < 0)
		goto done;
	if (depth >= ALIAS_MAX_DEPTH) {
		fprintf(stderr, "git-stats: alias 'stats.alias.%s': aliases nest deeper than %d levels (a loop?)\n",
			argv[0], ALIAS_MAX_DEPTH);
		rc = CLI_USAGE;
		goto done;
	}
	error = split_words(&words, &n, value.ptr);
	if (error < 0 || n == 0) {
		fprintf(stderr, "git-stats: alias 'stats.alias.%s': %s\n", argv[0],
			error < 0 ? gs_error_last() : "empty value");
		rc = error == GS_ERROR ? CLI_RUNTIME : CLI_USAGE;
		goto done;
	}
	nargv = calloc(n + (size_t)argc, sizeof(*nargv));
	if (!nargv) {
		fprintf(stderr, "git-stats: out of memory\n");
		rc = CLI_RUNTIME;
		goto done;
	}
	for (i = 0, p = words.ptr; i < n; i++, p += strlen(p) + 1)
		nargv[i] = (char *)p;
	for (i = 1; i < (size_t)argc; i++)
		nargv[n + i - 1] = argv[i];
	if (nargv[0][0] == '-') {
		fprintf(stderr, "git-stats: alias 'stats.alias.%s': '%s' is not a command\n", argv[0], nargv[0]);
		rc = CLI_USAGE;
		goto done;
	}
	rc = cli_run((int)(n + (size_t)argc - 1), nargv, depth + 1);
done:
	free(nargv);
	gs_buf_dispose(&value);
	gs_buf_dispose(&words);
	return rc;
}
