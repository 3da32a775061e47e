/*
 * git stats flush: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats flush [--help]\n";

int cmd_flush(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'flush' is not implemented yet");
	return cli_fail(GS_ERROR);
}
