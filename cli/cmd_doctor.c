/*
 * git stats doctor: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats doctor [--help]\n";

int cmd_doctor(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'doctor' is not implemented yet");
	return cli_fail(GS_ERROR);
}
