/*
 * Lossless frontmatter: read and edit the metadata block at the top of a
 * markdown file while every byte we were not asked to change survives
 * (SPEC §2). Edits splice new bytes into the original text; the user's
 * YAML is never re-emitted.
 */
#ifndef GS_FRONTMATTER_H
#define GS_FRONTMATTER_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Documents larger than this are refused (GS_ETOOBIG). */
#define GS_FM_MAX_SIZE (16u * 1024u * 1024u)

typedef enum {
	GS_FM_NONE = 0, /* no frontmatter yet; one is created on first set */
	GS_FM_YAML = 1, /* --- YAML mapping --- (or ... terminator) */
	GS_FM_KV = 2    /* --- key=value lines --- (barf) */
} gs_fm_dialect;

/* What a top-level key holds (gs_fm_kind_of). */
typedef enum {
	GS_FM_ABSENT = 0,   /* no such key */
	GS_FM_SCALAR = 1,   /* plain, quoted or block scalar (or a key=value value) */
	GS_FM_MAPPING = 2,  /* block or flow mapping */
	GS_FM_SEQUENCE = 3, /* block or flow sequence */
	GS_FM_ALIAS = 4     /* *anchor */
} gs_fm_kind;

typedef struct gs_fm gs_fm;

/*
 * Parse `len` bytes of a markdown document. `name` (a path, copied) is
 * used in error messages: "cannot parse frontmatter of 'NAME' at line N:
 * WHY". The document bytes are copied. Returns 0, GS_EPARSE (bad YAML,
 * duplicate key, not a mapping, no closing delimiter, NUL byte, lone CR
 * or Unicode line separator in the frontmatter), or GS_ETOOBIG.
 *
 * Every edit below re-parses the edited document and checks it before
 * adopting it (the new value reads back; every other key keeps its
 * bytes and order). A refused edit returns GS_EUSAGE (or GS_EPARSE) and
 * leaves the document exactly as it was.
 */
int gs_fm_parse(gs_fm **out, const char *data, size_t len, const char *name);
void gs_fm_free(gs_fm *fm);

gs_fm_dialect gs_fm_dialect_of(const gs_fm *fm);

/* The whole current document (borrowed; valid until the next edit). */
void gs_fm_bytes(const char **data, size_t *len, const gs_fm *fm);

/* The body: everything after the closing delimiter line (borrowed). */
void gs_fm_body(const char **data, size_t *len, const gs_fm *fm);

/* Number of top-level keys, and the i-th key in file order (borrowed). */
size_t gs_fm_key_count(const gs_fm *fm);
const char *gs_fm_key_at(const gs_fm *fm, size_t i);
int gs_fm_has(const gs_fm *fm, const char *key);

/*
 * The exact source bytes of a key's value (borrowed): for a scalar the
 * scalar token including its quotes, for a block the whole node. For
 * key=value files, everything after the first '='.
 */
int gs_fm_get_raw(const char **data, size_t *len, const gs_fm *fm, const char *key);

/*
 * A scalar value decoded (quotes and escapes resolved); the caller frees
 * *out. GS_ENOTFOUND when absent, GS_EPARSE when not a scalar.
 */
int gs_fm_get_str(char **out, const gs_fm *fm, const char *key);

/* A value as an integer / a number. GS_EPARSE names file, line and key. */
int gs_fm_get_i64(int64_t *out, const gs_fm *fm, const char *key);
int gs_fm_get_f64(double *out, const gs_fm *fm, const char *key);

/*
 * Set a scalar to the string `value`: replace only the value's bytes when
 * the key exists, else append "key: value" (or key=value) as the last
 * line of the frontmatter with the file's line ending. The value is
 * written plain when a YAML reader gets back the same string, else
 * quoted. A document without frontmatter gets a YAML one.
 */
int gs_fm_set_str(gs_fm *fm, const char *key, const char *value);

/*
 * Set a scalar from its literal YAML text, written as is (numbers,
 * booleans: "12", "0.42"). The text must be one line and read back as
 * exactly one node, a scalar or a flow collection. In key=value files it
 * is the same as gs_fm_set_str.
 */
int gs_fm_set_raw(gs_fm *fm, const char *key, const char *yaml);

int gs_fm_set_i64(gs_fm *fm, const char *key, int64_t value);
/* Shortest decimal text that reads back as exactly `value`. */
int gs_fm_set_f64(gs_fm *fm, const char *key, double value);

/*
 * Replace (or append) a managed block value (`agents`, `resume_attempts`)
 * with `yaml`: block-style YAML of the value, indented by two spaces per
 * level starting at column 0, '\n' line ends (converted to the file's).
 * It is written two spaces deeper than its key; a one-line `{}`/`[]`
 * stays on the key's line, "" leaves `key:` empty. The result must read
 * back with the same meaning (else GS_EUSAGE). Key=value files give
 * GS_EUSAGE; a document without frontmatter gets a YAML one.
 */
int gs_fm_set_block(gs_fm *fm, const char *key, const char *yaml);

/* Remove a key and its value lines. Absent keys are not an error. */
int gs_fm_remove(gs_fm *fm, const char *key);

/*
 * Append bytes to the end of the body, '\n' converted to the file's line
 * ending; a missing final line break is added first.
 */
int gs_fm_body_append(gs_fm *fm, const char *text, size_t len);

/* The file's line ending: "\r\n" or "\n" (borrowed, static). */
const char *gs_fm_eol(const gs_fm *fm);

/* Additions beyond the first API draft. */

/* What `key` holds; GS_FM_ABSENT when it is not there. */
gs_fm_kind gs_fm_kind_of(const gs_fm *fm, const char *key);

/* 1-based line of `key` in the whole file, 0 when absent. */
size_t gs_fm_line_of(const gs_fm *fm, const char *key);

/* The name given to gs_fm_parse (borrowed). */
const char *gs_fm_name(const gs_fm *fm);

/*
 * The frontmatter block, delimiters included: [*off, *off + *len) of the
 * document (after a BOM). Both 0 for a document without frontmatter.
 */
void gs_fm_span(size_t *off, size_t *len, const gs_fm *fm);

/*
 * Check the managed keys of SPEC §2 that are present: counters are
 * non-negative integers, total_duration_seconds and total_cost_usd
 * non-negative numbers, last_model and last_run_at scalars, agents a
 * mapping, resume_attempts a sequence. GS_EPARSE naming file, line, key.
 */
int gs_fm_check_managed(const gs_fm *fm);

/*
 * A value in the form gs_fm_set_block takes: a block mapping or sequence
 * de-indented to column 0 with '\n' line ends and a final '\n'; a scalar
 * or flow value as its raw text plus '\n'. The caller frees *out.
 * GS_ENOTFOUND when absent.
 */
int gs_fm_get_block(char **out, const gs_fm *fm, const char *key);

/*
 * A key's whole entry, as the three-way merge moves it between versions:
 * from the start of the key's line to past the line break ending its
 * value, comments on those lines included (borrowed). GS_ENOTFOUND when
 * absent.
 */
int gs_fm_get_entry(const char **data, size_t *len, const gs_fm *fm, const char *key);

/*
 * Replace `key`'s entry with `text`, an entry as gs_fm_get_entry gives it
 * (from another version of the file), or append it as the last lines of
 * the frontmatter. Line ends become the file's. The text must read back
 * as exactly one entry of `key` (else GS_EUSAGE or GS_EPARSE). A document
 * without frontmatter, or a flow-style one, gives GS_EUSAGE.
 */
int gs_fm_set_entry(gs_fm *fm, const char *key, const char *text, size_t len);

#ifdef __cplusplus
}
#endif

#endif
