/*
 * In-place edits of git's index file (see index_raw.h), following
 * Documentation/gitformat-index.txt of git.
 */
#include "index_raw.h"

/*
 * SHA1_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP,
 * but EVP (and the one-shot SHA1(), built on it) fetches the digest from
 * a provider first: ~0.8 ms on the first call of a process, more than
 * hashing the whole index. The low-level calls go straight to the
 * assembly. This asks the 1.1.1 API, where they are not deprecated.
 */
#define OPENSSL_API_COMPAT 10101
#include <openssl/sha.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * SHA-1 of the whole file, only for the index trailer (a checksum against
 * corruption, not an object id: no collision detection needed). OpenSSL's
 * assembly (SHA-NI or AVX2) hashes the 1 MB index of the store benchmark
 * in 0.55 ms, first call of a fresh process; the portable C SHA-1 this
 * replaced took 1.27 ms, libgit2's collision-detecting one 1.76 ms.
 * libcrypto is in the process anyway (libgit2 -> libssh2 -> libcrypto).
 */
void gs_rawindex__sha1(unsigned char out[20], const void *data, size_t len)
{
	struct iovec v = { (void *)(uintptr_t)data, len };

	gs__sha1v(out, &v, 1);
}

void gs__sha1v(unsigned char out[20], const struct iovec *v, size_t n)
{
	SHA_CTX c;

	SHA1_Init(&c);
	for (size_t i = 0; i < n; i++)
		SHA1_Update(&c, v[i].iov_base, v[i].iov_len);
	SHA1_Final(out, &c);
}

/* --- parsing ----------------------------------------------------------- */

static uint32_t get32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static void put32(char *p, uint32_t v)
{
	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
}

#define ENTRY_FIXED 62  /* stat data, id, flags */
_Static_assert(ENTRY_FIXED <= GS_RAWINDEX_UNDO_BYTES, "an undo record holds an entry's fixed part");
#define OFF_MTIME 8
#define OFF_SIZE 36
#define OFF_OID 40
#define OFF_FLAGS 60
#define FLAG_EXTENDED 0x4000

void gs_rawindex__dispose(gs_rawindex *ix)
{
	for (size_t i = 0; i < ix->count; i++)
		free(ix->entries[i].owned);
	free(ix->entries);
	free(ix->undo);
	memset(ix, 0, sizeof(*ix));
}

int gs_rawindex__parse(gs_rawindex *ix, char *data, size_t len)
{
	const char *p, *end;
	gs_buf prev = GS_BUF_INIT;
	uint32_t n;
	int error = GS_EPARSE;

	memset(ix, 0, sizeof(*ix));
	if (len < 12 + 20 || memcmp(data, "DIRC", 4)) {
		gs_error_set("the index is not a git index");
		return GS_EPARSE;
	}
	ix->version = get32(data + 4);
	if (ix->version < 2 || ix->version > 4)
		return GS_RAWINDEX_UNSUPPORTED;
	n = get32(data + 8);
	if (n > len / (ENTRY_FIXED + 1)) {
		gs_error_set("cannot parse the index: %u entries do not fit in %zu bytes", n, len);
		return GS_EPARSE;
	}
	ix->data = data;
	ix->size = len;
	ix->entries = calloc((size_t)n + 1, sizeof(*ix->entries));
	if (!ix->entries) {
		error = GS_ERROR;
		goto fail;
	}
	p = ix->data + 12;
	end = ix->data + len - 20;
	for (uint32_t i = 0; i < n; i++) {
		gs_rawindex_entry *e = &ix->entries[i];
		size_t fixed = ENTRY_FIXED, namelen;
		unsigned int flags;
		const char *name, *nul;

		if ((size_t)(end - p) < ENTRY_FIXED + 1)
			goto bad;
		flags = ((unsigned char)p[OFF_FLAGS] << 8) | (unsigned char)p[OFF_FLAGS + 1];
		if (flags & FLAG_EXTENDED) {
			if (ix->version < 3)
				goto bad;
			fixed += 2;
		}
		if ((size_t)(end - p) < fixed + 1)
			goto bad;
		e->offset = (size_t)(p - ix->data);
		e->stage = (int)((flags >> 12) & 3);
		name = p + fixed;
		if (ix->version == 4) {
			/* strip N bytes of the previous path, append the NUL-terminated rest */
			const unsigned char *q = (const unsigned char *)name;
			size_t strip;
			unsigned char c = *q++;

			strip = c & 127;
			while (c & 128) {
				if ((const char *)q >= end)
					goto bad;
				c = *q++;
				strip = ((strip + 1) << 7) | (c & 127);
			}
			if (strip > prev.size)
				goto bad;
			nul = memchr(q, '\0', (size_t)(end - (const char *)q));
			if (!nul)
				goto bad;
			gs_buf_truncate(&prev, prev.size - strip);
			if (gs_buf_put(&prev, q, (size_t)(nul - (const char *)q)) < 0) {
				error = GS_ERROR;
				goto fail;
			}
			e->path = e->owned = strdup(prev.ptr);
			p = nul + 1;
		} else {
			nul = memchr(name, '\0', (size_t)(end - name));
			if (!nul)
				goto bad;
			namelen = (size_t)(nul - name);
			/* NUL-terminated where it lies: no copy (10,000 mallocs were 6M instructions) */
			e->path = name;
			ix->count++;
			/* entries are padded with 1-8 NULs to a multiple of 8 bytes */
			p += (fixed + namelen + 8) & ~(size_t)7;
			if (p > end)
				goto bad;
		}
		if (!e->path) {
			error = GS_ERROR;
			goto fail;
		}
		if (ix->version == 4)
			ix->count++;
	}
	ix->ext_start = (size_t)(p - ix->data);
	/* extensions we cannot keep consistent when a size changes */
	while ((size_t)(end - p) >= 8) {
		uint32_t size = get32(p + 4);

		if (!memcmp(p, "link", 4) || !memcmp(p, "EOIE", 4) || !memcmp(p, "IEOT", 4) ||
		    !memcmp(p, "sdir", 4)) {
			gs_buf_dispose(&prev);
			return GS_RAWINDEX_UNSUPPORTED;
		}
		if (size > (size_t)(end - p) - 8)
			goto bad;
		p += 8 + size;
	}
	if (p != end)
		goto bad;
	gs_buf_dispose(&prev);
	return 0;
bad:
	gs_error_set("cannot parse the index: malformed entry or extension");
fail:
	gs_buf_dispose(&prev);
	gs_rawindex__dispose(ix);
	return error;
}

const gs_rawindex_entry *gs_rawindex__find(const gs_rawindex *ix, const char *path, int stage)
{
	/* entries are sorted by path, then stage */
	size_t lo = 0, hi = ix->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->entries[mid].path, path);

		if (!c)
			c = ix->entries[mid].stage - stage;
		if (!c)
			return &ix->entries[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void gs_rawindex__oid(git_oid *out, const gs_rawindex *ix, const gs_rawindex_entry *e)
{
	git_oid_fromraw(out, (const unsigned char *)ix->data + e->offset + OFF_OID);
}

int gs_rawindex__set(gs_rawindex *ix, const gs_rawindex_entry *e, const git_oid *oid,
		     const struct stat *st)
{
	char *p = ix->data + e->offset;
	gs_rawindex_undo *u = realloc(ix->undo, (ix->nundo + 1) * sizeof(*u));

	if (!u) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	ix->undo = u;
	u += ix->nundo++;
	u->offset = e->offset;
	memcpy(u->bytes, p, ENTRY_FIXED);
	memcpy(p + OFF_OID, oid->id, GIT_OID_RAWSZ);
	if (st) {
		put32(p, (uint32_t)st->st_ctim.tv_sec);
		put32(p + 4, (uint32_t)st->st_ctim.tv_nsec);
		put32(p + 8, (uint32_t)st->st_mtim.tv_sec);
		put32(p + 12, (uint32_t)st->st_mtim.tv_nsec);
		put32(p + 16, (uint32_t)st->st_dev);
		put32(p + 20, (uint32_t)st->st_ino);
		put32(p + 28, (uint32_t)st->st_uid);
		put32(p + 32, (uint32_t)st->st_gid);
		put32(p + OFF_SIZE, (uint32_t)st->st_size);
	} else {
		put32(p + OFF_MTIME, 0);
		put32(p + OFF_MTIME + 4, 0);
		put32(p + OFF_SIZE, 0);
	}
	return 0;
}

void gs_rawindex__undo(gs_rawindex *ix)
{
	/* newest first: an entry set twice gets its first bytes back */
	while (ix->nundo > 0) {
		const gs_rawindex_undo *u = &ix->undo[--ix->nundo];

		memcpy(ix->data + u->offset, u->bytes, ENTRY_FIXED);
	}
}

/* --- writing ----------------------------------------------------------- */

static int is_above(const char *dir, size_t dlen, const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!dlen || (!strncmp(paths[i], dir, dlen) && paths[i][dlen] == '/'))
			return 1;
	return 0;
}

/*
 * Copy one cache-tree node and its subtrees from *pp, writing "-1" (and
 * no id) for nodes above a changed path: git recomputes those trees.
 */
static int copy_tree_node(gs_buf *out, const char **pp, const char *end, gs_buf *dir,
			  const char *const *paths, size_t n, int depth)
{
	const char *p = *pp, *nul, *nl;
	long entries, subtrees;
	size_t dlen = dir->size;
	char *stop;
	int error = 0;

	if (depth > 256 || !(nul = memchr(p, '\0', (size_t)(end - p))))
		return GS_EPARSE;
	if (depth > 0 && ((dlen && gs_buf_putc(dir, '/') < 0) || gs_buf_put(dir, p, (size_t)(nul - p)) < 0))
		return GS_ERROR;
	nl = memchr(nul, '\n', (size_t)(end - nul));
	if (!nl)
		return GS_EPARSE;
	entries = strtol(nul + 1, &stop, 10);
	if (*stop != ' ')
		return GS_EPARSE;
	subtrees = strtol(stop + 1, &stop, 10);
	if (stop != nl || subtrees < 0)
		return GS_EPARSE;
	p = nl + 1;
	if (entries >= 0) {
		if ((size_t)(end - p) < GIT_OID_RAWSZ)
			return GS_EPARSE;
		p += GIT_OID_RAWSZ;
	}
	if (entries >= 0 && is_above(dir->ptr, dir->size, paths, n)) {
		if (gs_buf_put(out, *pp, (size_t)(nul - *pp) + 1) < 0 ||
		    gs_buf_printf(out, "-1 %ld\n", subtrees) < 0)
			return GS_ERROR;
	} else if (gs_buf_put(out, *pp, (size_t)(p - *pp)) < 0) {
		return GS_ERROR;
	}
	for (long k = 0; k < subtrees && !error; k++)
		error = copy_tree_node(out, &p, end, dir, paths, n, depth + 1);
	gs_buf_truncate(dir, dlen);
	*pp = p;
	return error;
}

int gs_rawindex__write(gs_buf *tail, const gs_rawindex *ix, const char *const *paths, size_t npaths)
{
	const char *p = ix->data + ix->ext_start, *end = ix->data + ix->size - 20;
	unsigned char sum[20];
	struct iovec v[2];
	gs_buf dir = GS_BUF_INIT;
	int error = 0;

	gs_buf_clear(tail);
	while (p < end && !error) {
		uint32_t size = get32(p + 4);
		const char *ext_end = p + 8 + size;

		if (memcmp(p, "TREE", 4)) {
			error = gs_buf_put(tail, p, 8 + size);
		} else {
			size_t head = tail->size;
			const char *q = p + 8;

			error = gs_buf_put(tail, "TREE\0\0\0\0", 8);
			while (!error && q < ext_end)
				error = copy_tree_node(tail, &q, ext_end, &dir, paths, npaths, 0);
			if (!error && q != ext_end)
				error = GS_EPARSE;
			if (!error)
				put32(tail->ptr + head + 4, (uint32_t)(tail->size - head - 8));
		}
		p = ext_end;
	}
	gs_buf_dispose(&dir);
	if (error == GS_EPARSE) {
		gs_error_set("cannot parse the index: malformed cache-tree");
		return error;
	}
	if (error < 0)
		return error;
	v[0].iov_base = ix->data;
	v[0].iov_len = ix->ext_start;
	v[1].iov_base = tail->ptr;
	v[1].iov_len = tail->size;
	gs__sha1v(sum, v, 2);
	return gs_buf_put(tail, sum, sizeof(sum));
}
