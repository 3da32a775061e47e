/*
 * git stats usage: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats usage [--help]\n";

int cmd_usage(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'usage' is not implemented yet");
	return cli_fail(GS_ERROR);
}
