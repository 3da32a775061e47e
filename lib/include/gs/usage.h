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
#include "gs/time.h"

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

#ifdef __cplusplus
}
#endif

#endif
