/*
 * git stats show: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats show [--help]\n";

int cmd_show(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'show' is not implemented yet");
	return cli_fail(GS_ERROR);
}
