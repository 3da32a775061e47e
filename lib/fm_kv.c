/*
 * barf's key=value frontmatter: one `key=value` per line between `---`
 * delimiters, the value being the raw text after the first '='. Lines are
 * the whole grammar, so the index is a line scan.
 */
#include "fm_internal.h"

#include <stdlib.h>
#include <string.h>

static int ident_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Length of the identifier at p (0 if none). */
static size_t ident_len(const char *p, size_t len)
{
	size_t i = 0;

	if (!len || !ident_start(p[0]))
		return 0;
	while (i < len && ident_char(p[i]))
		i++;
	return i;
}

/* A line is skipped when blank or a '#' comment. */
static int line_skippable(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	return i == len || p[i] == '#';
}

int gs_fm__kv_key_ok(const char *key)
{
	size_t n = strlen(key);

	return n && ident_len(key, n) == n;
}

int gs_fm__kv_detect(const char *p, size_t len, int *any_line)
{
	size_t off = 0;

	*any_line = 0;
	while (off < len) {
		const char *nl = memchr(p + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - (p + off)) : len - off;
		size_t k;

		if (!line_skippable(p + off, llen)) {
			k = ident_len(p + off, llen);
			if (!k || k >= llen || p[off + k] != '=')
				return 0;
			*any_line = 1;
		}
		off += llen + (nl ? 1 : 0);
	}
	return 1;
}

int gs_fm__kv_parse(gs_fm *fm)
{
	const char *d = fm->doc.ptr;
	size_t off = fm->content_off, end = fm->content_end, line = fm->content_line;

	while (off < end) {
		const char *nl = memchr(d + off, '\n', end - off);
		size_t llen = nl ? (size_t)(nl - (d + off)) : end - off;
		size_t k, vend, i;
		gs_fm__entry *e;

		if (line_skippable(d + off, llen)) {
			off += llen + (nl ? 1 : 0);
			line++;
			continue;
		}
		k = ident_len(d + off, llen);
		if (!k || k >= llen || d[off + k] != '=')
			return gs_fm__parse_error(fm, line, "expected key=value");
		for (i = 0; i < fm->n; i++) {
			if (fm->e[i].key_len == k && !memcmp(fm->e[i].key, d + off, k))
				return gs_fm__parse_error(fm, line, "duplicate key '%.*s'", (int)k, d + off);
		}
		vend = off + llen;
		if (nl && vend > off + k + 1 && d[vend - 1] == '\r')
			vend--;
		if (!(e = gs_fm__entry_add(fm)))
			return GS_ERROR;
		e->kind = GS_FM_SCALAR;
		e->line_off = off;
		e->key_off = off;
		e->sep_end = off + k + 1;
		e->val_off = e->sep_end;
		e->val_end = vend;
		e->end_off = off + llen + (nl ? 1 : 0);
		e->line = line++;
		e->val_line = e->line;
		e->key = strndup(d + off, k);
		e->key_len = k;
		e->value = strndup(d + e->val_off, vend - e->val_off);
		e->value_len = vend - e->val_off;
		if (!e->key || !e->value) {
			gs_error_set("out of memory");
			return GS_ERROR;
		}
		off = e->end_off;
	}
	return 0;
}
