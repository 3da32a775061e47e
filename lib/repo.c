/*
 * The repository a command works on: discovery as git does it, the
 * stats.* config, and which ref updates go to (SPEC §1).
 */
#include "gs/repo.h"
#include "odb_stage.h"
#include "repo_internal.h"

#include <git2.h>
#include <git2/sys/repository.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct gs_repo {
	git_repository *git;
	git_config *config; /* a snapshot: one consistent view per command */
	char *gitdir;
	char *commondir;
	char *workdir;
	char *issues_dir;
	char *ref_override; /* --ref */
	char *target;       /* resolved target, cached */
	struct gs_odb_stage *stage; /* the store's object staging; the odb owns it */
	/* `git -c key=value stats ...`: git hands it over in the environment */
	char **cl_keys, **cl_vals; /* a value NULL is a bare key: boolean true */
	size_t ncl;
};

int gs_repo_git_error(const char *fmt, ...)
{
	const git_error *e = git_error_last();
	gs_buf msg = GS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (e && e->message && *e->message) {
		size_t n = strlen(e->message);

		/* libgit2 messages sometimes end in a full stop or newline */
		while (n && (e->message[n - 1] == '.' || e->message[n - 1] == '\n'))
			n--;
		gs_error_set("%s: %.*s", msg.ptr, (int)n, e->message);
	} else
		gs_error_set("%s", msg.ptr);
	gs_buf_dispose(&msg);
	return GS_ERROR;
}

/* Global libgit2 settings; idempotent and cheap. */
static void set_git_options(void)
{
	/* an acknowledged update must survive power loss (objects, refs) */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	/* objects we write are checked as we create them */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
	/*
	 * git does not rehash objects it reads either (fsck does); on a big
	 * tree the SHA-1 costs more than the rest of the read.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

char *gs_repo__clean_issues_dir(const char *in)
{
	gs_buf out = GS_BUF_INIT;
	const char *p = in;

	if (*p == '/' || !*p)
		return NULL;
	while (*p) {
		const char *seg = p;
		size_t n;

		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		while (*p == '/')
			p++;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.')
			goto fail;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)seg[i] < 0x20 || seg[i] == 0x7f || seg[i] == '\\')
				goto fail;
		if (n == 4 && !memcmp(seg, ".git", 4))
			goto fail;
		if (out.size && gs_buf_putc(&out, '/') < 0)
			goto fail;
		if (gs_buf_put(&out, seg, n) < 0)
			goto fail;
	}
	if (!out.size)
		goto fail;
	return gs_buf_detach(&out);
fail:
	gs_buf_dispose(&out);
	return NULL;
}

static char *dup_dir(const char *path)
{
	size_t n = strlen(path);
	char *s = malloc(n + 2);

	if (!s)
		return NULL;
	memcpy(s, path, n);
	if (!n || s[n - 1] != '/')
		s[n++] = '/';
	s[n] = '\0';
	return s;
}

/*
 * What GIT_REPOSITORY_OPEN_FROM_ENV does, plus GIT_WORK_TREE: libgit2 1.5
 * refuses that variable ("unimplemented") although git, and our README,
 * honour it. The other variables are read exactly as that flag reads
 * them, in its order; then the repository found is pointed at the work
 * tree, as git does with --work-tree. libgit2 error codes.
 */
static int open_with_work_tree(git_repository **out, const char *work_tree)
{
	git_repository *repo = NULL;
	git_index *index = NULL;
	git_odb *odb = NULL;
	const char *start = ".", *v;
	unsigned int flags = 0;
	char *alts = NULL;
	int rc = 0;

	*out = NULL;
	if ((v = getenv("GIT_DIR")) != NULL) {
		start = v;
		flags |= GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_NO_DOTGIT;
	}
	if ((v = getenv("GIT_DISCOVERY_ACROSS_FILESYSTEM")) != NULL) {
		int across = 0;

		if ((rc = git_config_parse_bool(&across, v)) < 0)
			goto done;
		if (across)
			flags |= GIT_REPOSITORY_OPEN_CROSS_FS;
	}
	if ((v = getenv("GIT_INDEX_FILE")) != NULL && (rc = git_index_open(&index, v)) < 0)
		goto done;
	if ((v = getenv("GIT_OBJECT_DIRECTORY")) != NULL && (rc = git_odb_open(&odb, v)) < 0)
		goto done;
	if (getenv("GIT_COMMON_DIR")) {
		git_error_set_str(GIT_ERROR_INVALID, "GIT_COMMON_DIR unimplemented");
		rc = GIT_ERROR;
		goto done;
	}
	rc = git_repository_open_ext(&repo, start, flags, getenv("GIT_CEILING_DIRECTORIES"));
	if (rc < 0)
		goto done;
	if (odb && (rc = git_repository_set_odb(repo, odb)) < 0)
		goto done;
	if ((v = getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES")) != NULL) {
		char *alt, *sep;

		if (!odb && (rc = git_repository_odb(&odb, repo)) < 0)
			goto done;
		if (!(alts = strdup(v))) {
			git_error_set_oom();
			rc = GIT_ERROR;
			goto done;
		}
		for (alt = alts; alt; alt = sep) {
			if ((sep = strchr(alt, GIT_PATH_LIST_SEPARATOR)) != NULL)
				*sep++ = '\0';
			if (*alt && (rc = git_odb_add_disk_alternate(odb, alt)) < 0)
				goto done;
		}
	}
	if ((v = getenv("GIT_NAMESPACE")) != NULL && *v &&
	    (rc = git_repository_set_namespace(repo, v)) < 0)
		goto done;
	if (index && (rc = git_repository_set_index(repo, index)) < 0)
		goto done;
	/*
	 * Relative to the current directory, as git reads it; no gitlink
	 * written. Only when it differs from the work tree found: libgit2 1.5
	 * leaks its path buffer when asked to set the one it has.
	 */
	v = git_repository_workdir(repo);
	if (!(v && gs_file_same(v, work_tree)) && (rc = git_repository_set_workdir(repo, work_tree, 0)) < 0)
		goto done;
	*out = repo;
	repo = NULL;
done:
	free(alts);
	git_index_free(index);
	git_odb_free(odb);
	git_repository_free(repo);
	return rc;
}

/* --- configuration given on git's command line ----------------------------- */

/*
 * `git -c key=value stats ...` reaches us as GIT_CONFIG_PARAMETERS (and
 * `--config-env`, or a caller, as GIT_CONFIG_COUNT/KEY_n/VALUE_n), which
 * git's own commands read and libgit2 1.5 does not. They win over every
 * config file, as in git. What we read through gs_repo_config_*() sees
 * them.
 */
static int cl_add(gs_repo *r, const char *key, size_t klen, const char *val, size_t vlen, int has_val)
{
	char **k = realloc(r->cl_keys, (r->ncl + 1) * sizeof(*k)), **v;

	if (!k)
		return GS_ERROR;
	r->cl_keys = k;
	if (!(v = realloc(r->cl_vals, (r->ncl + 1) * sizeof(*v))))
		return GS_ERROR;
	r->cl_vals = v;
	if (!(k[r->ncl] = strndup(key, klen)))
		return GS_ERROR;
	v[r->ncl] = has_val ? strndup(val, vlen) : NULL;
	if (has_val && !v[r->ncl]) {
		free(k[r->ncl]);
		return GS_ERROR;
	}
	r->ncl++;
	return 0;
}

/* One shell-quoted word as git's sq_quote writes it ('it'\''s'); NULL when malformed. */
static const char *sq_word(gs_buf *out, const char *p)
{
	gs_buf_clear(out);
	if (*p != '\'')
		return NULL;
	for (p++;;) {
		if (!*p)
			return NULL;
		if (*p != '\'') {
			if (gs_buf_putc(out, *p++) < 0)
				return NULL;
			continue;
		}
		if (p[1] == '\\' && p[2] && p[3] == '\'') { /* '\'' or '\!' */
			if (gs_buf_putc(out, p[2]) < 0)
				return NULL;
			p += 4;
			continue;
		}
		return p + 1;
	}
}

static int cl_parse(gs_repo *r)
{
	const char *p = getenv("GIT_CONFIG_PARAMETERS"), *n;
	gs_buf a = GS_BUF_INIT, b = GS_BUF_INIT;
	int error = 0;

	while (p && *p && !error) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (!(p = sq_word(&a, p)))
			break; /* git would refuse to run: nothing to take */
		if (*p == '=') { /* 'key'='value' (git 2.31 on), or 'key'= (empty) */
			if (p[1] == '\'') {
				if (!(p = sq_word(&b, p + 1)))
					break;
			} else {
				gs_buf_clear(&b);
				p++;
			}
			error = cl_add(r, a.ptr, a.size, b.ptr, b.size, 1);
		} else if ((n = memchr(a.ptr, '=', a.size)) != NULL) { /* 'key=value' */
			error = cl_add(r, a.ptr, (size_t)(n - a.ptr), n + 1, a.size - (size_t)(n - a.ptr) - 1, 1);
		} else { /* 'key': true */
			error = cl_add(r, a.ptr, a.size, NULL, 0, 0);
		}
	}
	if (!error && (p = getenv("GIT_CONFIG_COUNT")) != NULL) {
		long count = strtol(p, NULL, 10);

		for (long i = 0; i < count && i < 1000 && !error; i++) {
			char name[40];
			const char *k, *v;

			snprintf(name, sizeof(name), "GIT_CONFIG_KEY_%ld", i);
			k = getenv(name);
			snprintf(name, sizeof(name), "GIT_CONFIG_VALUE_%ld", i);
			v = getenv(name);
			if (k && *k)
				error = cl_add(r, k, strlen(k), v ? v : "", v ? strlen(v) : 0, 1);
		}
	}
	gs_buf_dispose(&a);
	gs_buf_dispose(&b);
	if (error)
		gs_error_set("out of memory");
	return error;
}

/*
 * `issues_dir`, when given, replaces stats.issuesDir, which is then not
 * read at all: a config holding a bad value must not stop `init` from
 * repairing it.
 */
static int open_repo(gs_repo **out, const char *path, const char *issues_dir)
{
	gs_repo *r = NULL;
	char *dir = NULL;
	int error = GS_ERROR, rc;

	*out = NULL;
	set_git_options();
	r = calloc(1, sizeof(*r));
	if (!r) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	if (path)
		rc = git_repository_open_ext(&r->git, path, 0, NULL);
	else if (getenv("GIT_WORK_TREE"))
		rc = open_with_work_tree(&r->git, getenv("GIT_WORK_TREE"));
	else
		rc = git_repository_open_ext(&r->git, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (rc == GIT_ENOTFOUND) {
		gs_error_set("not a git repository (or any of the parent directories): '%s'",
			     path ? path : ".");
		error = GS_ENOTFOUND;
		goto done;
	}
	if (rc < 0) {
		error = gs_repo_git_error("cannot open repository '%s'", path ? path : ".");
		goto done;
	}
	if (cl_parse(r) < 0)
		goto done;
	if (git_repository_config_snapshot(&r->config, r->git) < 0) {
		error = gs_repo_git_error("cannot read git config");
		goto done;
	}
	r->gitdir = dup_dir(git_repository_path(r->git));
	r->commondir = dup_dir(git_repository_commondir(r->git));
	if (!r->gitdir || !r->commondir)
		goto oom;
	if (!git_repository_is_bare(r->git) && git_repository_workdir(r->git)) {
		r->workdir = dup_dir(git_repository_workdir(r->git));
		if (!r->workdir)
			goto oom;
	}
	if (issues_dir) {
		r->issues_dir = gs_repo__clean_issues_dir(issues_dir);
		if (!r->issues_dir) {
			gs_error_set("--issues-dir: '%s' is not a directory inside the repository",
				     issues_dir);
			error = GS_EUSAGE;
			goto done;
		}
	} else if ((rc = gs_repo_config_str(&dir, r, "stats.issuesDir")) == GS_ENOTFOUND) {
		r->issues_dir = strdup("issues");
		if (!r->issues_dir)
			goto oom;
	} else if (rc < 0) {
		error = rc;
		goto done;
	} else {
		r->issues_dir = gs_repo__clean_issues_dir(dir);
		if (!r->issues_dir) {
			gs_error_set("stats.issuesDir: '%s' is not a directory inside the repository", dir);
			error = GS_EUSAGE;
			goto done;
		}
	}
	*out = r;
	r = NULL;
	error = 0;
	goto done;
oom:
	gs_error_set("out of memory");
	error = GS_ERROR;
done:
	free(dir);
	gs_repo_free(r);
	return error;
}

int gs_repo_open(gs_repo **out, const char *path)
{
	return open_repo(out, path, NULL);
}

int gs_repo_open_issues_dir(gs_repo **out, const char *path, const char *issues_dir)
{
	return open_repo(out, path, issues_dir);
}

void gs_repo_free(gs_repo *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncl; i++) {
		free(r->cl_keys[i]);
		free(r->cl_vals[i]);
	}
	free(r->cl_keys);
	free(r->cl_vals);
	git_config_free(r->config);
	git_repository_free(r->git);
	free(r->gitdir);
	free(r->commondir);
	free(r->workdir);
	free(r->issues_dir);
	free(r->ref_override);
	free(r->target);
	free(r);
}

gs_odb_stage **gs_repo__stage_slot(gs_repo *r)
{
	return &r->stage;
}

git_repository *gs_repo_git(gs_repo *r)
{
	return r->git;
}

const char *gs_repo_gitdir(const gs_repo *r)
{
	return r->gitdir;
}

const char *gs_repo_commondir(const gs_repo *r)
{
	return r->commondir;
}

const char *gs_repo_workdir(const gs_repo *r)
{
	return r->workdir;
}

const char *gs_repo_issues_dir(const gs_repo *r)
{
	return r->issues_dir;
}

/*
 * "issues" -> "refs/heads/issues"; "refs/..." as is; validated: a short
 * name must be a branch name git would create ("HEAD", "-x" are not), a
 * full name a valid ref outside refs/tags/ (an update would move a tag)
 * and, under refs/heads/, a valid branch name again.
 */
static int full_ref_name(char **out, const char *name, const char *what)
{
	gs_buf b = GS_BUF_INIT;
	int valid = 0, error = GS_EUSAGE;

	*out = NULL;
	if ((!strncmp(name, "refs/", 5) ? gs_buf_puts(&b, name)
					: gs_buf_printf(&b, "refs/heads/%s", name)) < 0) {
		gs_buf_dispose(&b);
		return GS_ERROR;
	}
	if (!strncmp(b.ptr, "refs/tags/", 10)) {
		gs_error_set("%s: '%s' is a tag; issues are committed to a branch or another "
			     "ref, tags do not move", what, name);
		goto done;
	}
	if (git_reference_name_is_valid(&valid, b.ptr) < 0 || !valid ||
	    b.ptr[strlen(b.ptr) - 1] == '/') {
		gs_error_set("%s: '%s' is not a valid ref name", what, name);
		goto done;
	}
	if (!strncmp(b.ptr, "refs/heads/", 11) &&
	    (git_branch_name_is_valid(&valid, b.ptr + 11) < 0 || !valid)) {
		gs_error_set("%s: '%s' is not a valid branch name", what, name);
		goto done;
	}
	*out = gs_buf_detach(&b);
	error = 0;
done:
	gs_buf_dispose(&b);
	return error;
}

int gs_repo_set_ref(gs_repo *r, const char *ref)
{
	char *full = NULL;
	int error;

	if (ref) {
		error = full_ref_name(&full, ref, "--ref");
		if (error < 0)
			return error;
	}
	free(r->ref_override);
	r->ref_override = full;
	free(r->target);
	r->target = NULL;
	return 0;
}

int gs_repo_target_ref(const char **out, gs_repo *r)
{
	git_reference *head = NULL;
	char *conf = NULL;
	int error = GS_ERROR, rc;

	*out = NULL;
	if (r->target) {
		*out = r->target;
		return 0;
	}
	if (r->ref_override) {
		r->target = strdup(r->ref_override);
		goto found;
	}
	rc = gs_repo_config_str(&conf, r, "stats.ref");
	if (rc == 0 && *conf) {
		error = full_ref_name(&r->target, conf, "stats.ref");
		if (error < 0)
			goto done;
		goto found;
	} else if (rc < 0 && rc != GS_ENOTFOUND) {
		error = rc;
		goto done;
	}
	if (git_reference_lookup(&head, r->git, "HEAD") < 0) {
		error = gs_repo_git_error("cannot read 'HEAD'");
		goto done;
	}
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		gs_error_set("HEAD is detached: give --ref REF (or set stats.ref) to name the ref "
			     "issues are committed to");
		error = GS_ESTATE;
		goto done;
	}
	r->target = strdup(git_reference_symbolic_target(head));
found:
	if (!r->target) {
		gs_error_set("out of memory");
		goto done;
	}
	*out = r->target;
	error = 0;
done:
	git_reference_free(head);
	free(conf);
	return error;
}

int gs_repo_check_named_target(gs_repo *r)
{
	const char *target, *what = "--ref";
	char *conf = NULL;
	git_oid oid;
	int error, rc;

	if (!r->ref_override) {
		error = gs_repo_config_str(&conf, r, "stats.ref");
		if (error == GS_ENOTFOUND || (error == 0 && !*conf)) {
			free(conf);
			return 0; /* HEAD's branch: unborn is a fresh repository */
		}
		free(conf);
		if (error < 0)
			return error;
		what = "stats.ref";
	}
	error = gs_repo_target_ref(&target, r);
	if (error < 0)
		return error;
	rc = git_reference_name_to_id(&oid, r->git, target);
	if (rc == GIT_ENOTFOUND) {
		gs_error_set("%s: ref '%s' not found", what, target);
		return GS_ENOTFOUND;
	}
	if (rc < 0)
		return gs_repo_git_error("cannot read '%s'", target);
	return 0;
}

int gs_repo_target_is_head(gs_repo *r)
{
	git_reference *head = NULL;
	const char *target;
	int error, is_head = 0;

	if (!r->workdir)
		return 0;
	error = gs_repo_target_ref(&target, r);
	if (error < 0)
		return error;
	if (git_reference_lookup(&head, r->git, "HEAD") < 0)
		return gs_repo_git_error("cannot read 'HEAD'");
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		is_head = !strcmp(git_reference_symbolic_target(head), target);
	git_reference_free(head);
	return is_head;
}

/* Config names compare as git's: section and name in any case, the subsection exactly. */
static int same_key(const char *a, const char *b)
{
	const char *a1 = strchr(a, '.'), *b1 = strchr(b, '.'), *a2 = strrchr(a, '.'),
		   *b2 = strrchr(b, '.');

	if (!a1 || !b1 || a1 - a != b1 - b || strncasecmp(a, b, (size_t)(a1 - a)) ||
	    a2 - a1 != b2 - b1 || strncmp(a1, b1, (size_t)(a2 - a1)) || strcasecmp(a2, b2))
		return 0;
	return 1;
}

/* The last command-line value of `key`: 1 and *val (NULL for a bare key), else 0. */
static int cl_get(const char **val, const gs_repo *r, const char *key)
{
	for (size_t i = r->ncl; i-- > 0;)
		if (same_key(r->cl_keys[i], key)) {
			*val = r->cl_vals[i];
			return 1;
		}
	return 0;
}

int gs_repo_config_str(char **out, gs_repo *r, const char *key)
{
	const char *val = NULL;
	int rc;

	*out = NULL;
	if (cl_get(&val, r, key)) {
		if (!val) {
			gs_error_set("config '%s' has no value", key);
			return GS_EPARSE;
		}
		rc = 0;
	} else {
		rc = git_config_get_string(&val, r->config, key);
	}
	if (rc == GIT_ENOTFOUND) {
		gs_error_set("config '%s' is not set", key);
		return GS_ENOTFOUND;
	}
	if (rc < 0)
		return gs_repo_git_error("cannot read config '%s'", key);
	*out = strdup(val);
	if (!*out) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	return 0;
}

/* What a typed git_config_get_*() result `rc` for `key` means to us: a
 * value that does not parse as the type is GS_EPARSE. */
static int typed_config_error(int rc, const char *key)
{
	if (rc == GIT_ENOTFOUND) {
		gs_error_set("config '%s' is not set", key);
		return GS_ENOTFOUND;
	}
	if (rc < 0) {
		gs_repo_git_error("config '%s'", key);
		return GS_EPARSE;
	}
	return 0;
}

int gs_repo_config_bool(int *out, gs_repo *r, const char *key)
{
	const char *val;

	if (cl_get(&val, r, key)) {
		if (!val) {
			*out = 1;
			return 0;
		}
		return typed_config_error(git_config_parse_bool(out, val), key);
	}
	return typed_config_error(git_config_get_bool(out, r->config, key), key);
}

int gs_repo_config_i64(int64_t *out, gs_repo *r, const char *key)
{
	const char *val;
	int64_t v;
	int error;

	if (!cl_get(&val, r, key))
		error = typed_config_error(git_config_get_int64(&v, r->config, key), key);
	else if (val)
		error = typed_config_error(git_config_parse_int64(&v, val), key);
	else
		error = typed_config_error(GIT_ERROR, key); /* a bare key is no number */

	if (error < 0)
		return error;
	*out = v;
	return 0;
}

int gs_repo_config_set_str(gs_repo *r, const char *key, const char *value)
{
	git_config *cfg = NULL, *local = NULL, *snap = NULL;
	int error = GS_ERROR;

	if (git_repository_config(&cfg, r->git) < 0 ||
	    git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) < 0) {
		error = gs_repo_git_error("cannot open the repository config");
		goto done;
	}
	if (git_config_set_string(local, key, value) < 0) {
		error = gs_repo_git_error("cannot set config '%s'", key);
		goto done;
	}
	if (git_config_snapshot(&snap, cfg) < 0) {
		error = gs_repo_git_error("cannot read git config");
		goto done;
	}
	git_config_free(r->config);
	r->config = snap;
	error = 0;
done:
	git_config_free(local);
	git_config_free(cfg);
	return error;
}
