/*
 * The lossless frontmatter engine on the tricky documents of SPEC §2, in
 * both dialects: one table row per case, each named as a sentence, each
 * stating the exact bytes the edit must produce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs/gs.h"

/* Table rows leave trailing fields out on purpose. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

enum op {
	NOOP,      /* parse and give back identical bytes */
	DIALECT,   /* val: "none", "yaml" or "kv" */
	GET,       /* get_str(key) == want */
	GET_RAW,   /* get_raw(key) == want */
	GET_BLOCK, /* get_block(key) == want */
	GET_I64,   /* get_i64(key) == atoll(want), or err + msg */
	GET_F64,   /* get_f64(key) printed %.17g == want, or err */
	BODY,      /* body == want */
	KEYS,      /* keys joined by ',' == want */
	SET_STR,
	SET_RAW,
	SET_I64,
	SET_F64,
	SET_BLOCK,
	REMOVE,
	APPEND,    /* body_append(val) */
	PARSE_ERR, /* parse fails with err, message contains msg */
	MANAGED,   /* gs_fm_check_managed gives err + msg */
	SPAN,      /* the frontmatter span, as "off,len" */
	GET_ENTRY, /* get_entry(key) == want */
	SET_ENTRY  /* set_entry(key, val) */
};

struct fm_case {
	const char *name;
	enum op op;
	const char *in;
	const char *key;
	const char *val;
	const char *want; /* resulting document (edits) or value (reads) */
	int err;          /* expected error code, 0 for success */
	const char *msg;  /* substring of the error message */
};

#define FM "---\n"
#define FMX "---\r\n"
#define BOM "\xEF\xBB\xBF"

static const struct fm_case cases[] = {
	/* --- no-op rewrites ---------------------------------------------------- */
	{ "a no-op rewrite keeps every byte of a plain document", NOOP,
	  FM "title: Hello\ntags: [a, b]\n---\n\n# Body\n" },
	{ "a no-op rewrite keeps CRLF line ends", NOOP,
	  FMX "title: Hello\r\nn: 1\r\n---\r\nbody\r\n" },
	{ "a no-op rewrite keeps a UTF-8 BOM", NOOP, BOM FM "a: 1\n---\nx\n" },
	{ "a no-op rewrite keeps comments, quoting styles and blank lines", NOOP,
	  FM "# top comment\na: 'single'   # trailing\n\nb: \"double\"\nc: plain\n---\n" },
	{ "a document without a final newline survives", NOOP, FM "a: 1\n---\nno newline" },
	{ "a frontmatter closed at the end of the file survives", NOOP, FM "a: 1\n---" },
	{ "an empty frontmatter is a valid document", NOOP, FM FM "body\n" },
	{ "an empty file is a valid document", NOOP, "" },
	{ "a file without frontmatter is kept as body", NOOP, "# Title\n\ntext\n" },

	/* --- dialects and structure ------------------------------------------ */
	{ "a file without frontmatter has dialect none", DIALECT, "# Title\n", NULL, "none" },
	{ "a yaml mapping is the yaml dialect", DIALECT, FM "a: 1\n---\n", NULL, "yaml" },
	{ "key=value lines are the key=value dialect", DIALECT, FM "a=1\nb=x,y\n---\n", NULL, "kv" },
	{ "key=value lines with comments and blank lines are key=value", DIALECT,
	  FM "# c\n\na=1\n---\n", NULL, "kv" },
	{ "an empty frontmatter is read as yaml", DIALECT, FM FM, NULL, "yaml" },
	{ "a mix of key=value and yaml lines is yaml", DIALECT,
	  FM "a: b=c\nk=v: x\n---\n", NULL, "yaml" },
	{ "the body starts after the closing delimiter", BODY, FM "a: 1\n---\nbody\n---\nmore\n", NULL,
	  NULL, "body\n---\nmore\n" },
	{ "the ... terminator closes the frontmatter", BODY, FM "a: 1\n...\nbody\n", NULL, NULL, "body\n" },
	{ "the body of a file without frontmatter is all of it after the BOM", BODY, BOM "text\n", NULL,
	  NULL, "text\n" },
	{ "keys are listed in file order", KEYS, FM "b: 1\na:\n  x: 1\nc: [1]\n---\n", NULL, NULL,
	  "b,a,c" },

	/* --- reading ---------------------------------------------------------- */
	{ "a double-quoted value is decoded", GET, FM "a: \"x\\ty \\\"q\\\"\"\n---\n", "a", NULL,
	  "x\ty \"q\"" },
	{ "a single-quoted value is decoded", GET, FM "a: 'it''s'\n---\n", "a", NULL, "it's" },
	{ "a value with a trailing comment reads without it", GET, FM "a: v # c\n---\n", "a", NULL, "v" },
	{ "a literal block scalar is decoded", GET, FM "a: |\n  one\n  two\nb: 1\n---\n", "a", NULL,
	  "one\ntwo\n" },
	{ "an empty value reads as the empty string", GET, FM "a:\nb: 1\n---\n", "a", NULL, "" },
	{ "a Unicode value is read as UTF-8", GET, FM "t: \xC3\xA9t\xC3\xA9 \xE2\x9C\x93\n---\n", "t",
	  NULL, "\xC3\xA9t\xC3\xA9 \xE2\x9C\x93" },
	{ "a CRLF value is read without the carriage return", GET, FMX "a: x\r\n---\r\n", "a", NULL, "x" },
	{ "a key=value value is everything after the first =", GET, FM "url=http://x/?a=b\n---\n", "url",
	  NULL, "http://x/?a=b" },
	{ "a key=value list is read as its raw text", GET, FM "tags=a,b,c\n---\n", "tags", NULL, "a,b,c" },
	{ "a key=value CRLF value is read without the carriage return", GET, FMX "a=1\r\n---\r\n", "a",
	  NULL, "1" },
	{ "reading a missing key is not found", GET, FM "a: 1\n---\n", "b", NULL, NULL, GS_ENOTFOUND, "'b'" },
	{ "reading a mapping as a string is a parse error", GET, FM "a:\n  b: 1\n---\n", "a", NULL, NULL,
	  GS_EPARSE, "not a scalar" },
	{ "the raw value keeps its quotes", GET_RAW, FM "a: \"x\"  # c\n---\n", "a", NULL, "\"x\"" },
	{ "the raw value of a block mapping spans its lines", GET_RAW,
	  FM "a:\n  b: 1\n  c: [2]\nd: 3\n---\n", "a", NULL, "b: 1\n  c: [2]" },
	{ "the raw value of a flow sequence is the brackets", GET_RAW, FM "a: [1, 2] # c\n---\n", "a",
	  NULL, "[1, 2]" },
	{ "a block value is returned de-indented", GET_BLOCK,
	  FMX "agents:\r\n  claude:\r\n    runs: 2\r\nx: 1\r\n---\r\n", "agents", NULL, "claude:\n  runs: 2\n" },
	{ "an integer counter reads as int64", GET_I64, FM "run_count: 42\n---\n", "run_count", NULL, "42" },
	{ "a negative integer reads as int64", GET_I64, FM "n: -7\n---\n", "n", NULL, "-7" },
	{ "a counter holding text names file, line and key", GET_I64,
	  FM "a: 1\nrun_count: many\n---\n", "run_count", NULL, NULL, GS_EPARSE,
	  "cannot parse frontmatter of 'doc.md' at line 3: key 'run_count' is not an integer" },
	{ "a counter holding a fraction is not an integer", GET_I64, FM "n: 1.5\n---\n", "n", NULL, NULL,
	  GS_EPARSE, "not an integer" },
	{ "a counter past 2^63-1 is out of range", GET_I64, FM "n: 9223372036854775808\n---\n", "n", NULL,
	  NULL, GS_EPARSE, "out of range" },
	{ "a number reads as double", GET_F64, FM "c: 0.42\n---\n", "c", NULL, "0.41999999999999998" },
	{ "an integer reads as double", GET_F64, FM "c: 3\n---\n", "c", NULL, "3" },
	{ "a hexadecimal text is not a number", GET_F64, FM "c: 0x10\n---\n", "c", NULL, NULL, GS_EPARSE,
	  "not a number" },

	/* --- setting scalars -------------------------------------------------- */
	{ "setting an existing value changes only its bytes", SET_STR,
	  FM "# c\ntitle: Old  # keep\nn: 1\n---\nbody\n", "title", "New",
	  FM "# c\ntitle: New  # keep\nn: 1\n---\nbody\n" },
	{ "setting a quoted value replaces the quotes too", SET_STR, FM "a: 'x'\n---\n", "a", "y",
	  FM "a: y\n---\n" },
	{ "a value that would not read back plain is double-quoted", SET_STR, FM "a: x\n---\n", "a",
	  "b: c # d", FM "a: \"b: c # d\"\n---\n" },
	{ "a value with quotes and a tab is escaped", SET_STR, FM "a: x\n---\n", "a", "say \"hi\"\t!",
	  FM "a: \"say \\\"hi\\\"\\t!\"\n---\n" },
	{ "a value with a line break is escaped", SET_STR, FM "a: x\n---\n", "a", "l1\nl2",
	  FM "a: \"l1\\nl2\"\n---\n" },
	{ "a value with a leading indicator is quoted", SET_STR, FM "a: x\n---\n", "a", "- item",
	  FM "a: \"- item\"\n---\n" },
	{ "the empty string is written as two quotes", SET_STR, FM "a: x\n---\n", "a", "",
	  FM "a: \"\"\n---\n" },
	{ "a number-like string is written plain", SET_STR, FM "a: x\n---\n", "a", "12", FM "a: 12\n---\n" },
	{ "a Unicode value is written plain", SET_STR, FM "a: x\n---\n", "a", "\xC3\xA9t\xC3\xA9",
	  FM "a: \xC3\xA9t\xC3\xA9\n---\n" },
	{ "an empty value gets a space and the value", SET_STR, FM "a:\nb: 1\n---\n", "a", "v",
	  FM "a: v\nb: 1\n---\n" },
	{ "setting over a block keeps the comment on the key line", SET_STR,
	  FM "a: # note\n  - 1\n  - 2\nb: 1\n---\n", "a", "v", FM "a: v # note\nb: 1\n---\n" },
	{ "setting over a literal block replaces the whole block", SET_STR,
	  FM "a: |\n  one\n  two\n\nb: 1\n---\n", "a", "v", FM "a: v\n\nb: 1\n---\n" },
	{ "a new key is appended at the end of the frontmatter", SET_STR, FM "a: 1\n# tail\n---\nbody\n",
	  "run_count", "1", FM "a: 1\n# tail\nrun_count: 1\n---\nbody\n" },
	{ "a new key in a CRLF file gets a CRLF line end", SET_STR, FMX "a: 1\r\n---\r\nb\r\n", "k", "v",
	  FMX "a: 1\r\nk: v\r\n---\r\nb\r\n" },
	{ "a new key follows the indentation of the frontmatter", SET_STR, FM "  a: 1\n  b: 2\n---\n",
	  "c", "3", FM "  a: 1\n  b: 2\n  c: 3\n---\n" },
	{ "a new key in an empty frontmatter is its first line", SET_STR, FM FM "body\n", "a", "1",
	  FM "a: 1\n" FM "body\n" },
	{ "a new key goes before the ... terminator", SET_STR, FM "a: 1\n...\nbody\n", "b", "2",
	  FM "a: 1\nb: 2\n...\nbody\n" },
	{ "a new key keeps a document without a final newline", SET_STR, FM "a: 1\n---", "b", "2",
	  FM "a: 1\nb: 2\n---" },
	{ "a key that needs quoting is quoted", SET_STR, FM "a: 1\n---\n", "my key: x", "v",
	  FM "a: 1\n\"my key: x\": v\n---\n" },
	{ "a file without frontmatter gets one and a blank line", SET_STR, "# Title\n", "a", "1",
	  FM "a: 1\n---\n\n# Title\n" },
	{ "a file starting with a blank line gets no extra blank line", SET_STR, "\ntext\n", "a", "1",
	  FM "a: 1\n---\n\ntext\n" },
	{ "an empty file gets just a frontmatter", SET_STR, "", "a", "1", FM "a: 1\n---\n" },
	{ "a BOM file without frontmatter keeps the BOM first", SET_STR, BOM "x\r\ny\r\n", "a", "1",
	  BOM FMX "a: 1\r\n---\r\n\r\nx\r\ny\r\n" },
	{ "setting a value in a BOM file keeps the BOM", SET_STR, BOM FM "a: 1\n---\n", "a", "2",
	  BOM FM "a: 2\n---\n" },
	{ "setting a value inside a flow root mapping works", SET_STR, FM "{a: 1, b: 2}\n---\n", "a", "x,y",
	  FM "{a: \"x,y\", b: 2}\n---\n" },
	{ "adding a key to a flow root mapping is refused", SET_STR, FM "{a: 1}\n---\n", "b", "2", NULL,
	  GS_EUSAGE, "flow-style" },
	{ "invalid UTF-8 in a value is refused", SET_STR, FM "a: 1\n---\n", "a", "\xFF", NULL, GS_EUSAGE,
	  "UTF-8" },
	{ "set_raw writes the text as is", SET_RAW, FM "a: x\n---\n", "a", "0.5", FM "a: 0.5\n---\n" },
	{ "set_raw refuses text that is not one YAML scalar", SET_RAW, FM "a: x\n---\n", "a", "b: c", NULL,
	  GS_EUSAGE, "not" },
	{ "set_i64 writes a decimal integer", SET_I64, FM "run_count: 1\n---\n", "run_count", "9007199254740993",
	  FM "run_count: 9007199254740993\n---\n" },
	{ "set_f64 writes the shortest round-trip text", SET_F64, FM "c: 0\n---\n", "c", "0.42",
	  FM "c: 0.42\n---\n" },
	{ "set_f64 writes a whole number without a dot", SET_F64, FM "c: 0\n---\n", "c", "12",
	  FM "c: 12\n---\n" },
	{ "set_f64 writes tiny numbers with a dotted exponent", SET_F64, FM "c: 0\n---\n", "c", "1e-9",
	  FM "c: 1.0e-09\n---\n" },
	{ "set_f64 of a small number stays decimal", SET_F64, FM "c: 0\n---\n", "c", "0.00001234",
	  FM "c: 0.00001234\n---\n" },

	/* --- key=value dialect ------------------------------------------------ */
	{ "setting a key=value value replaces the text after =", SET_STR, FM "a=1\nb=x,y\n---\nbody\n", "b",
	  "p: q # r", FM "a=1\nb=p: q # r\n---\nbody\n" },
	{ "a new key=value key is appended in that dialect", SET_STR, FMX "a=1\r\n---\r\n", "run_count", "1",
	  FMX "a=1\r\nrun_count=1\r\n---\r\n" },
	{ "a key=value value with a line break is refused", SET_STR, FM "a=1\n---\n", "a", "x\ny", NULL,
	  GS_EUSAGE, "line break" },
	{ "a key=value key must be an identifier", SET_STR, FM "a=1\n---\n", "my key", "v", NULL, GS_EUSAGE,
	  "identifier" },
	{ "set_i64 in key=value writes the number", SET_I64, FM "n=1\n---\n", "n", "2", FM "n=2\n---\n" },
	{ "a block value is refused in key=value", SET_BLOCK, FM "a=1\n---\n", "agents", "x: 1\n", NULL,
	  GS_EUSAGE, "key=value" },
	{ "removing a key=value key removes its line", REMOVE, FM "a=1\nb=2\nc=3\n---\n", "b", NULL,
	  FM "a=1\nc=3\n---\n" },
	{ "removing the last key=value key keeps the dialect", REMOVE, FM "a=1\n---\n", "a", NULL, FM FM },
	{ "an empty key=value value is allowed", GET, FM "a=\n---\n", "a", NULL, "" },

	/* --- whole entries (the merge driver's) ---------------------------------- */
	{ "an entry is the key's lines, comment and nested lines included", GET_ENTRY,
	  FM "a: 1 # c\nb:\n  - x\n  - y\n# next\nc: 3\n---\n", "b", NULL, "b:\n  - x\n  - y\n" },
	{ "a key=value entry is its line", GET_ENTRY, FM "a=1\nb=2\n---\n", "a", NULL, "a=1\n" },
	{ "an entry replaces the key's lines with its bytes", SET_ENTRY, FM "a: 1\nb: 2\nc: 3\n---\n", "b",
	  "b: 'two'   # from B\n", FM "a: 1\nb: 'two'   # from B\nc: 3\n---\n" },
	{ "a new entry is appended with the file's line ends", SET_ENTRY, FMX "a: 1\r\n---\r\n", "z",
	  "z:\n  - 1\n", FMX "a: 1\r\nz:\r\n  - 1\r\n---\r\n" },
	{ "a key=value entry is replaced", SET_ENTRY, FM "a=1\nb=2\n---\n", "b", "b=x y\n",
	  FM "a=1\nb=x y\n---\n" },
	{ "an entry holding two keys is refused", SET_ENTRY, FM "a: 1\nb: 2\n---\n", "b", "b: 1\nc: 2\n",
	  NULL, GS_EUSAGE, "not one entry" },
	{ "an entry of another key is refused", SET_ENTRY, FM "a: 1\nb: 2\n---\n", "b", "x: 1\n", NULL,
	  GS_EUSAGE, "not one entry" },
	{ "an entry indented unlike the file's keys is refused", SET_ENTRY, FM "a: 1\nb: 2\n---\n", "b",
	  "  b: 3\n", NULL, GS_EPARSE, NULL },

	/* --- blocks ----------------------------------------------------------- */
	{ "a block is appended under a new key", SET_BLOCK, FM "a: 1\n---\n", "agents",
	  "claude:\n  runs: 1\n", FM "a: 1\nagents:\n  claude:\n    runs: 1\n---\n" },
	{ "a block replaces a multi-line block", SET_BLOCK,
	  FM "agents:\n  old:\n    runs: 1\n  x: [1]\ntitle: t\n---\n", "agents", "new: 2\n",
	  FM "agents:\n  new: 2\ntitle: t\n---\n" },
	{ "a block replaces a flow mapping on the key line", SET_BLOCK, FM "agents: {} # none\nb: 1\n---\n",
	  "agents", "a: 1\n", FM "agents:\n  a: 1 # none\nb: 1\n---\n" },
	{ "a sequence block uses the file's CRLF", SET_BLOCK, FMX "r: []\r\n---\r\n", "r",
	  "- id: 1\n  at: x\n- id: 2\n", FMX "r:\r\n  - id: 1\r\n    at: x\r\n  - id: 2\r\n---\r\n" },
	{ "a block keeps a comment after the key", SET_BLOCK, FM "a: # c\n  x: 1\nb: 2\n---\n", "a",
	  "y: 2\n", FM "a: # c\n  y: 2\nb: 2\n---\n" },
	{ "a one-line flow block stays on the key line", SET_BLOCK, FM "a:\n  x: 1\n---\n", "a", "[]",
	  FM "a: []\n---\n" },
	{ "a block in a file without frontmatter creates one", SET_BLOCK, "body\n", "a", "x: 1\n",
	  FM "a:\n  x: 1\n---\n\nbody\n" },
	{ "an invalid block is refused", SET_BLOCK, FM "a: 1\n---\n", "b", "x: [\n", NULL, GS_EUSAGE, "b" },

	/* Found by the fuzzer. */
	{ "an empty value in a flow root mapping is set after its colon", SET_STR,
	  FM "{a:   }\n---\n", "a", "v", FM "{a: v   }\n---\n" },
	{ "the raw value of an empty flow entry sits after its colon", GET_RAW,
	  FM "{a:   , b: 1}\n---\n", "a", NULL, "" },
	{ "removing the last key=value key leaves the comments alone", REMOVE,
	  FM "# \x10 note\nt=1\n---\nbody\n", "t", NULL, FM "# \x10 note\n---\nbody\n" },
	{ "a block that would swallow the next key is refused", SET_BLOCK,
	  FM "t=: a\nrun_count: b]\n---\n", "t=", "x: [\n", NULL, GS_EUSAGE, "" },
	{ "an explicit key without a value does not reach the closing line", SET_BLOCK,
	  FM "as:\n ? \n---\n", "as", "- id: 1\n", FM "as:\n  - id: 1 \n---\n" },
	{ "a comment glued to the old value is kept apart from the block", SET_BLOCK,
	  FM "as: [x]# 2\n---\n", "as", "- 1\n", FM "as:\n  - 1 # 2\n---\n" },
	{ "a comment glued to the old value is kept apart from a scalar", SET_STR,
	  FM "as: [x]# 2\n---\n", "as", "v", FM "as: v # 2\n---\n" },

	{ "a BOM at the start of the frontmatter content keeps offsets right", SET_STR,
	  FM BOM "te: x\n---\n", "te", "yy", FM BOM "te: yy\n---\n" },
	{ "two BOMs at the start of the frontmatter content keep offsets right", SET_STR,
	  FM BOM BOM "te: x\n---\n", "te", "yy", FM BOM BOM "te: yy\n---\n" },

	/* --- removing --------------------------------------------------------- */
	{ "removing a key removes its nested lines and nothing else", REMOVE,
	  FM "a: 1\nb:\n  c: 1\n  d:\n    - 2\n# keep\ne: 3\n---\n", "b", NULL, FM "a: 1\n# keep\ne: 3\n---\n" },
	{ "removing a key keeps a following blank line", REMOVE, FMX "a: 1 # x\r\n\r\nb: 2\r\n---\r\n", "a",
	  NULL, FMX "\r\nb: 2\r\n---\r\n" },
	{ "removing an absent key changes nothing", REMOVE, FM "a: 1\n---\n", "z", NULL, FM "a: 1\n---\n" },

	{ "a --- line in the body is left alone by an edit", SET_STR, FM "a: 1\n---\ntext\n---\nb: 2\n",
	  "b", "3", FM "a: 1\nb: 3\n---\ntext\n---\nb: 2\n" },
	{ "a scalar on the line after its key is replaced in place", SET_STR,
	  FM "d:\n  long text\n  goes on\nx: 1\n---\n", "d", "short", FM "d:\n  short\nx: 1\n---\n" },

	/* --- body ------------------------------------------------------------- */
	{ "appending to the body converts line ends", APPEND, FMX "a: 1\r\n---\r\nx\r\n", NULL, "y\nz\n",
	  FMX "a: 1\r\n---\r\nx\r\ny\r\nz\r\n" },
	{ "appending to a body without a final newline adds one first", APPEND, FM "a: 1\n---\nx", NULL,
	  "y\n", FM "a: 1\n---\nx\ny\n" },

	/* --- managed keys and span --------------------------------------------- */
	{ "managed keys of the right types pass the check", MANAGED,
	  FM "run_count: 2\ntotal_cost_usd: 0.5\nagents:\n  a: {runs: 1}\nresume_attempts: []\n---\n" },
	{ "a managed counter holding text fails the check with its line", MANAGED,
	  FM "title: t\ntotal_input_tokens: 12k\n---\n", NULL, NULL, NULL, GS_EPARSE,
	  "at line 3: key 'total_input_tokens' is not an integer: '12k'" },
	{ "a negative counter fails the check", MANAGED, FM "run_count: -1\n---\n", NULL, NULL, NULL,
	  GS_EPARSE, "negative" },
	{ "a cost that is not a number fails the check", MANAGED, FM "total_cost_usd: free\n---\n", NULL,
	  NULL, NULL, GS_EPARSE, "not a number" },
	{ "agents that are not a mapping fail the check", MANAGED, FM "agents: [a]\n---\n", NULL, NULL,
	  NULL, GS_EPARSE, "not a mapping" },
	{ "the span covers both delimiter lines after the BOM", SPAN, BOM FM "a: 1\n---\nbody\n", NULL,
	  NULL, "3,13" },
	{ "a file without frontmatter has an empty span", SPAN, "body\n", NULL, NULL, "0,0" },

	/* --- bad input -------------------------------------------------------- */
	{ "an unclosed quote is a parse error naming the line", PARSE_ERR, FM "a: 1\nb: \"open\n---\n", NULL,
	  NULL, NULL, GS_EPARSE, "cannot parse frontmatter of 'doc.md' at line" },
	{ "bad indentation is a parse error", PARSE_ERR, FM "a:\n  b: 1\n c: 2\n---\n", NULL, NULL, NULL,
	  GS_EPARSE, "at line 4" },
	{ "a tab as indentation is a parse error", PARSE_ERR, FM "a:\n\tb: 1\n---\n", NULL, NULL, NULL,
	  GS_EPARSE, "at line 3" },
	{ "a duplicate key is a parse error on its line", PARSE_ERR, FM "a: 1\nb: 2\na: 3\n---\n", NULL, NULL,
	  NULL, GS_EPARSE, "at line 4: duplicate key 'a'" },
	{ "a duplicate nested key is a parse error", PARSE_ERR, FM "a:\n  x: 1\n  x: 2\n---\n", NULL, NULL,
	  NULL, GS_EPARSE, "duplicate key 'x'" },
	{ "a duplicate key=value key is a parse error", PARSE_ERR, FM "a=1\na=2\n---\n", NULL, NULL, NULL,
	  GS_EPARSE, "at line 3: duplicate key 'a'" },
	{ "a sequence frontmatter is not a mapping", PARSE_ERR, FM "- a\n- b\n---\n", NULL, NULL, NULL,
	  GS_EPARSE, "not a mapping" },
	{ "a scalar frontmatter is not a mapping", PARSE_ERR, FM "just text\n---\n", NULL, NULL, NULL,
	  GS_EPARSE, "at line 2: frontmatter is not a mapping" },
	{ "a NUL byte is a parse error", PARSE_ERR, NULL, NULL, NULL, NULL, GS_EPARSE, "NUL" },
	{ "a frontmatter without a closing delimiter is an error", PARSE_ERR, FM "a: 1\nbody\n", NULL, NULL,
	  NULL, GS_EPARSE, "at line 1: no closing" },
	{ "a lone carriage return in the frontmatter is an error", PARSE_ERR, FM "a: 1\rb: 2\n---\n", NULL,
	  NULL, NULL, GS_EPARSE, "carriage return" },
	{ "a UTF-16 frontmatter is an error", PARSE_ERR, FM "\xFF\xFE" "a\n---\n", NULL, NULL, NULL, GS_EPARSE,
	  "UTF-16" },
	{ "invalid UTF-8 in the frontmatter is an error", PARSE_ERR, FM "a: \xFF\n---\n", NULL, NULL, NULL,
	  GS_EPARSE, "line 2" },
};

static gs_fm *parse_or_fail(const char *in)
{
	gs_fm *fm = NULL;

	if (gs_fm_parse(&fm, in, strlen(in), "doc.md") < 0)
		fail_msg("parse failed: %s", gs_error_last());
	return fm;
}

static void assert_doc(const gs_fm *fm, const char *want)
{
	const char *p;
	size_t n;

	gs_fm_bytes(&p, &n, fm);
	if (n != strlen(want) || memcmp(p, want, n))
		fail_msg("document differs:\n--- got ---\n%.*s\n--- want ---\n%s", (int)n, p, want);
}

static void assert_error(int rc, const struct fm_case *c)
{
	if (rc != c->err)
		fail_msg("expected error %d, got %d (%s)", c->err, rc, gs_error_last());
	if (c->msg && !strstr(gs_error_last(), c->msg))
		fail_msg("message '%s' lacks '%s'", gs_error_last(), c->msg);
}

static void run_case(void **state)
{
	const struct fm_case *c = *state;
	gs_fm *fm = NULL;
	char *s = NULL, buf[64];
	const char *p;
	size_t n, i;
	int64_t i64;
	double f64;
	int rc = 0;

	if (c->op == PARSE_ERR) {
		static const char nul_doc[] = "---\na: 1\nb: x\0y\n---\n";
		const char *in = c->in ? c->in : nul_doc;
		size_t len = c->in ? strlen(c->in) : sizeof(nul_doc) - 1;

		rc = gs_fm_parse(&fm, in, len, "doc.md");
		assert_null(fm);
		assert_error(rc, c);
		if (!c->in)
			assert_non_null(strstr(gs_error_last(), "at line 3"));
		return;
	}
	fm = parse_or_fail(c->in);
	switch (c->op) {
	case NOOP:
		assert_doc(fm, c->in);
		break;
	case DIALECT:
		assert_string_equal(gs_fm_dialect_of(fm) == GS_FM_NONE ? "none"
				    : gs_fm_dialect_of(fm) == GS_FM_YAML ? "yaml" : "kv", c->val);
		break;
	case GET:
		rc = gs_fm_get_str(&s, fm, c->key);
		if (c->err)
			assert_error(rc, c);
		else {
			assert_int_equal(rc, 0);
			assert_string_equal(s, c->want);
		}
		break;
	case GET_RAW:
		assert_int_equal(gs_fm_get_raw(&p, &n, fm, c->key), 0);
		assert_int_equal(n, strlen(c->want));
		assert_memory_equal(p, c->want, n);
		break;
	case GET_BLOCK:
		assert_int_equal(gs_fm_get_block(&s, fm, c->key), 0);
		assert_string_equal(s, c->want);
		break;
	case GET_I64:
		rc = gs_fm_get_i64(&i64, fm, c->key);
		if (c->err)
			assert_error(rc, c);
		else {
			assert_int_equal(rc, 0);
			assert_int_equal(i64, atoll(c->want));
		}
		break;
	case GET_F64:
		rc = gs_fm_get_f64(&f64, fm, c->key);
		if (c->err)
			assert_error(rc, c);
		else {
			assert_int_equal(rc, 0);
			snprintf(buf, sizeof(buf), "%.17g", f64);
			assert_string_equal(buf, c->want);
		}
		break;
	case MANAGED:
		rc = gs_fm_check_managed(fm);
		if (c->err)
			assert_error(rc, c);
		else
			assert_int_equal(rc, 0);
		break;
	case SPAN: {
		size_t off;

		gs_fm_span(&off, &n, fm);
		snprintf(buf, sizeof(buf), "%zu,%zu", off, n);
		assert_string_equal(buf, c->want);
		break;
	}
	case GET_ENTRY:
		assert_int_equal(gs_fm_get_entry(&p, &n, fm, c->key), 0);
		assert_int_equal(n, strlen(c->want));
		assert_memory_equal(p, c->want, n);
		break;
	case BODY:
		gs_fm_body(&p, &n, fm);
		assert_int_equal(n, strlen(c->want));
		assert_memory_equal(p, c->want, n);
		break;
	case KEYS: {
		gs_buf b = GS_BUF_INIT;

		for (i = 0; i < gs_fm_key_count(fm); i++) {
			if (i)
				gs_buf_putc(&b, ',');
			gs_buf_puts(&b, gs_fm_key_at(fm, i));
		}
		assert_string_equal(b.ptr, c->want);
		gs_buf_dispose(&b);
		break;
	}
	default:
		switch (c->op) {
		case SET_STR: rc = gs_fm_set_str(fm, c->key, c->val); break;
		case SET_RAW: rc = gs_fm_set_raw(fm, c->key, c->val); break;
		case SET_I64: rc = gs_fm_set_i64(fm, c->key, (int64_t)atoll(c->val)); break;
		case SET_F64: rc = gs_fm_set_f64(fm, c->key, strtod(c->val, NULL)); break;
		case SET_BLOCK: rc = gs_fm_set_block(fm, c->key, c->val); break;
		case REMOVE: rc = gs_fm_remove(fm, c->key); break;
		case APPEND: rc = gs_fm_body_append(fm, c->val, strlen(c->val)); break;
		case SET_ENTRY: rc = gs_fm_set_entry(fm, c->key, c->val, strlen(c->val)); break;
		default: fail_msg("unknown op");
		}
		if (c->err) {
			assert_error(rc, c);
			assert_doc(fm, c->in); /* a refused edit leaves the document alone */
		} else {
			if (rc < 0)
				fail_msg("edit failed: %s", gs_error_last());
			assert_doc(fm, c->want);
			/* The result is a document we read back the same way. */
			if (c->op != REMOVE && c->op != APPEND) {
				gs_fm *again = parse_or_fail(c->want);

				assert_true(gs_fm_has(again, c->key));
				gs_fm_free(again);
			}
		}
		if (c->op == SET_STR && !c->err) {
			char *v = NULL;

			assert_int_equal(gs_fm_get_str(&v, fm, c->key), 0);
			assert_string_equal(v, c->val);
			free(v);
		}
		if (c->op == SET_BLOCK && !c->err && c->val[0] != '[') {
			char *v = NULL;

			assert_int_equal(gs_fm_get_block(&v, fm, c->key), 0);
			assert_string_equal(v, c->val);
			free(v);
		}
	}
	free(s);
	gs_fm_free(fm);
}

/* Several edits in a row keep every earlier edit and the user's bytes. */
static void test_frontmatter_successive_edits_compose(void **state)
{
	gs_fm *fm;
	int64_t n;

	(void)state;
	fm = parse_or_fail(FMX "title: T # c\r\n---\r\nbody\r\n");
	assert_int_equal(gs_fm_set_i64(fm, "run_count", 1), 0);
	assert_int_equal(gs_fm_get_i64(&n, fm, "run_count"), 0);
	assert_int_equal(gs_fm_set_i64(fm, "run_count", n + 1), 0);
	assert_int_equal(gs_fm_set_f64(fm, "total_cost_usd", 0.1 + 0.2), 0);
	assert_int_equal(gs_fm_set_block(fm, "agents", "claude:\n  runs: 2\n"), 0);
	assert_int_equal(gs_fm_set_block(fm, "agents", "claude:\n  runs: 3\ncodex:\n  runs: 1\n"), 0);
	assert_int_equal(gs_fm_body_append(fm, "log\n", 4), 0);
	assert_int_equal(gs_fm_remove(fm, "total_cost_usd"), 0);
	assert_doc(fm, FMX "title: T # c\r\nrun_count: 2\r\nagents:\r\n  claude:\r\n    runs: 3\r\n"
			   "  codex:\r\n    runs: 1\r\n---\r\nbody\r\nlog\r\n");
	gs_fm_free(fm);
}

static void test_frontmatter_set_f64_round_trips(void **state)
{
	static const double vals[] = { 0.1, 0.42, 1.0 / 3, 123456.789, 1e-7, 5e-324, 1.7976931348623157e308,
				       12.5, 1e16, 1e17, 3.14159 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		gs_fm *fm = parse_or_fail(FM "c: 0\n---\n");
		const char *p;
		size_t n;
		double back;

		assert_int_equal(gs_fm_set_f64(fm, "c", vals[i]), 0);
		assert_int_equal(gs_fm_get_f64(&back, fm, "c"), 0);
		assert_true(back == vals[i]);
		assert_int_equal(gs_fm_get_raw(&p, &n, fm, "c"), 0);
		assert_null(memchr(p, 'e', n) && vals[i] > 1e-6 && vals[i] < 1e16 ? p : NULL);
		gs_fm_free(fm);
	}
}

static void test_frontmatter_refuses_documents_over_the_limit(void **state)
{
	size_t len = GS_FM_MAX_SIZE + 1;
	char *big = malloc(len);
	gs_fm *fm = NULL;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', len);
	assert_int_equal(gs_fm_parse(&fm, big, len, "big.md"), GS_ETOOBIG);
	assert_null(fm);
	assert_non_null(strstr(gs_error_last(), "'big.md'"));
	free(big);
}

static void test_frontmatter_set_str_round_trips_awkward_strings(void **state)
{
	static const char *vals[] = { "true", "null", "~", "-", "?", ":", "a:b", "a #b", "#x", " lead",
				      "trail ", "'q'", "\"d\"", "[x]", "{y}", "*a", "&b", "!t", "%p", "@x",
				      "`x`", "a\\b", "\xE2\x80\xA8", "\xC2\x85", "\x7F", "\x01", "\xEF\xBB\xBF",
				      "yes", "0o17", ".inf", "---", "...", "a,b", "x: ", "x:", "12:30" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		gs_fm *fm = parse_or_fail(FM "k: 1 # c\nz: 2\n---\n");
		char *v = NULL;

		if (gs_fm_set_str(fm, "k", vals[i]) < 0)
			fail_msg("set '%s': %s", vals[i], gs_error_last());
		assert_int_equal(gs_fm_get_str(&v, fm, "k"), 0);
		assert_string_equal(v, vals[i]);
		free(v);
		assert_int_equal(gs_fm_set_str(fm, "new", vals[i]), 0);
		assert_int_equal(gs_fm_get_str(&v, fm, "new"), 0);
		assert_string_equal(v, vals[i]);
		free(v);
		gs_fm_free(fm);
	}
}

static void test_frontmatter_long_values_are_set_and_read(void **state)
{
	size_t n = 200000, i;
	char *v = malloc(n + 1), *back = NULL;
	gs_fm *fm;

	(void)state;
	assert_non_null(v);
	for (i = 0; i < n; i++)
		v[i] = (char)('a' + i % 26);
	v[n] = '\0';
	v[n / 2] = ' ';
	fm = parse_or_fail(FM "a: 1\nb: 2\n---\nbody\n");
	assert_int_equal(gs_fm_set_str(fm, "a", v), 0);
	assert_int_equal(gs_fm_set_str(fm, "c", v), 0);
	assert_int_equal(gs_fm_get_str(&back, fm, "a"), 0);
	assert_string_equal(back, v);
	free(back);
	assert_int_equal(gs_fm_set_str(fm, "a", "1"), 0);
	assert_int_equal(gs_fm_remove(fm, "c"), 0);
	assert_doc(fm, FM "a: 1\nb: 2\n---\nbody\n");
	gs_fm_free(fm);
	free(v);
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]), i;
	struct CMUnitTest *t = calloc(n + 5, sizeof(*t));
	int rc;

	if (!t)
		return 1;
	for (i = 0; i < n; i++) {
		t[i].name = cases[i].name;
		t[i].test_func = run_case;
		t[i].initial_state = (void *)&cases[i];
	}
	t[n].name = "successive edits compose";
	t[n].test_func = test_frontmatter_successive_edits_compose;
	t[n + 1].name = "set_f64 round-trips";
	t[n + 1].test_func = test_frontmatter_set_f64_round_trips;
	t[n + 2].name = "documents over the size limit are refused";
	t[n + 2].test_func = test_frontmatter_refuses_documents_over_the_limit;
	t[n + 3].name = "set_str round-trips awkward strings";
	t[n + 3].test_func = test_frontmatter_set_str_round_trips_awkward_strings;
	t[n + 4].name = "long values are set and read";
	t[n + 4].test_func = test_frontmatter_long_values_are_set_and_read;
	rc = _cmocka_run_group_tests("frontmatter", t, n + 5, NULL, NULL);
	free(t);
	return rc;
}
