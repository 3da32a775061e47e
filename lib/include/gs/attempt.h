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
#include "gs/frontmatter.h"

#include <cjson/cJSON.h>
#include <git2/oid.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_repo gs_repo;

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

/*
 * Append an agent named `name` (copied) with no attempts, or an empty
 * attempt (counts unknown) to `g`. Borrowed: valid until the next append
 * to the same list. NULL when out of memory.
 */
gs_agent *gs_agents_add(gs_agents *a, const char *name);
gs_attempt *gs_agent_add_attempt(gs_agent *g);

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
	double cost_usd;         /* of the attempts whose cost is known */
	size_t unknown_cost;     /* their attempts whose cost is unknown */
	size_t agent_count;      /* successful agents */
	size_t agents_total;     /* all agents */
} gs_attempt_totals;

void gs_agents_totals(gs_attempt_totals *out, const gs_agents *a);

/* Phases, computed at show time from the agents and the phase map. */
typedef struct {
	char *name;
	int64_t duration_ms;
	double duration_percentage; /* share of the issue's total duration, 0..100 */
	double cost_usd;
	size_t unknown_cost;        /* attempts of its agents with an unknown cost */
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

/* --- local state: running attempts and checkpoint candidates ---------- */

/*
 * A running attempt as this repository knows it locally
 * ($GIT_COMMON_DIR/stats/attempts/, shared by all worktrees, never
 * committed). `issue` is the id as the start command resolved it.
 */
typedef struct {
	char *issue;
	char *agent;
	int64_t started_ms;
	int has_candidate;
	git_oid candidate;   /* commit the post-commit hook captured */
	int64_t captured_ms;
} gs_attempt_running;

/* Note that `agent` of `issue_id` started (a restart forgets any candidate). */
int gs_attempt_local_started(gs_repo *r, const char *issue_id, const char *agent, int64_t started_ms);

/* Forget the running attempt (no error when there is none). */
int gs_attempt_local_finished(gs_repo *r, const char *issue_id, const char *agent);

/* The state of one running attempt; GS_ENOTFOUND when none is known. */
int gs_attempt_local_get(gs_attempt_running *out, gs_repo *r, const char *issue_id, const char *agent);
void gs_attempt_running_dispose(gs_attempt_running *a);

/*
 * All running attempts (`issue_id` NULL) or those of one issue; cheap: one
 * directory listing, no git access. Ids match as issue ids do (case,
 * leading zeros). Free with gs_attempt_running_free.
 */
int gs_attempt_running_list(gs_attempt_running **out, size_t *count, gs_repo *r, const char *issue_id);
void gs_attempt_running_free(gs_attempt_running *list, size_t count);

/*
 * post-commit: remember `commit` as the checkpoint candidate of every
 * running attempt of `issue_id` (none running: nothing happens, 0).
 */
int gs_attempt_candidate_record(gs_repo *r, const char *issue_id, const git_oid *commit);

/* post-rewrite (amend, rebase): candidates equal to `old_id` become `new_id`. */
int gs_attempt_candidate_remap(gs_repo *r, const git_oid *old_id, const git_oid *new_id);

/* --- the commands (one commit each, through the atomic store) --------- */

/* What a command did. Free with gs_attempt_outcome_dispose. */
typedef struct {
	char *issue;          /* the issue's id (frontmatter id, else the file name's) */
	char *path;           /* its file, from the repository root */
	git_oid commit;       /* the stats commit */
	gs_agents agents;     /* all agents after the update */
	size_t agent;         /* index in `agents` of the command's agent */
	gs_resumes resumes;   /* resume: all records after the update */
	int abandoned;        /* start: a stale attempt was closed as abandoned */
	const char *checkpoint_source; /* end: "option", "post-commit", "HEAD" (static) */
	char *checkpoint_ref; /* end --success: refs/stats/checkpoints/<issue>/<agent> */
	int restored;         /* resume --restore: the work tree holds the checkpoint */
} gs_attempt_outcome;

void gs_attempt_outcome_dispose(gs_attempt_outcome *out);

/* Resolve `rev` to a commit id: GS_ENOTFOUND when unknown, GS_ERROR when not a commit. */
int gs_attempt_resolve_commit(git_oid *out, gs_repo *r, const char *rev);

/* `attempt start`: commit the start of an attempt of `agent` on `issue`. */
int gs_attempt_cmd_start(gs_attempt_outcome *out, gs_repo *r, const char *issue, const char *agent);

/*
 * `attempt end`: commit the end of the running attempt. `opts` gives
 * success, cost, duration, model, error, turns, tokens (end_ms and
 * checkpoint are filled in here). A success's checkpoint is
 * `checkpoint_rev`, else the post-commit candidate captured during the
 * attempt, else HEAD; it is kept under refs/stats/checkpoints/.
 */
int gs_attempt_cmd_end(gs_attempt_outcome *out, gs_repo *r, const char *issue, const char *agent,
		       const gs_attempt_end_opts *opts, const char *checkpoint_rev);

/*
 * `resume`: append a resume record. The checkpoint is `checkpoint_rev`,
 * else the latest successful agent's. With `restore`, refuses a dirty
 * work tree (GS_ESTATE listing the paths, nothing changed), then checks
 * the checkpoint's tree out into index and work tree, HEAD staying put.
 */
int gs_attempt_cmd_resume(gs_attempt_outcome *out, gs_repo *r, const char *issue, const char *workflow_id,
			  const char *const *terminated, size_t nterminated, const char *checkpoint_rev,
			  int restore);

/* --- presentation (show) ---------------------------------------------- */

/* An agent / a resume record as a JSON object (caller owns; NULL on OOM). */
cJSON *gs_agent_json(const gs_agent *g, const char *phase);
cJSON *gs_resume_json(const gs_resume_rec *rec);

/*
 * Set "agents" (name -> gs_agent_json, with its phase), "phases",
 * "attempts_total_duration_ms", "attempts_total_cost_usd",
 * "attempts_successful_agents" and "resume_attempts" in `obj` for the issue
 * document `fm` (`name` for messages), replacing keys of those names.
 * Nothing is added when the issue has neither agents nor resume records.
 * Phases use `stats.phase.<agent>` of `r` (NULL: all unassigned). Totals
 * count successful agents only.
 */
int gs_attempt_report_json(cJSON *obj, gs_repo *r, const gs_fm *fm, const char *name);

/* Append the human sections (agents, attempts, phases, resumes); nothing
 * when the issue has neither agents nor resume records. */
int gs_attempt_report_text(gs_buf *out, gs_repo *r, const gs_fm *fm, const char *name, int color);

/* Shortest decimal text that reads back as `v` ("6", "0.1", "1e-07"). */
int gs_attempt_format_number(gs_buf *out, double v);

#ifdef __cplusplus
}
#endif

#endif
