/*
 * Issue files: ids, file names, resolving <issue> to a path (SPEC §1).
 *
 * An issue is a markdown file directly in the issues directory named
 * `<id>.md`, `<id>-<slug>.md` or `<id> - <title>.md`; its frontmatter `id`,
 * when present, is authoritative. Ids compare case-insensitively and runs
 * of digits compare by value, so `12` matches `012` and `back-7` matches
 * `BACK-007`.
 *
 * Resolution rule (fast on 10,000 issues): the wanted id is first matched
 * against the id part of every file name (tree entries only, no blob is
 * read); each file matched by name is then parsed and dropped when its
 * frontmatter names a different id. Only when no file name matches are
 * the frontmatter ids of all files read. So a file whose frontmatter id
 * disagrees with its name is found by its frontmatter id only when no
 * other file carries that id in its name.
 */
#ifndef GS_ISSUE_H
#define GS_ISSUE_H

#include "gs/common.h"
#include "gs/frontmatter.h"
#include "gs/repo.h"

#include <cjson/cJSON.h>
#include <git2/oid.h>
#include <git2/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest id accepted on the command line or in a file name. */
#define GS_ISSUE_ID_MAX 128

/*
 * Check an id given by a user: non-empty, at most GS_ISSUE_ID_MAX bytes,
 * no '/', '\\', control characters or surrounding spaces, not "." or
 * "..". Ids never become paths. GS_EUSAGE with a message quoting it.
 */
int gs_issue_id_check(const char *id);

/* 1 when ids `a` and `b` name the same issue (case, leading zeros). */
int gs_issue_id_equal(const char *a, const char *b);

/*
 * The id part of an issue file name (no directory): "12-fix.md" -> "12",
 * "BACK-222-login.md" -> "BACK-222", "7 - Some title.md" -> "7". Writes
 * at most `size` bytes including the NUL. GS_ENOTFOUND when the name is
 * not an issue file name (not *.md, hidden, empty id).
 */
int gs_issue_id_from_name(char *out, size_t size, const char *name);

/* `title` as a file-name slug: lowercase ASCII words joined by '-'. */
int gs_issue_slug(gs_buf *out, const char *title);

/* One issue file at a tree. */
typedef struct {
	char *path;   /* "issues/12-fix.md", from the repository root */
	char *id;     /* frontmatter id when read and present, else from the name */
	git_oid blob; /* the file's blob id (report caches key on it) */
} gs_issue_entry;

typedef struct {
	gs_issue_entry *entries;
	size_t count;
} gs_issue_list;

/* Flags of gs_issue_list_at. */
#define GS_ISSUE_READ_IDS 1u /* parse every file for its frontmatter id */

/*
 * The issue files of `issues_dir` at `tree` (a root tree; NULL = empty),
 * sorted by path. Without GS_ISSUE_READ_IDS ids come from file names
 * only (fast); with it, frontmatter ids override (files whose frontmatter
 * does not parse keep their name's id). A missing directory is an empty
 * list. Release with gs_issue_list_dispose.
 */
int gs_issue_list_at(gs_issue_list *out, git_repository *repo, git_tree *tree,
		     const char *issues_dir, unsigned int flags);
void gs_issue_list_dispose(gs_issue_list *list);

/*
 * Resolve `id` to its file at `tree` by the rule above. *path_out belongs
 * to the caller (free()); blob_out may be NULL. GS_EUSAGE for an id that
 * fails gs_issue_id_check, GS_ENOTFOUND for an unknown id, GS_EAMBIGUOUS
 * when several files match; both messages list candidates.
 */
int gs_issue_resolve(char **path_out, git_oid *blob_out, git_repository *repo,
		     git_tree *tree, const char *issues_dir, const char *id);

/*
 * The highest numeric id among file names and frontmatter ids plus one
 * (1 when none): the default id of `git stats new`. Non-numeric ids are
 * skipped. Reads every issue file, parsing a frontmatter only when its
 * `id` line is not a plain number.
 */
int gs_issue_next_id(int64_t *out, git_repository *repo, git_tree *tree,
		     const char *issues_dir);

/*
 * The issue template: templates/issue.md of the installation (or of the
 * source tree when not installed) with placeholders replaced: `{{id}}`,
 * `{{title}}` (as is, for the body), `{{title_yaml}}` (a YAML scalar,
 * quoted when needed) and `{{date}}`.
 */
int gs_issue_render_template(gs_buf *out, const char *id, const char *title,
			     const char *date);

/* --- editing and reading issue frontmatter -------------------------- */

/* One KEY=VALUE of `git stats set`. */
typedef struct {
	const char *key;
	const char *value;
} gs_issue_kv;

typedef struct {
	const gs_issue_kv *kv;
	size_t count;
} gs_issue_set_args;

/*
 * Check a KEY=VALUE before any edit: keys are [A-Za-z0-9_.-]; managed
 * counters take non-negative integers, managed numbers take numbers, and
 * `agents` / `resume_attempts` are refused (attempt and resume own them).
 * GS_EUSAGE with a message naming the key.
 */
int gs_issue_check_set(const char *key, const char *value);

/*
 * Edit function for gs_txn_edit (see gs/store.h) with a gs_issue_set_args
 * payload: sets each key losslessly. Numbers and booleans are written as
 * YAML scalars, other values as strings (quoted only when needed).
 */
int gs_issue_edit_set(gs_buf *out, const char *path, const char *old, size_t old_len,
		      void *payload);

/*
 * The frontmatter as a JSON object, key -> value in file order: numbers
 * as numbers, true/false, null, nested mappings and sequences as objects
 * and arrays (key=value files give strings and numbers). The caller
 * frees *out with cJSON_Delete.
 */
int gs_issue_fm_json(cJSON **out, const gs_fm *fm);

#ifdef __cplusplus
}
#endif

#endif
