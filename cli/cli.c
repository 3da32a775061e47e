/*
 * Helpers shared by the subcommands: one error format, one exit-code map.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *cli_command;

int cli_fail(int error)
{
	if (error == GS_EUSAGE && cli_command) /* as cli_usage_error says it */
		fprintf(stderr, "git-stats: %s (see 'git stats %s -h')\n", gs_error_last(), cli_command);
	else
		fprintf(stderr, "git-stats: %s\n", gs_error_last());
	return error == GS_EUSAGE ? CLI_USAGE : CLI_RUNTIME;
}

/* The plain lowercase words at `p` ("git stats session log"): their length. */
static size_t command_words(const char *p)
{
	const char *start = p, *end = p;

	for (;;) {
		const char *w = p;

		while ((*p >= 'a' && *p <= 'z') || (*p == '-' && p > w))
			p++;
		if (p == w || (*p != ' ' && *p != '\n' && *p != '\0'))
			break;
		end = p;
		if (*p != ' ')
			break;
		p++;
	}
	return (size_t)(end - start);
}

/*
 * The command a usage text is for: the words its forms ("usage: ...",
 * "   or: ...") have in common, e.g. "git stats attempt" for start and end.
 */
static size_t usage_command(const char **start, const char *usage)
{
	const char *form;
	size_t n;

	if (strncmp(usage, "usage: ", 7) != 0)
		return 0;
	*start = usage + 7;
	n = command_words(*start);
	for (form = strstr(usage, "\n   or: "); form; form = strstr(form + 1, "\n   or: ")) {
		const char *p = form + 8;
		size_t m = command_words(p), k = 0;

		while (k < n && k < m && p[k] == (*start)[k])
			k++;
		if (k < n && !(k == m && (*start)[k] == ' '))
			while (k > 0 && (*start)[k] != ' ')
				k--;
		n = k;
	}
	return n;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	const char *cmd = NULL;
	size_t n = usage ? usage_command(&cmd, usage) : 0;
	va_list ap;

	/* one line (SPEC §10); the synopsis is one -h away */
	fputs("git-stats: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (n)
		fprintf(stderr, " (see '%.*s -h')", (int)n, cmd);
	fputc('\n', stderr);
	return CLI_USAGE;
}

int cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

int cli_help(const char *usage)
{
	fputs(usage, stdout);
	return CLI_OK;
}

int cli_parse_i64(int64_t *out, const char *opt, const char *text)
{
	char *end;
	long long v;

	errno = 0;
	if (!text || !*text || *text == '-' || *text == '+' || *text == ' ') {
		gs_error_set("%s: expected a non-negative integer, got '%s'", opt, text ? text : "");
		return GS_EUSAGE;
	}
	v = strtoll(text, &end, 10);
	if (errno == ERANGE) {
		gs_error_set("%s: '%s' is larger than %lld", opt, text, (long long)INT64_MAX);
		return GS_EUSAGE;
	}
	if (*end) {
		gs_error_set("%s: expected a non-negative integer, got '%s'", opt, text);
		return GS_EUSAGE;
	}
	*out = (int64_t)v;
	return 0;
}

int cli_parse_f64(double *out, const char *opt, const char *text)
{
	char *end;
	double v;

	errno = 0;
	if (!text || !*text || *text == '-' || *text == ' ') {
		gs_error_set("%s: expected a non-negative number, got '%s'", opt, text ? text : "");
		return GS_EUSAGE;
	}
	v = strtod(text, &end);
	if (*end || errno == ERANGE || !isfinite(v)) {
		gs_error_set("%s: expected a non-negative number, got '%s'", opt, text);
		return GS_EUSAGE;
	}
	*out = v;
	return 0;
}

int cli_parse_cost(double *out, const char *opt, const char *text)
{
	int error = cli_parse_f64(out, opt, text);

	if (error < 0)
		return error;
	if (*out > GS_RUN_MAX_COST) {
		gs_error_set("%s: '%s' is too large", opt, text);
		return GS_EUSAGE;
	}
	return 0;
}

int cli_take_ref(const char **ref, int argc, char **argv, int *i, const char *usage)
{
	const char *a = argv[*i];

	if (!strncmp(a, "--ref=", 6)) {
		*ref = a + 6;
	} else if (!strcmp(a, "--ref")) {
		if (*i + 1 >= argc) {
			cli_usage_error(usage, "--ref needs a value");
			return -1;
		}
		*ref = argv[++*i];
	} else {
		return 0;
	}
	if (!**ref) {
		cli_usage_error(usage, "--ref needs a value");
		return -1;
	}
	return 1;
}

int cli_open_repo(gs_repo **out, const char *ref)
{
	int error = gs_repo_open(out, NULL);

	if (error == 0 && ref) {
		error = gs_repo_set_ref(*out, ref);
		if (error < 0) {
			gs_repo_free(*out);
			*out = NULL;
		}
	}
	return error;
}
