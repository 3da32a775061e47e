/*
 * libFuzzer target: parse any document, apply each kind of edit to a fresh
 * copy, and abort when a lossless invariant of SPEC §2 breaks.
 *
 * Input: 3 selector bytes (edit options, key index, value) and the document.
 */
#include "gs/gs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What is being checked, printed when an invariant fails. */
static const char *cur_op = "";
static const gs_fm *cur_fm;

static void report(int line, const char *what)
{
	fprintf(stderr, "invariant failed at line %d (%s): %s\n", line, cur_op, what);
	if (cur_fm) {
		const char *p;
		size_t n, i;

		gs_fm_bytes(&p, &n, cur_fm);
		fprintf(stderr, "edited document:\n");
		for (i = 0; i < n; i++)
			fprintf(stderr, (p[i] >= 32 && p[i] < 127) || p[i] == '\n' ? "%c" : "\\x%02x",
				(unsigned char)p[i]);
		fprintf(stderr, "\n");
	}
	abort();
}

#define CHECK(cond)                              \
	do {                                     \
		if (!(cond))                     \
			report(__LINE__, #cond); \
	} while (0)

static const char *const values[] = {
	"1", "0.42", "new value", "", "a: b", "x # y", "- z", "'q'", "\"d\"", "l1\nl2", "tab\there",
	"\xC3\xA9t\xC3\xA9", "\xE2\x80\xA8", "[1, 2]", "{a: 1}", "~", "null", " lead", "trail ", "#",
	"---", "...", "a=b", "|", ">", "&anchor", "*alias", "!tag", "%", "@", "`", ",", "?", ":",
	"\\", "\x7F", "\x01", "\xEF\xBB\xBF", "long long long long long long long long long long value",
};
#define NVALUES (sizeof(values) / sizeof(values[0]))

static const char *const blocks[] = {
	"claude:\n  runs: 1\n",
	"- id: 1\n  at: x\n- id: 2\n",
	"a: |\n  text\n\n  more\nb: [1]\n",
	"{}",
	"[]",
	"",
	"x: [\n",
	"- a\nb: 1\n",
};
#define NBLOCKS (sizeof(blocks) / sizeof(blocks[0]))

static void bytes(const gs_fm *fm, const char **p, size_t *n)
{
	gs_fm_bytes(p, n, fm);
}

/* Every key of `before` other than `skip` has the same raw bytes in `after`. */
static void others_unchanged(const gs_fm *before, const gs_fm *after, const char *skip)
{
	size_t i;

	for (i = 0; i < gs_fm_key_count(before); i++) {
		const char *k = gs_fm_key_at(before, i), *a, *b;
		size_t an, bn;

		if (skip && !strcmp(k, skip))
			continue;
		if (strlen(k) == 0)
			continue;
		CHECK(gs_fm_get_raw(&a, &an, before, k) == 0);
		CHECK(gs_fm_get_raw(&b, &bn, after, k) == 0);
		CHECK(an == bn && !memcmp(a, b, an));
		CHECK(gs_fm_kind_of(before, k) == gs_fm_kind_of(after, k));
	}
}

/*
 * Every line of the frontmatter that is not blank or a comment reads
 * `identifier=...`: the one shape whose dialect is ambiguous (a YAML file
 * with keys like `a=: b` looks like key=value).
 */
static int kv_shaped(const gs_fm *fm)
{
	const char *p, *end;
	size_t off, len, doclen;

	gs_fm_span(&off, &len, fm);
	if (!len)
		return 0;
	gs_fm_bytes(&p, &doclen, fm);
	end = p + off + len;
	p = memchr(p + off, '\n', (size_t)(end - (p + off))) + 1; /* past the opening line */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *q = p;
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (ll >= 3 && (!memcmp(p, "---", 3) || !memcmp(p, "...", 3)) && (!nl || nl + 1 >= end))
			break; /* the closing line */
		while (q < p + ll && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < p + ll && *q != '#') {
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
				return 0;
			for (q = p; q < p + ll && *q != '='; q++) {
				if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
				      *q == '_' || *q == '-' || *q == '.'))
					return 0;
			}
			if (q == p + ll)
				return 0;
		}
		p += ll + 1;
	}
	return 1;
}

/*
 * The edited bytes parse afresh to the same document and key list. An
 * edited document keeps its dialect in memory, but read afresh a
 * kv-shaped one is taken for key=value (documented limit of dialect
 * detection): then NULL, and only that shape may differ.
 */
static gs_fm *reparse_same(const gs_fm *fm)
{
	const char *p;
	size_t n, i;
	gs_fm *again = NULL;
	int rc;

	bytes(fm, &p, &n);
	rc = gs_fm_parse(&again, p, n, "fuzz");
	if (rc < 0 || gs_fm_dialect_of(again) != gs_fm_dialect_of(fm)) {
		if (!kv_shaped(fm) && !(gs_fm_dialect_of(fm) == GS_FM_KV && gs_fm_key_count(fm) == 0)) {
			fprintf(stderr, "%s\n", rc < 0 ? gs_error_last() : "dialect changed");
			CHECK(!"the edited document parses afresh the same way");
		}
		gs_fm_free(again);
		return NULL;
	}
	CHECK(gs_fm_key_count(again) == gs_fm_key_count(fm));
	for (i = 0; i < gs_fm_key_count(fm); i++)
		CHECK(!strcmp(gs_fm_key_at(fm, i), gs_fm_key_at(again, i)));
	return again;
}

static const char *orig_bytes(const gs_fm *fm)
{
	const char *p;
	size_t n;

	bytes(fm, &p, &n);
	return p;
}

static size_t common_prefix(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0;

	while (i < an && i < bn && a[i] == b[i])
		i++;
	return i;
}

static gs_fm *fresh(const char *doc, size_t len)
{
	gs_fm *fm = NULL;

	CHECK(gs_fm_parse(&fm, doc, len, "fuzz") == 0);
	cur_fm = fm;
	return fm;
}

/* A refused edit leaves the bytes exactly as they were. */
static void unchanged(const gs_fm *fm, const char *doc, size_t len)
{
	const char *p;
	size_t n;

	bytes(fm, &p, &n);
	CHECK(n == len && !memcmp(p, doc, len));
}

/* Set an existing key: the change lies inside that key's value region. */
static void edit_existing(const char *doc, size_t len, const gs_fm *orig, const char *key, const char *value)
{
	gs_fm *fm = fresh(doc, len), *again;
	const char *p, *raw;
	size_t n, rawn, line_lo, raw_off, lo, hi, i;
	char *got = NULL;

	cur_op = "set existing";

	if (gs_fm_set_str(fm, key, value) < 0) {
		unchanged(fm, doc, len);
		gs_fm_free(fm);
		return;
	}
	bytes(fm, &p, &n);
	CHECK(gs_fm_get_str(&got, fm, key) == 0 && !strcmp(got, value));
	free(got);
	others_unchanged(orig, fm, key);
	if ((again = reparse_same(fm)) != NULL) {
		CHECK(gs_fm_get_str(&got, again, key) == 0 && !strcmp(got, value));
		free(got);
		gs_fm_free(again);
	}

	/*
	 * new = old[0, lo) + X + old[hi, len): everything before the old
	 * value (from its first byte when it sits on the key's line, else
	 * from just after the key's first byte) and everything after its last
	 * byte is kept. Checked as a prefix and a suffix, since a diff of
	 * the two texts could slide along runs of equal bytes.
	 */
	CHECK(gs_fm_get_raw(&raw, &rawn, orig, key) == 0);
	raw_off = (size_t)(raw - orig_bytes(orig));
	for (line_lo = 0, i = 1; i < gs_fm_line_of(orig, key); line_lo++)
		i += doc[line_lo] == '\n';
	lo = memchr(doc + line_lo, '\n', raw_off - line_lo) ? line_lo + 1 : raw_off;
	hi = raw_off + rawn;
	CHECK(n >= lo + (len - hi));
	CHECK(!memcmp(p, doc, lo));
	CHECK(!memcmp(p + n - (len - hi), doc + hi, len - hi));
	gs_fm_free(fm);
}

/* Add an absent key: exactly one line inserted, nothing else changed. */
static void edit_add(const char *doc, size_t len, const gs_fm *orig, const char *key, const char *value)
{
	gs_fm *fm = fresh(doc, len);
	const char *p;
	size_t n, pre, ins, i, nl = 0;
	char *got = NULL;

	cur_op = "add key";

	if (gs_fm_set_str(fm, key, value) < 0) {
		unchanged(fm, doc, len);
		gs_fm_free(fm);
		return;
	}
	bytes(fm, &p, &n);
	CHECK(gs_fm_get_str(&got, fm, key) == 0 && !strcmp(got, value));
	free(got);
	others_unchanged(orig, fm, NULL);
	gs_fm_free(reparse_same(fm));
	CHECK(gs_fm_key_count(fm) == gs_fm_key_count(orig) + 1);
	CHECK(!strcmp(gs_fm_key_at(fm, gs_fm_key_count(fm) - 1), key));
	if (gs_fm_dialect_of(orig) != GS_FM_NONE) {
		CHECK(n > len);
		ins = n - len;
		pre = common_prefix(doc, len, p, n);
		CHECK(!memcmp(p + pre + ins, doc + pre, len - pre));
		for (i = pre; i < pre + ins; i++)
			nl += p[i] == '\n';
		CHECK(nl == 1);
	}
	gs_fm_free(fm);
}

static void edit_remove(const char *doc, size_t len, const gs_fm *orig, const char *key)
{
	gs_fm *fm = fresh(doc, len);
	const char *p;
	size_t n, pre, del;

	cur_op = "remove";

	if (gs_fm_remove(fm, key) < 0) {
		unchanged(fm, doc, len);
		gs_fm_free(fm);
		return;
	}
	bytes(fm, &p, &n);
	CHECK(!gs_fm_has(fm, key));
	CHECK(gs_fm_key_count(fm) + 1 == gs_fm_key_count(orig));
	others_unchanged(orig, fm, key);
	gs_fm_free(reparse_same(fm));
	/* a deletion of whole lines */
	CHECK(n < len);
	del = len - n;
	pre = common_prefix(doc, len, p, n);
	CHECK(!memcmp(doc + pre + del, p + pre, n - pre));
	gs_fm_free(fm);
}

static void edit_block(const char *doc, size_t len, const gs_fm *orig, const char *key, const char *block)
{
	gs_fm *fm = fresh(doc, len);
	char *got = NULL;

	cur_op = "set_block";

	if (gs_fm_set_block(fm, key, block) < 0) {
		unchanged(fm, doc, len);
		gs_fm_free(fm);
		return;
	}
	others_unchanged(orig, fm, key);
	gs_fm_free(reparse_same(fm));
	if (strchr(block, '\n') && block[0] != '{' && block[0] != '[') {
		CHECK(gs_fm_get_block(&got, fm, key) == 0);
		CHECK(!strcmp(got, block));
		free(got);
	}
	gs_fm_free(fm);
}

static void edit_numbers(const char *doc, size_t len, const gs_fm *orig, const char *key, uint8_t sel)
{
	gs_fm *fm = fresh(doc, len);
	int64_t i = (int64_t)sel * 1000003 - 7;
	int64_t gi;
	double d = sel / 7.0, gd;

	cur_op = "set numbers";

	if (gs_fm_set_i64(fm, key, i) == 0) {
		CHECK(gs_fm_get_i64(&gi, fm, key) == 0 && gi == i);
		others_unchanged(orig, fm, key);
	} else {
		unchanged(fm, doc, len);
	}
	gs_fm_free(fm);
	fm = fresh(doc, len);
	if (gs_fm_set_f64(fm, key, d) == 0) {
		CHECK(gs_fm_get_f64(&gd, fm, key) == 0 && gd == d);
		others_unchanged(orig, fm, key);
	} else {
		unchanged(fm, doc, len);
	}
	gs_fm_free(fm);
}

static void edit_body(const char *doc, size_t len, const gs_fm *orig)
{
	gs_fm *fm = fresh(doc, len);
	const char *p, *b0, *b1;
	size_t n, bn0, bn1;

	cur_op = "body append";

	if (gs_fm_body_append(fm, "log\n", 4) < 0) {
		unchanged(fm, doc, len);
		gs_fm_free(fm);
		return;
	}
	bytes(fm, &p, &n);
	CHECK(n > len && !memcmp(p, doc, len));
	if (gs_fm_dialect_of(orig) != GS_FM_NONE) {
		others_unchanged(orig, fm, NULL);
		gs_fm_body(&b0, &bn0, orig);
		gs_fm_body(&b1, &bn1, fm);
		CHECK(bn1 > bn0 && !memcmp(b0, b1, bn0));
	}
	gs_fm_free(fm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *doc, *p;
	size_t len, n, nkeys, i;
	gs_fm *orig = NULL;
	uint8_t opt, ksel, vsel;
	const char *key, *value;
	char derived[24];

	if (size < 3)
		return 0;
	opt = data[0];
	ksel = data[1];
	vsel = data[2];
	doc = (const char *)data + 3;
	len = size - 3;

	if (gs_fm_parse(&orig, doc, len, "fuzz") < 0)
		return 0;
	/* No-op identity. */
	bytes(orig, &p, &n);
	CHECK(n == len && !memcmp(p, doc, len));
	nkeys = gs_fm_key_count(orig);
	for (i = 0; i < nkeys; i++) {
		const char *raw;
		size_t rn;
		char *s = NULL;

		CHECK(gs_fm_get_raw(&raw, &rn, orig, gs_fm_key_at(orig, i)) == 0);
		CHECK(raw >= p && raw + rn <= p + n);
		if (gs_fm_get_str(&s, orig, gs_fm_key_at(orig, i)) == 0)
			free(s);
		if (gs_fm_get_block(&s, orig, gs_fm_key_at(orig, i)) == 0)
			free(s);
	}

	if (vsel & 0x80) {
		/* A value taken from the input itself: arbitrary bytes. */
		size_t dn = len < sizeof(derived) - 1 ? len : sizeof(derived) - 1;

		memcpy(derived, doc, dn);
		derived[dn] = '\0';
		value = derived;
	} else {
		value = values[vsel % NVALUES];
	}

	if (nkeys) {
		key = gs_fm_key_at(orig, ksel % nkeys);
		if (strlen(key) > 0 && !(opt & 1))
			edit_existing(doc, len, orig, key, value);
		if (strlen(key) > 0 && !(opt & 2))
			edit_remove(doc, len, orig, key);
		if (strlen(key) > 0 && !(opt & 4))
			edit_numbers(doc, len, orig, key, vsel);
		if (strlen(key) > 0 && !(opt & 8))
			edit_block(doc, len, orig, key, blocks[ksel % NBLOCKS]);
	}
	if (!gs_fm_has(orig, "run_count"))
		edit_add(doc, len, orig, "run_count", value);
	if (!gs_fm_has(orig, "agents") && !(opt & 16))
		edit_block(doc, len, orig, "agents", blocks[vsel % NBLOCKS]);
	if (!(opt & 32))
		edit_body(doc, len, orig);
	gs_fm_free(orig);
	return 0;
}
