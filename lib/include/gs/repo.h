/*
 * Repository access: open or discover, config (stats.*), the target ref
 * (SPEC §1). Every command starts from a gs_repo.
 */
#ifndef GS_REPO_H
#define GS_REPO_H

#include "gs/common.h"

#include <git2/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_repo gs_repo;

/*
 * Open the repository at `path`, or discover it from the current
 * directory when `path` is NULL (GIT_DIR and GIT_WORK_TREE respected, as
 * git does). Bare repositories open too. Also turns on libgit2's fsync of
 * objects and refs so an acknowledged update survives power loss. The
 * caller frees *out with gs_repo_free. GS_ENOTFOUND outside a repository.
 */
int gs_repo_open(gs_repo **out, const char *path);
void gs_repo_free(gs_repo *r);

/*
 * gs_repo_open with `issues_dir` as the issues directory instead of
 * stats.issuesDir, which is not read; GS_EUSAGE when it escapes the
 * repository. For `init --issues-dir`:
 * validate before writing the config, and repair a config whose value is
 * refused at open.
 */
int gs_repo_open_issues_dir(gs_repo **out, const char *path, const char *issues_dir);

/* The libgit2 handle (borrowed; lives as long as `r`). */
git_repository *gs_repo_git(gs_repo *r);

/*
 * Path of $GIT_DIR with a trailing '/' (borrowed). In a linked worktree
 * this is .git/worktrees/<name>/, which holds only that worktree's HEAD
 * and index: use it for those, and gs_repo_commondir for anything shared.
 */
const char *gs_repo_gitdir(const gs_repo *r);

/*
 * Path of the common git directory with a trailing '/' (borrowed): the
 * same as gs_repo_gitdir except in a linked worktree, where it is the
 * main .git/ that all worktrees share with their refs and objects.
 */
const char *gs_repo_commondir(const gs_repo *r);

/* Path of the work tree with a trailing '/', or NULL when bare (borrowed). */
const char *gs_repo_workdir(const gs_repo *r);

/*
 * The issues directory relative to the repository root, without leading
 * or trailing '/': git config stats.issuesDir, default "issues"
 * (borrowed). A value that escapes the repository is refused at open.
 */
const char *gs_repo_issues_dir(const gs_repo *r);

/*
 * Use `ref` as the target ref (the --ref option). A short name ("issues")
 * means refs/heads/<name>; full names start with "refs/". GS_EUSAGE on an
 * invalid name. NULL restores the default (stats.ref, else HEAD's branch).
 */
int gs_repo_set_ref(gs_repo *r, const char *ref);

/*
 * The target ref as a full name (*out borrowed; valid until the next
 * set_ref): --ref, else stats.ref, else the branch HEAD points to (which
 * may be unborn). GS_ESTATE when HEAD is detached and no ref was given.
 */
int gs_repo_target_ref(const char **out, gs_repo *r);

/*
 * For reading commands: GS_ENOTFOUND ("ref '...' not found", naming
 * --ref or stats.ref) when the target ref was named explicitly and does
 * not exist, most likely a misspelling; writing commands create it
 * instead (SPEC §1). 0 when it exists, and when the target is HEAD's
 * branch, which is not even resolved (unborn in a fresh repository,
 * detached is left to the caller).
 */
int gs_repo_check_named_target(gs_repo *r);

/*
 * 1 when the target ref is the branch checked out in the work tree (so
 * index and work tree follow each update), 0 otherwise (bare repository,
 * dedicated ref), negative on error.
 */
int gs_repo_target_is_head(gs_repo *r);

/*
 * Config values of the repository (local, global, system as git reads
 * them). `key` is the full name ("stats.issuesDir"). GS_ENOTFOUND when
 * unset, GS_EPARSE when the value has the wrong type. *out of
 * gs_repo_config_str belongs to the caller (free()).
 */
int gs_repo_config_str(char **out, gs_repo *r, const char *key);
int gs_repo_config_bool(int *out, gs_repo *r, const char *key);
int gs_repo_config_i64(int64_t *out, gs_repo *r, const char *key);

/*
 * Set a config value in the repository's own config file
 * ($GIT_DIR/config). Later gs_repo_config_* calls see it.
 */
int gs_repo_config_set_str(gs_repo *r, const char *key, const char *value);

/*
 * Copy libgit2's last error into the gs error message, prefixed by the
 * formatted context ("cannot read 'refs/heads/main'"), and return
 * GS_ERROR. For modules that call libgit2 themselves.
 */
int gs_repo_git_error(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

#ifdef __cplusplus
}
#endif

#endif
