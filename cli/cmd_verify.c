/*
 * git stats verify: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats verify [--help]\n";

int cmd_verify(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'verify' is not implemented yet");
	return cli_fail(GS_ERROR);
}
