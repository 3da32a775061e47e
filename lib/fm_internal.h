/*
 * What the two frontmatter dialects (frontmatter.c for YAML, fm_kv.c for
 * barf's key=value lines) share: the parsed document and its key index.
 * Every offset is a byte offset into the whole document (BOM included).
 */
#ifndef GS_FM_INTERNAL_H
#define GS_FM_INTERNAL_H

#include "gs/frontmatter.h"

typedef struct {
	char *key;        /* decoded key, NUL-terminated */
	size_t key_len;   /* decoded length (a quoted key may hold "\0") */
	char *value;      /* decoded scalar (NUL-terminated), NULL if not a scalar */
	size_t value_len;
	gs_fm_kind kind;
	int flow;         /* a flow collection ({} or []) */
	int block_scalar; /* a literal or folded block scalar (| or >) */
	size_t line_off;  /* start of the key's line */
	size_t key_off;   /* first byte of the key token */
	size_t sep_end;   /* just past ':' (YAML) or '=' (key=value) */
	size_t val_off;   /* the value node [val_off, val_end); empty for `key:` */
	size_t val_end;
	size_t end_off;   /* past the line break of the entry's last line */
	size_t line;      /* 1-based file line of the key */
	size_t val_line;  /* 1-based file line where the value starts */
} gs_fm__entry;

struct gs_fm {
	gs_buf doc;
	char *name;
	gs_fm_dialect dialect;
	int crlf;            /* line ending of the opening delimiter (or first line) */
	size_t bom;          /* 3 when the document starts with a UTF-8 BOM */
	size_t content_off;  /* first byte after the opening delimiter line */
	size_t content_end;  /* first byte of the closing delimiter line */
	size_t body_off;     /* first byte after the closing delimiter line */
	size_t content_line; /* 1-based file line of content_off */
	int root_flow;       /* the YAML root mapping is written {...} */
	size_t indent;       /* column of the top-level keys */
	gs_fm__entry *e;
	size_t n, alloc;
};

/* "cannot parse frontmatter of 'NAME' at line N: WHY"; returns GS_EPARSE. */
int gs_fm__parse_error(const gs_fm *fm, size_t line, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Append a zeroed entry; NULL on OOM. */
gs_fm__entry *gs_fm__entry_add(gs_fm *fm);

/* The entry for `key`, or NULL. */
gs_fm__entry *gs_fm__find(const gs_fm *fm, const char *key);

/* 1-based file line of byte `off`. */
size_t gs_fm__line_of(const gs_fm *fm, size_t off);

/* Offset just past the line break ending the line that holds `off`. */
size_t gs_fm__line_end(const gs_fm *fm, size_t off);

/* Fill the key index of a key=value frontmatter (fm_kv.c). */
int gs_fm__kv_parse(gs_fm *fm);

/* True when every non-blank, non-comment line of the content is key=value. */
int gs_fm__kv_detect(const char *p, size_t len, int *any_line);

/* True when `key` can be a key=value key (an identifier). */
int gs_fm__kv_key_ok(const char *key);

#endif
