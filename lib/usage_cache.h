/*
 * The usage cache: run summaries of issue files keyed by blob id, kept in
 * $GIT_DIR/stats/usage-cache so a report parses each blob once. Blobs are
 * immutable, so an entry is never stale; only a change of what we extract
 * (GS_USAGE_CACHE_VERSION) invalidates the file. Private to libgitstats.
 *
 * File layout (native byte order; a file from another machine fails the
 * byte-order check and is rebuilt). Every section starts 8-aligned, so the
 * file is mapped and its runs are used in place, without copying:
 *
 *   magic "GSUSAGEC", u32 version, u32 byte-order mark 0x01020304,
 *   u64 nstrings, u64 string_bytes, u64 nentries, u64 nruns,
 *   strings  string_bytes bytes of NUL-terminated strings, id 0 is "",
 *            zero-padded to a multiple of 8
 *   entries  nentries x (20-byte blob id, u32 issue-id string, u32 nruns,
 *            u32 zero)
 *   runs     nruns x gs_usage_cache_run (7 x i64, u32 model, u32 provider,
 *            u32 session, u32 flags), in entry order
 *   u64 checksum of everything before it
 *
 * Anything that does not check out (short, wrong magic or version, bad
 * checksum, an id out of range) makes the cache start empty; the next
 * save rewrites it whole.
 */
#ifndef GS_USAGE_CACHE_H
#define GS_USAGE_CACHE_H

#include "gs/common.h"

/* Bump when the run summaries or how they are parsed change. */
#define GS_USAGE_CACHE_VERSION 2u

#define GS_USAGE_RUN_SUCCESS 1u
#define GS_USAGE_RUN_COST_KNOWN 2u
#define GS_USAGE_RUN_HAS_START 4u

/* What a report needs of one run; strings are ids in the cache's pool. */
typedef struct {
	int64_t started_at_ms;
	int64_t input_tokens; /* base input, not cached */
	int64_t output_tokens;
	int64_t cache_read_tokens;
	int64_t cache_write_tokens;
	int64_t duration_ms;
	int64_t cost_nanos; /* USD x 1e9; meaningful with GS_USAGE_RUN_COST_KNOWN */
	uint32_t model;     /* string id, 0 = none */
	uint32_t provider;  /* string id as recorded, 0 = none (derive from model) */
	uint32_t session;   /* string id, 0 = none */
	uint32_t flags;     /* GS_USAGE_RUN_* */
} gs_usage_cache_run;

typedef struct gs_usage_cache gs_usage_cache;

int gs_usage_cache_new(gs_usage_cache **out);
void gs_usage_cache_free(gs_usage_cache *c);

/*
 * Map the cache file at `path` (kept mapped until gs_usage_cache_free;
 * runs are read in place) and check it whole. A missing, corrupt or foreign
 * file leaves the cache empty and still returns 0 (*loaded says which):
 * a cache is never a reason to fail a report. Negative only when out of
 * memory. Call on an empty cache.
 */
int gs_usage_cache_load(gs_usage_cache *c, int *loaded, const char *path);

/*
 * The entry of blob `oid` (20 bytes): its frontmatter id string (0 =
 * none) and its runs, borrowed until the next put. Marks the entry used
 * (kept by the next save). 1 when found, 0 when not.
 */
int gs_usage_cache_get(gs_usage_cache *c, const unsigned char *oid, uint32_t *issue_id,
		       const gs_usage_cache_run **runs, size_t *nruns);

/* Add the entry of blob `oid` (not present yet), marked used. */
int gs_usage_cache_put(gs_usage_cache *c, const unsigned char *oid, uint32_t issue_id,
		       const gs_usage_cache_run *runs, size_t nruns);

/* The string id of `s` (len bytes, no NUL inside), added when new. */
int gs_usage_cache_intern(uint32_t *out, gs_usage_cache *c, const char *s, size_t len);

/* The string of id `id` (borrowed), "" for 0 or out of range. */
const char *gs_usage_cache_str(const gs_usage_cache *c, uint32_t id);

/* Number of strings in the pool (ids run from 0 to this minus one). */
size_t gs_usage_cache_nstrings(const gs_usage_cache *c);

/*
 * Write the cache to `path` atomically when something was added since
 * the load, or when unused entries outnumber used ones (they are then
 * dropped, so the file tracks what reports read). Creates the directory
 * of `path` when missing. 0 with nothing to do.
 */
int gs_usage_cache_save(gs_usage_cache *c, const char *path);

/* Entries held (for tests and the benchmark). */
size_t gs_usage_cache_count(const gs_usage_cache *c);

#endif
