/*
 * The atomic commit path (SPEC §5): every update is one commit on the
 * target ref, moved by compare-and-swap on the old id; when the ref moved
 * meanwhile the whole transaction is redone from the new tip.
 *
 * Usage:
 *
 *   static int txn(gs_txn *t, void *payload)
 *   {
 *       char *path;
 *       int error = gs_txn_resolve(&path, t, "12");
 *       if (error < 0)
 *           return error;
 *       error = gs_txn_edit(t, path, my_edit, payload);
 *       free(path);
 *       return error;
 *   }
 *   ...
 *   gs_store_result res;
 *   error = gs_store_update(&res, repo, "stats(12): set state", txn, &data);
 *
 * The transaction callback may run several times (one run per attempt),
 * each time against a fresh snapshot of the tip: it must not have side
 * effects outside the gs_txn (no printing, no state it does not reset).
 * Edit functions are pure: old content -> new content. The store applies
 * them to the blob, and when the target is the checked-out branch also to
 * the staged copy and the work-tree file when those differ from the blob,
 * so a user's local edits are kept and receive the update.
 */
#ifndef GS_STORE_H
#define GS_STORE_H

#include "gs/common.h"
#include "gs/issue.h"
#include "gs/repo.h"

#include <git2/oid.h>
#include <git2/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returned by an edit function that leaves the content as it is. */
#define GS_STORE_NOCHANGE 1

/* Attempts before giving up with GS_ECONFLICT / GS_ELOCKED. */
#define GS_STORE_MAX_ATTEMPTS 50

typedef struct gs_txn gs_txn;

/*
 * An edit: fill `out` (empty on entry) with the new content of `path`
 * from its old content (`old` is NUL-terminated; NULL with old_len 0
 * when the file does not exist yet). Return 0 with the new content,
 * GS_STORE_NOCHANGE to keep the content, or a negative GS_E* code (with
 * gs_error_set) which aborts the whole update, leaving everything as it
 * was. Called once per copy (blob, staged, work tree) per attempt.
 */
typedef int (*gs_store_edit_fn)(gs_buf *out, const char *path, const char *old,
				size_t old_len, void *payload);

/* The transaction: resolve, read, register edits. Negative aborts. */
typedef int (*gs_store_txn_fn)(gs_txn *txn, void *payload);

typedef struct {
	git_oid commit;        /* the new commit (zero when unchanged) */
	int changed;           /* 0: no file changed, no commit made */
	unsigned int attempts; /* how many times the transaction ran */
} gs_store_result;

/*
 * Run `fn` against the tip of the target ref and commit what it
 * registered as one commit with `message` (the SPEC's
 * `stats(<issue>): <action>`; or NULL when `fn` calls
 * gs_txn_set_message), moving the ref with compare-and-swap.
 *
 * Returns 0 (see *out: changed, commit), the callback's or an edit's
 * negative code, GS_ESTATE (merge, rebase, cherry-pick, revert or bisect
 * in progress on the checked-out branch; detached HEAD without a ref),
 * GS_ECONFLICT (the ref kept moving for GS_STORE_MAX_ATTEMPTS attempts),
 * GS_ELOCKED (index.lock or the ref's lock stayed held), GS_ERROR (I/O).
 * On any error nothing is changed: no ref, index or work-tree file.
 *
 * A dedicated ref that does not exist yet is created as an orphan commit.
 * Identity: GIT_AUTHOR_* / GIT_COMMITTER_* (name, email, date in git's
 * formats), else user.name / user.email, else git-stats
 * <git-stats@localhost>. No hooks are run.
 */
int gs_store_update(gs_store_result *out, gs_repo *r, const char *message,
		    gs_store_txn_fn fn, void *payload);

/* --- inside a transaction callback ------------------------------------ */

gs_repo *gs_txn_repo(gs_txn *t);

/* The snapshot's root tree (borrowed), NULL while the ref is unborn. */
git_tree *gs_txn_tree(gs_txn *t);

/* The snapshot's commit id (borrowed), NULL while the ref is unborn. */
const git_oid *gs_txn_base(gs_txn *t);

/* Which attempt this is, from 1. */
unsigned int gs_txn_attempt(gs_txn *t);

/*
 * Resolve an issue id at the snapshot (gs_issue_resolve); free() *path.
 * A commit message "stats(<id>): ..." with `id` as typed here is committed
 * with the issue's own id instead ("stats(BACK-7): ..." for "back-007").
 */
int gs_txn_resolve(char **path, gs_txn *t, const char *id);

/*
 * The issue files at the snapshot (gs_issue_list_at, but from the store's
 * cached copy of the directory: fast on big directories).
 */
int gs_txn_list(gs_issue_list *out, gs_txn *t, unsigned int flags);

/*
 * The highest numeric issue id (file names and frontmatter) at the
 * snapshot plus one (gs_issue_next_id).
 */
int gs_txn_next_id(int64_t *out, gs_txn *t);

/*
 * The content of `path` at the snapshot (appended to `out`), taking the
 * edits already registered in this transaction into account.
 * GS_ENOTFOUND when there is no such file.
 */
int gs_txn_read(gs_buf *out, gs_txn *t, const char *path);

/*
 * Register an edit of `path` (from the repository root; must lie inside
 * the issues directory). Several edits of one path apply in order.
 * `payload` must stay valid until gs_store_update returns. The edit runs
 * right away on the snapshot blob, so its errors come back here.
 */
int gs_txn_edit(gs_txn *t, const char *path, gs_store_edit_fn fn, void *payload);

/*
 * Set the commit message from inside the transaction (when it depends on
 * the snapshot, e.g. the id `git stats new` picks). `message` is
 * borrowed until the attempt ends. Required when gs_store_update was
 * given a NULL message.
 */
void gs_txn_set_message(gs_txn *t, const char *message);

/*
 * Register a new file. GS_EEXISTS when `path` exists at the snapshot or
 * is an untracked file with other content in the work tree.
 */
int gs_txn_create(gs_txn *t, const char *path, const char *data, size_t len);

/*
 * The identity used for commits (author and committer), for tests and
 * doctor. Free with git_signature_free.
 */
int gs_store_signature(git_signature **author, git_signature **committer, gs_repo *r);

/*
 * Parse a date as git accepts it in GIT_AUTHOR_DATE: `@<epoch> [+-HHMM]`,
 * `<epoch> +-HHMM`, ISO 8601 (`2026-03-01T10:00:00Z`, `2026-03-01
 * 10:00:00 +0100`) or RFC 2822 (`Sun, 1 Mar 2026 10:00:00 +0000`).
 * `offset_min` is the zone offset in minutes. GS_EPARSE otherwise.
 */
int gs_store_parse_date(int64_t *epoch, int *offset_min, const char *text);

#ifdef __cplusplus
}
#endif

#endif
