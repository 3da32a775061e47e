/*
 * git stats resume: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats resume [--help]\n";

int cmd_resume(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'resume' is not implemented yet");
	return cli_fail(GS_ERROR);
}
