/*
 * Frontmatter throughput over the Hugo docs corpus: files per second for
 * parse + set one key + serialize, against libyaml's own parse of the same
 * frontmatters (events only, nothing kept) measured in the same run.
 *
 * usage: bench_frontmatter [corpus-dir] [seconds-per-measure]
 */
#include "gs/gs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

typedef struct {
	gs_buf data;
	size_t fm_off, fm_len; /* the YAML between the delimiters, for the baseline */
} doc;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void find_frontmatter(doc *d)
{
	const char *p = d->data.ptr, *end = p + d->data.size, *nl, *q;

	d->fm_off = d->fm_len = 0;
	if (d->data.size < 4 || memcmp(p, "---\n", 4))
		return;
	for (q = p + 4; q < end; q = nl + 1) {
		if ((size_t)(end - q) >= 3 && !memcmp(q, "---", 3)) {
			d->fm_off = 4;
			d->fm_len = (size_t)(q - p) - 4;
			return;
		}
		if (!(nl = memchr(q, '\n', (size_t)(end - q))))
			return;
	}
}

static int yaml_parse_only(const char *p, size_t n)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int ok = 1, done = 0;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ok = 0;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ok;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : GS_SHARED_DIR "/corpus/hugo-docs";
	double secs = argc > 2 ? atof(argv[2]) : 1.5;
	DIR *dh = opendir(dir);
	struct dirent *de;
	doc *docs = NULL;
	size_t n = 0, alloc = 0, i, rounds, bytes = 0;
	gs_buf out = GS_BUF_INIT;
	double t_engine, t_base, best_engine, best_base, rate_engine, rate_base;

	if (!dh) {
		fprintf(stderr, "bench_frontmatter: cannot open '%s'\n", dir);
		return 77;
	}
	while ((de = readdir(dh)) != NULL) {
		gs_buf path = GS_BUF_INIT;
		size_t len = strlen(de->d_name);

		if (len < 3 || strcmp(de->d_name + len - 3, ".md"))
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			if (!(docs = realloc(docs, alloc * sizeof(*docs))))
				return 1;
		}
		gs_buf_init(&docs[n].data);
		gs_buf_printf(&path, "%s/%s", dir, de->d_name);
		if (gs_file_read(&docs[n].data, path.ptr, GS_FM_MAX_SIZE) == 0) {
			find_frontmatter(&docs[n]);
			bytes += docs[n].data.size;
			n++;
		}
		gs_buf_dispose(&path);
	}
	closedir(dh);
	if (!n) {
		fprintf(stderr, "bench_frontmatter: no documents in '%s'\n", dir);
		return 77;
	}

	/*
	 * Rounds alternate one engine pass and one baseline pass over the
	 * corpus, so both see the same machine load; the best round of each
	 * is reported too, as the least disturbed figure.
	 */
	t_engine = t_base = 0;
	best_engine = best_base = 1e9;
	rounds = 0;
	do {
		double t1, t2, t3;

		t1 = now();
		/* Engine: parse + set one key + serialize (copy out the bytes). */
		for (i = 0; i < n; i++) {
			gs_fm *fm;
			const char *p;
			size_t len;
			int64_t rc = 0;

			if (gs_fm_parse(&fm, docs[i].data.ptr, docs[i].data.size, "bench") < 0) {
				fprintf(stderr, "bench_frontmatter: %s\n", gs_error_last());
				return 1;
			}
			if (gs_fm_has(fm, "run_count"))
				gs_fm_get_i64(&rc, fm, "run_count");
			if (gs_fm_set_i64(fm, "run_count", rc + 1) < 0) {
				fprintf(stderr, "bench_frontmatter: %s\n", gs_error_last());
				return 1;
			}
			gs_fm_bytes(&p, &len, fm);
			gs_buf_set(&out, p, len);
			gs_fm_free(fm);
		}
		t2 = now();
		/* Baseline: libyaml parses the same frontmatters, nothing else. */
		for (i = 0; i < n; i++)
			yaml_parse_only(docs[i].data.ptr + docs[i].fm_off, docs[i].fm_len);
		t3 = now();
		t_engine += t2 - t1;
		t_base += t3 - t2;
		if (t2 - t1 < best_engine)
			best_engine = t2 - t1;
		if (t3 - t2 < best_base)
			best_base = t3 - t2;
		rounds++;
	} while (t_engine + t_base < 2 * secs);

	rate_engine = (double)(n * rounds) / t_engine;
	rate_base = (double)(n * rounds) / t_base;
	printf("corpus: %zu files, %zu bytes, %zu rounds\n", n, bytes, rounds);
	printf("parse+set+serialize: %.0f files/s (%.1f MB/s), best round %.0f files/s\n", rate_engine,
	       rate_engine * (double)bytes / (double)n / 1e6, (double)n / best_engine);
	printf("baseline libyaml parse only: %.0f files/s, best round %.0f files/s\n", rate_base,
	       (double)n / best_base);
	printf("ratio engine/baseline: %.2f (best rounds %.2f)\n", rate_engine / rate_base, best_base / best_engine);
	for (i = 0; i < n; i++)
		gs_buf_dispose(&docs[i].data);
	free(docs);
	gs_buf_dispose(&out);
	return 0;
}
