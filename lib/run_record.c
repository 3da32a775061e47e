/*
 * Committing runs: group runs by issue file and apply each group with one
 * edit in one store transaction, so a whole batch (or a spool flush) is
 * one commit and parallel writers never lose a run.
 */
#include "gs/issue.h"
#include "gs/run.h"
#include "gs/store.h"

#include <stdlib.h>
#include <string.h>

struct group {
	char *path;
	gs_run *runs;   /* shallow copies of the caller's runs */
	size_t *index;  /* their positions in the caller's array */
	int *skipped;
	size_t n;
	int capture;    /* the next edit call is the snapshot blob's */
	int error;      /* <0: this group failed (partial mode) */
};

struct record_ctx {
	const gs_run *runs;
	size_t n;
	unsigned int flags;
	struct group *groups;
	size_t ngroups;
	int *status;
	char **paths; /* per run, from the last attempt */
	char **errors; /* per run, the message of a skipped run (partial mode) */
	long *gidx;   /* per run, its group or -1 */
	int own_message; /* the caller gave none: describe the runs recorded */
	gs_buf msg;
};

static void groups_free(struct record_ctx *c)
{
	size_t i;

	for (i = 0; i < c->ngroups; i++) {
		free(c->groups[i].path);
		free(c->groups[i].runs);
		free(c->groups[i].index);
		free(c->groups[i].skipped);
	}
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

static int record_edit(gs_buf *out, const char *path, const char *old, size_t old_len,
		       void *payload)
{
	struct group *g = payload;
	int *skipped = g->capture ? g->skipped : NULL;
	int rc;

	if (!old) {
		gs_error_set("'%s' does not exist", path);
		return GS_ENOTFOUND;
	}
	rc = gs_run_apply_many(out, skipped, old, old_len, path, g->runs, g->n);
	if (rc == GS_RUN_DUPLICATE) {
		if (skipped) {
			size_t i;
			for (i = 0; i < g->n; i++)
				skipped[i] = 1;
		}
		return GS_STORE_NOCHANGE;
	}
	return rc;
}

/* The index of the group of `path`, created empty when new; -1 on OOM. */
static long group_for(struct record_ctx *c, const char *path)
{
	size_t i;
	struct group *g;

	for (i = 0; i < c->ngroups; i++)
		if (!strcmp(c->groups[i].path, path))
			return (long)i;
	g = realloc(c->groups, (c->ngroups + 1) * sizeof(*g));
	if (!g)
		return -1;
	c->groups = g;
	g = &c->groups[c->ngroups];
	memset(g, 0, sizeof(*g));
	if (!(g->path = strdup(path)))
		return -1;
	return (long)c->ngroups++;
}

/* Size each group's arrays once its member count (in g->n) is known. */
static int groups_alloc(struct record_ctx *c)
{
	size_t i;

	for (i = 0; i < c->ngroups; i++) {
		struct group *g = &c->groups[i];
		size_t n = g->n ? g->n : 1;
		if (!(g->runs = malloc(n * sizeof(*g->runs))) ||
		    !(g->index = malloc(n * sizeof(*g->index))) ||
		    !(g->skipped = calloc(n, sizeof(*g->skipped))))
			return GS_ERROR;
		g->n = 0;
	}
	return 0;
}

/* One resolved issue: runs of the same issue string share a lookup. */
struct resolved {
	const char *issue;
	char *path;
	char *message;
	int error;
};

/*
 * The commit message names only the runs this attempt records: duplicates
 * and (partial mode) skipped runs are not in the commit, so counting them
 * would overstate it.
 */
static int describe(struct record_ctx *c)
{
	const gs_run *first = NULL;
	size_t i, recorded = 0;
	int one_issue = 1;

	gs_buf_clear(&c->msg);
	for (i = 0; i < c->n; i++) {
		if (c->status[i] != 0)
			continue;
		if (!first)
			first = &c->runs[i];
		else if (strcmp(c->runs[i].issue, first->issue))
			one_issue = 0;
		recorded++;
	}
	if (!recorded) /* nothing changes, so no commit is written */
		return gs_buf_puts(&c->msg, "stats: record no runs");
	if (recorded == 1)
		return gs_buf_printf(&c->msg, "stats(%s): record run %s", first->issue,
				     first->run_id);
	if (one_issue)
		return gs_buf_printf(&c->msg, "stats(%s): record %zu runs", first->issue, recorded);
	return gs_buf_printf(&c->msg, "stats: record %zu runs", recorded);
}

static int record_txn(gs_txn *t, void *payload)
{
	struct record_ctx *c = payload;
	struct resolved *cache = NULL;
	size_t ncache = 0, i, j;
	int error = GS_ERROR;

	groups_free(c);
	for (i = 0; i < c->n; i++) {
		free(c->paths[i]);
		free(c->errors[i]);
		c->paths[i] = NULL;
		c->errors[i] = NULL;
		c->status[i] = 0;
	}
	if (!(cache = calloc(c->n ? c->n : 1, sizeof(*cache)))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	for (i = 0; i < c->n; i++) {
		const char *issue = c->runs[i].issue;
		struct resolved *r = NULL;
		long gi;

		c->gidx[i] = -1;
		if (!issue) {
			gs_error_set("run '%s' names no issue", c->runs[i].run_id);
			error = GS_EUSAGE;
			goto done;
		}
		/* batches name few issues many times: look the last one up first */
		if (ncache && !strcmp(cache[ncache - 1].issue, issue))
			r = &cache[ncache - 1];
		for (j = 0; !r && j < ncache; j++)
			if (!strcmp(cache[j].issue, issue))
				r = &cache[j];
		if (!r) {
			r = &cache[ncache++];
			r->issue = issue;
			r->error = gs_txn_resolve(&r->path, t, issue);
			if (r->error < 0 && !(c->flags & GS_RUN_RECORD_PARTIAL)) {
				error = r->error;
				goto done;
			}
			if (r->error < 0)
				r->message = strdup(gs_error_last());
		}
		if (r->error < 0) {
			c->status[i] = r->error;
			c->errors[i] = r->message ? strdup(r->message) : NULL;
			continue;
		}
		if ((gi = group_for(c, r->path)) < 0 || !(c->paths[i] = strdup(r->path))) {
			gs_error_set("out of memory");
			goto done;
		}
		c->gidx[i] = gi;
		c->groups[gi].n++;
	}
	if (groups_alloc(c) < 0) {
		gs_error_set("out of memory");
		goto done;
	}
	for (i = 0; i < c->n; i++) {
		struct group *g;
		if (c->gidx[i] < 0)
			continue;
		g = &c->groups[c->gidx[i]];
		g->runs[g->n] = c->runs[i];
		g->index[g->n] = i;
		g->n++;
	}
	for (i = 0; i < c->ngroups; i++) {
		struct group *g = &c->groups[i];
		g->capture = 1;
		g->error = gs_txn_edit(t, g->path, record_edit, g);
		g->capture = 0;
		if (g->error < 0) {
			if (!(c->flags & GS_RUN_RECORD_PARTIAL)) {
				error = g->error;
				goto done;
			}
			for (j = 0; j < g->n; j++) {
				c->status[g->index[j]] = g->error;
				c->errors[g->index[j]] = strdup(gs_error_last());
			}
			continue;
		}
		for (j = 0; j < g->n; j++)
			c->status[g->index[j]] = g->skipped[j] ? GS_RUN_DUPLICATE : 0;
	}
	if (c->own_message) {
		if ((error = describe(c)) < 0)
			goto done;
		gs_txn_set_message(t, c->msg.ptr);
	}
	error = 0;
done:
	for (i = 0; i < ncache; i++) {
		free(cache[i].path);
		free(cache[i].message);
	}
	free(cache);
	return error;
}

void gs_run_record_paths_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}

int gs_run_record(gs_store_result *res, int *status, char ***paths, char ***errors, gs_repo *r,
		  const gs_run *runs, size_t n, const char *message, unsigned int flags)
{
	struct record_ctx c;
	size_t i;
	int error = GS_ERROR;

	memset(&c, 0, sizeof(c));
	memset(res, 0, sizeof(*res));
	if (paths)
		*paths = NULL;
	if (errors)
		*errors = NULL;
	c.runs = runs;
	c.n = n;
	c.flags = flags;
	c.own_message = !message;
	gs_buf_init(&c.msg);
	c.status = calloc(n ? n : 1, sizeof(*c.status));
	c.paths = calloc(n ? n : 1, sizeof(*c.paths));
	c.gidx = calloc(n ? n : 1, sizeof(*c.gidx));
	c.errors = calloc(n ? n : 1, sizeof(*c.errors));
	if (!c.status || !c.paths || !c.gidx || !c.errors) {
		gs_error_set("out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if ((error = gs_run_validate(&runs[i])) < 0)
			goto done;
	}
	error = gs_store_update(res, r, message, record_txn, &c);
	if (error < 0)
		goto done;
	if (status)
		memcpy(status, c.status, n * sizeof(*status));
	if (paths) {
		*paths = c.paths;
		c.paths = NULL;
	}
	if (errors) {
		*errors = c.errors;
		c.errors = NULL;
	}
done:
	groups_free(&c);
	free(c.gidx);
	free(c.status);
	gs_run_record_paths_free(c.paths, n);
	gs_run_record_paths_free(c.errors, n);
	gs_buf_dispose(&c.msg);
	return error;
}
