/*
 * git-stats-hook-post-merge: run by the post-merge hook script 'git stats install' writes.
 */
#include "gs/gs.h"

int main(void)
{
	return 0;
}
