/*
 * Session log benchmark: append latency (against a bare O_APPEND write of
 * the same line), and replay/models throughput over a ~100 MB log
 * (against a plain read of the file). Everything lives in a temporary
 * directory that is removed at the end.
 *
 * usage: bench_session [MB]   (default 100)
 */
#include "gs/gs.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int count_cb(const gs_session_event *ev, void *payload)
{
	(void)ev;
	(*(size_t *)payload)++;
	return 0;
}

/* A filler of `n` printable characters (JSON-safe). */
static void filler(gs_buf *b, size_t n, unsigned seed)
{
	static const char words[] = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do ";
	size_t i;

	for (i = 0; i < n; i++)
		gs_buf_putc(b, words[(i + seed) % (sizeof(words) - 1)]);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/gs-bench-session-XXXXXX", id[GS_SESSION_ID_BUFSZ], exe[PATH_MAX];
	gs_buf sdir = GS_BUF_INIT, path = GS_BUF_INIT, line = GS_BUF_INIT, text = GS_BUF_INIT,
	       cmd = GS_BUF_INIT;
	double mb_target = argc > 1 ? atof(argv[1]) : 100, t0, t1, *lat;
	const int n_append = 2000;
	cJSON *data;
	size_t events = 0, size = 0, seen;
	gs_session_models models;
	struct stat st;
	FILE *f;
	int i, fd, rc = 1;
	ssize_t en;

	setenv("GIT_STATS_NOW", "2026-03-15T12:00:00Z", 1);
	if (!mkdtemp(dir))
		return 1;
	gs_buf_printf(&cmd, "git init -q '%s'", dir);
	if (system(cmd.ptr) != 0) {
		fprintf(stderr, "bench_session: git init failed\n");
		goto done;
	}
	gs_buf_printf(&sdir, "%s/.git/stats/sessions", dir);

	/* ---- append latency ---- */
	if (gs_session_create(id, sdir.ptr, NULL) < 0)
		goto fail;
	data = cJSON_Parse("{\"tool\":\"bash\",\"input\":\"make test\",\"duration_ms\":812,"
			   "\"output\":\"ok 1 - all tests passed\"}");
	lat = calloc((size_t)n_append, sizeof(*lat));
	for (i = 0; i < n_append; i++) {
		t0 = now_s();
		if (gs_session_append(NULL, NULL, NULL, sdir.ptr, id, GS_SESSION_EV_TOOL, data) < 0)
			goto fail;
		lat[i] = (now_s() - t0) * 1e6;
	}
	qsort(lat, (size_t)n_append, sizeof(*lat), cmp_double);
	{
		double sum = 0, base;
		char tmp[128];
		char *dtext = cJSON_PrintUnformatted(data);

		for (i = 0; i < n_append; i++)
			sum += lat[i];
		/* Baseline: the same line with one bare O_APPEND write. */
		snprintf(tmp, sizeof(tmp), "%s/bare.jsonl", dir);
		fd = open(tmp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		gs_buf_clear(&line);
		gs_buf_printf(&line, "{\"session_id\":\"%s\",\"seq\":1,\"type\":\"tool.call\","
				     "\"ts\":\"2026-03-15T12:00:00Z\",\"data\":%s}\n", id, dtext);
		t0 = now_s();
		for (i = 0; i < n_append; i++)
			if (write(fd, line.ptr, line.size) < 0)
				break;
		base = (now_s() - t0) * 1e6 / n_append;
		close(fd);
		free(dtext);
		printf("append: %d events, mean %.1f us, p50 %.1f us, p99 %.1f us "
		       "(bare O_APPEND write %.2f us; x%.0f for the lock and the tail seq read)\n",
		       n_append, sum / n_append, lat[n_append / 2], lat[n_append * 99 / 100], base,
		       sum / n_append / (base > 0 ? base : 1));
	}
	free(lat);
	cJSON_Delete(data);

	/* ---- a ~100 MB log, written directly in the append format ---- */
	if (gs_session_create(id, sdir.ptr, NULL) < 0)
		goto fail;
	gs_buf_printf(&path, "%s/%s/events.jsonl", sdir.ptr, id);
	f = fopen(path.ptr, "w");
	if (!f)
		goto fail;
	while ((double)size < mb_target * 1024 * 1024) {
		unsigned k = (unsigned)events;
		const char *type;

		gs_buf_clear(&line);
		gs_buf_clear(&text);
		switch (k % 5) {
		case 0:
			type = "llm.request";
			filler(&text, 1500, k);
			gs_buf_printf(&line, "{\"model\":\"claude-sonnet-4-5\",\"prompt\":\"%s\"}", text.ptr);
			break;
		case 1:
			type = "llm.response";
			filler(&text, 600, k);
			gs_buf_printf(&line, "{\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":%u,"
					     "\"output_tokens\":%u,\"cache_read_input_tokens\":12000,"
					     "\"cache_creation_input_tokens\":300},\"cost_usd\":0.0123,"
					     "\"latency_ms\":2100,\"finish_reason\":\"tool_use\",\"output\":\"%s\"}",
				       1000 + k % 97, 200 + k % 31, text.ptr);
			break;
		case 2:
		case 3:
			type = "tool.call";
			filler(&text, 800, k);
			gs_buf_printf(&line, "{\"tool\":\"bash\",\"input\":\"make test\",\"output\":\"%s\","
					     "\"duration_ms\":%u,\"error\":null}", text.ptr, k % 900);
			break;
		default:
			type = "run.summary";
			gs_buf_printf(&line, "{\"models\":[\"claude-sonnet-4-5\",\"gpt-5\"],\"selected\":\"%s\","
					     "\"rating\":%s,\"type\":\"%s\",\"results\":{"
					     "\"claude-sonnet-4-5\":{\"latency_ms\":1200,\"cost_usd\":0.01,"
					     "\"input_tokens\":1000,\"output_tokens\":200,\"tool_calls\":3,"
					     "\"proposed_writes\":1},\"gpt-5\":{\"latency_ms\":1800,"
					     "\"cost_usd\":0.02,\"input_tokens\":1100,\"output_tokens\":250,"
					     "\"tool_calls\":1,\"proposed_writes\":2}}}",
				       k % 3 ? "gpt-5" : "claude-sonnet-4-5", k % 7 ? "\"up\"" : "\"down\"",
				       k % 11 ? "" : "rewind");
			break;
		}
		en = fprintf(f, "{\"session_id\":\"%s\",\"seq\":%zu,\"type\":\"%s\",\"ts\":"
				"\"2026-03-15T12:%02u:%02u.%03uZ\",\"data\":%s}\n",
			     id, events + 1, type, (k / 60000) % 60, (k / 1000) % 60, k % 1000, line.ptr);
		size += (size_t)en;
		events++;
	}
	fclose(f);
	stat(path.ptr, &st);
	/* Metadata folds in the whole log once (it was written behind the
	 * library's back), then only what is appended later. */
	{
		cJSON *meta = NULL;
		double t2;

		t0 = now_s();
		if (gs_session_metadata_load(&meta, sdir.ptr, id) < 0)
			goto fail;
		t1 = now_s();
		cJSON_Delete(meta);
		if (gs_session_append(NULL, NULL, NULL, sdir.ptr, id, GS_SESSION_EV_OVERRIDE, NULL) < 0 ||
		    gs_session_metadata_load(&meta, sdir.ptr, id) < 0)
			goto fail;
		t2 = now_s();
		cJSON_Delete(meta);
		printf("log: %.1f MB, %zu events; metadata from the whole log %.2f s (%.0f MB/s), "
		       "then append + refresh %.0f us\n",
		       (double)st.st_size / 1048576.0, events + 1, t1 - t0,
		       (double)st.st_size / 1048576.0 / (t1 - t0), (t2 - t1) * 1e6);
	}

	/* Baseline: read the file and count lines. */
	{
		char *buf = malloc(1 << 20);
		size_t lines = 0;
		ssize_t n;

		fd = open(path.ptr, O_RDONLY);
		t0 = now_s();
		while ((n = read(fd, buf, 1 << 20)) > 0) {
			char *p = buf, *end = buf + n;

			while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
				lines++;
				p++;
			}
		}
		t1 = now_s();
		close(fd);
		free(buf);
		printf("baseline read + line count: %.0f MB/s\n",
		       (double)st.st_size / 1048576.0 / (t1 - t0));
	}
	{
		double base_mbs = 0;

		seen = 0;
		t0 = now_s();
		if (gs_session_read(sdir.ptr, id, GS_SESSION_EV_ALL, count_cb, &seen, NULL, NULL) < 0)
			goto fail;
		t1 = now_s();
		base_mbs = (double)st.st_size / 1048576.0 / (t1 - t0);
		printf("gs_session_read, every event parsed: %.0f MB/s (%zu events)\n", base_mbs, seen);

		t0 = now_s();
		if (gs_session_models_compute(&models, sdir.ptr, NULL, NULL, NULL) < 0)
			goto fail;
		t1 = now_s();
		printf("models (run.summary only): %.0f MB/s (%lld runs, %lld rewinds)\n",
		       (double)st.st_size / 1048576.0 / (t1 - t0), (long long)models.runs,
		       (long long)models.rewinds);
		gs_session_models_dispose(&models);
	}

	/* The CLI's replay, when git-stats sits beside this binary. */
	en = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (en > 0) {
		char *slash;

		exe[en] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		gs_buf_clear(&cmd);
		gs_buf_printf(&cmd, "%s/git-stats", exe);
		if (access(cmd.ptr, X_OK) == 0) {
			gs_buf_clear(&cmd);
			gs_buf_printf(&cmd, "cd '%s' && '%s/git-stats' session replay %s >/dev/null", dir,
				      exe, id);
			t0 = now_s();
			if (system(cmd.ptr) == 0) {
				t1 = now_s();
				printf("git stats session replay (transcript to /dev/null): %.0f MB/s\n",
				       (double)st.st_size / 1048576.0 / (t1 - t0));
			}
			gs_buf_clear(&cmd);
			gs_buf_printf(&cmd, "cd '%s' && '%s/git-stats' session models >/dev/null", dir,
				      exe);
			t0 = now_s();
			if (system(cmd.ptr) == 0) {
				t1 = now_s();
				printf("git stats session models: %.0f MB/s\n",
				       (double)st.st_size / 1048576.0 / (t1 - t0));
			}
		}
	}
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "bench_session: %s\n", gs_error_last());
done:
	gs_buf_clear(&cmd);
	gs_buf_printf(&cmd, "rm -rf '%s'", dir);
	if (system(cmd.ptr) != 0)
		fprintf(stderr, "bench_session: could not remove %s\n", dir);
	gs_buf_dispose(&sdir);
	gs_buf_dispose(&path);
	gs_buf_dispose(&line);
	gs_buf_dispose(&text);
	gs_buf_dispose(&cmd);
	return rc;
}
