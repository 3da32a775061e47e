/*
 * git stats session: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats session [--help]\n";

int cmd_session(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'session' is not implemented yet");
	return cli_fail(GS_ERROR);
}
