/*
 * Agent attempts, checkpoints, phases and resume records (SPEC §4).
 *
 * The model is pure: the `agents` and `resume_attempts` frontmatter blocks
 * are parsed into structs, events (start, end, resume) are applied, derived
 * fields are recomputed from the attempts, and the blocks are written back
 * as deterministic block-style YAML. Because an update is a function of the
 * file content alone, the store can re-run it on retries and apply it to a
 * user's locally edited copy.
 */
#ifndef GS_ATTEMPT_H
#define GS_ATTEMPT_H

#include "gs/common.h"

#include <git2/oid.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	GS_AGENT_NONE = 0, /* no attempt yet (never written) */
	GS_AGENT_IN_PROGRESS,
	GS_AGENT_SUCCESS,
	GS_AGENT_FAILED
} gs_agent_status;

/* "in-progress", "success", "failed" ("none" for GS_AGENT_NONE). Static. */
const char *gs_agent_status_name(gs_agent_status s);

/* One finished attempt. Strings are owned by the attempt (NULL = absent). */
typedef struct {
	int64_t attempt_number; /* 1..n within its agent */
	int64_t duration_ms;
	double cost_usd;
	int has_cost;           /* 0: cost unknown, `cost_usd` omitted */
	int success;
	char *timestamp;        /* ISO 8601 UTC start of the attempt */
	char *model;
	char *error;
	char *checkpoint;       /* 40-hex commit id, successful attempts only */
	int64_t turns;          /* -1 when absent */
	int64_t input_tokens;   /* -1 when absent */
	int64_t output_tokens;  /* -1 when absent */
} gs_attempt;

/*
 * One agent. `status`, `final_duration_ms`, `total_cost_usd`, `model` and
 * `checkpoint` are derived from `attempts` and `started_at` by
 * gs_agents_recompute(); everything the file says about them is ignored.
 */
typedef struct {
	char *name;
	gs_agent_status status;
	gs_attempt *attempts;
	size_t nattempts;
	char *started_at;        /* ISO 8601 start of the running attempt, or NULL */
	int64_t final_duration_ms; /* of the latest successful attempt, else 0 */
	double total_cost_usd;   /* sum over all attempts with a known cost */
	size_t unknown_cost;     /* attempts whose cost is unknown */
	char *model;             /* the latest successful attempt's, else the latest known */
	char *checkpoint;        /* the latest successful attempt's, else NULL */
} gs_agent;

/* The `agents` mapping, in file order (new agents are appended). */
typedef struct {
	gs_agent *agents;
	size_t n;
} gs_agents;

void gs_agents_init(gs_agents *a);
void gs_agents_dispose(gs_agents *a);

/*
 * Parse the raw bytes of an `agents` value (as gs_fm_get_raw returns them;
 * `column` is the column at which those bytes start in the file, so an
 * indented block parses as it did in place). NULL/0 gives no agents.
 * GS_EPARSE names the field: "agents.recon.attempts[1].cost_usd: ...".
 * Derived fields are recomputed.
 */
int gs_agents_parse(gs_agents *out, const char *raw, size_t len, size_t column);

/* Find an agent by exact name; borrowed, NULL when absent. */
gs_agent *gs_agents_find(gs_agents *a, const char *name);

/* Recompute every agent's derived fields from its attempts. */
void gs_agents_recompute(gs_agents *a);

/*
 * Block-style YAML of the mapping (for gs_fm_set_block), '\n' line ends,
 * two spaces per level, keys in a fixed order. `{}` when empty.
 */
int gs_agents_format(gs_buf *out, const gs_agents *a);

/*
 * Agent names become ref components and YAML keys: letters, digits, '.',
 * '_' and '-', not starting with '.' or '-', no "..", not ending in ".lock"
 * or '.', at most 100 bytes. GS_EUSAGE with a message otherwise.
 */
int gs_agent_name_check(const char *name);

/*
 * Start an attempt of `name` at `now_ms`, creating the agent if needed. An
 * attempt still in progress (a crash) is first closed as failed with error
 * `abandoned` and its elapsed time as duration; *abandoned (may be NULL)
 * is then set to 1.
 */
int gs_agents_start(gs_agents *a, const char *name, int64_t now_ms, int *abandoned);

/* What `attempt end` says. Strings are borrowed. */
typedef struct {
	int success;
	int64_t end_ms;       /* when the attempt ended */
	int64_t duration_ms;  /* -1: end_ms - start */
	double cost_usd;
	int has_cost;
	const char *model;
	const char *error;
	const char *checkpoint; /* 40-hex, required when success */
	int64_t turns, input_tokens, output_tokens; /* -1 when absent */
} gs_attempt_end_opts;

#define GS_ATTEMPT_END_OPTS_INIT { 0, 0, -1, 0.0, 0, NULL, NULL, NULL, -1, -1, -1 }

/*
 * End the running attempt of `name`. GS_ENOTFOUND for an unknown agent,
 * GS_ESTATE when no attempt of it is in progress, GS_EUSAGE for a success
 * without checkpoint or a negative computed duration.
 */
int gs_agents_end(gs_agents *a, const char *name, const gs_attempt_end_opts *opts);

/* Issue-level totals: successful agents only (SPEC §4). */
typedef struct {
	int64_t duration_ms;
	double cost_usd;
	size_t agent_count;      /* successful agents */
	size_t agents_total;     /* all agents */
} gs_attempt_totals;

void gs_agents_totals(gs_attempt_totals *out, const gs_agents *a);

/* Phases, computed at show time from the agents and the phase map. */
typedef struct {
	char *name;
	int64_t duration_ms;
	double duration_percentage; /* share of the total duration, 0..100 */
	double cost_usd;
	size_t agent_count;         /* successful agents in the phase */
} gs_phase;

typedef struct {
	gs_phase *phases;
	size_t n;
} gs_phases;

#define GS_PHASE_UNASSIGNED "unassigned"

/* Maps an agent name to its phase (borrowed), or NULL for unassigned. */
typedef const char *(*gs_phase_lookup_fn)(const char *agent, void *payload);

/*
 * Group agents into phases in the order agents first appear; every phase
 * that has an agent is listed, with zeros when none succeeded.
 */
int gs_phases_compute(gs_phases *out, const gs_agents *a, gs_phase_lookup_fn lookup, void *payload);
void gs_phases_dispose(gs_phases *p);

/* One `resume_attempts` entry. Strings owned; NULL = absent. */
typedef struct {
	char *workflow_id;
	char *timestamp;
	char **terminated;
	size_t nterminated;
	char *checkpoint; /* resumed_from_checkpoint */
} gs_resume_rec;

typedef struct {
	gs_resume_rec *recs;
	size_t n;
} gs_resumes;

void gs_resumes_init(gs_resumes *r);
void gs_resumes_dispose(gs_resumes *r);
/* Parse a `resume_attempts` value; see gs_agents_parse for raw/column. */
int gs_resumes_parse(gs_resumes *out, const char *raw, size_t len, size_t column);
/* Append a record (strings copied). */
int gs_resumes_append(gs_resumes *r, const char *workflow_id, const char *timestamp,
		      const char *const *terminated, size_t nterminated, const char *checkpoint);
/* Block-style YAML sequence; `[]` when empty. */
int gs_resumes_format(gs_buf *out, const gs_resumes *r);

/*
 * The checkpoint of the most recently finished successful agent (by its
 * successful attempt's timestamp, later file order on ties); borrowed, NULL
 * when no agent has succeeded.
 */
const char *gs_agents_latest_checkpoint(const gs_agents *a);

/* Human duration: "850ms", "3.2s", "4m 05s", "1h 02m". */
void gs_attempt_format_duration(gs_buf *out, int64_t ms);

/* Shortest decimal text that reads back as `v` ("6", "0.1", "1e-07"). */
int gs_attempt_format_number(gs_buf *out, double v);

#ifdef __cplusplus
}
#endif

#endif
