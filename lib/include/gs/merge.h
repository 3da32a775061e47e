/*
 * The merge driver for issue files: counters, run blocks, attempts, user text.
 *
 * A pure function of three byte strings (base, ours, theirs) so it can be
 * table-tested without git, and used by `git stats merge-driver` as git's
 * custom merge driver (SPEC §9).
 */
#ifndef GS_MERGE_H
#define GS_MERGE_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	const char *path;         /* the file, for messages (NULL: "issue") */
	const char *base_label;   /* conflict marker labels; NULL: "base", "ours", "theirs" */
	const char *ours_label;
	const char *theirs_label;
	unsigned short marker_size; /* 0: 7, as git */
} gs_merge_opts;

#define GS_MERGE_OPTS_INIT { NULL, NULL, NULL, NULL, 0 }

typedef struct {
	int conflict;   /* conflict markers were left in the output */
	int plain;      /* an input did not parse as an issue: whole files merged as text */
	gs_buf reason;  /* why `plain` (the parse error), else empty */
	size_t runs;    /* run blocks in the result */
} gs_merge_info;

void gs_merge_info_init(gs_merge_info *info);
void gs_merge_info_dispose(gs_merge_info *info);

/*
 * Merge one issue file three ways into `out` (emptied first):
 *  - counters (run_count, total_*) become ours + theirs - base, corrected
 *    for runs both sides added (or both removed) so no run counts twice;
 *    a sum past 2^63-1 is GS_EOVERFLOW;
 *  - run blocks: the union by run id (a run one side removed stays
 *    removed), each block's bytes kept as written, ours' first, then
 *    theirs' new ones, at the end of the `## Run stats` section;
 *  - `agents`: union by agent and by attempt (equal content), renumbered
 *    in time order, derived fields recomputed; `resume_attempts`: union by
 *    workflow id and timestamp; last_model/last_run_at from the later run;
 *  - everything else (user keys, body text) three-way by git_merge_file.
 * When all three inputs had totals matching their blocks, the result's
 * totals are re-derived from its blocks. A real conflict leaves markers
 * and sets info->conflict. When an input is not a parseable issue the
 * whole files are merged as text (info->plain). Returns 0 or GS_E*.
 */
int gs_merge_issue(gs_buf *out, gs_merge_info *info,
		   const char *base, size_t base_len,
		   const char *ours, size_t ours_len,
		   const char *theirs, size_t theirs_len,
		   const gs_merge_opts *opts);

/* Plain three-way text merge (git_merge_file), as git's default driver does. */
int gs_merge_text(gs_buf *out, int *conflict,
		  const char *base, size_t base_len,
		  const char *ours, size_t ours_len,
		  const char *theirs, size_t theirs_len,
		  const gs_merge_opts *opts);

#ifdef __cplusplus
}
#endif

#endif
