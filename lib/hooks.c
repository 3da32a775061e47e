/*
 * Setting a repository up for git-stats and taking it down again (SPEC §9):
 * hook scripts that coexist with the user's own hooks, the merge driver and
 * its attribute, the alias, and the checks `git stats doctor` prints.
 *
 * The rule everywhere: never overwrite what the user wrote. Our text in a
 * user's hook sits between marker lines so uninstall can cut exactly those
 * bytes out again.
 */
#define _POSIX_C_SOURCE 200809L
#include "gs/hooks.h"

#include "gs/attempt.h"
#include "gs/frontmatter.h"
#include "gs/issue.h"
#include "gs/run.h"
#include "gs/spool.h"
#include "gs/store.h"
#include "repo_internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOOK_MAX_SIZE (4u * 1024u * 1024u)

static const char *const hook_names[GS_HOOKS_COUNT] = { "post-commit", "post-merge", "post-rewrite" };

/* Line 2 of a hook file that belongs to git-stats as a whole. */
static const char file_marker[] = "# git-stats hook file:";
/* The tail that makes such a file a wrapper around the user's original. */
static const char wrapper_marker[] = "# git-stats wrapper:";
static const char block_begin[] = "# >>> git-stats ";
static const char block_end[] = "# <<< git-stats ";

static const char attr_comment[] = "# git-stats: merge issue files with 'git stats merge-driver'";

const char *gs_hooks_name(size_t i)
{
	return i < GS_HOOKS_COUNT ? hook_names[i] : NULL;
}

static int libgit2_error(const char *what)
{
	const git_error *e = git_error_last();

	gs_error_set("%s: %s", what, e && e->message ? e->message : "libgit2 error");
	return GS_ERROR;
}

/* --- small file-system helpers ------------------------------------------- */

static int is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int dir_name(gs_buf *out, const char *path)
{
	const char *slash = strrchr(path, '/');

	gs_buf_clear(out);
	if (!slash)
		return gs_buf_puts(out, ".");
	return gs_buf_put(out, path, slash == path ? 1 : (size_t)(slash - path));
}

/* POSIX single-quoting: the string survives any shell unchanged. */
static int shell_quote(gs_buf *out, const char *s)
{
	if (gs_buf_putc(out, '\'') < 0)
		return GS_ERROR;
	for (; *s; s++) {
		if (*s == '\'' ? gs_buf_puts(out, "'\\''") < 0 : gs_buf_putc(out, *s) < 0)
			return GS_ERROR;
	}
	return gs_buf_putc(out, '\'');
}

/* Find `needle` at the start of a line of [p, p+len); returns its offset or -1. */
static long find_line(const char *p, size_t len, const char *needle)
{
	size_t nlen = strlen(needle), i = 0;

	while (i < len) {
		if (len - i >= nlen && !memcmp(p + i, needle, nlen))
			return (long)i;
		while (i < len && p[i] != '\n')
			i++;
		i++;
	}
	return -1;
}

static size_t line_end(const char *p, size_t len, size_t off)
{
	while (off < len && p[off] != '\n')
		off++;
	return off < len ? off + 1 : len;
}

/* --- environment ---------------------------------------------------------- */

static int on_path(const char *name)
{
	const char *path = getenv("PATH"), *p;
	gs_buf cand = GS_BUF_INIT;
	int found = 0;

	if (!path)
		return 0;
	for (p = path; !found; p++) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);

		/* An empty entry means the current directory: not a stable place. */
		if (n) {
			gs_buf_clear(&cand);
			if (gs_buf_put(&cand, p, n) < 0 || gs_buf_printf(&cand, "/%s", name) < 0)
				break;
			found = is_executable_file(cand.ptr);
		}
		if (!colon)
			break;
		p = colon;
	}
	gs_buf_dispose(&cand);
	return found;
}

static int templates_ok(const char *dir)
{
	gs_buf p = GS_BUF_INIT;
	int ok;

	ok = gs_buf_printf(&p, "%s/hooks/post-commit", dir) == 0 && path_exists(p.ptr);
	gs_buf_dispose(&p);
	return ok;
}

int gs_hooks_env_discover(gs_hooks_env *env)
{
	char exe[PATH_MAX];
	ssize_t n;
	gs_buf bindir = GS_BUF_INIT, cand = GS_BUF_INIT;
	const char *override = getenv("GIT_STATS_TEMPLATE_DIR");
	int error = GS_ERROR;

	gs_buf_init(&env->self);
	gs_buf_init(&env->progdir);
	gs_buf_init(&env->templates);
	env->on_path = on_path("git-stats");

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		gs_error_set("cannot find the git-stats binary: '/proc/self/exe': %s", strerror(errno));
		goto done;
	}
	exe[n] = '\0';
	if (gs_buf_puts(&env->self, exe) < 0 || dir_name(&bindir, exe) < 0)
		goto done;

	/* Hook programs sit beside the binary in a build tree, in libexec once installed. */
	if (gs_buf_printf(&cand, "%s/git-stats-hook-post-commit", bindir.ptr) < 0)
		goto done;
	if (is_executable_file(cand.ptr)) {
		if (gs_buf_puts(&env->progdir, bindir.ptr) < 0)
			goto done;
	} else if (gs_buf_printf(&env->progdir, "%s/../libexec/git-stats", bindir.ptr) < 0) {
		goto done;
	}

	gs_buf_clear(&cand);
	if (override && *override && templates_ok(override)) {
		error = gs_buf_puts(&env->templates, override);
	} else if (gs_buf_printf(&cand, "%s/../share/git-stats/templates", bindir.ptr) < 0) {
		goto done;
	} else if (templates_ok(cand.ptr)) {
		error = gs_buf_puts(&env->templates, cand.ptr);
	} else if (templates_ok(GS_SOURCE_TEMPLATE_DIR)) {
		error = gs_buf_puts(&env->templates, GS_SOURCE_TEMPLATE_DIR);
	} else {
		error = gs_buf_puts(&env->templates, GS_TEMPLATE_DIR);
	}
done:
	if (error < 0)
		gs_hooks_env_dispose(env);
	gs_buf_dispose(&bindir);
	gs_buf_dispose(&cand);
	return error;
}

void gs_hooks_env_dispose(gs_hooks_env *env)
{
	gs_buf_dispose(&env->self);
	gs_buf_dispose(&env->progdir);
	gs_buf_dispose(&env->templates);
	env->on_path = 0;
}

/* --- config ---------------------------------------------------------------- */

/* A config value from all levels; GS_ENOTFOUND when unset. */
static int config_get(gs_buf *out, git_repository *repo, const char *key)
{
	git_config *cfg = NULL, *snap = NULL;
	const char *v;
	int error = GS_ERROR, rc;

	gs_buf_clear(out);
	if (git_repository_config(&cfg, repo) < 0 || git_config_snapshot(&snap, cfg) < 0) {
		libgit2_error("cannot read git config");
		goto done;
	}
	rc = git_config_get_string(&v, snap, key);
	if (rc == GIT_ENOTFOUND) {
		error = GS_ENOTFOUND;
		goto done;
	}
	if (rc < 0) {
		libgit2_error("cannot read git config");
		goto done;
	}
	error = gs_buf_puts(out, v);
done:
	git_config_free(snap);
	git_config_free(cfg);
	return error;
}

static int local_config(git_config **out, git_repository *repo)
{
	git_config *cfg = NULL;
	int rc;

	if (git_repository_config(&cfg, repo) < 0)
		return libgit2_error("cannot open git config");
	rc = git_config_open_level(out, cfg, GIT_CONFIG_LEVEL_LOCAL);
	git_config_free(cfg);
	if (rc < 0)
		return libgit2_error("cannot open the repository's git config");
	return 0;
}

/* Set `key` in the local config unless it already holds `value`. */
static int config_ensure(gs_buf *log, git_repository *repo, const char *key, const char *value)
{
	git_config *local = NULL;
	git_buf cur = GIT_BUF_INIT;
	int error = GS_ERROR, rc;

	if (local_config(&local, repo) < 0)
		return GS_ERROR;
	rc = git_config_get_string_buf(&cur, local, key);
	if (rc == 0 && !strcmp(cur.ptr, value)) {
		error = gs_buf_printf(log, "%s: unchanged\n", key);
		goto done;
	}
	if (git_config_set_string(local, key, value) < 0) {
		libgit2_error("cannot write git config");
		goto done;
	}
	error = gs_buf_printf(log, "%s: set to '%s'\n", key, value);
done:
	git_buf_dispose(&cur);
	git_config_free(local);
	return error;
}

/* Remove `key` from the local config when `ours(value)` says we wrote it. */
static int config_remove(gs_buf *log, git_repository *repo, const char *key,
			 int (*ours)(const char *value))
{
	git_config *local = NULL;
	git_buf cur = GIT_BUF_INIT;
	int error = GS_ERROR, rc;

	if (local_config(&local, repo) < 0)
		return GS_ERROR;
	rc = git_config_get_string_buf(&cur, local, key);
	if (rc == GIT_ENOTFOUND || (rc == 0 && ours && !ours(cur.ptr))) {
		error = 0;
		goto done;
	}
	if (rc < 0 || git_config_delete_entry(local, key) < 0) {
		libgit2_error("cannot write git config");
		goto done;
	}
	error = gs_buf_printf(log, "%s: removed\n", key);
done:
	git_buf_dispose(&cur);
	git_config_free(local);
	return error;
}

/*
 * libgit2 (like `git config --unset`) leaves an empty section header behind
 * once its last key is deleted; drop `header` from the local config file
 * when nothing but blank lines follows it up to the next section.
 */
static int drop_empty_section(git_repository *repo, const char *header)
{
	git_buf path = GIT_BUF_INIT;
	gs_buf cur = GS_BUF_INIT;
	size_t i = 0, hlen = strlen(header);
	int error = GS_ERROR, rc;

	if (git_repository_item_path(&path, repo, GIT_REPOSITORY_ITEM_CONFIG) < 0) {
		libgit2_error("cannot find the repository's config file");
		goto done;
	}
	rc = gs_file_read(&cur, path.ptr, HOOK_MAX_SIZE);
	if (rc < 0) {
		error = rc == GS_ENOTFOUND ? 0 : rc;
		goto done;
	}
	while (i < cur.size) {
		size_t e = line_end(cur.ptr, cur.size, i), j = i, k;
		int empty = 1;

		while (j < e && (cur.ptr[j] == ' ' || cur.ptr[j] == '\t'))
			j++;
		if (e - j < hlen || strncasecmp(cur.ptr + j, header, hlen) ||
		    strspn(cur.ptr + j + hlen, " \t\r\n") < e - j - hlen) {
			i = e;
			continue;
		}
		for (k = e; k < cur.size;) {
			size_t ke = line_end(cur.ptr, cur.size, k), m = k;

			while (m < ke && strchr(" \t\r\n", cur.ptr[m]))
				m++;
			if (m < ke && cur.ptr[m] == '[')
				break;
			if (m < ke) {
				empty = 0;
				break;
			}
			k = ke;
		}
		if (!empty) {
			i = e;
			continue;
		}
		if (gs_buf_splice(&cur, i, k - i, NULL, 0) < 0 ||
		    gs_file_write_atomic(path.ptr, cur.ptr, cur.size, 0666) < 0)
			goto done;
		break;
	}
	error = 0;
done:
	git_buf_dispose(&path);
	gs_buf_dispose(&cur);
	return error;
}

static int driver_is_ours(const char *v)
{
	return strstr(v, "merge-driver") != NULL;
}

static int alias_is_ours(const char *v)
{
	size_t n = strlen(v);

	return v[0] == '!' && n > 11 && !strcmp(v + n - 10, "git-stats'");
}

int gs_hooks_issues_dir(gs_buf *out, git_repository *repo)
{
	int rc = config_get(out, repo, "stats.issuesDir");
	char *clean;

	if (rc == GS_ENOTFOUND || (rc == 0 && out->size == 0)) {
		gs_buf_clear(out);
		return gs_buf_puts(out, "issues");
	}
	if (rc < 0)
		return rc;
	/* The directory every other command uses, or the error they give. */
	if (!(clean = gs_repo__clean_issues_dir(out->ptr))) {
		gs_error_set("stats.issuesDir: '%s' is not a directory inside the repository",
			     out->ptr);
		return GS_EUSAGE;
	}
	rc = gs_buf_set(out, clean, strlen(clean));
	free(clean);
	return rc;
}

/* --- the hooks directory ---------------------------------------------------- */

static void strip_slashes(gs_buf *b)
{
	while (b->size > 1 && b->ptr[b->size - 1] == '/')
		gs_buf_truncate(b, b->size - 1);
}

int gs_hooks_dir(gs_buf *out, git_repository *repo)
{
	gs_buf hp = GS_BUF_INIT;
	int rc, error = GS_ERROR;

	gs_buf_clear(out);
	rc = config_get(&hp, repo, "core.hooksPath");
	if (rc < 0 && rc != GS_ENOTFOUND)
		goto done;
	if (rc == 0 && hp.size) {
		const char *home = getenv("HOME");

		if ((hp.ptr[0] == '~' && (hp.ptr[1] == '/' || !hp.ptr[1]))) {
			if (!home) {
				gs_error_set("core.hooksPath '%s': HOME is not set", hp.ptr);
				goto done;
			}
			if (gs_buf_printf(out, "%s%s", home, hp.ptr + 1) < 0)
				goto done;
		} else if (hp.ptr[0] == '/') {
			if (gs_buf_puts(out, hp.ptr) < 0)
				goto done;
		} else {
			/* Git runs hooks from the work tree root (the git dir when bare). */
			const char *base = git_repository_is_bare(repo) ? git_repository_path(repo)
									: git_repository_workdir(repo);

			if (gs_buf_printf(out, "%s%s", base, hp.ptr) < 0)
				goto done;
		}
	} else if (gs_buf_printf(out, "%shooks", git_repository_commondir(repo)) < 0) {
		goto done;
	}
	strip_slashes(out);
	error = 0;
done:
	gs_buf_dispose(&hp);
	return error;
}

/* --- hook scripts ------------------------------------------------------------ */

static int hook_program(gs_buf *out, const gs_hooks_env *env, const char *hook)
{
	gs_buf_clear(out);
	return gs_buf_printf(out, "%s/git-stats-hook-%s", env->progdir.ptr, hook);
}

int gs_hooks_render(gs_buf *out, const gs_hooks_env *env, const char *hook)
{
	gs_buf path = GS_BUF_INIT, tpl = GS_BUF_INIT, prog = GS_BUF_INIT, quoted = GS_BUF_INIT;
	static const char placeholder[] = "@GS_HOOK_PROGRAM@";
	const char *p, *hit;
	int error = GS_ERROR, rc;

	gs_buf_clear(out);
	if (gs_buf_printf(&path, "%s/hooks/%s", env->templates.ptr, hook) < 0)
		goto done;
	rc = gs_file_read(&tpl, path.ptr, HOOK_MAX_SIZE);
	if (rc < 0) {
		gs_error_set("cannot read hook template '%s': %s", path.ptr,
			     rc == GS_ENOTFOUND ? "no such file" : "read error");
		goto done;
	}
	if (hook_program(&prog, env, hook) < 0 || shell_quote(&quoted, prog.ptr) < 0)
		goto done;
	for (p = tpl.ptr; (hit = strstr(p, placeholder)) != NULL; p = hit + sizeof(placeholder) - 1) {
		if (gs_buf_put(out, p, (size_t)(hit - p)) < 0 || gs_buf_put(out, quoted.ptr, quoted.size) < 0)
			goto done;
	}
	if (gs_buf_puts(out, p) < 0)
		goto done;
	error = 0;
done:
	gs_buf_dispose(&path);
	gs_buf_dispose(&tpl);
	gs_buf_dispose(&prog);
	gs_buf_dispose(&quoted);
	return error;
}

/* The marked block inside a rendered hook: [*off, *off + *len). */
static int find_block(size_t *off, size_t *len, const char *p, size_t size)
{
	long b = find_line(p, size, block_begin), e;

	if (b < 0)
		return GS_ENOTFOUND;
	e = find_line(p + b, size - (size_t)b, block_end);
	if (e < 0)
		return GS_ENOTFOUND;
	*off = (size_t)b;
	*len = line_end(p, size, (size_t)b + (size_t)e) - (size_t)b;
	return 0;
}

static int render_wrapper(gs_buf *out, const gs_hooks_env *env, const char *hook)
{
	if (gs_hooks_render(out, env, hook) < 0)
		return GS_ERROR;
	return gs_buf_printf(out,
		"%s runs the hook that was here before 'git stats install';\n"
		"# 'git stats uninstall' moves it back.\n"
		"case $0 in */*) gs_orig=${0%%/*} ;; *) gs_orig=. ;; esac\n"
		"gs_orig=$gs_orig/%s%s\n"
		"if [ -x \"$gs_orig\" ]; then exec \"$gs_orig\" \"$@\"; fi\n",
		wrapper_marker, hook, GS_HOOKS_ORIG_SUFFIX);
}

/* True when the first line runs a POSIX-compatible shell we can add lines to. */
static int is_shell_hook(const char *p, size_t size)
{
	static const char *const shells[] = { "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", NULL };
	size_t eol = line_end(p, size, 0), i = 2, n;
	const char *word;
	int k, env_seen = 0;

	if (size < 3 || p[0] != '#' || p[1] != '!' || eol == size || p[eol - 1] != '\n' ||
	    memchr(p, '\r', eol))
		return 0;
	for (;;) {
		while (i < eol && (p[i] == ' ' || p[i] == '\t'))
			i++;
		word = p + i;
		while (i < eol && p[i] != ' ' && p[i] != '\t' && p[i] != '\n')
			i++;
		n = (size_t)(p + i - word);
		if (!n)
			return 0;
		{
			const char *base = word + n;

			while (base > word && base[-1] != '/')
				base--;
			n = (size_t)(word + n - base);
			word = base;
		}
		if (!env_seen && n == 3 && !memcmp(word, "env", 3)) {
			env_seen = 1;
			continue;
		}
		for (k = 0; shells[k]; k++)
			if (strlen(shells[k]) == n && !memcmp(word, shells[k], n))
				return 1;
		return 0;
	}
}

static int hook_path(gs_buf *out, const char *dir, const char *hook, const char *suffix)
{
	gs_buf_clear(out);
	return gs_buf_printf(out, "%s/%s%s", dir, hook, suffix);
}

/*
 * Install `hook` into `dir`. With `dry` set, only make the checks that
 * could refuse it and write nothing (`log` is then not touched).
 */
static int install_hook(gs_buf *log, const char *dir, const gs_hooks_env *env, const char *hook,
			int dry)
{
	gs_buf path = GS_BUF_INIT, orig = GS_BUF_INIT, cur = GS_BUF_INIT, want = GS_BUF_INIT,
	       blk = GS_BUF_INIT;
	size_t boff, blen, coff, clen;
	struct stat st;
	int error = GS_ERROR, rc;

	if (hook_path(&path, dir, hook, "") < 0 || hook_path(&orig, dir, hook, GS_HOOKS_ORIG_SUFFIX) < 0 ||
	    gs_hooks_render(&want, env, hook) < 0)
		goto done;
	if (find_block(&boff, &blen, want.ptr, want.size) < 0) {
		gs_error_set("hook template '%s' has no git-stats block", hook);
		goto done;
	}
	if (gs_buf_put(&blk, want.ptr + boff, blen) < 0)
		goto done;

	if (lstat(path.ptr, &st) < 0) {
		if (errno != ENOENT) {
			gs_error_set("cannot stat '%s': %s", path.ptr, strerror(errno));
			goto done;
		}
		if (path_exists(orig.ptr)) {
			gs_error_set("'%s' exists without its wrapper '%s'; move it back or remove it",
				     orig.ptr, hook);
			goto done;
		}
		if (dry) {
			error = 0;
			goto done;
		}
		if (gs_file_write_atomic(path.ptr, want.ptr, want.size, 0777) < 0)
			goto done;
		error = gs_buf_printf(log, "%s: installed '%s'\n", hook, path.ptr);
		goto done;
	}

	if (S_ISREG(st.st_mode)) {
		rc = gs_file_read(&cur, path.ptr, HOOK_MAX_SIZE);
		if (rc < 0)
			goto done;
		if (find_line(cur.ptr, cur.size, file_marker) >= 0) {
			/* Ours as a whole: bring it up to date, keep its kind. */
			int wrapped = find_line(cur.ptr, cur.size, wrapper_marker) >= 0;

			if (wrapped && render_wrapper(&want, env, hook) < 0)
				goto done;
			if (cur.size == want.size && !memcmp(cur.ptr, want.ptr, want.size)) {
				error = dry ? 0 : gs_buf_printf(log, "%s: unchanged\n", hook);
				goto done;
			}
			if (dry) {
				error = 0;
				goto done;
			}
			if (gs_file_write_atomic(path.ptr, want.ptr, want.size, 0777) < 0)
				goto done;
			error = gs_buf_printf(log, "%s: updated '%s'\n", hook, path.ptr);
			goto done;
		}
		if (find_block(&coff, &clen, cur.ptr, cur.size) == 0) {
			/* Our block inside the user's hook. */
			if (clen == blk.size && !memcmp(cur.ptr + coff, blk.ptr, blk.size)) {
				error = dry ? 0 : gs_buf_printf(log, "%s: unchanged\n", hook);
				goto done;
			}
			if (dry) {
				error = 0;
				goto done;
			}
			if (gs_buf_splice(&cur, coff, clen, blk.ptr, blk.size) < 0 ||
			    gs_file_write_atomic(path.ptr, cur.ptr, cur.size, 0777) < 0)
				goto done;
			error = gs_buf_printf(log, "%s: updated the git-stats block in '%s'\n", hook, path.ptr);
			goto done;
		}
	}

	/* A hook of the user's: chain it, never overwrite it. */
	if (path_exists(orig.ptr)) {
		gs_error_set("cannot chain hook '%s': '%s' already exists", path.ptr, orig.ptr);
		goto done;
	}
	if (dry) {
		error = 0;
		goto done;
	}
	if (S_ISREG(st.st_mode) && access(path.ptr, X_OK) == 0 && is_shell_hook(cur.ptr, cur.size)) {
		/* After the #! line, so an early `exit` in the user's script cannot skip us. */
		size_t at = line_end(cur.ptr, cur.size, 0);

		if (gs_buf_splice(&cur, at, 0, blk.ptr, blk.size) < 0 ||
		    gs_file_write_atomic(path.ptr, cur.ptr, cur.size, 0777) < 0)
			goto done;
		error = gs_buf_printf(log, "%s: added a marked block to the existing hook '%s'\n", hook,
				      path.ptr);
		goto done;
	}
	if (render_wrapper(&want, env, hook) < 0)
		goto done;
	if (rename(path.ptr, orig.ptr) < 0) {
		gs_error_set("cannot move '%s' to '%s': %s", path.ptr, orig.ptr, strerror(errno));
		goto done;
	}
	if (gs_file_write_atomic(path.ptr, want.ptr, want.size, 0777) < 0) {
		rename(orig.ptr, path.ptr);
		goto done;
	}
	error = gs_buf_printf(log, "%s: moved the existing hook to '%s' and installed a wrapper that runs it\n",
			      hook, orig.ptr);
done:
	gs_buf_dispose(&path);
	gs_buf_dispose(&orig);
	gs_buf_dispose(&cur);
	gs_buf_dispose(&want);
	gs_buf_dispose(&blk);
	return error;
}

static int uninstall_hook(gs_buf *log, const char *dir, const char *hook)
{
	gs_buf path = GS_BUF_INIT, orig = GS_BUF_INIT, cur = GS_BUF_INIT;
	size_t off, len;
	struct stat st;
	int error = GS_ERROR;

	if (hook_path(&path, dir, hook, "") < 0 || hook_path(&orig, dir, hook, GS_HOOKS_ORIG_SUFFIX) < 0)
		goto done;
	if (lstat(path.ptr, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = 0;
		goto done;
	}
	if (gs_file_read(&cur, path.ptr, HOOK_MAX_SIZE) < 0)
		goto done;
	if (find_line(cur.ptr, cur.size, file_marker) >= 0) {
		if (find_line(cur.ptr, cur.size, wrapper_marker) >= 0 && path_exists(orig.ptr)) {
			if (rename(orig.ptr, path.ptr) < 0) {
				gs_error_set("cannot move '%s' back to '%s': %s", orig.ptr, path.ptr,
					     strerror(errno));
				goto done;
			}
			error = gs_buf_printf(log, "%s: restored the original hook '%s'\n", hook, path.ptr);
			goto done;
		}
		if (unlink(path.ptr) < 0) {
			gs_error_set("cannot remove '%s': %s", path.ptr, strerror(errno));
			goto done;
		}
		error = gs_buf_printf(log, "%s: removed '%s'\n", hook, path.ptr);
		goto done;
	}
	if (find_block(&off, &len, cur.ptr, cur.size) == 0) {
		if (gs_buf_splice(&cur, off, len, NULL, 0) < 0 ||
		    gs_file_write_atomic(path.ptr, cur.ptr, cur.size, 0777) < 0)
			goto done;
		error = gs_buf_printf(log, "%s: removed the git-stats block from '%s'\n", hook, path.ptr);
		goto done;
	}
	error = 0;
done:
	gs_buf_dispose(&path);
	gs_buf_dispose(&orig);
	gs_buf_dispose(&cur);
	return error;
}

/* --- attributes ------------------------------------------------------------------ */

/*
 * The attribute line for the issues directory's .md files. A gitattributes
 * pattern ends at the first blank (git has no escaped blank there), so a
 * space is written as [[:space:]]; `*?[\` are wildcards and get a
 * backslash, as do a leading `!` (a negative pattern, which git ignores),
 * `#` (a comment) and `"` (a C-quoted pattern). A control character (a
 * line break would end the line) is refused with GS_EUSAGE, though
 * gs_hooks_issues_dir() already refuses it.
 */
static int attr_line(gs_buf *out, git_repository *repo)
{
	gs_buf dir = GS_BUF_INIT;
	int error = GS_ERROR;
	size_t i;

	gs_buf_clear(out);
	if ((error = gs_hooks_issues_dir(&dir, repo)) < 0)
		goto done;
	error = GS_ERROR;
	for (i = 0; i < dir.size; i++) {
		char c = dir.ptr[i];
		int rc;

		if ((unsigned char)c < 0x20 || c == 0x7f) {
			gs_error_set("stats.issuesDir: a directory name with a control character "
				     "cannot be named in gitattributes");
			error = GS_EUSAGE;
			goto done;
		}
		if (c == ' ')
			rc = gs_buf_puts(out, "[[:space:]]");
		else if (c == '*' || c == '?' || c == '[' || c == '\\' ||
			 (i == 0 && (c == '!' || c == '#' || c == '"')))
			rc = gs_buf_putc(out, '\\') < 0 ? -1 : gs_buf_putc(out, c);
		else
			rc = gs_buf_putc(out, c);
		if (rc < 0)
			goto done;
	}
	error = gs_buf_printf(out, "/*.md merge=%s", GS_HOOKS_MERGE_NAME);
done:
	if (error < 0)
		gs_buf_clear(out);
	gs_buf_dispose(&dir);
	return error;
}

static int attr_file(gs_buf *out, git_repository *repo, int shared)
{
	gs_buf_clear(out);
	if (shared) {
		if (git_repository_is_bare(repo)) {
			gs_error_set("--shared needs a work tree: a bare repository has no .gitattributes");
			return GS_EUSAGE;
		}
		return gs_buf_printf(out, "%s.gitattributes", git_repository_workdir(repo));
	}
	return gs_buf_printf(out, "%sinfo/attributes", git_repository_commondir(repo));
}

/* True when `line` (without its newline) is one of [p, p+size)'s lines. */
static int has_line(const char *p, size_t size, const char *line)
{
	size_t n = strlen(line), i = 0;

	while (i < size) {
		size_t e = line_end(p, size, i), l = e - i;

		if (l && p[e - 1] == '\n')
			l--;
		if (l && p[i + l - 1] == '\r')
			l--;
		if (l == n && !memcmp(p + i, line, n))
			return 1;
		i = e;
	}
	return 0;
}

/* Is the line at [p+i, p+e) an attribute line naming our driver? */
static int is_our_attr(const char *p, size_t i, size_t e)
{
	static const char tail[] = " merge=" GS_HOOKS_MERGE_NAME;
	size_t n = sizeof(tail) - 1, l = e - i;

	if (l && p[e - 1] == '\n')
		l--;
	if (l && p[i + l - 1] == '\r')
		l--;
	return l > n && !memcmp(p + i + l - n, tail, n);
}

/*
 * What install did to the attributes file besides adding its two lines,
 * said in its comment so that uninstall can undo exactly that: the file
 * did not exist, or its last line had no newline and got one.
 */
static const char attr_new_file[] = " (new file)";
static const char attr_added_nl[] = " (newline added above)";

enum { ATTR_NOT_OURS, ATTR_PLAIN, ATTR_NEW_FILE, ATTR_ADDED_NL };

/* Which of our comments the line at [p+i, p+e) is, if any. */
static int our_comment(const char *p, size_t i, size_t e)
{
	size_t l = e - i, n = sizeof(attr_comment) - 1;

	if (l && p[e - 1] == '\n')
		l--;
	if (l && p[i + l - 1] == '\r')
		l--;
	if (l < n || memcmp(p + i, attr_comment, n))
		return ATTR_NOT_OURS;
	p += i + n;
	l -= n;
	if (!l)
		return ATTR_PLAIN;
	if (l == sizeof(attr_new_file) - 1 && !memcmp(p, attr_new_file, l))
		return ATTR_NEW_FILE;
	if (l == sizeof(attr_added_nl) - 1 && !memcmp(p, attr_added_nl, l))
		return ATTR_ADDED_NL;
	return ATTR_NOT_OURS;
}

/* Add the attribute line; `dry` as for install_hook(). */
static int install_attr(gs_buf *log, git_repository *repo, int shared, int dry)
{
	gs_buf path = GS_BUF_INIT, dir = GS_BUF_INIT, cur = GS_BUF_INIT, line = GS_BUF_INIT;
	int error = GS_ERROR, rc, existed, add_nl;

	if ((rc = attr_file(&path, repo, shared)) < 0 || (rc = attr_line(&line, repo)) < 0) {
		error = rc;
		goto done;
	}
	rc = gs_file_read(&cur, path.ptr, HOOK_MAX_SIZE);
	if (rc < 0 && rc != GS_ENOTFOUND) {
		error = rc;
		goto done;
	}
	existed = rc == 0;
	if (has_line(cur.ptr, cur.size, line.ptr)) {
		error = dry ? 0
			    : gs_buf_printf(log, "attribute '%s' in '%s': unchanged\n", line.ptr,
					    path.ptr);
		goto done;
	}
	if (dry) {
		error = 0;
		goto done;
	}
	/*
	 * A line an earlier install wrote under our comment (another
	 * issuesDir, or the same written before it was escaped) is replaced
	 * in place, so that re-running install never adds a second one.
	 */
	for (size_t i = 0; i < cur.size;) {
		size_t e = line_end(cur.ptr, cur.size, i), e2;

		if (our_comment(cur.ptr, i, e) != ATTR_NOT_OURS &&
		    (e2 = line_end(cur.ptr, cur.size, e)) > e && is_our_attr(cur.ptr, e, e2)) {
			size_t n = e2 - e;

			if (cur.ptr[e + n - 1] == '\n')
				n--;
			if (n && cur.ptr[e + n - 1] == '\r')
				n--;
			if (gs_buf_splice(&cur, e, n, line.ptr, line.size) < 0 ||
			    gs_file_write_atomic(path.ptr, cur.ptr, cur.size, 0666) < 0)
				goto done;
			error = gs_buf_printf(log, "attribute '%s': updated in '%s'\n", line.ptr, path.ptr);
			goto done;
		}
		i = e;
	}
	add_nl = cur.size && cur.ptr[cur.size - 1] != '\n';
	if (add_nl && gs_buf_putc(&cur, '\n') < 0)
		goto done;
	if (gs_buf_printf(&cur, "%s%s\n%s\n", attr_comment,
			  !existed ? attr_new_file : add_nl ? attr_added_nl : "", line.ptr) < 0 ||
	    dir_name(&dir, path.ptr) < 0 || gs_file_mkdir_p(dir.ptr, 0777) < 0 ||
	    gs_file_write_atomic(path.ptr, cur.ptr, cur.size, 0666) < 0)
		goto done;
	error = gs_buf_printf(log, "attribute '%s': added to '%s'\n", line.ptr, path.ptr);
done:
	gs_buf_dispose(&path);
	gs_buf_dispose(&dir);
	gs_buf_dispose(&cur);
	gs_buf_dispose(&line);
	return error;
}

/*
 * Take out what install added: our comment and the attribute line under
 * it, the newline it gave the line above, the file if it made it. A line
 * equal to ours that the user wrote (install then said "unchanged") stays.
 */
static int uninstall_attr(gs_buf *log, git_repository *repo, int shared)
{
	gs_buf path = GS_BUF_INIT, cur = GS_BUF_INIT;
	size_t i = 0, removed = 0;
	int error = GS_ERROR, rc, made_file = 0;

	if (attr_file(&path, repo, shared) < 0) {
		gs_error_clear();
		error = 0; /* no work tree: nothing was written there */
		goto done;
	}
	rc = gs_file_read(&cur, path.ptr, HOOK_MAX_SIZE);
	if (rc == GS_ENOTFOUND) {
		error = 0;
		goto done;
	}
	if (rc < 0)
		goto done;
	while (i < cur.size) {
		size_t e = line_end(cur.ptr, cur.size, i), e2;
		int kind = our_comment(cur.ptr, i, e);

		if (kind == ATTR_NOT_OURS) {
			i = e;
			continue;
		}
		/* the line under it, when it is ours (even for an older issuesDir) */
		e2 = line_end(cur.ptr, cur.size, e);
		if (e2 > e && is_our_attr(cur.ptr, e, e2))
			e = e2;
		/* only at the end: with lines after it, that newline ends the line above */
		if (kind == ATTR_ADDED_NL && e == cur.size && i > 0 && cur.ptr[i - 1] == '\n')
			i--;
		made_file |= kind == ATTR_NEW_FILE;
		if (gs_buf_splice(&cur, i, e - i, NULL, 0) < 0)
			goto done;
		removed++;
	}
	if (!removed) {
		error = 0;
		goto done;
	}
	if (cur.size == 0 && made_file) {
		if (unlink(path.ptr) < 0) {
			gs_error_set("cannot remove '%s': %s", path.ptr, strerror(errno));
			goto done;
		}
	} else if (gs_file_write_atomic(path.ptr, cur.ptr, cur.size, 0666) < 0) {
		goto done;
	}
	error = gs_buf_printf(log, "attribute: removed from '%s'\n", path.ptr);
done:
	gs_buf_dispose(&path);
	gs_buf_dispose(&cur);
	return error;
}

/* --- install / uninstall ------------------------------------------------------------ */

static int driver_command(gs_buf *out, const gs_hooks_env *env)
{
	gs_buf_clear(out);
	if (env->on_path)
		return gs_buf_puts(out, "git-stats merge-driver %O %A %B %P");
	if (shell_quote(out, env->self.ptr) < 0)
		return GS_ERROR;
	return gs_buf_puts(out, " merge-driver %O %A %B %P");
}

int gs_hooks_install(gs_buf *log, git_repository *repo, const gs_hooks_env *env, unsigned flags)
{
	gs_buf dir = GS_BUF_INIT, val = GS_BUF_INIT;
	git_config *local = NULL; /* opened only to see that it can be */
	int shared = (flags & GS_HOOKS_SHARED) != 0;
	size_t i;
	int error = GS_ERROR, rc;

	/* Everything that can refuse is checked before anything is written:
	 * a refusal halfway would leave a half install (hooks and a driver
	 * without their attribute). */
	if (gs_hooks_dir(&dir, repo) < 0 || local_config(&local, repo) < 0)
		goto done;
	git_config_free(local);
	if ((rc = install_attr(NULL, repo, shared, 1)) < 0) {
		error = rc;
		goto done;
	}
	for (i = 0; i < GS_HOOKS_COUNT; i++)
		if (install_hook(NULL, dir.ptr, env, hook_names[i], 1) < 0)
			goto done;

	if (gs_file_mkdir_p(dir.ptr, 0777) < 0)
		goto done;
	for (i = 0; i < GS_HOOKS_COUNT; i++)
		if (install_hook(log, dir.ptr, env, hook_names[i], 0) < 0)
			goto done;
	if (config_ensure(log, repo, "merge." GS_HOOKS_MERGE_NAME ".name",
			  "git-stats issue files (counters add up, runs and attempts union)") < 0 ||
	    driver_command(&val, env) < 0 ||
	    config_ensure(log, repo, "merge." GS_HOOKS_MERGE_NAME ".driver", val.ptr) < 0)
		goto done;
	if ((rc = install_attr(log, repo, shared, 0)) < 0) {
		error = rc;
		goto done;
	}
	if (!env->on_path) {
		gs_buf_clear(&val);
		if (gs_buf_putc(&val, '!') < 0 || shell_quote(&val, env->self.ptr) < 0 ||
		    config_ensure(log, repo, "alias.stats", val.ptr) < 0)
			goto done;
	}
	error = 0;
done:
	gs_buf_dispose(&dir);
	gs_buf_dispose(&val);
	return error;
}

int gs_hooks_uninstall(gs_buf *log, git_repository *repo)
{
	gs_buf dir = GS_BUF_INIT;
	size_t i;
	int error = GS_ERROR;

	if (gs_hooks_dir(&dir, repo) < 0)
		goto done;
	for (i = 0; i < GS_HOOKS_COUNT; i++)
		if (uninstall_hook(log, dir.ptr, hook_names[i]) < 0)
			goto done;
	if (config_remove(log, repo, "merge." GS_HOOKS_MERGE_NAME ".driver", driver_is_ours) < 0 ||
	    config_remove(log, repo, "merge." GS_HOOKS_MERGE_NAME ".name", NULL) < 0 ||
	    config_remove(log, repo, "alias.stats", alias_is_ours) < 0 ||
	    drop_empty_section(repo, "[merge \"" GS_HOOKS_MERGE_NAME "\"]") < 0 ||
	    drop_empty_section(repo, "[alias]") < 0 ||
	    uninstall_attr(log, repo, 0) < 0 || uninstall_attr(log, repo, 1) < 0)
		goto done;
	error = 0;
done:
	gs_buf_dispose(&dir);
	return error;
}

/* --- doctor --------------------------------------------------------------------------- */

int gs_hooks_checklist_add(gs_hooks_checklist *list, const char *name, int ok, const char *fix,
			   const char *fmt, ...)
{
	gs_hooks_check *items, *c;
	va_list ap;
	int rc;

	items = realloc(list->items, (list->count + 1) * sizeof(*items));
	if (!items) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	list->items = items;
	c = &items[list->count++];
	c->name = name;
	c->ok = ok;
	gs_buf_init(&c->detail);
	gs_buf_init(&c->fix);
	va_start(ap, fmt);
	rc = gs_buf_vprintf(&c->detail, fmt, ap);
	va_end(ap);
	if (rc < 0 || (fix && gs_buf_puts(&c->fix, fix) < 0))
		return GS_ERROR;
	return 0;
}

void gs_hooks_checklist_dispose(gs_hooks_checklist *list)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		gs_buf_dispose(&list->items[i].detail);
		gs_buf_dispose(&list->items[i].fix);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

size_t gs_hooks_checklist_failures(const gs_hooks_checklist *list)
{
	size_t i, n = 0;

	for (i = 0; i < list->count; i++)
		n += !list->items[i].ok;
	return n;
}

/* How one hook file stands: 0 absent/foreign, 1 ours and current, 2 ours but stale. */
static int hook_state(const char *dir, const gs_hooks_env *env, const char *hook, int *executable)
{
	gs_buf path = GS_BUF_INIT, cur = GS_BUF_INIT, want = GS_BUF_INIT;
	size_t off, len, woff, wlen;
	int state = 0;

	*executable = 0;
	if (hook_path(&path, dir, hook, "") < 0 || gs_file_read(&cur, path.ptr, HOOK_MAX_SIZE) < 0)
		goto done;
	*executable = access(path.ptr, X_OK) == 0;
	if (find_block(&off, &len, cur.ptr, cur.size) < 0)
		goto done;
	state = 2;
	if (gs_hooks_render(&want, env, hook) < 0 || find_block(&woff, &wlen, want.ptr, want.size) < 0)
		goto done;
	if (len == wlen && !memcmp(cur.ptr + off, want.ptr + woff, len))
		state = 1;
done:
	gs_error_clear();
	gs_buf_dispose(&path);
	gs_buf_dispose(&cur);
	gs_buf_dispose(&want);
	return state;
}

static int check_hooks(gs_hooks_checklist *list, git_repository *repo, const gs_hooks_env *env)
{
	gs_buf dir = GS_BUF_INIT, dflt = GS_BUF_INIT, missing = GS_BUF_INIT, stale = GS_BUF_INIT,
	       noexec = GS_BUF_INIT, prog = GS_BUF_INIT, noprog = GS_BUF_INIT;
	size_t i;
	int error = GS_ERROR, x, in_default = 0;

	if (gs_hooks_dir(&dir, repo) < 0 || gs_buf_printf(&dflt, "%shooks", git_repository_commondir(repo)) < 0)
		goto done;
	strip_slashes(&dflt);
	for (i = 0; i < GS_HOOKS_COUNT; i++) {
		int st = hook_state(dir.ptr, env, hook_names[i], &x);
		gs_buf *which = st == 0 ? &missing : st == 2 ? &stale : !x ? &noexec : NULL;

		if (which && gs_buf_printf(which, "%s%s", which->size ? ", " : "", hook_names[i]) < 0)
			goto done;
		if (hook_program(&prog, env, hook_names[i]) < 0)
			goto done;
		if (!is_executable_file(prog.ptr) &&
		    gs_buf_printf(&noprog, "%s%s", noprog.size ? ", " : "", prog.ptr) < 0)
			goto done;
		if (strcmp(dir.ptr, dflt.ptr) && hook_state(dflt.ptr, env, hook_names[i], &x) != 0)
			in_default = 1;
	}
	if (missing.size && in_default)
		error = gs_hooks_checklist_add(list, "hooks", 0, "git stats install",
			"git runs hooks from '%s' (core.hooksPath), but the git-stats hooks are in '%s'",
			dir.ptr, dflt.ptr);
	else if (missing.size)
		error = gs_hooks_checklist_add(list, "hooks", 0, "git stats install",
			"%s not installed in '%s', the hooks directory git uses", missing.ptr, dir.ptr);
	else if (stale.size)
		error = gs_hooks_checklist_add(list, "hooks", 0, "git stats install",
			"%s in '%s' installed by another git-stats", stale.ptr, dir.ptr);
	else if (noexec.size)
		error = gs_hooks_checklist_add(list, "hooks", 0, "chmod +x on the hook files",
			"%s in '%s' not executable, git skips them", noexec.ptr, dir.ptr);
	else if (noprog.size)
		error = gs_hooks_checklist_add(list, "hooks", 0, "reinstall git-stats",
			"hook programs missing: %s", noprog.ptr);
	else
		error = gs_hooks_checklist_add(list, "hooks", 1, NULL,
			"post-commit, post-merge, post-rewrite in '%s'", dir.ptr);
done:
	gs_buf_dispose(&dir);
	gs_buf_dispose(&dflt);
	gs_buf_dispose(&missing);
	gs_buf_dispose(&stale);
	gs_buf_dispose(&noexec);
	gs_buf_dispose(&prog);
	gs_buf_dispose(&noprog);
	return error;
}

static int workdir_has(git_repository *repo, const char *name)
{
	gs_buf p = GS_BUF_INIT;
	int found;

	if (git_repository_is_bare(repo))
		return 0;
	found = gs_buf_printf(&p, "%s%s", git_repository_workdir(repo), name) == 0 && path_exists(p.ptr);
	gs_buf_dispose(&p);
	return found;
}

/* Does any file in the hooks directory mention `needle`? (Managers stamp their hooks.) */
static int hooks_mention(const char *dir, const char *needle)
{
	gs_buf path = GS_BUF_INIT, cur = GS_BUF_INIT;
	size_t i;
	int found = 0;

	for (i = 0; i < GS_HOOKS_COUNT + 2 && !found; i++) {
		static const char *const extra[] = { "pre-commit", "commit-msg" };
		const char *h = i < GS_HOOKS_COUNT ? hook_names[i] : extra[i - GS_HOOKS_COUNT];

		gs_buf_clear(&cur);
		if (hook_path(&path, dir, h, "") < 0)
			break;
		if (gs_file_read(&cur, path.ptr, HOOK_MAX_SIZE) == 0 && strstr(cur.ptr, needle))
			found = 1;
	}
	gs_error_clear();
	gs_buf_dispose(&path);
	gs_buf_dispose(&cur);
	return found;
}

static int check_managers(gs_hooks_checklist *list, git_repository *repo)
{
	gs_buf dir = GS_BUF_INIT, hp = GS_BUF_INIT, found = GS_BUF_INIT;
	int error = GS_ERROR, rc, husky;

	if (gs_hooks_dir(&dir, repo) < 0)
		goto done;
	rc = config_get(&hp, repo, "core.hooksPath");
	if (rc < 0 && rc != GS_ENOTFOUND)
		goto done;
	husky = (rc == 0 && strstr(hp.ptr, ".husky")) || workdir_has(repo, ".husky");
	if ((husky && gs_buf_puts(&found, ", husky") < 0) ||
	    ((workdir_has(repo, ".pre-commit-config.yaml") || hooks_mention(dir.ptr, "pre-commit.com") ||
	      hooks_mention(dir.ptr, "File generated by pre-commit")) &&
	     gs_buf_puts(&found, ", pre-commit") < 0) ||
	    ((workdir_has(repo, "lefthook.yml") || workdir_has(repo, ".lefthook.yml") ||
	      hooks_mention(dir.ptr, "lefthook")) &&
	     gs_buf_puts(&found, ", lefthook") < 0) ||
	    ((workdir_has(repo, ".overcommit.yml") || hooks_mention(dir.ptr, "overcommit")) &&
	     gs_buf_puts(&found, ", overcommit") < 0))
		goto done;
	/*
	 * A manager is fine as long as git reaches our hooks (the "hooks"
	 * check says whether it does); the warning is that managers rewrite
	 * their hook files, which removes ours.
	 */
	if (found.size)
		error = gs_hooks_checklist_add(list, "hook managers", 1, NULL,
			"%s; core.hooksPath is %s%s%s; re-run 'git stats install' after the manager rewrites its hooks",
			found.ptr + 2, rc == 0 ? "'" : "", rc == 0 ? hp.ptr : "unset", rc == 0 ? "'" : "");
	else
		error = gs_hooks_checklist_add(list, "hook managers", 1, NULL, "none; core.hooksPath is %s%s%s",
			rc == 0 ? "'" : "", rc == 0 ? hp.ptr : "unset", rc == 0 ? "'" : "");
done:
	gs_buf_dispose(&dir);
	gs_buf_dispose(&hp);
	gs_buf_dispose(&found);
	return error;
}

static int check_merge(gs_hooks_checklist *list, git_repository *repo, const gs_hooks_env *env)
{
	gs_buf val = GS_BUF_INIT, dir = GS_BUF_INIT, probe = GS_BUF_INIT;
	const char *attr = NULL;
	int error = GS_ERROR, rc;

	rc = config_get(&val, repo, "merge." GS_HOOKS_MERGE_NAME ".driver");
	if (rc < 0 && rc != GS_ENOTFOUND)
		goto done;
	if (rc == GS_ENOTFOUND)
		rc = gs_hooks_checklist_add(list, "merge driver", 0, "git stats install",
					    "merge.%s.driver is not set", GS_HOOKS_MERGE_NAME);
	else if (!driver_is_ours(val.ptr))
		rc = gs_hooks_checklist_add(list, "merge driver", 0, "git stats install",
					    "merge.%s.driver is '%s', not git-stats", GS_HOOKS_MERGE_NAME, val.ptr);
	else if (!strncmp(val.ptr, "git-stats ", 10) && !env->on_path)
		rc = gs_hooks_checklist_add(list, "merge driver", 0, "git stats install",
					    "merge.%s.driver runs 'git-stats', which is not on PATH", GS_HOOKS_MERGE_NAME);
	else
		rc = gs_hooks_checklist_add(list, "merge driver", 1, NULL, "merge.%s.driver = %s",
					    GS_HOOKS_MERGE_NAME, val.ptr);
	if (rc < 0)
		goto done;

	/* Ask git's own attribute lookup, so every source (.gitattributes, info/, global) counts. */
	if (gs_hooks_issues_dir(&dir, repo) < 0 || gs_buf_printf(&probe, "%s/1.md", dir.ptr) < 0)
		goto done;
	if (git_attr_get(&attr, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, probe.ptr, "merge") < 0) {
		libgit2_error("cannot read attributes");
		goto done;
	}
	if (attr && git_attr_value(attr) == GIT_ATTR_VALUE_STRING && !strcmp(attr, GS_HOOKS_MERGE_NAME))
		error = gs_hooks_checklist_add(list, "merge attribute", 1, NULL, "'%s' has merge=%s",
					       probe.ptr, GS_HOOKS_MERGE_NAME);
	else
		error = gs_hooks_checklist_add(list, "merge attribute", 0, "git stats install",
					       "'%s' does not have merge=%s", probe.ptr, GS_HOOKS_MERGE_NAME);
done:
	gs_buf_dispose(&val);
	gs_buf_dispose(&dir);
	gs_buf_dispose(&probe);
	return error;
}

static int check_command(gs_hooks_checklist *list, git_repository *repo, const gs_hooks_env *env)
{
	gs_buf val = GS_BUF_INIT;
	int error = GS_ERROR, rc;

	if (env->on_path) {
		error = gs_hooks_checklist_add(list, "command", 1, NULL, "git-stats is on PATH");
		goto done;
	}
	rc = config_get(&val, repo, "alias.stats");
	if (rc < 0 && rc != GS_ENOTFOUND)
		goto done;
	if (rc == 0)
		error = gs_hooks_checklist_add(list, "command", 1, NULL, "alias.stats = %s", val.ptr);
	else
		error = gs_hooks_checklist_add(list, "command", 0, "git stats install",
					       "git-stats is not on PATH and alias.stats is not set");
done:
	gs_buf_dispose(&val);
	return error;
}

/* The identity stats commits get (the store's rule); its fallback means nobody set one. */
static int check_identity(gs_hooks_checklist *list, gs_repo *r)
{
	git_signature *author = NULL, *committer = NULL;
	int error;

	if (gs_store_signature(&author, &committer, r) < 0)
		error = gs_hooks_checklist_add(list, "identity", 0,
			"git config user.name 'Your Name' && git config user.email you@example.com", "%s",
			gs_error_last());
	else if (!strcmp(committer->email, "git-stats@localhost"))
		error = gs_hooks_checklist_add(list, "identity", 0,
			"git config user.name 'Your Name' && git config user.email you@example.com",
			"user.name/user.email not set; commits would be made as '%s <%s>'", committer->name,
			committer->email);
	else
		error = gs_hooks_checklist_add(list, "identity", 1, NULL, "%s <%s>", committer->name,
					       committer->email);
	git_signature_free(author);
	git_signature_free(committer);
	return error;
}

static int check_spool(gs_hooks_checklist *list, gs_repo *r)
{
	gs_buf dir = GS_BUF_INIT;
	size_t n = 0;
	int error = GS_ERROR;

	if (gs_spool_count(&n, r) < 0 || gs_spool_dir(&dir, r) < 0)
		goto done;
	if (n)
		error = gs_hooks_checklist_add(list, "spool", 0, "git stats flush",
					       "%zu record%s waiting in '%s'", n, n == 1 ? "" : "s", dir.ptr);
	else
		error = gs_hooks_checklist_add(list, "spool", 1, NULL, "empty");
done:
	gs_buf_dispose(&dir);
	return error;
}

/* `git stats verify` over the target ref: every issue's totals match its run blocks. */
static int check_verify(gs_hooks_checklist *list, gs_repo *r)
{
	git_repository *repo = gs_repo_git(r);
	const char *ref = NULL;
	git_reference *ref_obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	gs_issue_list issues = { NULL, 0 };
	gs_buf bad = GS_BUF_INIT;
	size_t i, nbad = 0;
	int error = GS_ERROR, rc;

	if (gs_repo_target_ref(&ref, r) < 0) {
		error = gs_hooks_checklist_add(list, "verify", 0, "git stats verify", "%s", gs_error_last());
		goto done;
	}
	rc = git_reference_lookup(&ref_obj, repo, ref);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		error = gs_hooks_checklist_add(list, "verify", 1, NULL, "'%s' has no commits yet", ref);
		goto done;
	}
	if (rc < 0 || git_reference_peel((git_object **)&commit, ref_obj, GIT_OBJECT_COMMIT) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		gs_repo_git_error("cannot read '%s'", ref);
		error = gs_hooks_checklist_add(list, "verify", 0, "git stats verify", "%s", gs_error_last());
		goto done;
	}
	if (gs_issue_list_at(&issues, repo, tree, gs_repo_issues_dir(r), 0) < 0)
		goto done;
	for (i = 0; i < issues.count; i++) {
		git_blob *blob = NULL;
		gs_run_drift *drift = NULL;
		size_t n = 0;

		rc = git_blob_lookup(&blob, repo, &issues.entries[i].blob);
		if (rc == 0)
			rc = gs_run_check(&drift, &n, NULL, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
					  issues.entries[i].path);
		if (rc < 0 || n) {
			nbad++;
			if (nbad <= 3 && gs_buf_printf(&bad, "%s'%s'", nbad > 1 ? ", " : "", issues.entries[i].path) < 0)
				rc = GS_ERROR;
		}
		gs_run_drift_free(drift, n);
		git_blob_free(blob);
	}
	gs_error_clear();
	if (nbad)
		error = gs_hooks_checklist_add(list, "verify", 0, "git stats verify --fix",
					       "%zu of %zu issue%s on '%s' do not match their run blocks: %s%s", nbad,
					       issues.count, issues.count == 1 ? "" : "s", ref, bad.ptr, nbad > 3 ? ", ..." : "");
	else
		error = gs_hooks_checklist_add(list, "verify", 1, NULL, "%zu issue%s on '%s' match their run blocks",
					       issues.count, issues.count == 1 ? "" : "s", ref);
done:
	gs_issue_list_dispose(&issues);
	gs_buf_dispose(&bad);
	git_tree_free(tree);
	git_commit_free(commit);
	git_reference_free(ref_obj);
	return error;
}

int gs_hooks_doctor(gs_hooks_checklist *list, gs_repo *r, const gs_hooks_env *env)
{
	git_repository *repo = gs_repo_git(r);

	if (check_command(list, repo, env) < 0 || check_hooks(list, repo, env) < 0 ||
	    check_managers(list, repo) < 0 || check_merge(list, repo, env) < 0 ||
	    check_identity(list, r) < 0 || check_spool(list, r) < 0 || check_verify(list, r) < 0)
		return GS_ERROR;
	return 0;
}

/* --- hook programs -------------------------------------------------------------- */

/* Any entry in `dir` whose name does not start with '.' and ends with `suffix`. */
static int dir_has_entry(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t sl = strlen(suffix);
	int found = 0;

	if (!d)
		return errno != ENOENT; /* unreadable: let the real hook look */
	while (!found && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		found = de->d_name[0] != '.' && n >= sl && !strcmp(de->d_name + n - sl, suffix);
	}
	closedir(d);
	return found;
}

/* $GIT_DIR as git sets up a hook's environment: GIT_DIR, else ./.git, else a bare "." */
static int quick_gitdir(gs_buf *out)
{
	const char *env = getenv("GIT_DIR");
	struct stat st;

	gs_buf_clear(out);
	if (env && *env)
		return gs_buf_puts(out, env);
	if (stat(".git", &st) == 0 && S_ISDIR(st.st_mode))
		return gs_buf_puts(out, ".git");
	if (stat(".git", &st) == 0 && S_ISREG(st.st_mode)) {
		gs_buf link = GS_BUF_INIT;
		int error = GS_ENOTFOUND;

		/* A linked work tree or submodule: "gitdir: <path>". */
		if (gs_file_read(&link, ".git", 4096) == 0 && !strncmp(link.ptr, "gitdir: ", 8)) {
			size_t n = strcspn(link.ptr + 8, "\r\n");

			error = gs_buf_put(out, link.ptr + 8, n);
		}
		gs_buf_dispose(&link);
		return error;
	}
	if (stat("HEAD", &st) == 0 && stat("objects", &st) == 0 && S_ISDIR(st.st_mode))
		return gs_buf_puts(out, ".");
	return GS_ENOTFOUND;
}

/*
 * The common dir of `gitdir` as git finds it: GIT_COMMON_DIR, else the
 * path in a linked worktree's "commondir" file (relative to `gitdir`
 * unless absolute), else `gitdir` itself.
 */
static int quick_commondir(gs_buf *out, const char *gitdir)
{
	const char *env = getenv("GIT_COMMON_DIR");
	gs_buf file = GS_BUF_INIT, text = GS_BUF_INIT;
	int error;

	gs_buf_clear(out);
	if (env && *env)
		return gs_buf_puts(out, env);
	if ((error = gs_buf_printf(&file, "%s/commondir", gitdir)) < 0)
		goto done;
	if (gs_file_read(&text, file.ptr, 4096) == 0 && text.size) {
		size_t n = strcspn(text.ptr, "\r\n");

		if (text.ptr[0] != '/' && (error = gs_buf_printf(out, "%s/", gitdir)) < 0)
			goto done;
		error = gs_buf_put(out, text.ptr, n);
	} else {
		error = gs_buf_puts(out, gitdir);
	}
done:
	gs_buf_dispose(&file);
	gs_buf_dispose(&text);
	return error;
}

int gs_hooks_may_have_work(const char *hook)
{
	gs_buf gitdir = GS_BUF_INIT, common = GS_BUF_INIT, dir = GS_BUF_INIT;
	int maybe = 1;

	if (strcmp(hook, "post-commit") && strcmp(hook, "post-rewrite"))
		goto done;
	if (quick_gitdir(&gitdir) < 0 || quick_commondir(&common, gitdir.ptr) < 0)
		goto done;
	/*
	 * Running attempts live in $GIT_COMMON_DIR/stats/attempts/ (gs/attempt.h),
	 * records in $GIT_DIR/stats/spool/ (gs/spool.h).
	 */
	if (gs_buf_printf(&dir, "%s/stats/attempts", common.ptr) < 0)
		goto done;
	maybe = dir_has_entry(dir.ptr, "");
	if (!maybe && !strcmp(hook, "post-commit")) {
		gs_buf_clear(&dir);
		maybe = gs_buf_printf(&dir, "%s/stats/spool", gitdir.ptr) < 0 || dir_has_entry(dir.ptr, ".json");
	}
done:
	gs_error_clear();
	gs_buf_dispose(&gitdir);
	gs_buf_dispose(&common);
	gs_buf_dispose(&dir);
	return maybe;
}

void gs_hooks_ids_dispose(gs_hooks_ids *ids)
{
	size_t i;

	for (i = 0; i < ids->count; i++)
		free(ids->ids[i]);
	free(ids->ids);
	ids->ids = NULL;
	ids->count = 0;
}

static int ids_add(gs_hooks_ids *ids, const char *id, size_t len)
{
	char **v;
	size_t i;

	for (i = 0; i < ids->count; i++)
		if (strlen(ids->ids[i]) == len && !strncmp(ids->ids[i], id, len))
			return 0;
	v = realloc(ids->ids, (ids->count + 1) * sizeof(*v));
	if (!v) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	ids->ids = v;
	v[ids->count] = strndup(id, len);
	if (!v[ids->count]) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	ids->count++;
	return 0;
}

/* One changed issue file: its path from the root and its new blob. */
typedef struct {
	char *path;
	git_oid blob;
} changed_file;

typedef struct {
	changed_file *v;
	size_t n;
} changed_list;

static void changed_dispose(changed_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * The raw tree object of the issues directory under `root` (NULL when
 * absent or `root` is NULL). Raw bytes rather than a git_tree: libgit2's
 * parse of a 10,000-entry tree was 3M instructions, and the entries are
 * only walked once (raw_next).
 */
static int issues_subtree(git_odb_object **out, git_repository *repo, git_tree *root, const char *dir)
{
	git_tree_entry *e = NULL;
	git_odb *odb = NULL;
	int rc;

	*out = NULL;
	if (!root)
		return 0;
	rc = git_tree_entry_bypath(&e, root, dir);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return gs_repo_git_error("cannot read '%s'", dir);
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		if (git_repository_odb(&odb, repo) < 0 || git_odb_read(out, odb, git_tree_entry_id(e)) < 0)
			rc = gs_repo_git_error("cannot read '%s'", dir);
		else if (git_odb_object_type(*out) != GIT_OBJECT_TREE) {
			gs_error_set("cannot read '%s': not a tree", dir);
			rc = -1;
		}
	}
	git_odb_free(odb);
	git_tree_entry_free(e);
	if (rc < 0) {
		git_odb_object_free(*out);
		*out = NULL;
		return GS_ERROR;
	}
	return 0;
}

/* One entry of a raw tree object: "<octal mode> <name>\0<20-byte id>". */
struct raw_entry {
	unsigned int mode;
	const char *name;
	size_t len;
	const unsigned char *id;
};

#define RAW_IS_DIR(m) (((m) & 0170000) == 0040000)
#define RAW_IS_GITLINK(m) (((m) & 0170000) == 0160000)

/* The entry at *p (before `end`): 1 and *p moved past it, 0 at the end, -1 if malformed. */
static int raw_next(struct raw_entry *e, const char **p, const char *end)
{
	const char *q = *p, *nul;
	unsigned int mode = 0;
	int digits = 0;

	if (q >= end)
		return 0;
	for (; q < end && *q >= '0' && *q <= '7' && digits < 7; q++, digits++)
		mode = mode * 8 + (unsigned int)(*q - '0');
	if (!digits || q >= end || *q != ' ')
		return -1;
	q++;
	nul = memchr(q, '\0', (size_t)(end - q));
	if (!nul || nul == q || (size_t)(end - nul - 1) < GIT_OID_RAWSZ)
		return -1;
	e->mode = mode;
	e->name = q;
	e->len = (size_t)(nul - q);
	e->id = (const unsigned char *)nul + 1;
	*p = nul + 1 + GIT_OID_RAWSZ;
	return 1;
}

/* git's order of tree entries: names compared as if a tree's ended in '/'. */
static int raw_order_cmp(const struct raw_entry *x, const struct raw_entry *y)
{
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);
	unsigned char cx, cy;

	if (c)
		return c;
	cx = n < x->len ? (unsigned char)x->name[n] : RAW_IS_DIR(x->mode) ? '/' : 0;
	cy = n < y->len ? (unsigned char)y->name[n] : RAW_IS_DIR(y->mode) ? '/' : 0;
	return (int)cx - (int)cy;
}

/* Issue files that differ between two root trees (either may be NULL). */
static int changed_between(changed_list *out, gs_repo *r, git_tree *old_root, git_tree *new_root)
{
	git_repository *repo = gs_repo_git(r);
	const char *dir = gs_repo_issues_dir(r);
	git_odb_object *a = NULL, *b = NULL;
	const char *pa = NULL, *enda = NULL, *pb, *endb;
	struct raw_entry ea, eb;
	int error = GS_ERROR, ra = 0, rb;

	if (issues_subtree(&a, repo, old_root, dir) < 0 || issues_subtree(&b, repo, new_root, dir) < 0)
		goto done;
	/* The common case costs two tree reads: nothing in the issues directory changed. */
	if (!b || (a && git_oid_equal(git_odb_object_id(a), git_odb_object_id(b)))) {
		error = 0;
		goto done;
	}
	/*
	 * Compare entries by name rather than with git_diff: on 10,000 issues
	 * the tree diff machinery costs tens of milliseconds. Both trees are
	 * in git's tree order, so one merge walk pairs the entries (a binary
	 * search per entry cost 6M instructions).
	 */
	pb = git_odb_object_data(b);
	endb = pb + git_odb_object_size(b);
	if (a) {
		pa = git_odb_object_data(a);
		enda = pa + git_odb_object_size(a);
		ra = raw_next(&ea, &pa, enda);
	}
	while ((rb = raw_next(&eb, &pb, endb)) > 0) {
		changed_file *v;
		gs_buf full = GS_BUF_INIT;
		int cmp = 1;

		while (ra > 0 && (cmp = raw_order_cmp(&ea, &eb)) < 0)
			ra = raw_next(&ea, &pa, enda);
		if (ra < 0)
			break;
		if (RAW_IS_DIR(eb.mode) || RAW_IS_GITLINK(eb.mode) || eb.name[0] == '.' || eb.len < 4 ||
		    memcmp(eb.name + eb.len - 3, ".md", 3))
			continue;
		if (ra > 0 && cmp == 0 && !memcmp(ea.id, eb.id, GIT_OID_RAWSZ))
			continue;
		if (gs_buf_printf(&full, "%s/%.*s", dir, (int)eb.len, eb.name) < 0)
			goto done;
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v) {
			gs_buf_dispose(&full);
			gs_error_set("out of memory");
			goto done;
		}
		out->v = v;
		v[out->n].path = gs_buf_detach(&full);
		git_oid_fromraw(&v[out->n].blob, eb.id);
		out->n++;
	}
	if (rb < 0 || ra < 0) {
		gs_error_set("cannot read '%s': malformed tree", dir);
		goto done;
	}
	error = 0;
done:
	git_odb_object_free(a);
	git_odb_object_free(b);
	return error;
}

/* The id an issue file answers to: its frontmatter id, else its name's. */
static int file_id(gs_hooks_ids *ids, git_repository *repo, const changed_file *f)
{
	git_blob *blob = NULL;
	gs_fm *fm = NULL;
	char *id = NULL, name_id[GS_ISSUE_ID_MAX + 1];
	const char *base = strrchr(f->path, '/');
	int error = 0;

	if (git_blob_lookup(&blob, repo, &f->blob) == 0 &&
	    gs_fm_parse(&fm, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), f->path) == 0 &&
	    gs_fm_get_str(&id, fm, "id") == 0 && *id)
		error = ids_add(ids, id, strlen(id));
	else if (gs_issue_id_from_name(name_id, sizeof(name_id), base ? base + 1 : f->path) == 0)
		error = ids_add(ids, name_id, strlen(name_id));
	if (error == 0)
		gs_error_clear();
	free(id);
	gs_fm_free(fm);
	git_blob_free(blob);
	return error;
}

/* `Issue: 12, #13` trailers of a commit message. */
static int trailer_ids(gs_hooks_ids *ids, const char *message)
{
	git_message_trailer_array arr;
	size_t i;
	int error = 0;

	memset(&arr, 0, sizeof(arr));
	if (git_message_trailers(&arr, message) < 0) {
		git_error_clear();
		return 0; /* no trailers to read is not a problem for a hook */
	}
	for (i = 0; i < arr.count && error == 0; i++) {
		const char *v = arr.trailers[i].value;

		if (strcasecmp(arr.trailers[i].key, "Issue"))
			continue;
		while (*v && error == 0) {
			size_t n;

			while (*v == ' ' || *v == '\t' || *v == ',' || *v == '#')
				v++;
			n = strcspn(v, ", \t");
			if (n) {
				char *id = strndup(v, n);

				if (!id) {
					gs_error_set("out of memory");
					error = GS_ERROR;
				} else if (gs_issue_id_check(id) == 0) {
					error = ids_add(ids, v, n);
				} else {
					gs_error_clear(); /* not an id: someone's prose */
				}
				free(id);
			}
			v += n;
		}
	}
	git_message_trailer_array_free(&arr);
	return error;
}

int gs_hooks_commit_issues(gs_hooks_ids *out, gs_repo *r, const git_oid *commit)
{
	git_repository *repo = gs_repo_git(r);
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	changed_list changed = { NULL, 0 };
	size_t i;
	int error = GS_ERROR;

	if (git_commit_lookup(&c, repo, commit) < 0) {
		error = gs_repo_git_error("cannot read commit");
		goto done;
	}
	if (git_commit_tree(&tree, c) < 0 ||
	    (git_commit_parentcount(c) > 0 && (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&ptree, parent) < 0))) {
		error = gs_repo_git_error("cannot read commit");
		goto done;
	}
	if (changed_between(&changed, r, ptree, tree) < 0)
		goto done;
	for (i = 0; i < changed.n; i++)
		if (file_id(out, repo, &changed.v[i]) < 0)
			goto done;
	if (trailer_ids(out, git_commit_message(c)) < 0)
		goto done;
	error = 0;
done:
	changed_dispose(&changed);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_commit_free(c);
	return error;
}

static void warn_line(gs_buf *warn, const char *what)
{
	gs_buf_printf(warn, "%s: %s\n", what, gs_error_last());
	gs_error_clear();
}

/* Replay the spool, reporting what stays in it. */
static void flush_spool(gs_buf *warn, gs_repo *r)
{
	gs_spool_result res;
	size_t n = 0;

	if (gs_spool_count(&n, r) < 0) {
		warn_line(warn, "cannot read the spool");
		return;
	}
	if (!n)
		return;
	memset(&res, 0, sizeof(res));
	if (gs_spool_flush(&res, r, NULL) < 0)
		warn_line(warn, "cannot flush the spool");
	else if (res.failed)
		gs_buf_printf(warn, "%zu spooled record%s could not be applied; run 'git stats flush'\n", res.failed,
			      res.failed == 1 ? "" : "s");
	gs_spool_result_dispose(&res);
}

int gs_hooks_post_commit(gs_buf *warn, gs_repo *r)
{
	gs_attempt_running *running = NULL;
	gs_hooks_ids ids = { NULL, 0 };
	size_t nrunning = 0, i;
	git_oid head;
	int rc;

	if (gs_attempt_running_list(&running, &nrunning, r, NULL) < 0) {
		warn_line(warn, "cannot list running attempts");
	} else if (nrunning) {
		if (git_reference_name_to_id(&head, gs_repo_git(r), "HEAD") < 0) {
			gs_repo_git_error("cannot read 'HEAD'");
			warn_line(warn, "cannot record a checkpoint candidate");
		} else if (gs_hooks_commit_issues(&ids, r, &head) < 0) {
			warn_line(warn, "cannot record a checkpoint candidate");
		} else {
			for (i = 0; i < ids.count; i++)
				if (gs_attempt_candidate_record(r, ids.ids[i], &head) < 0)
					warn_line(warn, "cannot record a checkpoint candidate");
		}
	}
	gs_attempt_running_free(running, nrunning);
	gs_hooks_ids_dispose(&ids);

	/* Only a dedicated ref: a commit on the checked-out branch from here would land in the user's history. */
	rc = gs_repo_target_is_head(r);
	if (rc == 0)
		flush_spool(warn, r);
	else
		gs_error_clear();
	return 0;
}

static int tree_of(git_tree **out, git_repository *repo, const char *rev)
{
	git_object *obj = NULL;
	int rc;

	*out = NULL;
	rc = git_revparse_single(&obj, repo, rev);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (rc < 0 || git_object_peel((git_object **)out, obj, GIT_OBJECT_TREE) < 0)
		rc = gs_repo_git_error("cannot read '%s'", rev);
	git_object_free(obj);
	return rc < 0 ? GS_ERROR : 0;
}

int gs_hooks_post_merge(gs_buf *warn, gs_repo *r, int squash)
{
	git_repository *repo = gs_repo_git(r);
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_index *index = NULL;
	git_diff *diff = NULL;
	changed_list changed = { NULL, 0 };
	size_t i, k;

	if (squash) {
		/* A squash merge only staged the result: compare HEAD with the index. */
		if (tree_of(&old_tree, repo, "HEAD") < 0 || git_repository_index(&index, repo) < 0 ||
		    git_diff_tree_to_index(&diff, repo, old_tree, index, NULL) < 0) {
			gs_repo_git_error("cannot compare HEAD with the index");
			warn_line(warn, "cannot verify the merged issues");
		} else {
			size_t n = git_diff_num_deltas(diff), dl = strlen(gs_repo_issues_dir(r));

			for (i = 0; i < n; i++) {
				const git_diff_delta *d = git_diff_get_delta(diff, i);
				const char *p = d->new_file.path;
				changed_file *v;

				if (d->status == GIT_DELTA_DELETED || strncmp(p, gs_repo_issues_dir(r), dl) || p[dl] != '/' ||
				    strchr(p + dl + 1, '/') || strlen(p) < dl + 5 || strcmp(p + strlen(p) - 3, ".md"))
					continue;
				v = realloc(changed.v, (changed.n + 1) * sizeof(*v));
				if (!v)
					break;
				changed.v = v;
				v[changed.n].path = strdup(p);
				git_oid_cpy(&v[changed.n].blob, &d->new_file.id);
				if (v[changed.n].path)
					changed.n++;
			}
		}
	} else if (tree_of(&old_tree, repo, "ORIG_HEAD") < 0 || tree_of(&new_tree, repo, "HEAD") < 0 ||
		   changed_between(&changed, r, old_tree, new_tree) < 0) {
		warn_line(warn, "cannot verify the merged issues");
	}

	for (i = 0; i < changed.n; i++) {
		git_blob *blob = NULL;
		gs_run_drift *drift = NULL;
		size_t n = 0;

		if (git_blob_lookup(&blob, repo, &changed.v[i].blob) < 0) {
			gs_repo_git_error("cannot read '%s'", changed.v[i].path);
			warn_line(warn, "cannot verify");
			continue;
		}
		if (gs_run_check(&drift, &n, NULL, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
				 changed.v[i].path) < 0) {
			warn_line(warn, "cannot verify");
		} else if (n) {
			gs_buf_printf(warn, "drift in '%s':", changed.v[i].path);
			for (k = 0; k < n; k++)
				gs_buf_printf(warn, "%s %s is %s, run blocks give %s", k ? ";" : "", drift[k].key,
					      drift[k].recorded ? drift[k].recorded : "absent",
					      drift[k].expected ? drift[k].expected : "none");
			gs_buf_puts(warn, "; run 'git stats verify --fix'\n");
		}
		gs_run_drift_free(drift, n);
		git_blob_free(blob);
	}
	changed_dispose(&changed);
	git_diff_free(diff);
	git_index_free(index);
	git_tree_free(old_tree);
	git_tree_free(new_tree);

	/*
	 * git runs post-merge before it removes MERGE_HEAD, and the store will
	 * not commit to the checked-out branch while a merge looks unfinished:
	 * then the records wait for `git stats flush` (a fast-forward, or a
	 * dedicated ref, flushes here).
	 */
	if (gs_repo_target_is_head(r) == 1 && git_repository_state(repo) != GIT_REPOSITORY_STATE_NONE) {
		size_t n = 0;

		if (gs_spool_count(&n, r) == 0 && n)
			gs_buf_printf(warn, "%zu spooled record%s wait%s until git has finished the merge; run 'git stats flush'\n",
				      n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	} else {
		flush_spool(warn, r);
	}
	gs_error_clear();
	return 0;
}

int gs_hooks_post_rewrite(gs_buf *warn, gs_repo *r, const char *input, size_t len)
{
	gs_attempt_running *running = NULL;
	size_t nrunning = 0, i = 0;

	if (gs_attempt_running_list(&running, &nrunning, r, NULL) < 0) {
		warn_line(warn, "cannot list running attempts");
		return 0;
	}
	gs_attempt_running_free(running, nrunning);
	if (!nrunning)
		return 0;
	while (i < len) {
		size_t e = line_end(input, len, i);
		git_oid old_id, new_id;

		if (e - i >= 2 * GIT_OID_HEXSZ + 1 && input[i + GIT_OID_HEXSZ] == ' ' &&
		    git_oid_fromstrn(&old_id, input + i, GIT_OID_HEXSZ) == 0 &&
		    git_oid_fromstrn(&new_id, input + i + GIT_OID_HEXSZ + 1, GIT_OID_HEXSZ) == 0) {
			if (gs_attempt_candidate_remap(r, &old_id, &new_id) < 0)
				warn_line(warn, "cannot move a checkpoint candidate");
		}
		git_error_clear();
		i = e;
	}
	return 0;
}
