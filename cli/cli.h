/*
 * What every subcommand shares: the dispatch table entry, error printing
 * with SPEC §10 exit codes, and --help handling. Commands stay thin: parse
 * arguments, call the library, print.
 */
#ifndef GS_CLI_H
#define GS_CLI_H

#include "gs/gs.h"

#include <stdio.h>

enum { CLI_OK = 0, CLI_RUNTIME = 1, CLI_USAGE = 2 };

typedef int (*cli_fn)(int argc, char **argv);

struct cli_cmd {
	const char *name;
	cli_fn fn;
	const char *summary;
};

/* Print "git-stats: <last error>" and map a GS_E* code to an exit code. */
int cli_fail(int error);

/* The subcommand being run, as typed ("set"), for cli_fail's pointer to -h. */
extern const char *cli_command;

/* Print "git-stats: <msg>" plus a usage hint; returns CLI_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* True when argv (after the command name) asks for help: --help or -h. */
int cli_wants_help(int argc, char **argv);

/* Print a command's usage text to stdout; returns CLI_OK. */
int cli_help(const char *usage);

/* Parse a non-negative decimal integer option value strictly. */
int cli_parse_i64(int64_t *out, const char *opt, const char *text);
int cli_parse_f64(double *out, const char *opt, const char *text);
/* A dollar amount (`--cost`): cli_parse_f64 up to GS_RUN_MAX_COST. */
int cli_parse_cost(double *out, const char *opt, const char *text);

/*
 * `--ref REF` / `--ref=REF` at argv[*i]: stores the value in *ref, advances
 * *i past it and returns 1; 0 when argv[*i] is something else; -1 (after
 * printing a usage error: exit with CLI_USAGE) when the value is missing.
 */
int cli_take_ref(const char **ref, int argc, char **argv, int *i, const char *usage);

/* Open the repository (discovered from the cwd) and apply --ref when given. */
int cli_open_repo(gs_repo **out, const char *ref);

/* Subcommands (cli/cmd_<name>.c). */
#define CLI_COMMANDS(X) \
	X(fm, "read and edit frontmatter of a file (plumbing)") \
	X(init, "set up the issues directory or dedicated ref") \
	X(new, "create an issue from the template") \
	X(set, "set frontmatter keys of an issue in one commit") \
	X(show, "show an issue's stats") \
	X(list, "list issues with their totals") \
	X(record, "record an agent run") \
	X(verify, "check totals against run blocks") \
	X(flush, "apply spooled records") \
	X(pricing, "show the effective pricing table") \
	X(attempt, "start or end an agent attempt") \
	X(resume, "record a workflow resume") \
	X(session, "session event logs") \
	X(usage, "usage report by model, provider, day or issue") \
	X(install, "install hooks, merge driver and alias") \
	X(uninstall, "remove what install set up") \
	X(doctor, "check the git integration") \
	X(merge_driver, "merge driver for issue files (used by git)")

#define CLI_DECLARE(name, summary) int cmd_##name(int argc, char **argv);
CLI_COMMANDS(CLI_DECLARE)
#undef CLI_DECLARE

#endif
