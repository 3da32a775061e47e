/*
 * git-stats-hook-post-rewrite: run by the post-rewrite hook script 'git stats install' writes.
 */
#include "gs/gs.h"

int main(void)
{
	return 0;
}
