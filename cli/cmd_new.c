/*
 * git stats new: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats new [--help]\n";

int cmd_new(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'new' is not implemented yet");
	return cli_fail(GS_ERROR);
}
