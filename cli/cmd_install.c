/*
 * git stats install: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats install [--help]\n";

int cmd_install(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'install' is not implemented yet");
	return cli_fail(GS_ERROR);
}
