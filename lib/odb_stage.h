/*
 * Staged object writes for the store: the objects of one update (blobs,
 * trees, the commit) are written to temporary files as libgit2 creates
 * them, and each goes to disk on its own thread at once (fsync, link to
 * its name, fsync the directory) while the update builds the next one;
 * the flush waits for them all. An update used to do these steps for each
 * object one after the other: eight flushes in a row, a third of a
 * `git stats set`.
 *
 * The invariant is the loose backend's: an object's final name appears
 * only after its content is on disk, and the directory entry is on disk
 * before the update goes on (to move a ref that names the object). An
 * object of an update that fails may stay, unreferenced, as with git.
 *
 * It is an odb backend of higher priority than libgit2's own, added once
 * per repository: while staging, writes land in it and reads, exists and
 * read_header see the staged objects; otherwise it passes everything on.
 */
#ifndef GS_ODB_STAGE_H
#define GS_ODB_STAGE_H

#include "gs/common.h"

#include <git2.h>
#include <sys/uio.h>

typedef struct gs_odb_stage gs_odb_stage;

struct gs_repo;

/* Where a gs_repo keeps its staging backend (repo.c). */
gs_odb_stage **gs_repo__stage_slot(struct gs_repo *r);

/* The repository's staging backend, added to its odb on first use (the odb owns it). */
int gs_odb_stage_get(gs_odb_stage **out, git_repository *repo, gs_odb_stage **slot);

/* From now on, objects written through the odb are staged. */
void gs_odb_stage_begin(gs_odb_stage *s);

/*
 * Stage an object given as pieces: v[0] is left for its header, v[1..n)
 * hold the content. Deflated at level 0 (stored): for the big directory
 * tree, whose SHA-1s do not compress. *out gets its id (OpenSSL's SHA-1).
 */
int gs_odb_stage_writev(git_oid *out, gs_odb_stage *s, git_object_t type, struct iovec *v,
			size_t n);

/*
 * Wait until every staged object is durable under its name, with its
 * directory entry durable. Staging goes on. 0 or GS_ERROR.
 */
int gs_odb_stage_flush(gs_odb_stage *s);

/*
 * Read object `id` of `type` when it is a loose object stored at zlib
 * level 0, as gs_odb_stage_writev writes the big directory tree: its bytes
 * are copied out of the file's stored blocks and checked against the
 * Adler-32 trailer, without libgit2's read and inflate copies.
 * *out (malloc()ed) gets the content. GS_ENOTFOUND when the object is
 * not such a file (packed, compressed, elsewhere): read it with libgit2.
 */
int gs_odb_stage_read_stored(char **out, size_t *len, gs_odb_stage *s, const git_oid *id,
			     git_object_t type);

/* Stop staging; the temporary files of objects not on disk yet are removed. */
void gs_odb_stage_end(gs_odb_stage *s);

/*
 * writev(2) all of v[0..n), resuming after short writes and EINTR, at most
 * IOV_MAX pieces a call. The iovecs are consumed. 0, or GS_ERROR with errno.
 */
int gs__writev_all(int fd, struct iovec *v, size_t n);

#endif
