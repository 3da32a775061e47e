/*
 * Editing git's index file in place, for the store. An update on the
 * checked-out branch changes one or a few entries of an index that may
 * hold tens of thousands; libgit2 would parse and re-serialize all of
 * them (about 10 ms for 10,000 entries). Here the bytes are patched where
 * they lie: the entry's object id and stat data, the cache-tree nodes
 * above the changed paths marked invalid, a new trailing checksum.
 * Anything unusual (split index, an entry to insert, index-entry offset
 * tables, unknown versions) answers "unsupported" and the store falls
 * back to libgit2.
 */
#ifndef GS_INDEX_RAW_H
#define GS_INDEX_RAW_H

#include "gs/common.h"

#include <git2/oid.h>
#include <sys/stat.h>
#include <sys/uio.h>

typedef struct {
	const char *path; /* full path: in `data` (v2, v3) or `owned` (v4) */
	char *owned;      /* a v4 entry's path, rebuilt from its prefix */
	size_t offset; /* of the entry in the file */
	int stage;
} gs_rawindex_entry;

#define GS_RAWINDEX_UNDO_BYTES 64 /* an entry's stat data and id, with room */

typedef struct {
	size_t offset;
	char bytes[GS_RAWINDEX_UNDO_BYTES];
} gs_rawindex_undo;

typedef struct {
	char *data; /* the whole file: the caller's, edited in place */
	size_t size;
	unsigned int version;
	gs_rawindex_entry *entries;
	size_t count;
	size_t ext_start; /* first extension (or the trailer) */
	gs_rawindex_undo *undo; /* the bytes gs_rawindex__set replaced */
	size_t nundo;
} gs_rawindex;

#define GS_RAWINDEX_UNSUPPORTED 1

/*
 * Parse `len` bytes of an index file. `data` is not copied: the entries
 * point into it and gs_rawindex__set edits it, so it must outlive `ix`.
 * 0, GS_RAWINDEX_UNSUPPORTED (use libgit2 instead), or GS_EPARSE.
 */
int gs_rawindex__parse(gs_rawindex *ix, char *data, size_t len);
void gs_rawindex__dispose(gs_rawindex *ix);

/* The entry of `path` at `stage`, or NULL. */
const gs_rawindex_entry *gs_rawindex__find(const gs_rawindex *ix, const char *path, int stage);

/* The object id of an entry. */
void gs_rawindex__oid(git_oid *out, const gs_rawindex *ix, const gs_rawindex_entry *e);

/*
 * Set an entry's object id and stat data (`st`), or smudge the stat
 * data (`st` NULL: size 0, so git compares contents). The replaced bytes
 * are kept for gs_rawindex__undo. GS_ERROR when out of memory.
 */
int gs_rawindex__set(gs_rawindex *ix, const gs_rawindex_entry *e, const git_oid *oid,
		     const struct stat *st);

/* Put back every byte gs_rawindex__set changed: the data is as parsed. */
void gs_rawindex__undo(gs_rawindex *ix);

/*
 * The new file is the data's first ix->ext_start bytes (the entries, as
 * edited) followed by `tail`: the extensions, with the cache-tree nodes
 * above `paths` invalidated, and the new checksum. Only the tail is
 * built, so a 1 MB index is not copied. GS_RAWINDEX_UNSUPPORTED when an
 * extension stands in the way.
 */
int gs_rawindex__write(gs_buf *tail, const gs_rawindex *ix, const char *const *paths, size_t npaths);

/* SHA-1 of a buffer (the index trailer); exposed for the unit test. */
void gs_rawindex__sha1(unsigned char out[20], const void *data, size_t len);

/*
 * SHA-1 of the concatenation of n buffers, with OpenSSL's assembly: also
 * the id of the store's big directory tree, which is made of entries
 * already in the repository and the store's own new ones (libgit2's
 * collision-detecting SHA-1 costs twice as much for 500 KB).
 */
void gs__sha1v(unsigned char out[20], const struct iovec *v, size_t n);

#endif
