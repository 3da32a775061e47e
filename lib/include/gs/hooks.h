/*
 * Git integration: install/uninstall of hooks, merge driver config, doctor (SPEC §9).
 *
 * Everything here works on a libgit2 repository handle; nothing prints.
 * Human-readable progress goes into a caller-supplied log buffer.
 */
#ifndef GS_HOOKS_H
#define GS_HOOKS_H

#include "gs/common.h"
#include "gs/repo.h"

#include <git2.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The hooks git-stats installs, in this order. */
#define GS_HOOKS_COUNT 3
/* The i-th hook name ("post-commit", "post-merge", "post-rewrite"); NULL past the end. */
const char *gs_hooks_name(size_t i);

/* The suffix an original hook gets when it is wrapped rather than edited. */
#define GS_HOOKS_ORIG_SUFFIX ".pre-git-stats"

/* The name of the merge driver in git config (`merge.<name>.driver`) and attributes. */
#define GS_HOOKS_MERGE_NAME "gitstats"

/*
 * Where the running git-stats lives, found once: its absolute path, the
 * directory of the `git-stats-hook-<name>` programs, the templates
 * directory, and whether a `git-stats` is reachable on PATH (then git
 * finds `git stats` by itself and no alias is needed).
 */
typedef struct {
	gs_buf self;      /* absolute path of the git-stats binary */
	gs_buf progdir;   /* directory of the git-stats-hook-<name> programs */
	gs_buf templates; /* directory holding hooks/<name> templates */
	int on_path;
} gs_hooks_env;

/*
 * Fill `env` for the running process (/proc/self/exe, PATH). The
 * templates directory is, first match wins: $GIT_STATS_TEMPLATE_DIR,
 * <bindir>/../share/git-stats/templates, the source tree's templates/,
 * the configured install path. Release with gs_hooks_env_dispose().
 */
int gs_hooks_env_discover(gs_hooks_env *env);
void gs_hooks_env_dispose(gs_hooks_env *env);

/*
 * The hooks directory git really uses for `repo` (as `git rev-parse
 * --git-path hooks` prints it, made absolute): core.hooksPath when set
 * (`~/` expanded, relative to the work tree root, or to the git directory
 * of a bare repository), else <common dir>/hooks. No trailing slash.
 */
int gs_hooks_dir(gs_buf *out, git_repository *repo);

/*
 * The issues directory of `repo` (git config stats.issuesDir, default
 * "issues"), cleaned as every command reads it ("./tasks/" is "tasks");
 * GS_EUSAGE when it is not a directory inside the repository.
 */
int gs_hooks_issues_dir(gs_buf *out, git_repository *repo);

/* The complete hook script git-stats installs as `hook` where none existed. */
int gs_hooks_render(gs_buf *out, const gs_hooks_env *env, const char *hook);

/* Flags of gs_hooks_install(). */
#define GS_HOOKS_SHARED (1u << 0) /* attribute into .gitattributes, not .git/info/attributes */

/*
 * Set `repo` up: hook scripts in gs_hooks_dir() that chain any existing
 * hook (a marked block after the first line of an executable shell hook;
 * otherwise the hook moves to <name>.pre-git-stats and a wrapper runs it),
 * `merge.gitstats.name` and `.driver` in the local config, the attribute
 * `merge=gitstats` for the issues directory's .md files, and `alias.stats` when git-stats is
 * not on PATH. Idempotent: a second run writes nothing. One line per
 * action is appended to `log`.
 */
int gs_hooks_install(gs_buf *log, git_repository *repo, const gs_hooks_env *env, unsigned flags);

/*
 * Reverse gs_hooks_install(): remove our blocks (the remaining bytes are
 * the user's original hook), move wrapped hooks back, delete our own hook
 * files, the config keys and the attribute lines (from both attribute
 * files). Things we did not write are left alone.
 */
int gs_hooks_uninstall(gs_buf *log, git_repository *repo);

/* One line of `git stats doctor`. */
typedef struct {
	const char *name; /* static: "hooks", "merge driver", ... */
	int ok;
	gs_buf detail;    /* what was found */
	gs_buf fix;       /* what to run; empty when ok */
} gs_hooks_check;

typedef struct {
	gs_hooks_check *items;
	size_t count;
} gs_hooks_checklist;

#define GS_HOOKS_CHECKLIST_INIT { NULL, 0 }

/* Append a check; `fix` may be NULL. `detail` is printf-style. */
int gs_hooks_checklist_add(gs_hooks_checklist *list, const char *name, int ok, const char *fix,
			   const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;
void gs_hooks_checklist_dispose(gs_hooks_checklist *list);

/* Number of failed checks in `list`. */
size_t gs_hooks_checklist_failures(const gs_hooks_checklist *list);

/*
 * The checks of `git stats doctor`:
 * git-stats reachable as `git stats`, hooks reachable by git (core.hooksPath
 * and hook managers: husky, pre-commit, lefthook, overcommit), the merge
 * driver and its attribute as git resolves it, identity, an empty spool,
 * and verify (every issue on the target ref matches its run blocks).
 * Appends to `list`; returns an error only when the checks cannot run.
 */
int gs_hooks_doctor(gs_hooks_checklist *list, gs_repo *r, const gs_hooks_env *env);

/* --- the hook programs (hooks/<name>.c are thin mains over these) ------- */

/*
 * Whether `hook` ("post-commit", ...) may have anything to do, decided
 * from the current directory and environment alone, without libgit2:
 * loading and starting it is most of a hook's run time.
 * 0 only when certainly idle: no running attempt (and for post-commit no
 * spooled record); 1 (maybe) whenever unsure, and always for post-merge.
 */
int gs_hooks_may_have_work(const char *hook);

/* A list of issue ids (owned strings). */
typedef struct {
	char **ids;
	size_t count;
} gs_hooks_ids;

void gs_hooks_ids_dispose(gs_hooks_ids *ids);

/*
 * The issues `commit` concerns: issue files of the issues directory it
 * adds or changes against its first parent (the frontmatter id, else the
 * file name's), and the ids its message names in `Issue:` trailers
 * (several per trailer allowed, comma separated, a leading '#' ignored).
 */
int gs_hooks_commit_issues(gs_hooks_ids *out, gs_repo *r, const git_oid *commit);

/*
 * post-commit: HEAD's commit becomes the checkpoint candidate of running
 * attempts of the issues it concerns; the spool is flushed when the
 * target ref is a dedicated ref (never onto the checked-out branch, which
 * would put a commit on the user's branch from inside their commit).
 * Problems are appended to `warn` as lines; the caller prints them.
 */
int gs_hooks_post_commit(gs_buf *warn, gs_repo *r);

/*
 * post-merge: verify the issue files the merge changed (ORIG_HEAD..HEAD,
 * or HEAD..index for a squash merge) and report drift between totals and
 * run blocks, one line per file in `warn`; then flush the spool, except
 * onto the checked-out branch while git still shows the merge as in
 * progress (it removes MERGE_HEAD only after this hook): then a line says
 * the records wait for `git stats flush`.
 */
int gs_hooks_post_merge(gs_buf *warn, gs_repo *r, int squash);

/*
 * post-rewrite: `input` is git's stdin ("<old> <new>[ <extra>]" lines);
 * candidates pointing at an old commit move to its new one.
 */
int gs_hooks_post_rewrite(gs_buf *warn, gs_repo *r, const char *input, size_t len);

/*
 * What a hook program does with the repository open: one of the three
 * above, given the program's `argc`/`argv` and the `payload` passed to
 * gs_hooks_main(). Its problems go into `warn`, one per line; its return
 * value is not looked at (a hook never fails the user's git command).
 */
typedef int (*gs_hooks_body)(gs_buf *warn, gs_repo *r, int argc, char **argv, void *payload);

/*
 * The whole of hook program `hook` ("post-commit", ...) but printing:
 * append "<hook> <args...>" as a line to the file $GIT_STATS_HOOK_TRACE
 * names (when set), stop when gs_hooks_may_have_work() says it is idle,
 * else run `body` on the repository of the current directory (none: do
 * nothing) between git_libgit2_init() and _shutdown(). Each warning line
 * is appended to `out` as "git-stats: <hook>: <line>\n", for the program
 * to write to stderr.
 */
void gs_hooks_main(gs_buf *out, const char *hook, int argc, char **argv, gs_hooks_body body,
		   void *payload);

#ifdef __cplusplus
}
#endif

#endif
