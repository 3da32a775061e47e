/*
 * Usage report at scale: N issues x M runs at one ref (default 10,000 x
 * 20), the report timed cold (no cache), warm (cache hit for every blob)
 * and without any cache, against a baseline measured in the same run:
 * libgit2 reading every issue blob at the tree and doing nothing with it.
 *
 *   bench_usage [--issues N] [--runs M] [--keep DIR | --repo DIR]
 *
 * With --keep the repository is built in DIR (created) and left there, so
 * tests/bench/usage.sh can time the `git stats usage` command on it too;
 * --repo measures a repository kept earlier without building it again.
 */
#include "gs/gs.h"

#include <git2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static _Noreturn void die(const char *what)
{
	const git_error *e = git_error_last();

	fprintf(stderr, "bench_usage: %s: %s\n", what,
		e && e->message ? e->message : gs_error_last());
	exit(1);
}

static const char *const models[] = { "claude-sonnet-4-5", "claude-opus-4-1", "gpt-4.1",
				      "gemini-2.5-pro", "in-house-model" };

/* The document of issue `i`: frontmatter and body, then `nruns` runs
 * recorded through gs_run_apply_many exactly as `git stats record` does. */
static void make_issue(gs_buf *out, gs_pricing *pricing, unsigned i, unsigned nruns)
{
	gs_buf doc = GS_BUF_INIT;
	gs_run *runs = calloc(nruns, sizeof(*runs));
	char id[64];
	unsigned j;

	gs_buf_printf(&doc,
		      "---\nid: %u\ntitle: Benchmark issue number %u\nstate: open\n"
		      "labels: [bench]\n---\n\nA generated issue for the usage benchmark.\n",
		      i, i);
	for (j = 0; j < nruns; j++) {
		gs_run *r = &runs[j];
		unsigned k = i * 31 + j * 7;

		gs_run_init(r);
		snprintf(id, sizeof(id), "run_bench_%u_%u", i, j);
		r->run_id = strdup(id);
		r->model = strdup(models[k % 5]);
		/* Sixty days of history before 2026-03-15. */
		r->started_at_ms = 1773576000000LL - (int64_t)(k % 60) * 86400000LL -
				   (int64_t)(k % 86400) * 1000;
		r->input_tokens = 1000 + k % 5000;
		r->output_tokens = 2000 + k % 7000;
		r->cache_read_tokens = 50000 + k % 90000;
		r->cache_write_tokens = 8000 + k % 3000;
		r->duration_seconds = 30.0 + (double)(k % 900);
		r->iterations = 1 + k % 12;
		r->context_size = 60000 + k % 100000;
		r->given = GS_RUN_HAS_INPUT | GS_RUN_HAS_OUTPUT | GS_RUN_HAS_CACHE_READ |
			   GS_RUN_HAS_CACHE_WRITE | GS_RUN_HAS_DURATION | GS_RUN_HAS_ITERATIONS |
			   GS_RUN_HAS_CONTEXT | GS_RUN_HAS_MODEL | GS_RUN_HAS_STARTED |
			   GS_RUN_HAS_RUN_ID;
		if (gs_run_finish(r, pricing, 1773576000000LL) < 0)
			die("gs_run_finish");
	}
	snprintf(id, sizeof(id), "issues/%u-bench.md", i);
	if (gs_run_apply_many(out, NULL, doc.ptr, doc.size, id, runs, nruns) < 0)
		die("gs_run_apply_many");
	gs_run_free_array(runs, nruns);
	gs_buf_dispose(&doc);
}

static void build_repo(const char *dir, unsigned nissues, unsigned nruns)
{
	git_repository *repo;
	git_treebuilder *issues, *root;
	git_oid blob, tree, root_tree, commit;
	git_signature *sig;
	git_tree *t;
	gs_pricing *pricing;
	gs_buf doc = GS_BUF_INIT, cmd = GS_BUF_INIT;
	char name[64];
	unsigned i;

	if (git_repository_init(&repo, dir, 0) < 0 || git_treebuilder_new(&issues, repo, NULL) < 0 ||
	    gs_pricing_new(&pricing) < 0)
		die("init");
	for (i = 1; i <= nissues; i++) {
		make_issue(&doc, pricing, i, nruns);
		snprintf(name, sizeof(name), "%u-bench.md", i);
		if (git_blob_create_from_buffer(&blob, repo, doc.ptr, doc.size) < 0 ||
		    git_treebuilder_insert(NULL, issues, name, &blob, GIT_FILEMODE_BLOB) < 0)
			die("blob");
	}
	if (git_treebuilder_write(&tree, issues) < 0 || git_treebuilder_new(&root, repo, NULL) < 0 ||
	    git_treebuilder_insert(NULL, root, "issues", &tree, GIT_FILEMODE_TREE) < 0 ||
	    git_treebuilder_write(&root_tree, root) < 0 || git_tree_lookup(&t, repo, &root_tree) < 0 ||
	    git_signature_new(&sig, "Bench", "bench@example.com", 1773576000, 0) < 0 ||
	    git_commit_create(&commit, repo, "refs/heads/main", sig, sig, NULL, "bench issues", t, 0,
			      NULL) < 0 ||
	    git_repository_set_head(repo, "refs/heads/main") < 0)
		die("commit");
	git_signature_free(sig);
	git_tree_free(t);
	git_treebuilder_free(root);
	git_treebuilder_free(issues);
	git_repository_free(repo);
	gs_pricing_free(pricing);
	gs_buf_dispose(&doc);
	/* A repository that has lived a while is packed: measure that. */
	gs_buf_printf(&cmd, "git -C '%s' repack -adq && git -C '%s' prune-packed", dir, dir);
	if (system(cmd.ptr) != 0)
		die("git repack");
	gs_buf_dispose(&cmd);
}

static git_tree *root_tree(git_repository *repo)
{
	git_object *obj;
	git_tree *tree;

	if (git_revparse_single(&obj, repo, "refs/heads/main^{tree}") < 0)
		die("rev-parse");
	tree = (git_tree *)obj;
	return tree;
}

/* The floor: read every issue blob, parse nothing. */
static double baseline(git_repository *repo)
{
	git_tree *root = root_tree(repo), *dir;
	git_tree_entry *e;
	double t0 = now_s();
	size_t i, bytes = 0;

	if (git_tree_entry_bypath(&e, root, "issues") < 0 ||
	    git_tree_lookup(&dir, repo, git_tree_entry_id(e)) < 0)
		die("issues tree");
	for (i = 0; i < git_tree_entrycount(dir); i++) {
		git_blob *b;

		if (git_blob_lookup(&b, repo, git_tree_entry_id(git_tree_entry_byindex(dir, i))) < 0)
			die("blob");
		bytes += (size_t)git_blob_rawsize(b);
		git_blob_free(b);
	}
	git_tree_free(dir);
	git_tree_entry_free(e);
	git_tree_free(root);
	if (!bytes)
		die("empty");
	return now_s() - t0;
}

/* One report by model over all time; returns seconds, fills totals. */
static double report(git_repository *repo, const char *cache, gs_usage_row *totals,
		     gs_usage_scan *scan)
{
	gs_usage_report *r;
	gs_window w;
	double t0 = now_s();
	git_tree *root = root_tree(repo);
	gs_pricing *pricing;

	if (gs_pricing_new(&pricing) < 0 || gs_window_parse(&w, "all", 0) < 0 ||
	    gs_usage_report_new(&r, GS_USAGE_BY_MODEL, GS_USAGE_SOURCE_ISSUES, &w) < 0 ||
	    gs_usage_add_issues(scan, r, repo, root, "issues", cache, pricing) < 0 ||
	    gs_usage_report_finish(r) < 0)
		die("report");
	*totals = *gs_usage_report_totals(r);
	totals->key = totals->provider = totals->model = NULL;
	gs_usage_report_free(r);
	gs_pricing_free(pricing);
	git_tree_free(root);
	return now_s() - t0;
}

static int same_totals(const gs_usage_row *a, const gs_usage_row *b)
{
	return a->sessions == b->sessions && a->input_tokens == b->input_tokens &&
	       a->output_tokens == b->output_tokens && a->cache_read_tokens == b->cache_read_tokens &&
	       a->cache_write_tokens == b->cache_write_tokens && a->duration_ms == b->duration_ms &&
	       a->unknown_cost_sessions == b->unknown_cost_sessions &&
	       a->known_cost_usd == b->known_cost_usd;
}

int main(int argc, char **argv)
{
	unsigned nissues = 10000, nruns = 20;
	const char *keep = NULL, *reuse = NULL;
	char tmpl[] = "/tmp/gs-bench-usage-XXXXXX", cache[512];
	gs_usage_row cold_totals, warm_totals, none_totals;
	gs_usage_scan cold_scan, warm_scan, none_scan;
	double t_gen, t_base, t_cold, t_warm = 1e9, t_none, t;
	git_repository *repo;
	const char *dir;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--issues") && i + 1 < argc)
			nissues = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			nruns = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--keep") && i + 1 < argc)
			keep = argv[++i];
		else if (!strcmp(argv[i], "--repo") && i + 1 < argc)
			keep = reuse = argv[++i];
		else {
			fprintf(stderr, "usage: bench_usage [--issues N] [--runs M] "
					"[--keep DIR | --repo DIR]\n");
			return 2;
		}
	}
	git_libgit2_init();
	if (keep)
		dir = keep;
	else if (!(dir = mkdtemp(tmpl)))
		die("mkdtemp");

	t = now_s();
	if (!reuse)
		build_repo(dir, nissues, nruns);
	t_gen = now_s() - t;
	if (git_repository_open(&repo, dir) < 0)
		die("open");
	snprintf(cache, sizeof(cache), "%s/.git/stats/usage-cache", dir);

	/* Best of three for the slow ones: the machine is shared. */
	t_base = t_none = t_cold = 1e9;
	for (i = 0; i < 3; i++) {
		if ((t = baseline(repo)) < t_base)
			t_base = t;
		if ((t = report(repo, NULL, &none_totals, &none_scan)) < t_none)
			t_none = t;
		unlink(cache);
		if ((t = report(repo, cache, &cold_totals, &cold_scan)) < t_cold)
			t_cold = t;
	}
	for (i = 0; i < 5; i++) {
		t = report(repo, cache, &warm_totals, &warm_scan);
		if (t < t_warm)
			t_warm = t;
	}
	if (!same_totals(&cold_totals, &warm_totals) || !same_totals(&cold_totals, &none_totals)) {
		fprintf(stderr, "bench_usage: cached and parsed reports differ\n");
		return 1;
	}
	if (cold_scan.parsed != nissues || warm_scan.parsed != 0 || warm_scan.cached != nissues ||
	    cold_totals.sessions != (int64_t)nissues * nruns) {
		fprintf(stderr, "bench_usage: cold parsed %zu, warm parsed %zu, runs %lld\n",
			cold_scan.parsed, warm_scan.parsed, (long long)cold_totals.sessions);
		return 1;
	}

	printf("usage report, %u issues x %u runs = %lld runs", nissues, nruns,
	       (long long)cold_totals.sessions);
	if (!reuse)
		printf(" (generated in %.1f s)", t_gen);
	printf("\n");
	printf("  (best of 3; warm best of 5)\n");
	printf("  baseline: read every blob, no parsing  %8.1f ms\n", t_base * 1e3);
	printf("  no cache (parse every blob)            %8.1f ms  %5.2fx baseline\n", t_none * 1e3,
	       t_none / t_base);
	printf("  cold (parse, then write the cache)     %8.1f ms  %5.2fx baseline\n", t_cold * 1e3,
	       t_cold / t_base);
	printf("  warm (tree + cache)                    %8.1f ms  %5.2fx baseline\n", t_warm * 1e3,
	       t_warm / t_base);
	git_repository_free(repo);
	if (!keep) {
		gs_buf cmd = GS_BUF_INIT;

		gs_buf_printf(&cmd, "rm -rf '%s'", dir);
		if (system(cmd.ptr) != 0)
			fprintf(stderr, "bench_usage: could not remove %s\n", dir);
		gs_buf_dispose(&cmd);
	}
	git_libgit2_shutdown();
	return 0;
}
