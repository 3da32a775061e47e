/*
 * git stats list: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats list [--help]\n";

int cmd_list(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'list' is not implemented yet");
	return cli_fail(GS_ERROR);
}
