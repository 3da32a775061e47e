/*
 * User aliases: `stats.alias.<name>` in git config (SPEC §9).
 */
#include "cli.h"

int cli_alias_run(int argc, char **argv, int depth);

int cli_alias_run(int argc, char **argv, int depth)
{
	(void)argc;
	(void)argv;
	(void)depth;
	return -1;
}
