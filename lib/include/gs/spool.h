/*
 * The best-effort spool (SPEC §3): records that could not be committed
 * wait in $GIT_DIR/stats/spool/<run_id>.json (one file per run, written
 * atomically, mode 0600) and are replayed by gs_spool_flush. A replayed
 * record is applied exactly once because its run id is fixed when it is
 * spooled: a run id already in the issue is a no-op, and a file is only
 * removed after the commit holding its run has landed (or the run was
 * found already recorded).
 *
 * File format: {"version":1,"issue":"12","ref":"refs/heads/x"|null,
 * "price_at_flush":false,"run":{<run block JSON>}}. `price_at_flush`
 * marks a run whose cost was to come from pricing that could not be read
 * when it was spooled; flushing prices it then.
 */
#ifndef GS_SPOOL_H
#define GS_SPOOL_H

#include "gs/common.h"
#include "gs/repo.h"
#include "gs/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The spool directory, "$GIT_DIR/stats/spool" (appended to `out`). */
int gs_spool_dir(gs_buf *out, gs_repo *r);

/*
 * Spool a finished run (run->issue set). `ref` is the target ref to
 * replay it to (NULL: the default at flush time). The path written is
 * appended to `path_out` when not NULL.
 */
int gs_spool_write(gs_buf *path_out, gs_repo *r, const gs_run *run, const char *ref,
		   int price_at_flush);

/* Number of spooled records (0 when the directory does not exist). */
int gs_spool_count(size_t *out, gs_repo *r);

/* What happened to one spooled record during a flush. */
typedef struct {
	char *file;   /* path of the spool file */
	char *run_id; /* NULL when the file does not parse */
	char *issue;
	int status;   /* 0 applied, GS_RUN_DUPLICATE, or a negative error */
	char *error;  /* message when status < 0 */
} gs_spool_item;

typedef struct {
	gs_spool_item *items;
	size_t count;
	size_t applied, duplicates, failed; /* failed ones stay spooled */
} gs_spool_result;

/*
 * Replay every spooled record: one commit per target ref holding all
 * records that apply; records whose issue is unknown or whose file does
 * not parse are reported and stay spooled. `pricing` prices records
 * marked price_at_flush; when NULL the repository's table
 * (gs_pricing_load_repo) is loaded if one needs it, and while it does
 * not load such records stay spooled. Returns 0 when the flush ran
 * (see out->failed), or a store error (GS_ELOCKED, GS_ECONFLICT...), in
 * which case every record stays spooled. Release with
 * gs_spool_result_dispose.
 */
int gs_spool_flush(gs_spool_result *out, gs_repo *r, const gs_pricing *pricing);
void gs_spool_result_dispose(gs_spool_result *res);

#ifdef __cplusplus
}
#endif

#endif
