/*
 * Agent runs (SPEC §3): the run model, the run block appended to an issue
 * body, totals derived from runs, and the pure edit that records a run in
 * an issue file. The run block is the source of truth: frontmatter totals
 * must always be re-derivable from the blocks of a file.
 *
 * A run block, as appended under `## Run stats` (one per run):
 *
 *   ### Run 2026-03-15 12:00 UTC · claude-sonnet-4-5
 *   <!-- git-stats:run {"run_id":"run_...","started_at":"2026-03-15T12:00:00Z",...} -->
 *
 *   | duration | iterations | input | cache read | cache write | output | cost |
 *   |---:|---:|---:|---:|---:|---:|---:|
 *   | 1m 05s | 3 | 12,000 | 4,000 | 1,000 | 2,300 | $0.0755 |
 *
 * Only the comment line is machine-read; heading and table are for people.
 * The comment holds one JSON object on one line (keys below); `-->` never
 * occurs inside it (escaped as `-\u002d>`).
 *
 *   run_id, started_at (ISO 8601 UTC), model, provider, input_tokens
 *   (base, uncached), cache_read_tokens, cache_write_tokens (all cache
 *   writes), cache_write_1h_tokens (the 1-hour part, only when nonzero),
 *   output_tokens, duration_seconds (milliseconds precision),
 *   iterations, context_size, cost_usd (nano-dollar precision, null when
 *   unknown), session_id (when set), models (when the run used several:
 *   [{model, input_tokens, cache_read_tokens, cache_write_tokens,
 *   output_tokens, cost_usd}]).
 *
 * Token counts are integers below 2^53 so that every JSON reader keeps
 * them exact (2^53 + 1 would read back as 2^53).
 */
#ifndef GS_RUN_H
#define GS_RUN_H

#include "gs/common.h"
#include "gs/pricing.h"
#include "gs/repo.h"
#include "gs/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Largest token count or iteration count of one run: 2^53 - 1. A JSON
 * number reaches us as a double, where 2^53 + 1 and 2^53 + 0.5 both become
 * 2^53; excluding 2^53 itself is what lets such input be refused.
 */
#define GS_RUN_MAX_COUNT 9007199254740991LL

/* Largest cost of one run or attempt in dollars: its nano-dollars fit an
 * int64 and its YAML stays a plain decimal, never 1e+20. */
#define GS_RUN_MAX_COST 9e9

/* Returned by gs_run_apply when the run id is already recorded (equals
 * GS_STORE_NOCHANGE so an edit function can hand it to the store). */
#define GS_RUN_DUPLICATE 1

/* The heading under which run blocks live. */
#define GS_RUN_HEADING "## Run stats"

/* Bits of gs_run.given: which fields the input set (for --session filling). */
enum {
	GS_RUN_HAS_INPUT = 1u << 0,
	GS_RUN_HAS_OUTPUT = 1u << 1,
	GS_RUN_HAS_CACHE_READ = 1u << 2,
	GS_RUN_HAS_CACHE_WRITE = 1u << 3,
	GS_RUN_HAS_CACHE_WRITE_1H = 1u << 4,
	GS_RUN_HAS_DURATION = 1u << 5,
	GS_RUN_HAS_ITERATIONS = 1u << 6,
	GS_RUN_HAS_CONTEXT = 1u << 7,
	GS_RUN_HAS_MODEL = 1u << 8,
	GS_RUN_HAS_COST = 1u << 9,
	GS_RUN_HAS_STARTED = 1u << 10,
	GS_RUN_HAS_RUN_ID = 1u << 11,
	GS_RUN_HAS_SESSION = 1u << 12,
	GS_RUN_HAS_ISSUE = 1u << 13
};

/* One model's share of a multi-model run (claude's `modelUsage`). */
typedef struct {
	char *model;
	int64_t input_tokens;
	int64_t output_tokens;
	int64_t cache_read_tokens;
	int64_t cache_write_tokens;
	double cost_usd;
	int cost_known;
} gs_run_model;

/* A run. Strings are owned (free with gs_run_dispose); NULL when unset. */
typedef struct {
	char *run_id;
	char *issue;      /* --batch lines only; never written to a block */
	char *model;      /* "" never: NULL when unknown */
	char *provider;   /* "anthropic", "openai", "google", "unknown" */
	char *session_id;
	int64_t started_at_ms; /* UTC ms since the epoch */
	int64_t input_tokens;  /* base input, without cache tokens */
	int64_t output_tokens;
	int64_t cache_read_tokens;
	int64_t cache_write_tokens;    /* all cache writes */
	int64_t cache_write_1h_tokens; /* part of cache_write_tokens */
	double duration_seconds;       /* milliseconds precision */
	int64_t iterations;
	int64_t context_size;
	double cost_usd; /* nano-dollar precision; meaningful when cost_known */
	int cost_known;
	gs_run_model *models; /* optional per-model split */
	size_t model_count;
	int model_from_split; /* `model` is the split's costliest: gs_run_finish
				 re-picks it once every model is priced */
	unsigned int given; /* GS_RUN_HAS_* */
} gs_run;

void gs_run_init(gs_run *run);
/* Free the contents; the run is re-initialized. */
void gs_run_dispose(gs_run *run);
/* Free an array of runs from gs_run_parse_body. */
void gs_run_free_array(gs_run *runs, size_t n);
/* Deep copy. */
int gs_run_copy(gs_run *dst, const gs_run *src);

/* Milliseconds and nano-dollars of a run (exact integer forms). */
int64_t gs_run_duration_ms(const gs_run *run);
int64_t gs_run_cost_nanos(const gs_run *run);

/* "1.5" for 1500 ms, "65" for 65000 ms (shortest exact decimal). */
int gs_run_fmt_seconds(gs_buf *out, int64_t ms);
/* "0.0421" for 42100000 nano-dollars (shortest exact decimal). */
int gs_run_fmt_usd(gs_buf *out, int64_t nanos);
/* Parse a decimal dollar amount exactly into nano-dollars (rounded). */
int gs_run_parse_usd(int64_t *nanos, const char *text);

/*
 * A run id: `run_` + 12 hex digits of the clock (ms, so ids sort by
 * time) + 8 random hex digits. `out` needs GS_RUN_ID_BUFSZ bytes.
 */
#define GS_RUN_ID_BUFSZ 32
int gs_run_id_generate(char *out);

/* Check a run id: 1..128 bytes of [A-Za-z0-9._:-], not starting with '.'
 * (ids name spool files). GS_EUSAGE quoting it. */
int gs_run_id_check(const char *id);

/*
 * Read one run from JSON text. `name` places errors; `first_line` is 0
 * for a whole JSON document, else the line number of a JSON Lines record
 * (then every message names it). Malformed JSON: "NAME:LINE:COL:
 * malformed JSON". Three shapes are accepted and told apart by
 * their keys:
 *   - snake_case: input_tokens, output_tokens, cache_read_tokens,
 *     cache_write_tokens, cache_write_1h_tokens, duration_seconds,
 *     iterations, context_size, model, provider, cost_usd (null =
 *     unknown), started_at (ISO 8601), run_id, session_id, issue;
 *     unknown keys are errors (typos would lose data);
 *   - barf's SessionStats: startedAt, durationSeconds, inputTokens (cache
 *     tokens included; cacheReadInputTokens / cacheCreationInputTokens,
 *     when present, are split out of it), outputTokens, finalContextSize,
 *     iterations, model, and optional costUsd;
 *   - the result of `claude -p --output-format json` (type "result"):
 *     duration_ms, num_turns, session_id, total_cost_usd, usage (with
 *     cache_creation.ephemeral_1h_input_tokens) and modelUsage, which
 *     gives the per-model split (the run's model is the one that cost
 *     most, by `costUSD` here and by price in gs_run_finish; ties go to
 *     more output tokens) and the token sums; `uuid` becomes the run id.
 * Only fields present are set, and marked in run->given. GS_EPARSE on
 * malformed JSON, a bad value (negative, fractional, 2^53 or more) or a
 * key given twice in any object.
 */
int gs_run_from_json(gs_run *run, const char *text, size_t len, const char *name,
		     size_t first_line);

/*
 * Complete a run read from flags or JSON: a generated run id when none,
 * started_at = now - duration when not given, the provider, and the cost
 * from `pricing` (may be NULL) when not given: the four token classes
 * times the model's rates, per model for a multi-model run; unknown
 * when a model is not priced. A multi-model run's model (unless a flag
 * set it) becomes the one that cost most at those rates. Then
 * gs_run_validate.
 */
int gs_run_finish(gs_run *run, const gs_pricing *pricing, int64_t now_ms);

/*
 * The model a run of unknown cost has no price for: the first model of
 * its split without a cost, else its model. NULL when the cost is known
 * or the run names no model.
 */
const char *gs_run_unpriced_model(const gs_run *run);

/*
 * Fenced code blocks (``` or ~~~, at most three spaces in) of an issue
 * body: feed its lines in order, *state 0 at the start. 1 when the line
 * is a fence or inside one: a run comment there is an example in the
 * text, not a run, for every reader (record, show, verify, usage, merge).
 */
int gs_run_in_fence(char *state, const char *line, size_t len);

/* Whether a body line (its line end included or not) is the `## Run stats` heading. */
int gs_run_is_heading(const char *line, size_t len);

/*
 * Check a run's values (counts within GS_RUN_MAX_COUNT, cache_write_1h
 * not above cache_write, no control characters in strings, finite
 * non-negative duration and cost). GS_EUSAGE naming the field.
 */
int gs_run_validate(const gs_run *run);

/*
 * Append the run block of `run` (heading, comment line, table; '\n' line
 * ends, starting with a blank line) to `out`.
 */
int gs_run_block_format(gs_buf *out, const gs_run *run);

/* Append the block's JSON object (the comment's payload) to `out`. */
int gs_run_json_format(gs_buf *out, const gs_run *run);

/*
 * Every run block in `text` (a body or a whole document; other text is
 * ignored). *runs is an array of *n runs the caller frees with
 * gs_run_free_array (NULL when none). A comment line that starts like a
 * run block but does not parse gives GS_EPARSE: "malformed run block at
 * line N: why", N counted from the start of `text`.
 */
int gs_run_parse_body(gs_run **runs, size_t *n, const char *text, size_t len);

/* Totals as the frontmatter keeps them, in exact integer units. */
typedef struct {
	int64_t run_count;
	int64_t input_tokens; /* base + cache read + cache write (barf's meaning) */
	int64_t output_tokens;
	int64_t cache_read_tokens;
	int64_t cache_write_tokens;
	int64_t duration_ms;
	int64_t iterations;
	int64_t cost_nanos;       /* sum over runs with a known cost */
	int64_t unknown_cost_runs;
	int64_t last_run_at_ms;   /* latest started_at; INT64_MIN when none */
	const char *last_model;   /* borrowed from the run that set last_run_at */
} gs_run_totals;

void gs_run_totals_init(gs_run_totals *t);
/* Add a run; GS_EOVERFLOW (totals unchanged) when a sum passes 2^63-1. */
int gs_run_totals_add(gs_run_totals *t, const gs_run *run);

/*
 * Record runs in an issue document (pure: bytes in, bytes out). Runs
 * whose id is already in the document (or earlier in `runs`) are skipped
 * and flagged in `skipped` (may be NULL; n entries). For the others the
 * frontmatter totals are updated in place and their blocks inserted at
 * the end of the `## Run stats` section (created at the end of the body
 * when absent). YAML files (and files without frontmatter) get all
 * managed run keys; key=value (barf) files only barf's five: run_count,
 * total_input_tokens, total_output_tokens, total_duration_seconds,
 * total_iterations. `total_cost_usd` is kept only while every run's cost
 * is known. `path` names the file in messages.
 *
 * Returns 0 with the new document in `out` (emptied first),
 * GS_RUN_DUPLICATE when every run was already recorded (`out` left
 * empty), GS_EPARSE (frontmatter, existing totals or blocks),
 * GS_EOVERFLOW, GS_EUSAGE (invalid run).
 */
int gs_run_apply(gs_buf *out, const char *doc, size_t len, const char *path, const gs_run *run);
int gs_run_apply_many(gs_buf *out, int *skipped, const char *doc, size_t len, const char *path,
		      const gs_run *runs, size_t n);

/* Drift between frontmatter totals and run blocks (gs_run_check). */
typedef struct {
	const char *key;   /* static string: "run_count", ... */
	char *recorded;    /* value in the frontmatter, NULL when absent */
	char *expected;    /* value derived from the blocks, NULL when it should be absent */
} gs_run_drift;

/*
 * Compare a document's totals with its run blocks. *drift is an array of
 * *n entries (free with gs_run_drift_free), empty when clean. Only the
 * keys the dialect manages are checked. When `fixed` is non-NULL and
 * there is drift, it receives the document with corrected totals.
 */
int gs_run_check(gs_run_drift **drift, size_t *n, gs_buf *fixed, const char *doc, size_t len,
		 const char *path);
void gs_run_drift_free(gs_run_drift *drift, size_t n);

/*
 * Parse the JSON object of a run block's comment (as written by
 * gs_run_json_format) into `run`. GS_EPARSE with a message naming `line`.
 */
int gs_run_parse_json(gs_run *run, const char *json, size_t len, size_t line);

/* --- committing runs (needs a repository) -------------------------------- */

/* Flags of gs_run_record. */
#define GS_RUN_RECORD_PARTIAL 1u /* skip runs whose issue fails instead of aborting */

/*
 * Record `runs` (each with `issue` set, finished by gs_run_finish) in one
 * commit on the target ref through gs_store_update. `status` (n entries,
 * may be NULL) receives 0 for a recorded run, GS_RUN_DUPLICATE for a run
 * already recorded, or (with GS_RUN_RECORD_PARTIAL) the negative error of
 * a run that was skipped; `paths` (may be NULL) the issue file of each run
 * (caller frees each and the array with gs_run_record_paths_free);
 * `errors` (may be NULL) the message of each run skipped in partial mode
 * (NULL for the others; free like `paths`).
 * Without GS_RUN_RECORD_PARTIAL any failure aborts with nothing changed.
 * `message` NULL: `stats(<issue>): record run <id>` / `record N runs`,
 * counting only the runs this commit records (not duplicates or skips).
 * Returns 0 (see res->changed), or the store's errors (GS_ELOCKED,
 * GS_ECONFLICT, GS_ESTATE...) and the runs' (GS_ENOTFOUND, GS_EPARSE,
 * GS_EOVERFLOW, GS_EAMBIGUOUS).
 */
int gs_run_record(gs_store_result *res, int *status, char ***paths, char ***errors, gs_repo *r,
		  const gs_run *runs, size_t n, const char *message, unsigned int flags);
void gs_run_record_paths_free(char **paths, size_t n);

#ifdef __cplusplus
}
#endif

#endif
