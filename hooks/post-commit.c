/*
 * git-stats-hook-post-commit: run by the post-commit hook script 'git stats install' writes.
 */
#include "gs/gs.h"

int main(void)
{
	return 0;
}
