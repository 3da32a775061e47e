/*
 * git stats set: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats set [--help]\n";

int cmd_set(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'set' is not implemented yet");
	return cli_fail(GS_ERROR);
}
