/*
 * Local attempt state, never committed: which attempts run in this
 * repository and the commit the post-commit hook captured for them, so
 * `attempt end --success` without --checkpoint can use it (SPEC §4, §9).
 *
 * Layout: $GIT_COMMON_DIR/stats/attempts/<issue key>/<agent>, one small
 * text file per running attempt, rewritten atomically. The common dir,
 * not a linked worktree's own: an agent may start an attempt in one
 * worktree, commit in another and end it from a third. A file:
 *
 *   issue 012
 *   agent recon
 *   started 1773576000000
 *   candidate <40-hex> <captured ms>      (once the hook saw a commit)
 *
 * One file per (issue, agent) keeps concurrent agents from racing on a
 * shared file; the issue key folds case and leading zeros so the hook can
 * pass an id as a trailer spells it.
 */
#include "gs/attempt.h"
#include "gs/repo.h"
#include "gs/time.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

/* Lowercase, digit runs without leading zeros, anything unusual as %XX. */
static int issue_key(gs_buf *out, const char *id)
{
	const unsigned char *s = (const unsigned char *)id;

	gs_buf_clear(out);
	while (*s) {
		if (*s >= '0' && *s <= '9') {
			while (*s == '0' && s[1] >= '0' && s[1] <= '9')
				s++;
			while (*s >= '0' && *s <= '9')
				if (gs_buf_putc(out, (char)*s++) < 0)
					return GS_ERROR;
			continue;
		}
		if ((*s >= 'a' && *s <= 'z') || *s == '-' || *s == '_' || (*s == '.' && s != (const unsigned char *)id)) {
			if (gs_buf_putc(out, (char)*s) < 0)
				return GS_ERROR;
		} else if (*s >= 'A' && *s <= 'Z') {
			if (gs_buf_putc(out, (char)(*s - 'A' + 'a')) < 0)
				return GS_ERROR;
		} else if (gs_buf_printf(out, "%%%02X", *s) < 0) {
			return GS_ERROR;
		}
		s++;
	}
	return 0;
}

static int issue_dir(gs_buf *out, gs_repo *r, const char *issue_id)
{
	gs_buf key = GS_BUF_INIT;
	int error;

	gs_buf_clear(out);
	if ((error = issue_key(&key, issue_id)) < 0 || !key.size)
		goto done;
	error = gs_buf_printf(out, "%sstats/attempts/%s", gs_repo_commondir(r), key.ptr);
done:
	if (!key.size && error >= 0) {
		gs_error_set("empty issue id");
		error = GS_EUSAGE;
	}
	gs_buf_dispose(&key);
	return error;
}

static void running_dispose(gs_attempt_running *a)
{
	free(a->issue);
	free(a->agent);
	memset(a, 0, sizeof(*a));
}

/* Parse one state file; 0 when it is usable, GS_ENOTFOUND when it is not. */
static int running_read(gs_attempt_running *out, const char *path)
{
	gs_buf text = GS_BUF_INIT;
	char *line, *next;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = gs_file_read(&text, path, 64 * 1024)) < 0)
		goto done;
	for (line = text.ptr; line && *line; line = next) {
		char *nl = strchr(line, '\n');

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (!strncmp(line, "issue ", 6)) {
			free(out->issue);
			out->issue = strdup(line + 6);
		} else if (!strncmp(line, "agent ", 6)) {
			free(out->agent);
			out->agent = strdup(line + 6);
		} else if (!strncmp(line, "started ", 8)) {
			out->started_ms = strtoll(line + 8, NULL, 10);
		} else if (!strncmp(line, "candidate ", 10) && strlen(line) >= 10 + GIT_OID_HEXSZ) {
			if (git_oid_fromstrn(&out->candidate, line + 10, GIT_OID_HEXSZ) == 0) {
				out->has_candidate = 1;
				out->captured_ms = strtoll(line + 10 + GIT_OID_HEXSZ, NULL, 10);
			}
		}
	}
	error = out->issue && out->agent ? 0 : GS_ENOTFOUND;
done:
	if (error < 0)
		running_dispose(out);
	gs_buf_dispose(&text);
	return error;
}

static int running_write(const char *path, const gs_attempt_running *a)
{
	gs_buf text = GS_BUF_INIT;
	int error;

	error = gs_buf_printf(&text, "issue %s\nagent %s\nstarted %lld\n", a->issue, a->agent,
			      (long long)a->started_ms);
	if (error >= 0 && a->has_candidate) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &a->candidate);
		error = gs_buf_printf(&text, "candidate %s %lld\n", hex, (long long)a->captured_ms);
	}
	if (error >= 0)
		error = gs_file_write_atomic(path, text.ptr, text.size, 0666);
	gs_buf_dispose(&text);
	return error;
}

int gs_attempt_local_started(gs_repo *r, const char *issue_id, const char *agent, int64_t started_ms)
{
	gs_buf dir = GS_BUF_INIT, path = GS_BUF_INIT;
	gs_attempt_running a;
	int error;

	if ((error = gs_agent_name_check(agent)) < 0 || (error = issue_dir(&dir, r, issue_id)) < 0)
		goto done;
	if ((error = gs_file_mkdir_p(dir.ptr, 0777)) < 0 || (error = gs_buf_printf(&path, "%s/%s", dir.ptr, agent)) < 0)
		goto done;
	memset(&a, 0, sizeof(a));
	a.issue = (char *)issue_id;
	a.agent = (char *)agent;
	a.started_ms = started_ms;
	error = running_write(path.ptr, &a);
done:
	gs_buf_dispose(&dir);
	gs_buf_dispose(&path);
	return error;
}

int gs_attempt_local_finished(gs_repo *r, const char *issue_id, const char *agent)
{
	gs_buf dir = GS_BUF_INIT, path = GS_BUF_INIT;
	int error;

	if ((error = gs_agent_name_check(agent)) < 0 || (error = issue_dir(&dir, r, issue_id)) < 0)
		goto done;
	if ((error = gs_buf_printf(&path, "%s/%s", dir.ptr, agent)) < 0)
		goto done;
	if (unlink(path.ptr) < 0 && errno != ENOENT) {
		gs_error_set("cannot remove '%s': %s", path.ptr, strerror(errno));
		error = GS_ERROR;
		goto done;
	}
	(void)rmdir(dir.ptr); /* only succeeds once the issue has no running attempt */
	error = 0;
done:
	gs_buf_dispose(&dir);
	gs_buf_dispose(&path);
	return error;
}

int gs_attempt_local_get(gs_attempt_running *out, gs_repo *r, const char *issue_id, const char *agent)
{
	gs_buf dir = GS_BUF_INIT, path = GS_BUF_INIT;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = gs_agent_name_check(agent)) < 0 || (error = issue_dir(&dir, r, issue_id)) < 0)
		goto done;
	if ((error = gs_buf_printf(&path, "%s/%s", dir.ptr, agent)) < 0)
		goto done;
	error = running_read(out, path.ptr);
	if (error < 0 && error != GS_ENOTFOUND)
		goto done;
	if (error == GS_ENOTFOUND)
		gs_error_set("no local state for agent '%s' of issue '%s'", agent, issue_id);
done:
	gs_buf_dispose(&dir);
	gs_buf_dispose(&path);
	return error;
}

void gs_attempt_running_dispose(gs_attempt_running *a)
{
	if (a)
		running_dispose(a);
}

void gs_attempt_running_free(gs_attempt_running *list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++)
		running_dispose(&list[i]);
	free(list);
}

/* Call `fn` on every state file under `root` (or under one issue dir). */
typedef int (*visit_fn)(const char *path, gs_attempt_running *a, void *payload);

static int visit_dir(const char *dirpath, visit_fn fn, void *payload)
{
	DIR *d = opendir(dirpath);
	struct dirent *e;
	gs_buf path = GS_BUF_INIT;
	int error = 0;

	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : (gs_error_set("cannot read '%s': %s", dirpath, strerror(errno)), GS_ERROR);
	while (error >= 0 && (e = readdir(d))) {
		gs_attempt_running a;

		if (e->d_name[0] == '.')
			continue;
		gs_buf_clear(&path);
		if ((error = gs_buf_printf(&path, "%s/%s", dirpath, e->d_name)) < 0)
			break;
		if (running_read(&a, path.ptr) < 0)
			continue; /* a temporary file or foreign junk: not ours to judge */
		error = fn(path.ptr, &a, payload);
		running_dispose(&a);
	}
	closedir(d);
	gs_buf_dispose(&path);
	return error;
}

static int visit(gs_repo *r, const char *issue_id, visit_fn fn, void *payload)
{
	gs_buf root = GS_BUF_INIT, sub = GS_BUF_INIT;
	DIR *d = NULL;
	struct dirent *e;
	int error = 0;

	if (issue_id) {
		if ((error = issue_dir(&root, r, issue_id)) >= 0)
			error = visit_dir(root.ptr, fn, payload);
		goto done;
	}
	if ((error = gs_buf_printf(&root, "%sstats/attempts", gs_repo_commondir(r))) < 0)
		goto done;
	if (!(d = opendir(root.ptr)))
		goto done;
	while (error >= 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		gs_buf_clear(&sub);
		if ((error = gs_buf_printf(&sub, "%s/%s", root.ptr, e->d_name)) >= 0)
			error = visit_dir(sub.ptr, fn, payload);
	}
done:
	if (d)
		closedir(d);
	gs_buf_dispose(&root);
	gs_buf_dispose(&sub);
	return error;
}

struct list_ctx {
	gs_attempt_running *items;
	size_t n;
};

static int list_one(const char *path, gs_attempt_running *a, void *payload)
{
	struct list_ctx *c = payload;
	gs_attempt_running *n = realloc(c->items, (c->n + 1) * sizeof(*n));

	(void)path;
	if (!n) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	c->items = n;
	c->items[c->n++] = *a;
	memset(a, 0, sizeof(*a)); /* ownership moved */
	return 0;
}

int gs_attempt_running_list(gs_attempt_running **out, size_t *count, gs_repo *r, const char *issue_id)
{
	struct list_ctx c = { NULL, 0 };
	int error = visit(r, issue_id, list_one, &c);

	if (error < 0) {
		gs_attempt_running_free(c.items, c.n);
		c.items = NULL;
		c.n = 0;
	}
	*out = c.items;
	*count = c.n;
	return error < 0 ? error : 0;
}

struct record_ctx {
	const git_oid *old_id; /* remap: only files holding this candidate */
	const git_oid *commit;
	int64_t now_ms;
};

static int record_one(const char *path, gs_attempt_running *a, void *payload)
{
	struct record_ctx *c = payload;

	if (c->old_id && (!a->has_candidate || !git_oid_equal(&a->candidate, c->old_id)))
		return 0;
	git_oid_cpy(&a->candidate, c->commit);
	a->has_candidate = 1;
	if (!c->old_id)
		a->captured_ms = c->now_ms;
	return running_write(path, a);
}

int gs_attempt_candidate_record(gs_repo *r, const char *issue_id, const git_oid *commit)
{
	struct record_ctx c = { NULL, commit, gs_time_now_ms() };

	return visit(r, issue_id, record_one, &c);
}

int gs_attempt_candidate_remap(gs_repo *r, const git_oid *old_id, const git_oid *new_id)
{
	struct record_ctx c = { old_id, new_id, 0 };

	return visit(r, NULL, record_one, &c);
}
