/*
 * Latency of `git stats set` against the git CLI making the same change
 * (write the file, git add, git commit -q), interleaved in one run so both
 * see the same machine load. Driven by tests/bench/store.sh, which makes
 * the repository.
 *
 * usage: bench_store REPO RUNS GIT_STATS
 */
#include "gs/gs.h"

#include <git2.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* CPU time (user + system) of the children run so far, in ms. */
static double child_cpu_ms;

static double tv_ms(struct timeval tv)
{
	return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

static double self_cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Run argv in `dir` with stdout/stderr to /dev/null; exit on failure. */
static void run(const char *dir, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "bench_store: cannot run %s\n", argv[0]);
		exit(1);
	}
	posix_spawn_file_actions_destroy(&fa);
	{
		struct rusage ru;

		if (wait4(pid, &status, 0, &ru) < 0)
			status = -1;
		else
			child_cpu_ms += tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
	}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_store: %s %s failed\n", argv[0], argv[1]);
		exit(1);
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[(int)(p * (n - 1) + 0.5)];
}

/* The git CLI way: the same frontmatter edit, written, added, committed. */
static double git_cli_change(const char *repo, const char *git, int id, int i)
{
	char path[256], rel[128], key[32], val[32], msg[64];
	gs_issue_kv kv[1];
	gs_issue_set_args args = { kv, 1 };
	gs_buf old = GS_BUF_INIT, out = GS_BUF_INIT;
	double t0;

	snprintf(rel, sizeof(rel), "issues/%d-issue-number-%d.md", id, id);
	snprintf(path, sizeof(path), "%s/%s", repo, rel);
	snprintf(key, sizeof(key), "bench_%d", i);
	snprintf(val, sizeof(val), "%d", i);
	snprintf(msg, sizeof(msg), "stats(%d): set %s", id, key);
	kv[0].key = key;
	kv[0].value = val;
	t0 = now_ms();
	if (gs_file_read(&old, path, 1 << 20) < 0 ||
	    gs_issue_edit_set(&out, rel, old.ptr, old.size, &args) < 0 ||
	    gs_file_write_atomic(path, out.ptr, out.size, 0666) < 0) {
		fprintf(stderr, "bench_store: %s\n", gs_error_last());
		exit(1);
	}
	{
		char *add[] = { (char *)git, (char *)"add", rel, NULL };
		char *commit[] = { (char *)git, (char *)"commit", (char *)"-q", (char *)"-m", msg, NULL };

		run(repo, add);
		run(repo, commit);
	}
	gs_buf_dispose(&old);
	gs_buf_dispose(&out);
	return now_ms() - t0;
}

static double stats_set(const char *repo, const char *bin, const char *ref, int id, int i)
{
	char idtext[32], kv[64];
	double t0;

	snprintf(idtext, sizeof(idtext), "%d", id);
	snprintf(kv, sizeof(kv), "bench_%d=%d", i, i);
	t0 = now_ms();
	if (ref) {
		char *argv[] = { (char *)bin, (char *)"set", (char *)"--ref", (char *)ref, idtext, kv, NULL };

		run(repo, argv);
	} else {
		char *argv[] = { (char *)bin, (char *)"set", idtext, kv, NULL };

		run(repo, argv);
	}
	return now_ms() - t0;
}

/* The library alone, in this process: no exec, no libgit2 start-up. */
struct inproc_ctx {
	const char *id;
	gs_issue_set_args args;
};

static int inproc_txn(gs_txn *t, void *payload)
{
	struct inproc_ctx *c = payload;
	char *path = NULL;
	int error = gs_txn_resolve(&path, t, c->id);

	if (error == 0)
		error = gs_txn_edit(t, path, gs_issue_edit_set, &c->args);
	free(path);
	return error;
}

static double inproc_set(const char *repo, const char *ref, int id, int i)
{
	char idtext[32], key[32], val[32];
	gs_issue_kv kv[1];
	struct inproc_ctx c;
	gs_store_result res;
	gs_repo *r = NULL;
	double t0 = now_ms();

	snprintf(idtext, sizeof(idtext), "%d", id);
	snprintf(key, sizeof(key), "bench_%d", i);
	snprintf(val, sizeof(val), "%d", i);
	kv[0].key = key;
	kv[0].value = val;
	c.id = idtext;
	c.args.kv = kv;
	c.args.count = 1;
	if (gs_repo_open(&r, repo) < 0 || (ref && gs_repo_set_ref(r, ref) < 0) ||
	    gs_store_update(&res, r, "stats: bench", inproc_txn, &c) < 0) {
		fprintf(stderr, "bench_store: %s\n", gs_error_last());
		exit(1);
	}
	gs_repo_free(r);
	return now_ms() - t0;
}

struct series {
	const char *name;
	double *wall, *cpu;
};

static void report(struct series *s, int runs)
{
	printf("%-38s wall median %7.2f ms  p90 %7.2f ms   cpu median %6.2f ms\n", s->name,
	       pct(s->wall, runs, 0.5), pct(s->wall, runs, 0.9), pct(s->cpu, runs, 0.5));
}

int main(int argc, char **argv)
{
	const char *git = "/usr/bin/git";
	struct series sr[5] = {
		{ "git stats set, checked-out branch", NULL, NULL },
		{ "git stats set, dedicated ref", NULL, NULL },
		{ "git CLI (write, add, commit -q)", NULL, NULL },
		{ "library only, checked-out branch", NULL, NULL },
		{ "library only, dedicated ref", NULL, NULL },
	};
	double cli_wall, cli_cpu;
	int runs, i, k;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_store REPO RUNS GIT_STATS\n");
		return 2;
	}
	runs = atoi(argv[2]);
	if (runs < 1)
		runs = 1;
	if (access(git, X_OK) != 0)
		git = "/usr/local/bin/git";
	for (k = 0; k < 5; k++) {
		sr[k].wall = calloc((size_t)runs, sizeof(double));
		sr[k].cpu = calloc((size_t)runs, sizeof(double));
		if (!sr[k].wall || !sr[k].cpu)
			return 1;
	}
	git_libgit2_init();
	srand(42);
	/* one warm-up of each, not counted: page cache, first-run costs */
	stats_set(argv[1], argv[3], NULL, 1, 0);
	stats_set(argv[1], argv[3], "refs/heads/issues", 1, 0);
	git_cli_change(argv[1], git, 2, 0);
	for (i = 0; i < runs; i++) {
		double c0;

		for (k = 0; k < 5; k++) {
			int id = rand() % 10000 + 1;

			c0 = k < 3 ? child_cpu_ms : self_cpu_ms();
			switch (k) {
			case 0:
				sr[k].wall[i] = stats_set(argv[1], argv[3], NULL, id, i + 1);
				break;
			case 1:
				sr[k].wall[i] = stats_set(argv[1], argv[3], "refs/heads/issues", id, i + 1);
				break;
			case 2:
				/* the file edit runs here, the rest in git's processes */
				c0 -= self_cpu_ms();
				sr[k].wall[i] = git_cli_change(argv[1], git, id, i + 1);
				c0 += self_cpu_ms();
				break;
			case 3:
				sr[k].wall[i] = inproc_set(argv[1], NULL, id, 1000 + i);
				break;
			default:
				sr[k].wall[i] = inproc_set(argv[1], "refs/heads/issues", id, 1000 + i);
				break;
			}
			sr[k].cpu[i] = (k < 3 ? child_cpu_ms : self_cpu_ms()) - c0;
		}
	}
	printf("runs: %d of each, interleaved\n", runs);
	for (k = 0; k < 5; k++)
		report(&sr[k], runs);
	cli_wall = pct(sr[2].wall, runs, 0.5);
	cli_cpu = pct(sr[2].cpu, runs, 0.5);
	printf("ratio git CLI / git stats set (wall): %.1fx checked-out branch, %.1fx dedicated ref\n",
	       cli_wall / pct(sr[0].wall, runs, 0.5), cli_wall / pct(sr[1].wall, runs, 0.5));
	printf("ratio git CLI / git stats set (cpu):  %.1fx checked-out branch, %.1fx dedicated ref\n",
	       cli_cpu / pct(sr[0].cpu, runs, 0.5), cli_cpu / pct(sr[1].cpu, runs, 0.5));
	for (k = 0; k < 5; k++) {
		free(sr[k].wall);
		free(sr[k].cpu);
	}
	git_libgit2_shutdown();
	return 0;
}
