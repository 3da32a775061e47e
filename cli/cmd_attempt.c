/*
 * git stats attempt: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats attempt [--help]\n";

int cmd_attempt(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'attempt' is not implemented yet");
	return cli_fail(GS_ERROR);
}
