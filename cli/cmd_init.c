/*
 * git stats init: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats init [--help]\n";

int cmd_init(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'init' is not implemented yet");
	return cli_fail(GS_ERROR);
}
