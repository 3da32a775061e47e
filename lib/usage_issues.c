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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The frontmatter id of an issue file, as gs_issue_list_at reads it;
 * NULL when there is none (then the file name's id counts). */
static char *frontmatter_id(const char *text, size_t len, const char *path)
{
	gs_fm *fm = NULL;
	char *id = NULL;

	if (!may_have_id(text, len))
		return NULL;
	if (gs_fm_parse(&fm, text, len, path) < 0 || gs_fm_get_str(&id, fm, "id") < 0 || !*id ||
	    gs_issue_id_check(id) < 0) {
		free(id);
		id = NULL;
	}
	gs_error_clear(); /* a bad frontmatter keeps the name's id, as list does */
	gs_fm_free(fm);
	return id;
}

/*
 * One issue file whose blob is not in the cache: read by the calling
 * thread, parsed by a second one, then merged into the cache by the
 * calling thread in tree order (so the first error reported is the same
 * however the threads ran).
 */
struct job {
	const git_oid *oid;
	const char *name;
	git_odb_object *obj; /* read, not parsed yet */
	char *fm_id;
	gs_run *runs;
	size_t nruns;
	int error;
	char *message; /* the error message, copied out of its thread */
};

static void job_fail(struct job *j, int error)
{
	const char *m = gs_error_last();
	size_t n = strlen(m) + 1;

	j->error = error;
	if ((j->message = malloc(n)))
		memcpy(j->message, m, n);
}

static void parse_job(struct job *j, const char *issues_dir)
{
	gs_buf path = GS_BUF_INIT;
	const char *text;
	size_t len;
	int error;

	if (j->error < 0)
		return; /* the read failed */
	if (gs_buf_printf(&path, "%s/%s", issues_dir, j->name) < 0) {
		job_fail(j, GS_ERROR);
		goto done;
	}
	text = git_odb_object_data(j->obj);
	len = git_odb_object_size(j->obj);
	j->fm_id = frontmatter_id(text, len, path.ptr);
	if ((error = gs_run_parse_body(&j->runs, &j->nruns, text, len)) < 0) {
		gs_error_prefix("cannot read runs of '%s'", path.ptr);
		job_fail(j, error);
	}
done:
	gs_buf_dispose(&path);
	git_odb_object_free(j->obj);
	j->obj = NULL;
}

/*
 * The reader and the parser run side by side: libgit2 serialises pack
 * reads behind one lock (two readers ran three times slower than one), so
 * only the calling thread reads, and a second thread parses what it read.
 */
struct pipe {
	struct job *jobs;
	size_t njobs;
	size_t read;   /* jobs [0, read) have their blob (or an error) */
	size_t parsed; /* jobs [0, parsed) are parsed */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	const char *issues_dir;
};

/* How far the reader may run ahead: bounds the blobs held in memory. */
#define READ_AHEAD 64

static void *parser(void *arg)
{
	struct pipe *p = arg;
	size_t i;

	for (i = 0; i < p->njobs; i++) {
		pthread_mutex_lock(&p->lock);
		while (p->read <= i)
			pthread_cond_wait(&p->cond, &p->lock);
		pthread_mutex_unlock(&p->lock);
		parse_job(&p->jobs[i], p->issues_dir);
		pthread_mutex_lock(&p->lock);
		p->parsed = i + 1;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

static void read_job(struct job *j, git_odb *odb, const char *issues_dir)
{
	if (git_odb_read(&j->obj, odb, j->oid) < 0)
		job_fail(j, gs_repo_git_error("cannot read '%s/%s'", issues_dir, j->name));
}

/* Read and parse every job; two threads when there are enough jobs. */
static int run_jobs(struct job *jobs, size_t njobs, git_repository *repo, const char *issues_dir)
{
	struct pipe p = { jobs, njobs, 0, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			  issues_dir };
	const char *env = getenv("GIT_STATS_THREADS");
	git_odb *odb = NULL;
	pthread_t thread;
	size_t i;
	int threaded;

	if (!njobs)
		return 0;
	if (git_repository_odb(&odb, repo) < 0)
		return gs_repo_git_error("cannot open the object database");
	/* A second thread pays off only on many files and a second core. */
	threaded = njobs >= 64 && sysconf(_SC_NPROCESSORS_ONLN) > 1 && !(env && !strcmp(env, "1")) &&
		   pthread_create(&thread, NULL, parser, &p) == 0;
	for (i = 0; i < njobs; i++) {
		if (threaded) {
			pthread_mutex_lock(&p.lock);
			while (i >= p.parsed + READ_AHEAD)
				pthread_cond_wait(&p.cond, &p.lock);
			pthread_mutex_unlock(&p.lock);
		}
		read_job(&jobs[i], odb, issues_dir);
		if (!threaded) {
			parse_job(&jobs[i], issues_dir);
			continue;
		}
		pthread_mutex_lock(&p.lock);
		p.read = i + 1;
		pthread_cond_broadcast(&p.cond);
		pthread_mutex_unlock(&p.lock);
	}
	if (threaded)
		pthread_join(thread, NULL);
	git_odb_free(odb);
	return 0;
}

/* Put a parsed job into the cache. */
static int merge_job(gs_usage_cache *c, const struct job *j)
{
	gs_usage_cache_run *sums = NULL;
	uint32_t issue = 0;
	size_t i;
	int error = GS_ERROR;

	if (j->fm_id && gs_usage_cache_intern(&issue, c, j->fm_id, strlen(j->fm_id)) < 0)
		return GS_ERROR;
	if (j->nruns && !(sums = calloc(j->nruns, sizeof(*sums)))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	for (i = 0; i < j->nruns; i++) {
		const gs_run *r = &j->runs[i];
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
	error = gs_usage_cache_put(c, (const unsigned char *)j->oid->id, issue, sums, j->nruns);
done:
	free(sums);
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

/* An issue file at the tree: its entry, and its job when not cached. */
struct file {
	const git_tree_entry *entry;
	size_t job; /* index into jobs, SIZE_MAX when the cache has it */
};

int gs_usage_add_issues(gs_usage_scan *stats, gs_usage_report *r, git_repository *repo,
			git_tree *root, const char *issues_dir, const char *cache_path,
			const gs_pricing *pricing)
{
	struct providers pv = { NULL, 0 };
	struct file *files = NULL;
	struct job *jobs = NULL;
	size_t nfiles = 0, njobs = 0, count = 0, i;
	gs_usage_scan local;
	gs_usage_cache *c = NULL;
	git_tree_entry *dir_entry = NULL;
	git_tree *dir = NULL;
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
		gs_error_clear();
		git_error_clear();
		error = 0; /* no issues directory yet */
		goto done;
	}
	if (git_tree_lookup(&dir, repo, git_tree_entry_id(dir_entry)) < 0) {
		error = gs_repo_git_error("cannot read '%s'", issues_dir);
		goto done;
	}

	/* 1. Which files are issues, and which of them the cache lacks. */
	count = git_tree_entrycount(dir);
	if (count && (!(files = calloc(count, sizeof(*files))) || !(jobs = calloc(count, sizeof(*jobs))))) {
		gs_error_set("out of memory");
		goto done;
	}
	for (i = 0; i < count; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(dir, i);
		char name_id[GS_ISSUE_ID_MAX + 1];
		const gs_usage_cache_run *runs;
		uint32_t issue;
		size_t n;

		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
		    gs_issue_id_from_name(name_id, sizeof(name_id), git_tree_entry_name(e)) < 0)
			continue;
		files[nfiles].entry = e;
		files[nfiles].job = SIZE_MAX;
		if (!gs_usage_cache_get(c, (const unsigned char *)git_tree_entry_id(e)->id, &issue,
					&runs, &n)) {
			jobs[njobs].oid = git_tree_entry_id(e);
			jobs[njobs].name = git_tree_entry_name(e);
			files[nfiles].job = njobs++;
		}
		nfiles++;
	}
	stats->files = nfiles;
	stats->parsed = njobs;
	stats->cached = nfiles - njobs;

	/* 2. Read and parse the others, in parallel. */
	if ((error = run_jobs(jobs, njobs, repo, issues_dir)) < 0)
		goto done;

	/* 3. In tree order: merge parsed files into the cache, count every run. */
	for (i = 0; i < nfiles; i++) {
		const git_tree_entry *e = files[i].entry;
		char name_id[GS_ISSUE_ID_MAX + 1];
		const gs_usage_cache_run *runs = NULL;
		uint32_t issue = 0;
		size_t n = 0;

		if (files[i].job != SIZE_MAX) {
			struct job *j = &jobs[files[i].job];

			if (j->error < 0) {
				gs_error_set("%s", j->message ? j->message : "out of memory");
				error = j->error;
				goto done;
			}
			if ((error = merge_job(c, j)) < 0)
				goto done;
			gs_run_free_array(j->runs, j->nruns); /* the cache holds it now */
			j->runs = NULL;
			j->nruns = 0;
		}
		gs_usage_cache_get(c, (const unsigned char *)git_tree_entry_id(e)->id, &issue, &runs, &n);
		gs_issue_id_from_name(name_id, sizeof(name_id), git_tree_entry_name(e));
		stats->runs += n;
		if ((error = add_runs(r, c, &pv, pricing, issue ? gs_usage_cache_str(c, issue) : name_id,
				      runs, n)) < 0)
			goto done;
	}
	/* A cache that cannot be written (read-only repository) costs only speed. */
	if (cache_path) {
		stats->cache_saved = gs_usage_cache_save(c, cache_path) == 0 && njobs;
		gs_error_clear();
	}
	error = 0;
done:
	for (i = 0; i < njobs; i++) {
		free(jobs[i].fm_id);
		free(jobs[i].message);
		gs_run_free_array(jobs[i].runs, jobs[i].nruns);
	}
	free(jobs);
	free(files);
	free(pv.by_id);
	git_tree_free(dir);
	git_tree_entry_free(dir_entry);
	gs_usage_cache_free(c);
	return error;
}
