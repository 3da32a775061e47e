/*
 * The issues source of usage reports: every issue file at a tree, its run
 * blocks summarised once per blob and kept in the usage cache, so a warm
 * report reads the tree and one file and parses nothing.
 */
#include "gs/usage.h"
#include "gs/frontmatter.h"
#include "gs/issue.h"
#include "gs/pricing.h"
#include "gs/repo.h"
#include "gs/run.h"
#include "usage_cache.h"

#include <git2.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int gs_usage_cache_path(gs_buf *out, git_repository *repo)
{
	/* The common dir: linked worktrees share objects, so they share this. */
	const char *dir = git_repository_commondir(repo);

	gs_buf_clear(out);
	return gs_buf_printf(out, "%s%sstats/usage-cache", dir,
			     *dir && dir[strlen(dir) - 1] == '/' ? "" : "/");
}

/*
 * Whether the frontmatter of `text` may set `id`: a cheap look for the
 * letters inside the frontmatter so most files skip the YAML parser.
 * Errs on the side of yes.
 */
static int may_have_id(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	if (end - p < 3 || memcmp(p, "---", 3))
		return 0;
	for (p += 3; p + 1 < end; p++) {
		if (p[0] == '\n' && end - p > 3 &&
		    (!memcmp(p + 1, "---", 3) || !memcmp(p + 1, "...", 3)))
			return 0; /* the closing line: no id seen */
		if ((p[0] == 'i' || p[0] == 'I') && (p[1] == 'd' || p[1] == 'D'))
			return 1;
	}
	return 0;
}

/* The frontmatter id of an issue file, as gs_issue_list_at reads it. */
static int frontmatter_id(uint32_t *out, gs_usage_cache *c, const char *text, size_t len,
			  const char *path)
{
	gs_fm *fm = NULL;
	char *id = NULL;
	int error = 0;

	*out = 0;
	if (!may_have_id(text, len))
		return 0;
	if (gs_fm_parse(&fm, text, len, path) == 0 && gs_fm_get_str(&id, fm, "id") == 0 && *id &&
	    gs_issue_id_check(id) == 0)
		error = gs_usage_cache_intern(out, c, id, strlen(id));
	else
		gs_error_clear(); /* a bad frontmatter keeps the name's id, as list does */
	free(id);
	gs_fm_free(fm);
	return error;
}

/* Read and summarise blob `oid` into the cache. */
static int summarise(gs_usage_cache *c, git_repository *repo, const git_oid *oid,
		     const char *path)
{
	gs_usage_cache_run *sums = NULL;
	git_blob *blob = NULL;
	gs_run *runs = NULL;
	size_t n = 0, i;
	const char *text;
	uint32_t issue = 0;
	size_t len;
	int error = GS_ERROR;

	if (git_blob_lookup(&blob, repo, oid) < 0)
		return gs_repo_git_error("cannot read '%s'", path);
	text = git_blob_rawcontent(blob);
	len = (size_t)git_blob_rawsize(blob);
	if ((error = frontmatter_id(&issue, c, text, len, path)) < 0)
		goto done;
	if ((error = gs_run_parse_body(&runs, &n, text, len)) < 0) {
		gs_error_prefix("cannot read runs of '%s'", path);
		goto done;
	}
	error = GS_ERROR;
	if (n && !(sums = calloc(n, sizeof(*sums)))) {
		gs_error_set("out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		const gs_run *r = &runs[i];
		gs_usage_cache_run *s = &sums[i];

		s->started_at_ms = r->started_at_ms;
		s->input_tokens = r->input_tokens;
		s->output_tokens = r->output_tokens;
		s->cache_read_tokens = r->cache_read_tokens;
		s->cache_write_tokens = r->cache_write_tokens;
		s->duration_ms = gs_run_duration_ms(r);
		/* Run blocks carry no status: a recorded run is a finished one. */
		s->flags = GS_USAGE_RUN_SUCCESS | GS_USAGE_RUN_HAS_START;
		if (r->cost_known) {
			s->cost_nanos = gs_run_cost_nanos(r);
			s->flags |= GS_USAGE_RUN_COST_KNOWN;
		}
		if ((r->model && gs_usage_cache_intern(&s->model, c, r->model, strlen(r->model)) < 0) ||
		    (r->provider &&
		     gs_usage_cache_intern(&s->provider, c, r->provider, strlen(r->provider)) < 0) ||
		    (r->session_id && gs_usage_cache_intern(&s->session, c, r->session_id,
							    strlen(r->session_id)) < 0))
			goto done;
	}
	error = gs_usage_cache_put(c, (const unsigned char *)oid->id, issue, sums, n);
done:
	free(sums);
	gs_run_free_array(runs, n);
	git_blob_free(blob);
	return error;
}

/* Providers by model string id, looked up once per distinct model. */
struct providers {
	const char **by_id;
	size_t n;
};

static const char *provider_of(struct providers *pv, const gs_usage_cache *c, uint32_t model,
			       const gs_pricing *pricing)
{
	const char *name = gs_usage_cache_str(c, model);

	if (model >= pv->n) {
		size_t n = gs_usage_cache_nstrings(c);
		const char **p = realloc(pv->by_id, n * sizeof(*p));

		if (!p) /* no memo: still correct, only slower */
			return pricing ? gs_pricing_provider(pricing, name)
				       : gs_usage_provider_guess(name);
		memset(p + pv->n, 0, (n - pv->n) * sizeof(*p));
		pv->by_id = p;
		pv->n = n;
	}
	if (!pv->by_id[model])
		pv->by_id[model] = pricing ? gs_pricing_provider(pricing, name)
					   : gs_usage_provider_guess(name);
	return pv->by_id[model];
}

static int add_runs(gs_usage_report *r, gs_usage_cache *c, struct providers *pv,
		    const gs_pricing *pricing, const char *issue, const gs_usage_cache_run *runs,
		    size_t n)
{
	gs_usage_item it;
	size_t i;
	int error;

	memset(&it, 0, sizeof(it));
	it.kind = GS_USAGE_ITEM_RUN;
	it.issue = issue;
	for (i = 0; i < n; i++) {
		const gs_usage_cache_run *s = &runs[i];

		it.has_started_at = (s->flags & GS_USAGE_RUN_HAS_START) != 0;
		it.started_at_ms = s->started_at_ms;
		it.input_tokens = s->input_tokens;
		it.output_tokens = s->output_tokens;
		it.cache_read_tokens = s->cache_read_tokens;
		it.cache_write_tokens = s->cache_write_tokens;
		it.duration_ms = s->duration_ms;
		it.cost_usd = (s->flags & GS_USAGE_RUN_COST_KNOWN) ? (double)s->cost_nanos / 1e9 : NAN;
		it.success = (s->flags & GS_USAGE_RUN_SUCCESS) != 0;
		it.model = gs_usage_cache_str(c, s->model);
		it.provider = s->provider ? gs_usage_cache_str(c, s->provider)
					  : provider_of(pv, c, s->model, pricing);
		it.session_id = s->session ? gs_usage_cache_str(c, s->session) : NULL;
		if ((error = gs_usage_report_add(r, &it)) < 0)
			return error;
	}
	return 0;
}

int gs_usage_add_issues(gs_usage_scan *stats, gs_usage_report *r, git_repository *repo,
			git_tree *root, const char *issues_dir, const char *cache_path,
			const gs_pricing *pricing)
{
	struct providers pv = { NULL, 0 };
	gs_usage_scan local;
	gs_usage_cache *c = NULL;
	git_tree_entry *dir_entry = NULL;
	git_tree *dir = NULL;
	gs_buf path = GS_BUF_INIT;
	size_t i, count;
	int error = GS_ERROR;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (gs_usage_cache_new(&c) < 0)
		return GS_ERROR;
	if (cache_path && gs_usage_cache_load(c, &stats->cache_loaded, cache_path) < 0)
		goto done;
	if (!root) {
		error = 0; /* an unborn ref holds no issues */
		goto done;
	}
	if (git_tree_entry_bypath(&dir_entry, root, issues_dir) < 0 ||
	    git_tree_entry_type(dir_entry) != GIT_OBJECT_TREE) {
		error = 0; /* no issues directory yet */
		goto done;
	}
	if (git_tree_lookup(&dir, repo, git_tree_entry_id(dir_entry)) < 0) {
		error = gs_repo_git_error("cannot read '%s'", issues_dir);
		goto done;
	}
	count = git_tree_entrycount(dir);
	for (i = 0; i < count; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(dir, i);
		const char *name = git_tree_entry_name(e);
		const gs_usage_cache_run *runs;
		char name_id[GS_ISSUE_ID_MAX + 1];
		uint32_t issue;
		size_t n;

		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
		    gs_issue_id_from_name(name_id, sizeof(name_id), name) < 0)
			continue;
		stats->files++;
		if (gs_usage_cache_get(c, (const unsigned char *)git_tree_entry_id(e)->id, &issue,
				       &runs, &n)) {
			stats->cached++;
		} else {
			gs_buf_clear(&path);
			if (gs_buf_printf(&path, "%s/%s", issues_dir, name) < 0 ||
			    (error = summarise(c, repo, git_tree_entry_id(e), path.ptr)) < 0)
				goto done;
			stats->parsed++;
			gs_usage_cache_get(c, (const unsigned char *)git_tree_entry_id(e)->id, &issue,
					   &runs, &n);
		}
		stats->runs += n;
		if ((error = add_runs(r, c, &pv, pricing, issue ? gs_usage_cache_str(c, issue) : name_id,
				      runs, n)) < 0)
			goto done;
	}
	/* A cache that cannot be written (read-only repository) costs only speed. */
	if (cache_path) {
		stats->cache_saved = gs_usage_cache_save(c, cache_path) == 0 && stats->parsed;
		gs_error_clear();
	}
	error = 0;
done:
	free(pv.by_id);
	gs_buf_dispose(&path);
	git_tree_free(dir);
	git_tree_entry_free(dir_entry);
	gs_usage_cache_free(c);
	return error;
}
