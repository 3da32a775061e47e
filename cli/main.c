/*
 * git-stats: dispatch to a subcommand from a table, as git's builtins are.
 * `git stats <cmd>` reaches us because git runs `git-stats` from PATH.
 */
#include "cli.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#define CLI_ENTRY(name, summary) { #name, cmd_##name, summary },
static const struct cli_cmd commands[] = { CLI_COMMANDS(CLI_ENTRY) };
#undef CLI_ENTRY

/* Defined in alias.c: runs `stats.alias.<name>`; returns -1 when there is none. */
int cli_alias_run(int argc, char **argv, int depth);

static void print_name(FILE *f, const char *name)
{
	for (; *name; name++)
		fputc(*name == '_' ? '-' : *name, f);
}

static int usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: git stats [--version] [--help] <command> [<args>]\n\n"
		   "Git-native bookkeeping of AI agent runs on markdown issues.\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		size_t n = strlen(commands[i].name);

		fputs("   ", f);
		print_name(f, commands[i].name);
		fprintf(f, "%*s%s\n", (int)(16 - n), "", commands[i].summary);
	}
	fprintf(f, "\n'git stats <command> --help' describes one command (as 'git stats --help'\n"
		   "is taken by git itself for the manual page, use 'git stats -h' there).\n"
		   "Exit codes: 0 success, 1 runtime error, 2 usage error.\n");
	return f == stdout ? CLI_OK : CLI_USAGE;
}

static const struct cli_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *a = commands[i].name, *b = name;

		while (*a && (*a == *b || (*a == '_' && *b == '-'))) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return &commands[i];
	}
	return NULL;
}

int cli_run(int argc, char **argv, int depth);

/* Run argv[0] as a subcommand; aliases recurse with depth+1. */
int cli_run(int argc, char **argv, int depth)
{
	const struct cli_cmd *cmd = find_command(argv[0]);
	int rc;

	if (cmd) {
		cli_command = argv[0];
		return cmd->fn(argc, argv);
	}
	rc = cli_alias_run(argc, argv, depth);
	if (rc >= 0)
		return rc;
	fprintf(stderr, "git-stats: '%s' is not a git-stats command; see 'git stats -h'\n", argv[0]);
	return CLI_USAGE;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && find_command(argv[2])) {
			char *help_argv[] = { argv[2], (char *)"--help", NULL };

			return find_command(argv[2])->fn(2, help_argv);
		}
		return usage(stdout);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		int maj, min, rev;

		git_libgit2_version(&maj, &min, &rev);
		printf("git-stats version %s (libgit2 %d.%d.%d)\n", GS_VERSION_STRING, maj, min, rev);
		return CLI_OK;
	}
	if (argv[1][0] == '-')
		return cli_usage_error(NULL, "unknown option '%s'; see 'git stats -h'", argv[1]);

	git_libgit2_init();
	rc = cli_run(argc - 1, argv + 1, 0);
	git_libgit2_shutdown();
	return rc;
}
