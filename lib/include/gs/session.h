/*
 * Session event logs under $GIT_DIR/stats/sessions (SPEC §7): time-ordered
 * ids, an append-only JSONL log per session that several processes may
 * append to at once, a metadata summary kept beside it, and the readers
 * built on them (replay, model statistics, routing, redacted export).
 *
 * Every function takes the sessions directory (`sessions_dir`), found once
 * with gs_session_dir_discover(); sessions are plain local files, no git
 * object is involved.
 */
#ifndef GS_SESSION_H
#define GS_SESSION_H

#include "gs/common.h"
#include "gs/time.h"

#include <cjson/cJSON.h>

#ifdef __cplusplus
extern "C" {
#endif

/* `ses_` + 36-character UUID + NUL. */
#define GS_SESSION_ID_BUFSZ 41

/*
 * A new id: `ses_` + UUID v7 (RFC 9562): 48-bit Unix milliseconds from the
 * real clock (not GIT_STATS_NOW: ids must keep their order across
 * processes), version 7, variant 10, 74 random bits. Within one process
 * ids are strictly increasing even inside one millisecond: the random
 * field is incremented (RFC 9562 §6.2 method 3). Thread-safe.
 */
int gs_session_id_new(char out[GS_SESSION_ID_BUFSZ]);

/* 1 when `id` is `ses_` + a lowercase UUID v7 in canonical form. */
int gs_session_id_valid(const char *id);

/* The 48-bit timestamp of an id, in ms (-1 when the id is not valid). */
int64_t gs_session_id_time_ms(const char *id);

/*
 * `<gitdir>/stats/sessions` of the repository found from `path` (NULL:
 * the current directory; GIT_DIR is honoured). Appended to `out`. The
 * directory is not created here.
 */
int gs_session_dir_discover(gs_buf *out, const char *path);

/*
 * Resolve `spec` to an existing session id: an exact id, a unique prefix
 * (with or without `ses_`), or `latest` (the newest id: ids are
 * time-ordered). GS_ENOTFOUND when nothing matches, GS_EAMBIGUOUS with the
 * matches listed in the message, GS_EUSAGE when `spec` cannot be an id.
 */
int gs_session_resolve(char out[GS_SESSION_ID_BUFSZ], const char *sessions_dir, const char *spec);

/* Options of a new session; any field may be NULL. */
typedef struct {
	const char *issue;
	const char *model;
	const char *config_hash;
} gs_session_new_opts;

/*
 * Create a session: its directory, an empty events.jsonl and metadata.json
 * (mode 0600). The sessions directory is created when missing.
 */
int gs_session_create(char out_id[GS_SESSION_ID_BUFSZ], const char *sessions_dir,
		      const gs_session_new_opts *opts);

/* Event types of SPEC §7, in the order they are listed there. */
typedef enum {
	GS_SESSION_EV_START = 0,   /* session.start */
	GS_SESSION_EV_REQUEST,     /* llm.request */
	GS_SESSION_EV_RESPONSE,    /* llm.response */
	GS_SESSION_EV_TOOL,        /* tool.call */
	GS_SESSION_EV_END,         /* session.end */
	GS_SESSION_EV_OVERRIDE,    /* override */
	GS_SESSION_EV_RUN_SUMMARY, /* run.summary */
	GS_SESSION_EV__COUNT
} gs_session_event_type;

#define GS_SESSION_EV_MASK(t) (1u << (t))
#define GS_SESSION_EV_ALL ((1u << GS_SESSION_EV__COUNT) - 1)

/* The type of `name`; -1 when unknown. */
int gs_session_event_type_parse(const char *name);
/* The name of a type (borrowed, static). */
const char *gs_session_event_type_name(gs_session_event_type type);
/* "session.start, llm.request, ..." (borrowed, static), for error messages. */
const char *gs_session_event_type_list(void);

/*
 * Append one event to session `id`: `seq` (the previous last seq + 1) and
 * `ts` (gs_time_now_ms) are assigned here, under an exclusive flock of the
 * events file, and the whole line goes out in one write(2) with O_APPEND,
 * so concurrent appenders never interleave, lose a line or share a seq.
 * `data` must be a JSON object (NULL means `{}`); known fields of the
 * known types are type-checked (GS_EUSAGE naming the field). metadata.json
 * is not touched: readers bring it up to date from the log (it records how
 * many bytes of the log it covers). `out_seq` and `out_ts_ms` may be NULL;
 * `out_line` (may be NULL) receives the line written, without newline.
 */
int gs_session_append(int64_t *out_seq, int64_t *out_ts_ms, gs_buf *out_line,
		      const char *sessions_dir, const char *id, gs_session_event_type type,
		      const cJSON *data);

/* One event as a reader sees it; everything is borrowed for the callback. */
typedef struct {
	int64_t seq;
	int64_t ts_ms;
	gs_session_event_type type;
	const cJSON *data;  /* the `data` object */
	const char *line;   /* the raw line, without newline */
	size_t line_len;
	size_t line_no;     /* 1-based */
} gs_session_event;

/* Return nonzero to stop; that value is then returned by the reader. */
typedef int (*gs_session_event_cb)(const gs_session_event *ev, void *payload);
/* A skipped line (torn by a crash, or edited by hand): one message. */
typedef void (*gs_session_warn_cb)(const char *message, void *payload);

/*
 * Read session `id`'s events in order, calling `cb` for each event whose
 * type is in `type_mask` (GS_SESSION_EV_MASK bits). The type is checked
 * before the data is parsed, so filtering is cheap. Lines that do not
 * parse (a last line torn by a crash or still being written, a hand edit)
 * are skipped and reported to `warn` (may be NULL), never fatal.
 */
int gs_session_read(const char *sessions_dir, const char *id, unsigned type_mask,
		    gs_session_event_cb cb, void *payload, gs_session_warn_cb warn, void *wpayload);

/* Session status from session.end `status`. */
typedef enum {
	GS_SESSION_OPEN = 0,   /* no session.end yet */
	GS_SESSION_SUCCESS,    /* success, succeeded, completed, ok */
	GS_SESSION_FAILED      /* any other status */
} gs_session_status;

/*
 * Token, cost and time totals of one session (the `record --session` and
 * usage-report view). Strings are owned (free with gs_session_totals_dispose).
 */
typedef struct {
	char id[GS_SESSION_ID_BUFSZ];
	char *issue;          /* NULL when none */
	char *model;          /* session.end model, else the last llm.response's, else `new --model` */
	char *provider;       /* when an event named one; else NULL */
	int64_t created_ms;
	int64_t last_active_ms;
	gs_session_status status;
	int64_t input_tokens;       /* base input, cache excluded */
	int64_t output_tokens;
	int64_t cache_read_tokens;
	int64_t cache_write_tokens;
	double cost_usd;            /* sum of the costs known */
	int cost_known;             /* 1 when every llm.response had cost_usd, or session.end gave it */
	int64_t duration_ms;        /* session.end duration_ms, else last ts - first ts */
	int64_t iterations;         /* count of llm.response events */
	int64_t tool_calls;
	int64_t tool_errors;
	int64_t events;
} gs_session_totals;

void gs_session_totals_dispose(gs_session_totals *t);

/*
 * Totals of session `id` computed from its log (the source of truth):
 * tokens summed over llm.response `usage` (both our snake_case names and
 * Anthropic's cache_read_input_tokens / cache_creation_input_tokens);
 * when the log has no llm.response, session.end `tokens` is used. Cost is
 * session.end `cost_usd` when given, else the sum over responses, known
 * only when every response had one (never a silent $0).
 */
int gs_session_run_totals(gs_session_totals *out, const char *sessions_dir, const char *id,
			  gs_session_warn_cb warn, void *wpayload);

/*
 * The same totals from metadata, first brought up to date with the log
 * (reads only what was appended since the last refresh).
 */
int gs_session_totals_load(gs_session_totals *out, const char *sessions_dir, const char *id);

/*
 * Fast iteration over all sessions for reports: reads each metadata.json
 * and only the part of the log appended since it was last refreshed
 * (usually nothing), in id order.
 * gs_session_iter_next returns 0 with `*out` filled (borrowed until the
 * next call), GS_SESSION_ITEROVER at the end, or GS_EPARSE for a session
 * whose metadata is corrupt (message names the file; iteration may
 * continue with the next call).
 */
#define GS_SESSION_ITEROVER 1
typedef struct gs_session_iter gs_session_iter;

int gs_session_iter_new(gs_session_iter **out, const char *sessions_dir);
int gs_session_iter_next(const gs_session_totals **out, gs_session_iter *it);
void gs_session_iter_free(gs_session_iter *it);

/*
 * Metadata of one session, first brought up to date with the log and
 * saved (best effort); derived from the log alone when metadata.json is
 * missing. Caller owns the cJSON tree (cJSON_Delete). GS_EPARSE naming the
 * file when it is corrupt (the log is never touched: nothing is lost).
 */
int gs_session_metadata_load(cJSON **out, const char *sessions_dir, const char *id);

/* ---- statistics over run.summary events --------------------------------- */

/* Per-model figures over run.summary events (rewound runs excluded). */
typedef struct {
	char *model;
	int64_t participations;  /* runs whose `models` contain it */
	int64_t wins;            /* runs where it was `selected` */
	int64_t losses;          /* runs where another model was selected */
	int64_t thumbs_down;     /* runs where it was selected and rated "down" */
	int64_t latency_count;   /* participations with a latency */
	double latency_ms_sum;
	int64_t cost_count;      /* participations with a cost */
	double cost_usd;
	int64_t input_tokens;
	int64_t output_tokens;
	int64_t tool_calls;
	int64_t proposed_writes;
} gs_session_model_stats;

typedef struct {
	gs_session_model_stats *models; /* sorted by participations desc, then name */
	size_t count;
	int64_t runs;            /* runs counted */
	int64_t rewinds;         /* runs excluded as rewinds */
} gs_session_models;

typedef struct {
	const char *session;     /* a session spec (resolved), or NULL for all */
	const char *config_hash; /* only runs with this config hash, or NULL */
} gs_session_models_opts;

int gs_session_models_compute(gs_session_models *out, const char *sessions_dir,
			      const gs_session_models_opts *opts,
			      gs_session_warn_cb warn, void *wpayload);
void gs_session_models_dispose(gs_session_models *m);

/* Routing: llm.request counts and override events per routed model. */
typedef struct {
	char *model;             /* llm.request model / override `from`; "(none)" when absent */
	int64_t requests;
	int64_t overrides;
} gs_session_routing_row;

typedef struct {
	gs_session_routing_row *rows; /* sorted by requests desc, then name */
	size_t count;
	int64_t requests;
	int64_t overrides;
} gs_session_routing;

int gs_session_routing_compute(gs_session_routing *out, const char *sessions_dir,
			       const gs_window *window, gs_session_warn_cb warn, void *wpayload);
void gs_session_routing_dispose(gs_session_routing *r);

/*
 * Export sessions with activity inside `window` (NULL: all) as one JSON
 * object `{window, sessions: [{metadata, events}]}` (caller owns it):
 * every string is passed through gs_session_redact, and prompts, outputs
 * and tool inputs/outputs are reduced to a short redacted preview.
 */
int gs_session_export(cJSON **out, const char *sessions_dir, const gs_window *window,
		      gs_session_warn_cb warn, void *wpayload);

/* ---- redaction ------------------------------------------------------------ */

/*
 * Append `text` (`len` bytes) to `out` with secrets replaced by
 * `[REDACTED:<kind>]`: OpenAI/Anthropic keys (`sk-...`), GitHub tokens
 * (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), AWS access key
 * ids (`AKIA...`, `ASIA...`), Slack tokens (`xox?-...`), bearer tokens
 * (`Bearer <token>`) and PEM private key blocks. Sets `*out_count` (may be
 * NULL) to the number of replacements.
 */
int gs_session_redact(gs_buf *out, const char *text, size_t len, size_t *out_count);

/*
 * A short redacted preview of `text`: redacted first (so a cut can never
 * reveal part of a secret), whitespace runs folded to one space, then cut
 * to at most `max_chars` characters (UTF-8 aware) with "..." appended.
 */
int gs_session_preview(gs_buf *out, const char *text, size_t len, size_t max_chars);

#ifdef __cplusplus
}
#endif

#endif
