/*
 * git stats pricing: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats pricing [--help]\n";

int cmd_pricing(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'pricing' is not implemented yet");
	return cli_fail(GS_ERROR);
}
