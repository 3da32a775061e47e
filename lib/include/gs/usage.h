/*
 * Usage reports over issues and sessions, with time windows (SPEC §8):
 * items (runs or sessions) go in, grouped rows with totals and derived
 * rates come out, rendered as a table, JSON or CSV.
 *
 * Definitions (also in the README):
 * - A run (issues source) or a session (sessions source) counts as one
 *   session. It is successful unless it carries a failure status; run
 *   blocks without a status are successful.
 * - input_tokens are base input tokens, not cached; total_tokens =
 *   input + output + cache_read + cache_write.
 * - cache_hit_rate = cache_read / (input + cache_read + cache_write).
 * - known_cost_usd sums the costs that are known; null when none is.
 *   unknown_cost_sessions counts the others (never priced as $0).
 * - cost_per_success = known_cost_usd / success_sessions.
 * - input/output_tokens_per_second = tokens / (duration_ms / 1000).
 * - success_rate = success_sessions / sessions.
 * Derived values are null (NAN in C) when their denominator is 0 or the
 * cost is unknown.
 */
#ifndef GS_USAGE_H
#define GS_USAGE_H

#include "gs/common.h"
#include "gs/pricing.h"
#include "gs/time.h"

#include <git2/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	GS_USAGE_BY_MODEL = 0,
	GS_USAGE_BY_PROVIDER,
	GS_USAGE_BY_DAY,
	GS_USAGE_BY_ISSUE
} gs_usage_by;

typedef enum {
	GS_USAGE_SOURCE_ISSUES = 1,
	GS_USAGE_SOURCE_SESSIONS = 2,
	GS_USAGE_SOURCE_ALL = 3
} gs_usage_source;

/* "model", "provider", "day", "issue"; GS_EUSAGE naming the value. */
int gs_usage_by_parse(gs_usage_by *out, const char *text);
const char *gs_usage_by_name(gs_usage_by by);
/* "issues", "sessions", "all"; GS_EUSAGE naming the value. */
int gs_usage_source_parse(gs_usage_source *out, const char *text);
const char *gs_usage_source_name(gs_usage_source source);

/*
 * The provider of a model by its name: anthropic (claude-*), openai
 * (gpt-*, o1/o3/o4*, chatgpt-*, codex-*), google (gemini-*), others
 * "unknown". Used when the pricing table does not name one. Borrowed.
 */
const char *gs_usage_provider_guess(const char *model);

typedef enum { GS_USAGE_ITEM_RUN = 0, GS_USAGE_ITEM_SESSION = 1 } gs_usage_item_kind;

/* One unit counted in a report. Strings are borrowed for the call. */
typedef struct {
	gs_usage_item_kind kind;
	int has_started_at;    /* 0: no start time (counts only in `all`) */
	int64_t started_at_ms; /* UTC; decides the day and the window */
	int64_t input_tokens;  /* base input, not cached */
	int64_t output_tokens;
	int64_t cache_read_tokens;
	int64_t cache_write_tokens;
	int64_t duration_ms;
	double cost_usd; /* NAN when unknown */
	int success;
	const char *model;      /* NULL or "" when unknown */
	const char *provider;   /* NULL: gs_usage_provider_guess(model) */
	const char *issue;      /* NULL for a session not tied to an issue */
	const char *session_id; /* NULL when none */
} gs_usage_item;

/* One row of a report, or its totals. */
typedef struct {
	const char *key;      /* model, provider, day (YYYY-MM-DD) or issue; "" = none */
	const char *provider; /* NULL unless grouped by model or provider */
	const char *model;    /* NULL unless grouped by model */
	int64_t sessions;
	int64_t success_sessions;
	int64_t failed_sessions;
	int64_t input_tokens;
	int64_t output_tokens;
	int64_t total_tokens;
	int64_t duration_ms;
	double known_cost_usd; /* NAN when no cost is known */
	int64_t unknown_cost_sessions;
	int64_t cache_read_tokens;
	int64_t cache_write_tokens;
	double cache_hit_rate; /* derived; NAN = null */
	double cost_per_success;
	double input_tokens_per_second;
	double output_tokens_per_second;
	double success_rate;
} gs_usage_row;

typedef struct gs_usage_report gs_usage_report;

/* A report grouping by `by` over `window` (copied). Free with gs_usage_report_free. */
int gs_usage_report_new(gs_usage_report **out, gs_usage_by by, gs_usage_source source,
			const gs_window *window);
void gs_usage_report_free(gs_usage_report *r);

/*
 * Count `item` when it falls in the window (items without a start time
 * count only when the window is `all`). With source `all`, a session
 * that a run already names (session_id) is not counted again: add runs
 * first. GS_EOVERFLOW when a sum would pass 2^63-1.
 */
int gs_usage_report_add(gs_usage_report *r, const gs_usage_item *item);

/*
 * Compute derived rates and sort the rows: days in date order; models,
 * providers and issues by known cost (highest first), then total tokens,
 * then name. Call once, after the last add.
 */
int gs_usage_report_finish(gs_usage_report *r);

/* Rows and totals of a finished report (borrowed, live with `r`). */
size_t gs_usage_report_count(const gs_usage_report *r);
const gs_usage_row *gs_usage_report_row(const gs_usage_report *r, size_t i);
const gs_usage_row *gs_usage_report_totals(const gs_usage_report *r);

/*
 * `{"window": {"spec", "from", "to"}, "by", "source", "rows": [...],
 * "totals": {...}}` with every field of gs_usage_row (nulls as null),
 * one JSON document and a newline. See the README for the shape.
 */
int gs_usage_report_json(gs_buf *out, const gs_usage_report *r);

/* A header line and one line per row (no totals), SPEC field names. */
int gs_usage_report_csv(gs_buf *out, const gs_usage_report *r);

#define GS_USAGE_TEXT_COLOR 1u /* ANSI bold/dim (caller checked the terminal) */
#define GS_USAGE_TEXT_ASCII 2u /* `#` bars instead of Unicode blocks */

/* The human report: a title line, the aligned table with a totals row,
 * and footnotes (unknown costs). */
int gs_usage_report_text(gs_buf *out, const gs_usage_report *r, unsigned int flags);

/* --- sources ------------------------------------------------------------ */

/* What gs_usage_add_issues did (for tests, the benchmark and --verbose). */
typedef struct {
	size_t files;     /* issue files at the tree */
	size_t parsed;    /* blobs read and parsed (cache misses) */
	size_t cached;    /* blobs answered by the cache */
	size_t runs;      /* run blocks seen, in the window or not */
	int cache_loaded; /* a valid cache file was read */
	int cache_saved;  /* the cache file was rewritten */
} gs_usage_scan;

/*
 * `$GIT_DIR/stats/usage-cache` of `repo` (the common dir, so linked
 * worktrees share it), into `out` (replaced).
 */
int gs_usage_cache_path(gs_buf *out, git_repository *repo);

/*
 * Add the runs of every issue file in `issues_dir` of `root` (a root
 * tree; NULL for an unborn ref) to `r`. Each run counts under the
 * issue's id (frontmatter id, else the file name's), its recorded
 * provider, else the provider `pricing` (may be NULL) or the name gives.
 *
 * With `cache_path` (NULL: no cache), blobs already summarised there are
 * not read; new summaries are added and the file rewritten atomically.
 * A missing, corrupt or unwritable cache changes nothing but speed.
 * `stats` may be NULL. GS_EPARSE names the file whose run block is
 * malformed; GS_ERROR on a repository read failure.
 */
int gs_usage_add_issues(gs_usage_scan *stats, gs_usage_report *r, git_repository *repo,
			git_tree *root, const char *issues_dir, const char *cache_path,
			const gs_pricing *pricing);

/*
 * Add one item per session under `sessions_dir` (a missing directory holds
 * none), started at its creation time, successful unless session.end gave
 * a failure status, under its issue when it names one. Sessions whose
 * metadata is corrupt are skipped and counted in `skipped` (may be NULL).
 */
int gs_usage_add_sessions(size_t *skipped, gs_usage_report *r, const char *sessions_dir,
			  const gs_pricing *pricing);

#ifdef __cplusplus
}
#endif

#endif
