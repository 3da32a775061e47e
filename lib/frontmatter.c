/*
 * Lossless frontmatter (SPEC §2). We never re-emit the user's YAML: libyaml
 * only tells us where each top-level value lives (event marks), edits splice
 * new bytes into the original text, and every edit is re-parsed and checked
 * before it replaces the document, so a failed edit leaves it as it was.
 */
#include "fm_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* --- small helpers -------------------------------------------------------- */

int gs_fm__parse_error(const gs_fm *fm, size_t line, const char *fmt, ...)
{
	gs_buf msg = GS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	if (gs_buf_vprintf(&msg, fmt, ap) < 0)
		gs_buf_clear(&msg);
	va_end(ap);
	gs_error_set("cannot parse frontmatter of '%s' at line %zu: %s", fm->name, line, msg.ptr);
	gs_buf_dispose(&msg);
	return GS_EPARSE;
}

gs_fm__entry *gs_fm__entry_add(gs_fm *fm)
{
	if (fm->n == fm->alloc) {
		size_t na = fm->alloc ? fm->alloc * 2 : 16;
		gs_fm__entry *ne = realloc(fm->e, na * sizeof(*ne));

		if (!ne) {
			gs_error_set("out of memory");
			return NULL;
		}
		fm->e = ne;
		fm->alloc = na;
	}
	memset(&fm->e[fm->n], 0, sizeof(fm->e[0]));
	return &fm->e[fm->n++];
}

gs_fm__entry *gs_fm__find(const gs_fm *fm, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < fm->n; i++) {
		if (fm->e[i].key_len == n && !memcmp(fm->e[i].key, key, n))
			return &fm->e[i];
	}
	return NULL;
}

size_t gs_fm__line_of(const gs_fm *fm, size_t off)
{
	const char *p = fm->doc.ptr, *end = p + (off < fm->doc.size ? off : fm->doc.size);
	size_t line = 1;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

size_t gs_fm__line_end(const gs_fm *fm, size_t off)
{
	const char *nl = memchr(fm->doc.ptr + off, '\n', fm->doc.size - off);

	return nl ? (size_t)(nl - fm->doc.ptr) + 1 : fm->doc.size;
}

static size_t line_start(const gs_fm *fm, size_t off)
{
	while (off > 0 && fm->doc.ptr[off - 1] != '\n')
		off--;
	return off;
}

static void entries_clear(gs_fm *fm)
{
	size_t i;

	for (i = 0; i < fm->n; i++) {
		free(fm->e[i].key);
		free(fm->e[i].value);
	}
	fm->n = 0;
}

static const char *eol_of(const gs_fm *fm)
{
	return fm->crlf ? "\r\n" : "\n";
}

/*
 * A delimiter line at p: `---` (or `...` when dots is set) followed by
 * optional blanks and a line break or the end. Returns the line's length
 * including its break (0 when not a delimiter); *brk tells whether the line
 * ends in a break and *crlf whether that break is CRLF.
 */
static size_t delimiter_line(const char *p, size_t len, int dots, int *brk, int *crlf)
{
	size_t i = 3;

	if (len < 3 || !(memcmp(p, "---", 3) == 0 || (dots && memcmp(p, "...", 3) == 0)))
		return 0;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	*brk = 1;
	*crlf = 0;
	if (i == len) {
		*brk = 0;
		return i;
	}
	if (p[i] == '\n')
		return i + 1;
	if (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n') {
		*crlf = 1;
		return i + 2;
	}
	return 0;
}

/* --- YAML index ------------------------------------------------------------- */

/* Maps libyaml's mark.index (characters; CRLF counts two) to byte offsets. */
typedef struct {
	size_t base;  /* document offset of the content */
	size_t *pos;  /* char index -> content byte offset; NULL when ASCII */
	size_t nchar;
} posmap;

static int posmap_init(posmap *m, const char *p, size_t len, size_t base, int ascii)
{
	size_t i, c = 0;

	m->base = base;
	m->pos = NULL;
	m->nchar = len;
	if (ascii)
		return 0;
	if (!(m->pos = malloc((len + 1) * sizeof(size_t)))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	for (i = 0; i < len; i++) {
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			m->pos[c++] = i;
	}
	m->pos[c] = len;
	m->nchar = c;
	return 0;
}

static size_t posmap_get(const posmap *m, size_t idx)
{
	if (idx > m->nchar)
		idx = m->nchar;
	return m->base + (m->pos ? m->pos[idx] : idx);
}

static int yaml_problem(gs_fm *fm, yaml_parser_t *p)
{
	size_t line;

	if (p->error == YAML_MEMORY_ERROR) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	if (p->error == YAML_READER_ERROR) {
		line = gs_fm__line_of(fm, fm->content_off + p->problem_offset);
		return gs_fm__parse_error(fm, line, "%s", p->problem ? p->problem : "unreadable input");
	}
	line = fm->content_line + p->problem_mark.line;
	if (p->context)
		return gs_fm__parse_error(fm, line, "%s %s", p->problem ? p->problem : "syntax error",
					  p->context);
	return gs_fm__parse_error(fm, line, "%s", p->problem ? p->problem : "syntax error");
}

/* The end of a block scalar's mark lies at the next token; pull it back. */
static size_t trim_back(const gs_fm *fm, size_t start, size_t end)
{
	const char *d = fm->doc.ptr;

	while (end > start && (d[end - 1] == ' ' || d[end - 1] == '\t' || d[end - 1] == '\n' ||
			       d[end - 1] == '\r'))
		end--;
	return end;
}

/*
 * An empty scalar for an explicit key without a value (`? x`) is marked
 * at the next token, past any blank and comment lines: pull it back to the
 * end of the last line with content.
 */
static size_t trim_back_comments(const gs_fm *fm, size_t start, size_t end)
{
	const char *d = fm->doc.ptr;

	for (;;) {
		size_t ls, i;

		end = trim_back(fm, start, end);
		if (end <= start)
			return end;
		ls = line_start(fm, end - 1);
		for (i = ls; i < end && (d[i] == ' ' || d[i] == '\t'); i++)
			;
		if (i == end || d[i] != '#' || ls <= start)
			return end;
		end = ls;
	}
}

static int is_block_scalar(const yaml_event_t *ev)
{
	return ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
	       ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
}

/* Nested-mapping key sets, for duplicate detection below the top level. */
typedef struct {
	size_t *start; /* per open mapping: first index into keys */
	int *expect;   /* per open collection: 1 mapping expecting a key, 0 value, -1 sequence */
	size_t depth, alloc;
	char **keys;
	size_t *klen;
	size_t nkeys, kalloc;
} keystack;

static int ks_push(keystack *ks, int is_map)
{
	if (ks->depth == ks->alloc) {
		size_t na = ks->alloc ? ks->alloc * 2 : 16;
		size_t *ns = realloc(ks->start, na * sizeof(*ns));
		int *ne;

		if (!ns)
			return -1;
		ks->start = ns;
		if (!(ne = realloc(ks->expect, na * sizeof(*ne))))
			return -1;
		ks->expect = ne;
		ks->alloc = na;
	}
	ks->start[ks->depth] = ks->nkeys;
	ks->expect[ks->depth] = is_map ? 1 : -1;
	ks->depth++;
	return 0;
}

static void ks_pop(keystack *ks)
{
	size_t i;

	ks->depth--;
	for (i = ks->start[ks->depth]; i < ks->nkeys; i++)
		free(ks->keys[i]);
	ks->nkeys = ks->start[ks->depth];
}

/* Record key (p, len) in the innermost mapping; 1 when it is a duplicate. */
static int ks_key(keystack *ks, const char *p, size_t len)
{
	size_t i;

	for (i = ks->start[ks->depth - 1]; i < ks->nkeys; i++) {
		if (ks->klen[i] == len && !memcmp(ks->keys[i], p, len))
			return 1;
	}
	if (ks->nkeys == ks->kalloc) {
		size_t na = ks->kalloc ? ks->kalloc * 2 : 32;
		char **nk = realloc(ks->keys, na * sizeof(*nk));
		size_t *nl;

		if (!nk)
			return -1;
		ks->keys = nk;
		if (!(nl = realloc(ks->klen, na * sizeof(*nl))))
			return -1;
		ks->klen = nl;
		ks->kalloc = na;
	}
	if (!(ks->keys[ks->nkeys] = malloc(len + 1)))
		return -1;
	memcpy(ks->keys[ks->nkeys], p, len);
	ks->klen[ks->nkeys++] = len;
	return 0;
}

static void ks_dispose(keystack *ks)
{
	while (ks->depth)
		ks_pop(ks);
	free(ks->start);
	free(ks->expect);
	free(ks->keys);
	free(ks->klen);
}

static char *dup_bytes(const void *p, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

/* Anchors defined so far: an alias must name one (libyaml's parser does not check). */
typedef struct {
	char **names;
	size_t n;
} anchors;

static int anchors_add(anchors *a, const char *name)
{
	char **v = realloc(a->names, (a->n + 1) * sizeof(*v));

	if (!v)
		return GS_ERROR;
	a->names = v;
	if (!(v[a->n] = strdup(name)))
		return GS_ERROR;
	a->n++;
	return 0;
}

static int anchors_has(const anchors *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->names[i], name))
			return 1;
	return 0;
}

static void anchors_dispose(anchors *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->names[i]);
	free(a->names);
}

/*
 * Walk libyaml's events over the content and index the top-level keys.
 * Depth 1 is the root mapping; anything deeper only extends the value
 * range of the current top-level entry.
 */
static int yaml_index(gs_fm *fm, int ascii)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	posmap map = { 0, NULL, 0 };
	keystack ks;
	anchors an = { NULL, 0 };
	const char *d = fm->doc.ptr;
	gs_fm__entry *cur = NULL;
	size_t depth = 0, flow_depth = 0, last_end = 0, off = fm->content_off;
	int error = GS_EPARSE, have_ev = 0, docs = 0, done = 0;

	memset(&ks, 0, sizeof(ks));
	if (!yaml_parser_initialize(&parser)) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	/*
	 * libyaml reads a BOM at the start of its input as an encoding mark
	 * and does not count it in its marks; feed it what follows instead.
	 * UTF-16 marks would switch it to an encoding our offsets cannot map.
	 */
	if (fm->content_end - fm->content_off >= 2 &&
	    ((d[off] == '\xFF' && d[off + 1] == '\xFE') || (d[off] == '\xFE' && d[off + 1] == '\xFF'))) {
		error = gs_fm__parse_error(fm, fm->content_line, "UTF-16 is not supported");
		goto done;
	}
	while (fm->content_end - off >= 3 && !memcmp(d + off, "\xEF\xBB\xBF", 3))
		off += 3;
	if (posmap_init(&map, d + off, fm->content_end - off, off, ascii) < 0) {
		error = GS_ERROR;
		goto done;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)d + off, fm->content_end - off);
	while (!done) {
		size_t s, e, line;

		if (!yaml_parser_parse(&parser, &ev)) {
			error = yaml_problem(fm, &parser);
			goto done;
		}
		have_ev = 1;
		s = posmap_get(&map, ev.start_mark.index);
		e = posmap_get(&map, ev.end_mark.index);
		line = fm->content_line + ev.start_mark.line;

		/*
		 * An alias whose anchor is not defined before it: every YAML
		 * loader refuses the file (an edit that replaced the anchor's
		 * value would leave one behind, so it is refused too).
		 */
		{
			const yaml_char_t *anchor = ev.type == YAML_SCALAR_EVENT ? ev.data.scalar.anchor
						    : ev.type == YAML_MAPPING_START_EVENT ? ev.data.mapping_start.anchor
						    : ev.type == YAML_SEQUENCE_START_EVENT ? ev.data.sequence_start.anchor
											    : NULL;

			if (anchor && anchors_add(&an, (const char *)anchor) < 0) {
				gs_error_set("out of memory");
				error = GS_ERROR;
				goto done;
			}
			if (ev.type == YAML_ALIAS_EVENT && !anchors_has(&an, (const char *)ev.data.alias.anchor)) {
				error = gs_fm__parse_error(fm, line, "alias '*%s' refers to no anchor before it",
							   (const char *)ev.data.alias.anchor);
				goto done;
			}
		}

		/* Duplicate keys in nested mappings; the top level is checked below. */
		if (ks.depth > 1 && ev.type != YAML_MAPPING_END_EVENT && ev.type != YAML_SEQUENCE_END_EVENT) {
			int *ex = &ks.expect[ks.depth - 1];

			if (*ex == 1) {
				if (ev.type == YAML_SCALAR_EVENT) {
					int dup = ks_key(&ks, (const char *)ev.data.scalar.value,
							 ev.data.scalar.length);

					if (dup < 0) {
						gs_error_set("out of memory");
						error = GS_ERROR;
						goto done;
					}
					if (dup) {
						error = gs_fm__parse_error(fm, line, "duplicate key '%s'",
									   (const char *)ev.data.scalar.value);
						goto done;
					}
				}
				*ex = 0;
			} else if (*ex == 0) {
				*ex = 1;
			}
		}

		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
		case YAML_NO_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (docs++) {
				error = gs_fm__parse_error(fm, line, "more than one YAML document");
				goto done;
			}
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT: {
			int is_map = ev.type == YAML_MAPPING_START_EVENT;
			int flow = is_map ? ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
					  : ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;

			if (depth == 0) {
				if (!is_map) {
					error = gs_fm__parse_error(fm, line, "frontmatter is not a mapping");
					goto done;
				}
				fm->root_flow = flow;
			} else if (depth == 1) {
				if (!cur) {
					error = gs_fm__parse_error(fm, line, "a key that is a collection is not supported");
					goto done;
				}
				cur->kind = is_map ? GS_FM_MAPPING : GS_FM_SEQUENCE;
				cur->flow = flow;
				cur->val_off = s;
				cur->val_line = line;
				last_end = s;
			}
			if (flow && !flow_depth)
				flow_depth = depth + 1;
			depth++;
			if (ks_push(&ks, is_map) < 0) {
				gs_error_set("out of memory");
				error = GS_ERROR;
				goto done;
			}
			break;
		}
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			/* Only a flow collection's end mark is exact (after ']' or '}'). */
			if (flow_depth && depth >= flow_depth && e > last_end)
				last_end = e;
			if (flow_depth == depth)
				flow_depth = 0;
			depth--;
			ks_pop(&ks);
			if (depth == 1 && cur) {
				cur->val_end = last_end;
				cur = NULL;
			}
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (depth == 0) {
				error = gs_fm__parse_error(fm, line, "frontmatter is not a mapping");
				goto done;
			}
			if (depth == 1 && !cur) {
				gs_fm__entry *k;
				size_t i, colon;

				if (ev.type == YAML_ALIAS_EVENT) {
					error = gs_fm__parse_error(fm, line, "an alias as a key is not supported");
					goto done;
				}
				for (i = 0; i < fm->n; i++) {
					if (fm->e[i].key_len == ev.data.scalar.length &&
					    !memcmp(fm->e[i].key, ev.data.scalar.value, ev.data.scalar.length)) {
						error = gs_fm__parse_error(fm, line, "duplicate key '%s'",
									   (const char *)ev.data.scalar.value);
						goto done;
					}
				}
				/* Keys must be `key:` on their line; `? key` forms are refused. */
				colon = e;
				while (colon < fm->content_end && (d[colon] == ' ' || d[colon] == '\t'))
					colon++;
				if (colon >= fm->content_end || d[colon] != ':' || is_block_scalar(&ev)) {
					error = gs_fm__parse_error(fm, line, "unsupported key syntax");
					goto done;
				}
				if (!(k = gs_fm__entry_add(fm))) {
					error = GS_ERROR;
					goto done;
				}
				k->key = dup_bytes(ev.data.scalar.value, ev.data.scalar.length);
				k->key_len = ev.data.scalar.length;
				if (!k->key) {
					gs_error_set("out of memory");
					error = GS_ERROR;
					goto done;
				}
				k->key_off = s;
				k->line_off = line_start(fm, s);
				k->sep_end = colon + 1;
				k->line = line;
				if (fm->n == 1)
					fm->indent = s - k->line_off;
				cur = k;
			} else if (depth == 1) {
				/*
				 * An empty value is marked after the ':' in a block mapping
				 * but at the next token in a flow one; use the ':' for both.
				 */
				if (s == e)
					s = e = cur->sep_end;
				cur->val_off = s;
				cur->val_end = e;
				cur->val_line = line;
				if (ev.type == YAML_ALIAS_EVENT) {
					cur->kind = GS_FM_ALIAS;
				} else {
					cur->kind = GS_FM_SCALAR;
					if (is_block_scalar(&ev)) {
						cur->block_scalar = 1;
						cur->val_end = trim_back(fm, s, e);
					}
					cur->value = dup_bytes(ev.data.scalar.value, ev.data.scalar.length);
					cur->value_len = ev.data.scalar.length;
					if (!cur->value) {
						gs_error_set("out of memory");
						error = GS_ERROR;
						goto done;
					}
				}
				cur = NULL;
			} else {
				if (ev.type == YAML_SCALAR_EVENT && is_block_scalar(&ev))
					e = trim_back(fm, s, e);
				else if (ev.type == YAML_SCALAR_EVENT && s == e)
					e = trim_back_comments(fm, last_end, e);
				if (e > last_end)
					last_end = e;
			}
			break;
		}
		yaml_event_delete(&ev);
		have_ev = 0;
	}
	for (size_t i = 0; i < fm->n; i++) {
		gs_fm__entry *k = &fm->e[i];
		size_t last = k->val_end > k->sep_end ? k->val_end - 1 : k->sep_end - 1;

		k->end_off = gs_fm__line_end(fm, last);
	}
	error = 0;
done:
	if (have_ev)
		yaml_event_delete(&ev);
	ks_dispose(&ks);
	anchors_dispose(&an);
	free(map.pos);
	yaml_parser_delete(&parser);
	return error;
}

/* --- parsing ---------------------------------------------------------------- */

static void fm_reset(gs_fm *fm)
{
	entries_clear(fm);
	fm->dialect = GS_FM_NONE;
	fm->crlf = 0;
	fm->bom = 0;
	fm->content_off = fm->content_end = fm->body_off = 0;
	fm->content_line = 1;
	fm->root_flow = 0;
	fm->indent = 0;
}

/*
 * Index fm->doc. `keep` is the dialect before an edit: an edited document
 * stays in it (a key=value file left without key lines would read as
 * YAML; a YAML file whose remaining keys happen to look like `a=: b`
 * would read as key=value). GS_FM_NONE detects afresh.
 */
static int parse_doc(gs_fm *fm, gs_fm_dialect keep)
{
	const char *d = fm->doc.ptr, *nul, *nl;
	size_t len = fm->doc.size, off, i, open_len;
	int brk, crlf, ascii = 1, any_kv = 0, kv;

	fm_reset(fm);
	if (len > GS_FM_MAX_SIZE) {
		gs_error_set("cannot parse frontmatter of '%s': larger than %u bytes", fm->name,
			     (unsigned)GS_FM_MAX_SIZE);
		return GS_ETOOBIG;
	}
	if ((nul = memchr(d, '\0', len)) != NULL)
		return gs_fm__parse_error(fm, gs_fm__line_of(fm, (size_t)(nul - d)), "NUL byte");
	if (len >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3))
		fm->bom = 3;

	open_len = delimiter_line(d + fm->bom, len - fm->bom, 0, &brk, &crlf);
	if (!open_len || !brk) {
		/* No frontmatter: the whole document is body. */
		nl = memchr(d, '\n', len);
		fm->crlf = nl && nl > d && nl[-1] == '\r';
		fm->content_off = fm->content_end = fm->body_off = fm->bom;
		return 0;
	}
	fm->crlf = crlf;
	fm->content_off = fm->bom + open_len;
	fm->content_line = 2;
	for (off = fm->content_off;;) {
		size_t dl = delimiter_line(d + off, len - off, 1, &brk, &crlf);

		if (dl) {
			fm->content_end = off;
			fm->body_off = off + dl;
			break;
		}
		nl = memchr(d + off, '\n', len - off);
		if (!nl)
			return gs_fm__parse_error(fm, 1, "no closing '---'");
		off = (size_t)(nl - d) + 1;
	}

	/*
	 * libyaml also breaks lines at a lone CR, NEL, LS and PS; we edit by
	 * '\n' lines, so such a frontmatter would be edited wrongly: refuse it.
	 */
	for (i = fm->content_off; i < fm->content_end; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c < 0x80) {
			if (c == '\r' && (i + 1 >= fm->content_end || d[i + 1] != '\n'))
				return gs_fm__parse_error(fm, gs_fm__line_of(fm, i),
							  "carriage return without line feed");
			continue;
		}
		ascii = 0;
		if ((c == 0xC2 && i + 1 < fm->content_end && (unsigned char)d[i + 1] == 0x85) ||
		    (c == 0xE2 && i + 2 < fm->content_end && (unsigned char)d[i + 1] == 0x80 &&
		     ((unsigned char)d[i + 2] == 0xA8 || (unsigned char)d[i + 2] == 0xA9)))
			return gs_fm__parse_error(fm, gs_fm__line_of(fm, i),
						  "unicode line separator (NEL, LS or PS)");
	}

	kv = gs_fm__kv_detect(d + fm->content_off, fm->content_end - fm->content_off, &any_kv);
	if (kv && keep != GS_FM_YAML && (any_kv || keep == GS_FM_KV)) {
		fm->dialect = GS_FM_KV;
		return gs_fm__kv_parse(fm);
	}
	fm->dialect = GS_FM_YAML;
	if (kv && !any_kv)
		return 0; /* only blank and comment lines: an empty mapping */
	return yaml_index(fm, ascii);
}

static void fm_dispose(gs_fm *fm)
{
	entries_clear(fm);
	free(fm->e);
	fm->e = NULL;
	fm->alloc = 0;
	gs_buf_dispose(&fm->doc);
}

int gs_fm_parse(gs_fm **out, const char *data, size_t len, const char *name)
{
	gs_fm *fm;
	int error;

	*out = NULL;
	if (!(fm = calloc(1, sizeof(*fm))) || !(fm->name = strdup(name ? name : "(unnamed)"))) {
		free(fm);
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	if (len > GS_FM_MAX_SIZE) {
		gs_error_set("cannot parse frontmatter of '%s': larger than %u bytes", fm->name,
			     (unsigned)GS_FM_MAX_SIZE);
		gs_fm_free(fm);
		return GS_ETOOBIG;
	}
	if (gs_buf_set(&fm->doc, data, len) < 0) {
		gs_fm_free(fm);
		return GS_ERROR;
	}
	if ((error = parse_doc(fm, GS_FM_NONE)) < 0) {
		gs_fm_free(fm);
		return error;
	}
	*out = fm;
	return 0;
}

void gs_fm_free(gs_fm *fm)
{
	if (!fm)
		return;
	fm_dispose(fm);
	free(fm->name);
	free(fm);
}

/* --- reading ---------------------------------------------------------------- */

gs_fm_dialect gs_fm_dialect_of(const gs_fm *fm)
{
	return fm->dialect;
}

void gs_fm_bytes(const char **data, size_t *len, const gs_fm *fm)
{
	*data = fm->doc.ptr;
	*len = fm->doc.size;
}

void gs_fm_body(const char **data, size_t *len, const gs_fm *fm)
{
	*data = fm->doc.ptr + fm->body_off;
	*len = fm->doc.size - fm->body_off;
}

size_t gs_fm_key_count(const gs_fm *fm)
{
	return fm->n;
}

const char *gs_fm_key_at(const gs_fm *fm, size_t i)
{
	return i < fm->n ? fm->e[i].key : NULL;
}

int gs_fm_has(const gs_fm *fm, const char *key)
{
	return gs_fm__find(fm, key) != NULL;
}

const char *gs_fm_eol(const gs_fm *fm)
{
	return eol_of(fm);
}

const char *gs_fm_name(const gs_fm *fm)
{
	return fm->name;
}

gs_fm_kind gs_fm_kind_of(const gs_fm *fm, const char *key)
{
	const gs_fm__entry *e = gs_fm__find(fm, key);

	return e ? e->kind : GS_FM_ABSENT;
}

size_t gs_fm_line_of(const gs_fm *fm, const char *key)
{
	const gs_fm__entry *e = gs_fm__find(fm, key);

	return e ? e->line : 0;
}

void gs_fm_span(size_t *off, size_t *len, const gs_fm *fm)
{
	*off = fm->dialect == GS_FM_NONE ? 0 : fm->bom;
	*len = fm->dialect == GS_FM_NONE ? 0 : fm->body_off - fm->bom;
}

static int not_found(const gs_fm *fm, const char *key)
{
	gs_error_set("key '%s' not found in '%s'", key, fm->name);
	return GS_ENOTFOUND;
}

int gs_fm_get_raw(const char **data, size_t *len, const gs_fm *fm, const char *key)
{
	const gs_fm__entry *e = gs_fm__find(fm, key);

	if (!e)
		return not_found(fm, key);
	*data = fm->doc.ptr + e->val_off;
	*len = e->val_end - e->val_off;
	return 0;
}

int gs_fm_get_entry(const char **data, size_t *len, const gs_fm *fm, const char *key)
{
	const gs_fm__entry *e = gs_fm__find(fm, key);

	if (!e)
		return not_found(fm, key);
	*data = fm->doc.ptr + e->line_off;
	*len = e->end_off - e->line_off;
	return 0;
}

static int scalar_of(const gs_fm__entry **out, const gs_fm *fm, const char *key)
{
	const gs_fm__entry *e = gs_fm__find(fm, key);

	if (!e)
		return not_found(fm, key);
	if (e->kind != GS_FM_SCALAR)
		return gs_fm__parse_error(fm, e->line, "key '%s' is not a scalar", key);
	*out = e;
	return 0;
}

int gs_fm_get_str(char **out, const gs_fm *fm, const char *key)
{
	const gs_fm__entry *e;
	int error;

	*out = NULL;
	if ((error = scalar_of(&e, fm, key)) < 0)
		return error;
	if (!(*out = dup_bytes(e->value, e->value_len))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	return 0;
}

int gs_fm_get_i64(int64_t *out, const gs_fm *fm, const char *key)
{
	const gs_fm__entry *e;
	const char *p;
	char *end;
	long long v;
	int error;

	if ((error = scalar_of(&e, fm, key)) < 0)
		return error;
	p = e->value;
	if (!(p[0] >= '0' && p[0] <= '9') && !(p[0] == '-' && p[1] >= '0' && p[1] <= '9'))
		goto bad;
	errno = 0;
	v = strtoll(p, &end, 10);
	if ((size_t)(end - p) != e->value_len)
		goto bad;
	if (errno == ERANGE)
		return gs_fm__parse_error(fm, e->line, "key '%s' is out of range: '%s'", key, p);
	*out = (int64_t)v;
	return 0;
bad:
	return gs_fm__parse_error(fm, e->line, "key '%s' is not an integer: '%.*s'", key,
				  (int)(e->value_len > 40 ? 40 : e->value_len), p);
}

int gs_fm_get_f64(double *out, const gs_fm *fm, const char *key)
{
	const gs_fm__entry *e;
	const char *p;
	char *end;
	double v;
	size_t i;
	int error;

	if ((error = scalar_of(&e, fm, key)) < 0)
		return error;
	p = e->value;
	/* Decimal notation only: strtod would also take hex, "inf" and "nan". */
	for (i = 0; i < e->value_len; i++) {
		if (!strchr("0123456789+-.eE", p[i]))
			goto bad;
	}
	if (!e->value_len)
		goto bad;
	errno = 0;
	v = strtod(p, &end);
	if ((size_t)(end - p) != e->value_len || !isfinite(v))
		goto bad;
	*out = v;
	return 0;
bad:
	return gs_fm__parse_error(fm, e->line, "key '%s' is not a number: '%.*s'", key,
				  (int)(e->value_len > 40 ? 40 : e->value_len), p);
}

int gs_fm_get_block(char **out, const gs_fm *fm, const char *key)
{
	const gs_fm__entry *e = gs_fm__find(fm, key);
	gs_buf b = GS_BUF_INIT;
	const char *d = fm->doc.ptr;
	size_t ls, col, off, i;

	*out = NULL;
	if (!e)
		return not_found(fm, key);
	ls = line_start(fm, e->val_off);
	for (i = ls; i < e->val_off && (d[i] == ' ' || d[i] == '\t'); i++)
		;
	if ((e->kind == GS_FM_MAPPING || e->kind == GS_FM_SEQUENCE) && !e->flow && i == e->val_off &&
	    ls > e->sep_end) {
		/* A block on its own lines: de-indent by the first line's column. */
		col = e->val_off - ls;
		for (off = ls; off < e->val_end;) {
			size_t le = gs_fm__line_end(fm, off), stop = le, skip = 0;

			if (stop > e->val_end)
				stop = e->val_end;
			while (skip < col && off + skip < stop && d[off + skip] == ' ')
				skip++;
			off += skip;
			while (stop > off && (d[stop - 1] == '\n' || d[stop - 1] == '\r'))
				stop--;
			if (gs_buf_put(&b, d + off, stop - off) < 0 || gs_buf_putc(&b, '\n') < 0)
				goto oom;
			off = le;
		}
	} else {
		for (off = e->val_off; off < e->val_end; off++) {
			if (d[off] == '\r' && off + 1 < e->val_end && d[off + 1] == '\n')
				continue;
			if (gs_buf_putc(&b, d[off]) < 0)
				goto oom;
		}
		if (gs_buf_putc(&b, '\n') < 0)
			goto oom;
	}
	*out = gs_buf_detach(&b);
	return 0;
oom:
	gs_buf_dispose(&b);
	gs_error_set("out of memory");
	return GS_ERROR;
}

/* --- formatting values ---------------------------------------------------- */

/* Decode one UTF-8 sequence; returns its length or 0 when invalid. */
static size_t utf8_len(const unsigned char *p, size_t n, unsigned int *cp)
{
	unsigned int c = p[0];
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, c &= 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, c &= 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)))
		return 0;
	*cp = c;
	return len;
}

static int check_utf8(const char *s, size_t n, const char *what)
{
	size_t i = 0, l;
	unsigned int cp;

	while (i < n) {
		if (!(l = utf8_len((const unsigned char *)s + i, n - i, &cp))) {
			gs_error_set("%s is not valid UTF-8", what);
			return GS_EUSAGE;
		}
		i += l;
	}
	return 0;
}

/* YAML double-quoted form of s (valid UTF-8). */
static int put_quoted(gs_buf *b, const char *s, size_t n)
{
	size_t i = 0, l;
	unsigned int cp;

	if (gs_buf_putc(b, '"') < 0)
		return GS_ERROR;
	while (i < n) {
		l = utf8_len((const unsigned char *)s + i, n - i, &cp);
		if (!l)
			return GS_EUSAGE;
		switch (cp) {
		case '"': if (gs_buf_puts(b, "\\\"") < 0) return GS_ERROR; break;
		case '\\': if (gs_buf_puts(b, "\\\\") < 0) return GS_ERROR; break;
		case '\n': if (gs_buf_puts(b, "\\n") < 0) return GS_ERROR; break;
		case '\t': if (gs_buf_puts(b, "\\t") < 0) return GS_ERROR; break;
		case '\r': if (gs_buf_puts(b, "\\r") < 0) return GS_ERROR; break;
		case 0x2028: if (gs_buf_puts(b, "\\L") < 0) return GS_ERROR; break;
		case 0x2029: if (gs_buf_puts(b, "\\P") < 0) return GS_ERROR; break;
		default:
			if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
				if (gs_buf_printf(b, "\\x%02X", cp) < 0)
					return GS_ERROR;
			} else if (cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
				if (gs_buf_printf(b, "\\u%04X", cp) < 0)
					return GS_ERROR;
			} else if (gs_buf_put(b, s + i, l) < 0) {
				return GS_ERROR;
			}
		}
		i += l;
	}
	return gs_buf_putc(b, '"');
}

/*
 * Worth trying as a plain scalar? Only a first filter: the edit is re-read
 * and falls back to quoting when libyaml does not return the same string.
 */
static int plain_candidate(const char *s, size_t n, int flow)
{
	size_t i;

	if (!n || strchr("-?:,[]{}#&*!|>'\"%@` \t", s[0]) || s[n - 1] == ' ' || s[n - 1] == ':')
		return 0;
	/* YAML reads these plain words as null: the string the user gave needs quotes */
	if ((n == 1 && s[0] == '~') ||
	    (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4))))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7F)
			return 0;
		if (c == ':' && i + 1 < n && (s[i + 1] == ' ' || (flow && s[i + 1] == ',')))
			return 0;
		if (c == '#' && s[i - 1] == ' ')
			return 0;
		if (flow && strchr(",[]{}", c))
			return 0;
	}
	return 1;
}

/* Shortest decimal text for v that strtod reads back exactly. */
static int format_f64(gs_buf *b, double v)
{
	char tmp[512];
	int p;

	if (!isfinite(v)) {
		gs_error_set("cannot write a number that is not finite");
		return GS_EUSAGE;
	}
	if (v == 0) {
		return gs_buf_puts(b, signbit(v) ? "-0.0" : "0");
	}
	if (fabs(v) >= 1e-6 && fabs(v) < 1e17) {
		for (p = 0; p <= 40; p++) {
			snprintf(tmp, sizeof(tmp), "%.*f", p, v);
			if (strtod(tmp, NULL) == v)
				return gs_buf_puts(b, tmp);
		}
	}
	for (p = 0; p <= 17; p++) {
		char *e;

		snprintf(tmp, sizeof(tmp), "%.*e", p, v);
		if (strtod(tmp, NULL) != v)
			continue;
		/* YAML 1.1 readers want a dot in a float's mantissa. */
		if (!strchr(tmp, '.') && (e = strchr(tmp, 'e')) != NULL) {
			gs_buf m = GS_BUF_INIT;
			int error;

			error = gs_buf_put(&m, tmp, (size_t)(e - tmp)) < 0 || gs_buf_puts(&m, ".0") < 0 ||
				gs_buf_puts(&m, e) < 0 || gs_buf_puts(b, m.ptr) < 0;
			gs_buf_dispose(&m);
			return error ? GS_ERROR : 0;
		}
		return gs_buf_puts(b, tmp);
	}
	return gs_buf_puts(b, tmp);
}

/* --- editing ---------------------------------------------------------------- */

/* Parse `nd` (taken over) as the next version of fm into *tmp. */
static int reparse(gs_fm *tmp, const gs_fm *fm, gs_buf *nd)
{
	memset(tmp, 0, sizeof(*tmp));
	tmp->doc = *nd;
	gs_buf_init(nd);
	tmp->name = fm->name;
	return parse_doc(tmp, fm->dialect);
}

/* Replace fm's document and index with tmp's. */
static void adopt(gs_fm *fm, gs_fm *tmp)
{
	char *name = fm->name;

	fm_dispose(fm);
	*fm = *tmp;
	fm->name = name;
	memset(tmp, 0, sizeof(*tmp));
}

static void discard(gs_fm *tmp)
{
	fm_dispose(tmp);
}

/* Check the key name for both dialects; GS_EUSAGE when unusable. */
static int check_key(const gs_fm *fm, const char *key)
{
	size_t i;

	if (!key || !*key) {
		gs_error_set("empty key for '%s'", fm->name);
		return GS_EUSAGE;
	}
	for (i = 0; key[i]; i++) {
		if ((unsigned char)key[i] < 0x20 || key[i] == 0x7F) {
			gs_error_set("key for '%s' contains a control character", fm->name);
			return GS_EUSAGE;
		}
	}
	if (fm->dialect == GS_FM_KV && !gs_fm__kv_key_ok(key)) {
		gs_error_set("key '%s' is not a key=value identifier in '%s'", key, fm->name);
		return GS_EUSAGE;
	}
	return check_utf8(key, strlen(key), "key");
}

/* Write a key for a new YAML line: plain when safe, else double-quoted. */
static int put_key(gs_buf *b, const char *key)
{
	size_t i, n = strlen(key);
	int plain = n > 0;

	for (i = 0; i < n && plain; i++) {
		char c = key[i];

		plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			(i > 0 && (c == '_' || c == '-' || c == '.' || c == '/')) || c == '_';
	}
	return plain ? gs_buf_put(b, key, n) : put_quoted(b, key, n);
}

/*
 * Replace [off, end) of nd with text, after a space when `lead` is set;
 * a '#' right after the old value (`[x]# c`) would otherwise be glued to
 * a plain new value and read as part of it, so it gets a space too.
 */
static int splice_value(gs_buf *nd, size_t off, size_t end, int lead, const char *text, size_t tlen)
{
	gs_buf t = GS_BUF_INIT;
	int error;

	error = (lead && gs_buf_putc(&t, ' ') < 0) || gs_buf_put(&t, text, tlen) < 0 ||
		(end < nd->size && nd->ptr[end] == '#' && gs_buf_putc(&t, ' ') < 0) ||
		gs_buf_splice(nd, off, end - off, t.ptr, t.size) < 0;
	gs_buf_dispose(&t);
	return error ? GS_ERROR : 0;
}

/*
 * The new document with `key`'s value replaced by `text` (already in the
 * dialect's syntax), or a `key: text` line appended. `block` says text is
 * a block (starts with a line break) rather than an inline value.
 */
static int build_set(gs_buf *nd, const gs_fm *fm, const char *key, const char *text, size_t tlen,
		     int block)
{
	const char *d = fm->doc.ptr, *eol = eol_of(fm);
	const gs_fm__entry *e = gs_fm__find(fm, key);
	size_t i;

	if (fm->dialect == GS_FM_NONE) {
		const char *rest = d + fm->bom;
		size_t rlen = fm->doc.size - fm->bom;

		if (gs_buf_put(nd, d, fm->bom) < 0 || gs_buf_puts(nd, "---") < 0 || gs_buf_puts(nd, eol) < 0 ||
		    put_key(nd, key) < 0 || gs_buf_puts(nd, block ? ":" : ": ") < 0 ||
		    gs_buf_put(nd, text, tlen) < 0 || gs_buf_puts(nd, eol) < 0 ||
		    gs_buf_puts(nd, "---") < 0 || gs_buf_puts(nd, eol) < 0)
			return GS_ERROR;
		/* Markdown reads best with a blank line after the frontmatter. */
		if (rlen && rest[0] != '\n' && !(rlen > 1 && rest[0] == '\r' && rest[1] == '\n') &&
		    gs_buf_puts(nd, eol) < 0)
			return GS_ERROR;
		return gs_buf_put(nd, rest, rlen);
	}
	if (gs_buf_set(nd, d, fm->doc.size) < 0)
		return GS_ERROR;
	if (!e) {
		gs_buf line = GS_BUF_INIT;
		int error = GS_ERROR;

		if (fm->root_flow) {
			gs_error_set("cannot add key '%s' to the flow-style frontmatter of '%s'", key, fm->name);
			return GS_EUSAGE;
		}
		for (i = 0; fm->dialect == GS_FM_YAML && i < fm->indent; i++) {
			if (gs_buf_putc(&line, ' ') < 0)
				goto out;
		}
		if (fm->dialect == GS_FM_KV) {
			if (gs_buf_puts(&line, key) < 0 || gs_buf_putc(&line, '=') < 0)
				goto out;
		} else if (put_key(&line, key) < 0 || gs_buf_puts(&line, block ? ":" : ": ") < 0) {
			goto out;
		}
		if (gs_buf_put(&line, text, tlen) < 0 || gs_buf_puts(&line, eol) < 0 ||
		    gs_buf_splice(nd, fm->content_end, 0, line.ptr, line.size) < 0)
			goto out;
		error = 0;
out:
		gs_buf_dispose(&line);
		return error;
	}
	if (fm->dialect == GS_FM_KV)
		return gs_buf_splice(nd, e->val_off, e->val_end - e->val_off, text, tlen);

	if (!block && e->kind != GS_FM_MAPPING && e->kind != GS_FM_SEQUENCE && e->val_end > e->val_off)
		return splice_value(nd, e->val_off, e->val_end, 0, text, tlen);
	if (!memchr(d + e->sep_end, '\n', e->val_off - e->sep_end)) {
		/* The value starts on the key's line. */
		if (block)
			return splice_value(nd, e->sep_end, e->val_end, 0, text, tlen);
		if (e->val_off == e->val_end)
			return splice_value(nd, e->sep_end, e->sep_end, 1, text, tlen);
		return splice_value(nd, e->val_off, e->val_end, 0, text, tlen);
	} else {
		/*
		 * A block on the following lines: drop its lines but keep what
		 * follows the colon on the key's line (a comment, say).
		 */
		const char *nl = memchr(d + e->sep_end, '\n', e->val_off - e->sep_end);
		size_t cut = (size_t)(nl - d);

		if (cut > e->sep_end && d[cut - 1] == '\r')
			cut--;
		if (block)
			return splice_value(nd, cut, e->val_end, 0, text, tlen);
		if (gs_buf_splice(nd, cut, e->val_end - cut, "", 0) < 0)
			return GS_ERROR;
		return splice_value(nd, e->sep_end, e->sep_end, 1, text, tlen);
	}
}

/*
 * Every key of `old` except `skip` is still there, in the same order, with
 * the same value bytes: the check that an edit stayed inside its value
 * (a value text could otherwise open a bracket that swallows the next key).
 */
static int others_kept(const gs_fm *old, const gs_fm *nw, const char *skip)
{
	size_t i, j = 0, skip_len = skip ? strlen(skip) : 0;

	for (i = 0; i < old->n; i++) {
		const gs_fm__entry *a = &old->e[i], *b;

		if (skip && a->key_len == skip_len && !memcmp(a->key, skip, skip_len))
			continue;
		while (j < nw->n && skip && nw->e[j].key_len == skip_len && !memcmp(nw->e[j].key, skip, skip_len))
			j++;
		if (j >= nw->n)
			return 0;
		b = &nw->e[j++];
		if (a->key_len != b->key_len || memcmp(a->key, b->key, a->key_len) || a->kind != b->kind ||
		    a->val_end - a->val_off != b->val_end - b->val_off ||
		    memcmp(old->doc.ptr + a->val_off, nw->doc.ptr + b->val_off, a->val_end - a->val_off))
			return 0;
	}
	return 1;
}

/* Set and re-read; *tmp holds the candidate document on success. */
static int try_set(gs_fm *tmp, const gs_fm *fm, const char *key, const char *text, size_t tlen, int block)
{
	gs_buf nd = GS_BUF_INIT;
	int error;

	if ((error = build_set(&nd, fm, key, text, tlen, block)) < 0) {
		gs_buf_dispose(&nd);
		return error;
	}
	if ((error = reparse(tmp, fm, &nd)) < 0) {
		discard(tmp);
		return error;
	}
	if (!others_kept(fm, tmp, key) || tmp->n != fm->n + !gs_fm__find(fm, key)) {
		discard(tmp);
		gs_error_set("cannot set key '%s' in '%s': the value would change other keys", key, fm->name);
		return GS_EUSAGE;
	}
	return 0;
}

/* The candidate holds `key` as the scalar `value`. */
static int reads_back(const gs_fm *tmp, const char *key, const char *value, size_t vlen)
{
	const gs_fm__entry *e = gs_fm__find(tmp, key);

	return e && e->kind == GS_FM_SCALAR && e->value_len == vlen && !memcmp(e->value, value, vlen);
}

static int kv_value_ok(const gs_fm *fm, const char *key, const char *v)
{
	if (strchr(v, '\n') || strchr(v, '\r')) {
		gs_error_set("value for key '%s' in '%s' contains a line break, which key=value "
			     "frontmatter cannot hold", key, fm->name);
		return GS_EUSAGE;
	}
	return 0;
}

int gs_fm_set_str(gs_fm *fm, const char *key, const char *value)
{
	gs_fm tmp;
	gs_buf q = GS_BUF_INIT;
	size_t vlen = strlen(value);
	int error;

	if ((error = check_key(fm, key)) < 0 || (error = check_utf8(value, vlen, "value")) < 0)
		return error;
	if (fm->dialect == GS_FM_KV) {
		if ((error = kv_value_ok(fm, key, value)) < 0)
			return error;
		if ((error = try_set(&tmp, fm, key, value, vlen, 0)) < 0)
			goto failed;
		if (!reads_back(&tmp, key, value, vlen)) {
			discard(&tmp);
			goto unreadable;
		}
		adopt(fm, &tmp);
		return 0;
	}
	if (plain_candidate(value, vlen, fm->root_flow) &&
	    try_set(&tmp, fm, key, value, vlen, 0) == 0) {
		if (reads_back(&tmp, key, value, vlen)) {
			adopt(fm, &tmp);
			return 0;
		}
		discard(&tmp);
	}
	if ((error = put_quoted(&q, value, vlen)) < 0)
		goto out;
	if ((error = try_set(&tmp, fm, key, q.ptr, q.size, 0)) < 0)
		goto failed;
	if (!reads_back(&tmp, key, value, vlen)) {
		discard(&tmp);
		goto unreadable;
	}
	adopt(fm, &tmp);
	error = 0;
	goto out;
failed:
	if (error == GS_EPARSE) {
		gs_error_prefix("cannot set key '%s'", key);
		error = GS_EUSAGE;
	}
	goto out;
unreadable:
	gs_error_set("cannot set key '%s' in '%s': the value does not read back", key, fm->name);
	error = GS_EUSAGE;
out:
	gs_buf_dispose(&q);
	return error;
}

int gs_fm_set_raw(gs_fm *fm, const char *key, const char *yaml)
{
	gs_fm tmp;
	size_t n = strlen(yaml);
	const gs_fm__entry *e;
	int error;

	if ((error = check_key(fm, key)) < 0 || (error = check_utf8(yaml, n, "value")) < 0)
		return error;
	if (fm->dialect == GS_FM_KV)
		return gs_fm_set_str(fm, key, yaml);
	if (!n || strchr(yaml, '\n') || strchr(yaml, '\r') || yaml[0] == ' ' || yaml[n - 1] == ' ') {
		gs_error_set("value '%s' for key '%s' is not a one-line YAML scalar", yaml, key);
		return GS_EUSAGE;
	}
	if ((error = try_set(&tmp, fm, key, yaml, n, 0)) < 0) {
		if (error == GS_EPARSE) {
			gs_error_set("value '%s' for key '%s' is not valid YAML here", yaml, key);
			error = GS_EUSAGE;
		}
		return error;
	}
	e = gs_fm__find(&tmp, key);
	if (!e || e->val_end - e->val_off != n || memcmp(tmp.doc.ptr + e->val_off, yaml, n) ||
	    (e->kind != GS_FM_SCALAR && !e->flow)) {
		discard(&tmp);
		gs_error_set("value '%s' for key '%s' is not a YAML scalar", yaml, key);
		return GS_EUSAGE;
	}
	adopt(fm, &tmp);
	return 0;
}

int gs_fm_set_i64(gs_fm *fm, const char *key, int64_t value)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", (long long)value);
	return gs_fm_set_raw(fm, key, tmp);
}

int gs_fm_set_f64(gs_fm *fm, const char *key, double value)
{
	gs_buf b = GS_BUF_INIT;
	int error;

	if ((error = format_f64(&b, value)) == 0)
		error = gs_fm_set_raw(fm, key, b.ptr);
	gs_buf_dispose(&b);
	return error;
}

/*
 * What a YAML text means, as a byte string: event types and scalar
 * values, not layout or comments. Two texts with the same signature read
 * the same. Returns GS_EPARSE when the text does not parse.
 */
static int yaml_signature(gs_buf *out, const char *p, size_t n)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int error = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		return GS_ERROR;
	yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);
	while (!done && !error) {
		if (!yaml_parser_parse(&parser, &ev)) {
			error = GS_EPARSE;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		if (gs_buf_putc(out, (char)('A' + (int)ev.type)) < 0)
			error = GS_ERROR;
		else if (ev.type == YAML_SCALAR_EVENT)
			error = gs_buf_printf(out, "%zu:", ev.data.scalar.length) < 0 ||
					gs_buf_put(out, ev.data.scalar.value, ev.data.scalar.length) < 0
				? GS_ERROR : 0;
		else if (ev.type == YAML_ALIAS_EVENT)
			error = gs_buf_puts(out, (const char *)ev.data.alias.anchor) < 0 ? GS_ERROR : 0;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return error;
}

/* The value of `key` in `fm` reads as the YAML text `want` (n bytes). */
static int block_reads_back(const gs_fm *fm, const char *key, const char *want, size_t n)
{
	gs_buf a = GS_BUF_INIT, b = GS_BUF_INIT;
	char *got = NULL;
	int same;

	same = gs_fm_get_block(&got, fm, key) == 0 && yaml_signature(&a, want, n) == 0 &&
	       yaml_signature(&b, got, strlen(got)) == 0 && a.size == b.size && !memcmp(a.ptr, b.ptr, a.size);
	free(got);
	gs_buf_dispose(&a);
	gs_buf_dispose(&b);
	return same;
}

int gs_fm_set_block(gs_fm *fm, const char *key, const char *yaml)
{
	gs_buf text = GS_BUF_INIT;
	gs_fm tmp;
	const char *p = yaml, *eol = eol_of(fm);
	size_t n = strlen(yaml), i;
	int error, block = 1;
	gs_fm_kind want;

	if (fm->dialect == GS_FM_KV) {
		gs_error_set("cannot write the block value of '%s' into the key=value frontmatter of '%s'",
			     key, fm->name);
		return GS_EUSAGE;
	}
	if ((error = check_key(fm, key)) < 0 || (error = check_utf8(yaml, n, "block")) < 0)
		return error;
	while (n && (yaml[n - 1] == '\n' || yaml[n - 1] == '\r' || yaml[n - 1] == ' ' || yaml[n - 1] == '\t'))
		n--;
	while (n && (*p == '\n' || *p == '\r')) {
		p++;
		n--;
	}
	if (!n) {
		/* Nothing: `key:` with an empty (null) value. */
		want = GS_FM_SCALAR;
	} else if ((*p == '{' || *p == '[') && !memchr(p, '\n', n)) {
		/* A one-line flow value stays on the key's line. */
		block = 0;
		want = *p == '{' ? GS_FM_MAPPING : GS_FM_SEQUENCE;
		if (gs_buf_put(&text, p, n) < 0)
			goto oom;
	} else {
		want = *p == '-' ? GS_FM_SEQUENCE : GS_FM_MAPPING;
		for (i = 0; i < n;) {
			const char *nl = memchr(p + i, '\n', n - i);
			size_t le = nl ? (size_t)(nl - p) : n, stop = le, j;
			int blank = 1;

			if (stop > i && p[stop - 1] == '\r')
				stop--;
			for (j = i; j < stop; j++)
				blank &= p[j] == ' ' || p[j] == '\t';
			if (gs_buf_puts(&text, eol) < 0)
				goto oom;
			if (!blank) {
				for (j = 0; j < fm->indent + 2; j++) {
					if (gs_buf_putc(&text, ' ') < 0)
						goto oom;
				}
				if (gs_buf_put(&text, p + i, stop - i) < 0)
					goto oom;
			}
			i = le + 1;
		}
	}
	if ((error = try_set(&tmp, fm, key, text.ptr, text.size, block)) < 0) {
		if (error == GS_EPARSE) {
			gs_error_prefix("block for key '%s' is not valid YAML", key);
			error = GS_EUSAGE;
		}
		goto out;
	}
	if (gs_fm_kind_of(&tmp, key) != want || (n && !block_reads_back(&tmp, key, p, n))) {
		discard(&tmp);
		gs_error_set("block for key '%s' does not read back as a YAML %s", key,
			     want == GS_FM_SEQUENCE ? "sequence" : want == GS_FM_MAPPING ? "mapping" : "null");
		error = GS_EUSAGE;
		goto out;
	}
	adopt(fm, &tmp);
	error = 0;
	goto out;
oom:
	gs_error_set("out of memory");
	error = GS_ERROR;
out:
	gs_buf_dispose(&text);
	return error;
}

int gs_fm_remove(gs_fm *fm, const char *key)
{
	const gs_fm__entry *e = gs_fm__find(fm, key);
	gs_buf nd = GS_BUF_INIT;
	gs_fm tmp;
	int error;

	if (!e)
		return 0;
	if (fm->root_flow) {
		gs_error_set("cannot remove key '%s' from the flow-style frontmatter of '%s'", key, fm->name);
		return GS_EUSAGE;
	}
	if (gs_buf_set(&nd, fm->doc.ptr, fm->doc.size) < 0 ||
	    gs_buf_splice(&nd, e->line_off, e->end_off - e->line_off, "", 0) < 0) {
		gs_buf_dispose(&nd);
		return GS_ERROR;
	}
	if ((error = reparse(&tmp, fm, &nd)) < 0) {
		discard(&tmp);
		return error;
	}
	if (!others_kept(fm, &tmp, key) || tmp.n + 1 != fm->n) {
		discard(&tmp);
		gs_error_set("cannot remove key '%s' from '%s': other keys would change", key, fm->name);
		return GS_EUSAGE;
	}
	adopt(fm, &tmp);
	return 0;
}

int gs_fm_set_entry(gs_fm *fm, const char *key, const char *text, size_t len)
{
	const gs_fm__entry *e = gs_fm__find(fm, key), *got;
	const char *eol = eol_of(fm);
	gs_buf nd = GS_BUF_INIT, t = GS_BUF_INIT;
	size_t at;
	gs_fm tmp;
	int error;

	if ((error = check_key(fm, key)) < 0)
		return error;
	if (fm->dialect == GS_FM_NONE || fm->root_flow) {
		gs_error_set("cannot write the entry of key '%s' into '%s': no block frontmatter", key, fm->name);
		return GS_EUSAGE;
	}
	/* The other version's line ends become this file's. */
	if (gs_buf_put_eol(&t, text, len, eol) < 0)
		goto oom;
	if (t.size && t.ptr[t.size - 1] != '\n' && gs_buf_puts(&t, eol) < 0)
		goto oom;
	at = e ? e->line_off : fm->content_end;
	if (gs_buf_set(&nd, fm->doc.ptr, fm->doc.size) < 0 ||
	    gs_buf_splice(&nd, at, e ? e->end_off - e->line_off : 0, t.ptr, t.size) < 0)
		goto oom;
	if ((error = reparse(&tmp, fm, &nd)) < 0) {
		discard(&tmp);
		goto out;
	}
	/* The text must be exactly one entry, of this key, touching nothing else. */
	got = gs_fm__find(&tmp, key);
	if (!got || got->line_off != at || got->end_off != at + t.size || !others_kept(fm, &tmp, key) ||
	    tmp.n != fm->n + !e) {
		discard(&tmp);
		gs_error_set("cannot write the entry of key '%s' into '%s': it is not one entry of that key",
			     key, fm->name);
		error = GS_EUSAGE;
		goto out;
	}
	adopt(fm, &tmp);
	error = 0;
	goto out;
oom:
	gs_error_set("out of memory");
	error = GS_ERROR;
out:
	gs_buf_dispose(&nd);
	gs_buf_dispose(&t);
	return error;
}

int gs_fm_body_append(gs_fm *fm, const char *text, size_t len)
{
	gs_buf nd = GS_BUF_INIT;
	gs_fm tmp;
	const char *eol = eol_of(fm);
	size_t i;
	int error;

	if (gs_buf_grow(&nd, fm->doc.size + len + len / 8 + 4) < 0 ||
	    gs_buf_put(&nd, fm->doc.ptr, fm->doc.size) < 0)
		goto oom;
	if (nd.size && nd.ptr[nd.size - 1] != '\n' && gs_buf_puts(&nd, eol) < 0)
		goto oom;
	for (i = 0; i < len; i++) {
		if (text[i] == '\n' && !(i > 0 && text[i - 1] == '\r')) {
			if (gs_buf_puts(&nd, eol) < 0)
				goto oom;
		} else if (gs_buf_putc(&nd, text[i]) < 0) {
			goto oom;
		}
	}
	if ((error = reparse(&tmp, fm, &nd)) < 0) {
		discard(&tmp);
		return error;
	}
	if (!others_kept(fm, &tmp, NULL) || tmp.n != fm->n) {
		discard(&tmp);
		gs_error_set("cannot append to the body of '%s': the frontmatter would change", fm->name);
		return GS_EUSAGE;
	}
	adopt(fm, &tmp);
	return 0;
oom:
	gs_buf_dispose(&nd);
	gs_error_set("out of memory");
	return GS_ERROR;
}

int gs_fm_check_managed(const gs_fm *fm)
{
	static const char *const counters[] = { "run_count", "total_input_tokens", "total_output_tokens",
						"total_cache_read_tokens", "total_cache_write_tokens",
						"total_iterations" };
	static const char *const numbers[] = { "total_duration_seconds", "total_cost_usd" };
	static const char *const scalars[] = { "last_model", "last_run_at" };
	const gs_fm__entry *e;
	size_t i;
	int error;

	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		int64_t v;

		if (!gs_fm__find(fm, counters[i]))
			continue;
		if ((error = gs_fm_get_i64(&v, fm, counters[i])) < 0)
			return error;
		if (v < 0)
			return gs_fm__parse_error(fm, gs_fm_line_of(fm, counters[i]), "key '%s' is negative: %lld",
						  counters[i], (long long)v);
	}
	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		double v;

		if (!gs_fm__find(fm, numbers[i]))
			continue;
		if ((error = gs_fm_get_f64(&v, fm, numbers[i])) < 0)
			return error;
		if (v < 0)
			return gs_fm__parse_error(fm, gs_fm_line_of(fm, numbers[i]), "key '%s' is negative",
						  numbers[i]);
	}
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		if ((e = gs_fm__find(fm, scalars[i])) && e->kind != GS_FM_SCALAR)
			return gs_fm__parse_error(fm, e->line, "key '%s' is not a scalar", scalars[i]);
	}
	if ((e = gs_fm__find(fm, "agents")) && e->kind != GS_FM_MAPPING &&
	    !(e->kind == GS_FM_SCALAR && e->value_len == 0))
		return gs_fm__parse_error(fm, e->line, "key 'agents' is not a mapping");
	if ((e = gs_fm__find(fm, "resume_attempts")) && e->kind != GS_FM_SEQUENCE &&
	    !(e->kind == GS_FM_SCALAR && e->value_len == 0))
		return gs_fm__parse_error(fm, e->line, "key 'resume_attempts' is not a sequence");
	return 0;
}
