/*
 * git stats merge-driver: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats merge-driver [--help]\n";

int cmd_merge_driver(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'merge-driver' is not implemented yet");
	return cli_fail(GS_ERROR);
}
