/*
 * git stats uninstall: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats uninstall [--help]\n";

int cmd_uninstall(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'uninstall' is not implemented yet");
	return cli_fail(GS_ERROR);
}
