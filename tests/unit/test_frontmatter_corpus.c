/*
 * The lossless rule over real pages: the 993 Hugo documentation pages of
 * shared/corpus/hugo-docs, as they are and as CRLF and BOM variants made
 * here. Expected bytes are computed independently of the engine: by
 * splicing the original at the offsets the engine reports, and by finding
 * the closing delimiter with a plain line scan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs/gs.h"

#define CORPUS GS_SHARED_DIR "/corpus/hugo-docs"

typedef struct {
	char *name;
	gs_buf data;
} doc;

static doc *docs;
static size_t ndocs;

enum variant { AS_IS, CRLF, BOM };
static const char *const variant_names[] = { "as is", "CRLF", "BOM" };

static int load_corpus(void)
{
	DIR *dir = opendir(CORPUS);
	struct dirent *de;
	size_t alloc = 0;

	if (!dir)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		gs_buf path = GS_BUF_INIT;
		size_t n = strlen(de->d_name);

		if (n < 3 || strcmp(de->d_name + n - 3, ".md"))
			continue;
		if (ndocs == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			docs = realloc(docs, alloc * sizeof(*docs));
			if (!docs)
				return -1;
		}
		gs_buf_printf(&path, "%s/%s", CORPUS, de->d_name);
		docs[ndocs].name = strdup(de->d_name);
		gs_buf_init(&docs[ndocs].data);
		if (gs_file_read(&docs[ndocs].data, path.ptr, GS_FM_MAX_SIZE) < 0) {
			gs_buf_dispose(&path);
			closedir(dir);
			return -1;
		}
		gs_buf_dispose(&path);
		ndocs++;
	}
	closedir(dir);
	return 0;
}

static void make_variant(gs_buf *out, const gs_buf *in, enum variant v)
{
	size_t i;

	gs_buf_clear(out);
	if (v == BOM)
		gs_buf_puts(out, "\xEF\xBB\xBF");
	for (i = 0; i < in->size; i++) {
		if (v == CRLF && in->ptr[i] == '\n' && !(i > 0 && in->ptr[i - 1] == '\r'))
			gs_buf_putc(out, '\r');
		gs_buf_putc(out, in->ptr[i]);
	}
}

/* Offset of the closing delimiter line, by a plain line scan; 0 if none. */
static size_t closing_line(const char *p, size_t n)
{
	size_t off = 0;

	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		off = 3;
	if (n - off < 4 || memcmp(p + off, "---", 3))
		return 0;
	off = (size_t)((const char *)memchr(p + off, '\n', n - off) - p) + 1;
	while (off < n) {
		const char *nl = memchr(p + off, '\n', n - off);
		size_t end = nl ? (size_t)(nl - p) : n;

		if (end > off && p[end - 1] == '\r')
			end--;
		if (end - off == 3 && (!memcmp(p + off, "---", 3) || !memcmp(p + off, "...", 3)))
			return off;
		if (!nl)
			break;
		off = end + (p[end] == '\r' ? 2 : 1);
	}
	return 0;
}

static void assert_bytes(const gs_fm *fm, const gs_buf *want, const char *what, const char *name,
			 enum variant v)
{
	const char *p;
	size_t n;

	gs_fm_bytes(&p, &n, fm);
	if (n != want->size || memcmp(p, want->ptr, n))
		fail_msg("%s (%s): %s changed other bytes", name, variant_names[v], what);
}

static void check_one(const char *name, const gs_buf *orig, enum variant v, size_t *edits)
{
	gs_buf in = GS_BUF_INIT, want = GS_BUF_INIT;
	gs_fm *fm = NULL, *ed;
	const char *p, *raw, *eol;
	size_t n, i, rawn, close;

	make_variant(&in, orig, v);
	if (gs_fm_parse(&fm, in.ptr, in.size, name) < 0)
		fail_msg("%s (%s): %s", name, variant_names[v], gs_error_last());

	/* 1. No-op identity. */
	assert_bytes(fm, &in, "a no-op rewrite", name, v);
	eol = gs_fm_eol(fm);
	if (gs_fm_dialect_of(fm) != GS_FM_NONE)
		assert_string_equal(eol, v == CRLF ? "\r\n" : "\n");

	/* 2. Setting each existing top-level scalar changes only its bytes. */
	for (i = 0; i < gs_fm_key_count(fm); i++) {
		static const char *const vals[] = { "changed value", "a: b" };
		static const char *const texts[] = { "changed value", "\"a: b\"" };
		const char *key = gs_fm_key_at(fm, i);
		size_t j, off;
		char *back = NULL;

		if (gs_fm_kind_of(fm, key) != GS_FM_SCALAR)
			continue;
		assert_int_equal(gs_fm_get_raw(&raw, &rawn, fm, key), 0);
		gs_fm_bytes(&p, &n, fm);
		off = (size_t)(raw - p);
		for (j = 0; j < 2; j++) {
			assert_int_equal(gs_fm_parse(&ed, in.ptr, in.size, name), 0);
			if (gs_fm_set_str(ed, key, vals[j]) < 0)
				fail_msg("%s: set '%s': %s", name, key, gs_error_last());
			gs_buf_clear(&want);
			gs_buf_put(&want, in.ptr, off);
			if (!rawn)
				gs_buf_putc(&want, ' ');
			gs_buf_puts(&want, texts[j]);
			gs_buf_put(&want, in.ptr + off + rawn, in.size - off - rawn);
			assert_bytes(ed, &want, key, name, v);
			assert_int_equal(gs_fm_get_str(&back, ed, key), 0);
			assert_string_equal(back, vals[j]);
			free(back);
			gs_fm_free(ed);
			(*edits)++;
		}
	}

	/* 3. Adding run_count inserts one line before the closing delimiter. */
	close = closing_line(in.ptr, in.size);
	assert_int_equal(gs_fm_parse(&ed, in.ptr, in.size, name), 0);
	assert_int_equal(gs_fm_set_i64(ed, "run_count", 1), 0);
	gs_buf_clear(&want);
	if (close) {
		gs_buf_put(&want, in.ptr, close);
		gs_buf_printf(&want, "run_count: 1%s", eol);
		gs_buf_put(&want, in.ptr + close, in.size - close);
	} else {
		/* No frontmatter (the license page): one is created at the top. */
		size_t bom = v == BOM ? 3 : 0;

		gs_buf_put(&want, in.ptr, bom);
		gs_buf_printf(&want, "---%srun_count: 1%s---%s%s", eol, eol, eol, eol);
		gs_buf_put(&want, in.ptr + bom, in.size - bom);
	}
	assert_bytes(ed, &want, "adding run_count", name, v);
	gs_fm_free(ed);
	(*edits)++;

	gs_fm_free(fm);
	gs_buf_dispose(&in);
	gs_buf_dispose(&want);
}

static void test_frontmatter_corpus_is_lossless(void **state)
{
	size_t i, edits = 0;
	int v;

	(void)state;
	assert_true(ndocs >= 993);
	for (i = 0; i < ndocs; i++) {
		for (v = AS_IS; v <= BOM; v++)
			check_one(docs[i].name, &docs[i].data, (enum variant)v, &edits);
	}
	printf("# %zu documents x 3 variants, %zu edits checked\n", ndocs, edits);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frontmatter_corpus_is_lossless),
	};
	size_t i;
	int rc;

	if (load_corpus() < 0) {
		printf("# skip: corpus %s not found\n", CORPUS);
		return 77;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	for (i = 0; i < ndocs; i++) {
		free(docs[i].name);
		gs_buf_dispose(&docs[i].data);
	}
	free(docs);
	return rc;
}
