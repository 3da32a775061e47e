/*
 * git stats fm: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats fm [--help]\n";

int cmd_fm(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'fm' is not implemented yet");
	return cli_fail(GS_ERROR);
}
