/*
 * git stats record: not implemented yet.
 */
#include "cli.h"

static const char usage[] = "usage: git stats record [--help]\n";

int cmd_record(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	gs_error_set("'record' is not implemented yet");
	return cli_fail(GS_ERROR);
}
