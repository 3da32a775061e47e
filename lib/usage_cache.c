/*
 * The usage cache (see usage_cache.h): read in one go, checked end to end,
 * written atomically and only when it learnt something, so a warm report
 * costs one file read and no blob parsing.
 */
#include "usage_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAGIC "GSUSAGEC"
#define BOM 0x01020304u
#define HEADER_SIZE 48
#define ENTRY_SIZE 32
#define RUN_SIZE 72

/* Runs are used in place in the mapped file: the struct is the record. */
_Static_assert(sizeof(gs_usage_cache_run) == RUN_SIZE, "run record size");
_Static_assert(offsetof(gs_usage_cache_run, model) == 56 &&
		       offsetof(gs_usage_cache_run, provider) == 60 &&
		       offsetof(gs_usage_cache_run, session) == 64 &&
		       offsetof(gs_usage_cache_run, flags) == 68,
	       "run record layout");
/* A report over 10,000 issues x 20 runs makes ~14 MB; refuse absurd files. */
#define FILE_LIMIT ((size_t)1 << 31)

struct entry {
	unsigned char oid[20];
	uint32_t issue;
	uint32_t nruns;
	size_t first; /* index into the mapped runs, or into `runs` when added */
	int mapped;
	int used;
};

struct gs_usage_cache {
	struct entry *entries;
	size_t n, a;
	uint32_t *slots; /* entry index + 1, 0 = free; cap is a power of two */
	size_t cap;

	gs_usage_cache_run *runs; /* runs added since the load */
	size_t nruns, aruns;

	void *map; /* the cache file, mapped read-only; its runs are used in place */
	size_t map_size;
	const gs_usage_cache_run *map_runs;

	gs_buf arena;     /* NUL-terminated strings back to back; id 0 is "" at 0 */
	uint32_t *stroff; /* id -> offset in arena */
	size_t nstr, astr;
	uint32_t *strslots; /* id + 1, 0 = free */
	size_t strcap;

	int dirty;
};

static int oom(void)
{
	gs_error_set("out of memory");
	return GS_ERROR;
}

/* Grow `*p` (of `*alloc` elements of `size`) to hold `need`. */
static int reserve(void **p, size_t *alloc, size_t need, size_t size)
{
	size_t n;
	void *q;

	if (need <= *alloc)
		return 0;
	n = *alloc ? *alloc : 16;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / size || !(q = realloc(*p, n * size)))
		return oom();
	*p = q;
	*alloc = n;
	return 0;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Blob ids are already uniformly distributed: their first bytes are a hash. */
static uint64_t hash_oid(const unsigned char *oid)
{
	uint64_t h;

	memcpy(&h, oid, sizeof(h));
	return h;
}

/* A checksum fast enough for megabytes: FNV-style over 64-bit words. */
static uint64_t checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h ^= w;
		h *= 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int str_rehash(gs_usage_cache *c, size_t cap)
{
	uint32_t *slots = calloc(cap, sizeof(uint32_t));
	size_t i;

	if (!slots)
		return oom();
	for (i = 0; i < c->nstr; i++) {
		const char *s = c->arena.ptr + c->stroff[i];
		size_t k = (size_t)hash_bytes(s, strlen(s)) & (cap - 1);

		while (slots[k])
			k = (k + 1) & (cap - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(c->strslots);
	c->strslots = slots;
	c->strcap = cap;
	return 0;
}

static int entry_rehash(gs_usage_cache *c, size_t cap)
{
	uint32_t *slots = calloc(cap, sizeof(uint32_t));
	size_t i;

	if (!slots)
		return oom();
	for (i = 0; i < c->n; i++) {
		size_t k = (size_t)hash_oid(c->entries[i].oid) & (cap - 1);

		while (slots[k])
			k = (k + 1) & (cap - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

int gs_usage_cache_new(gs_usage_cache **out)
{
	gs_usage_cache *c = calloc(1, sizeof(*c));
	uint32_t id;

	*out = NULL;
	if (!c)
		return oom();
	gs_buf_init(&c->arena);
	if (gs_usage_cache_intern(&id, c, "", 0) < 0 || entry_rehash(c, 64) < 0) {
		gs_usage_cache_free(c);
		return GS_ERROR;
	}
	*out = c;
	return 0;
}

void gs_usage_cache_free(gs_usage_cache *c)
{
	if (!c)
		return;
	free(c->entries);
	free(c->slots);
	free(c->runs);
	if (c->map)
		munmap(c->map, c->map_size);
	gs_buf_dispose(&c->arena);
	free(c->stroff);
	free(c->strslots);
	free(c);
}

/* Forget everything (a corrupt file was half loaded). */
static int reset(gs_usage_cache *c)
{
	uint32_t id;

	c->n = 0;
	c->nruns = 0;
	c->nstr = 0;
	if (c->map)
		munmap(c->map, c->map_size);
	c->map = NULL;
	c->map_size = 0;
	c->map_runs = NULL;
	gs_buf_clear(&c->arena);
	free(c->strslots);
	c->strslots = NULL;
	c->strcap = 0;
	if (gs_usage_cache_intern(&id, c, "", 0) < 0)
		return GS_ERROR;
	return entry_rehash(c, 64);
}

int gs_usage_cache_intern(uint32_t *out, gs_usage_cache *c, const char *s, size_t len)
{
	size_t k;

	if (c->strcap) {
		k = (size_t)hash_bytes(s, len) & (c->strcap - 1);
		while (c->strslots[k]) {
			uint32_t id = c->strslots[k] - 1;
			const char *t = c->arena.ptr + c->stroff[id];

			if (!strncmp(t, s, len) && t[len] == '\0') {
				*out = id;
				return 0;
			}
			k = (k + 1) & (c->strcap - 1);
		}
	}
	if (c->arena.size + len + 1 > UINT32_MAX || c->nstr >= UINT32_MAX - 1) {
		gs_error_set("usage cache string pool is full");
		return GS_ERROR;
	}
	if (reserve((void **)&c->stroff, &c->astr, c->nstr + 1, sizeof(uint32_t)) < 0)
		return GS_ERROR;
	c->stroff[c->nstr] = (uint32_t)c->arena.size;
	if (gs_buf_put(&c->arena, s, len) < 0 || gs_buf_putc(&c->arena, '\0') < 0)
		return GS_ERROR;
	*out = (uint32_t)c->nstr++;
	if (c->nstr * 2 > c->strcap)
		return str_rehash(c, c->strcap ? c->strcap * 2 : 64);
	k = (size_t)hash_bytes(s, len) & (c->strcap - 1);
	while (c->strslots[k])
		k = (k + 1) & (c->strcap - 1);
	c->strslots[k] = *out + 1;
	return 0;
}

const char *gs_usage_cache_str(const gs_usage_cache *c, uint32_t id)
{
	if (id >= c->nstr)
		return "";
	return c->arena.ptr + c->stroff[id];
}

size_t gs_usage_cache_nstrings(const gs_usage_cache *c)
{
	return c->nstr;
}

size_t gs_usage_cache_count(const gs_usage_cache *c)
{
	return c->n;
}

static struct entry *find(gs_usage_cache *c, const unsigned char *oid)
{
	size_t k = (size_t)hash_oid(oid) & (c->cap - 1);

	while (c->slots[k]) {
		struct entry *e = &c->entries[c->slots[k] - 1];

		if (!memcmp(e->oid, oid, 20))
			return e;
		k = (k + 1) & (c->cap - 1);
	}
	return NULL;
}

int gs_usage_cache_get(gs_usage_cache *c, const unsigned char *oid, uint32_t *issue_id,
		       const gs_usage_cache_run **runs, size_t *nruns)
{
	struct entry *e = find(c, oid);

	if (!e)
		return 0;
	e->used = 1;
	*issue_id = e->issue;
	*runs = (e->mapped ? c->map_runs : c->runs) + e->first;
	*nruns = e->nruns;
	return 1;
}

/* Append an entry without touching `dirty` (shared by load and put). */
static int add_entry(gs_usage_cache *c, const unsigned char *oid, uint32_t issue, size_t first,
		     uint32_t nruns, int mapped)
{
	struct entry *e;
	size_t k;

	if (c->n >= UINT32_MAX - 1) {
		gs_error_set("usage cache is full");
		return GS_ERROR;
	}
	if (reserve((void **)&c->entries, &c->a, c->n + 1, sizeof(*e)) < 0)
		return GS_ERROR;
	e = &c->entries[c->n++];
	memcpy(e->oid, oid, 20);
	e->issue = issue;
	e->first = first;
	e->nruns = nruns;
	e->mapped = mapped;
	e->used = 0;
	if (c->n * 2 > c->cap)
		return entry_rehash(c, c->cap * 2);
	k = (size_t)hash_oid(oid) & (c->cap - 1);
	while (c->slots[k])
		k = (k + 1) & (c->cap - 1);
	c->slots[k] = (uint32_t)c->n;
	return 0;
}

int gs_usage_cache_put(gs_usage_cache *c, const unsigned char *oid, uint32_t issue_id,
		       const gs_usage_cache_run *runs, size_t nruns)
{
	size_t first = c->nruns;

	if (find(c, oid)) {
		gs_error_set("usage cache already holds this blob");
		return GS_EEXISTS;
	}
	if (nruns > UINT32_MAX) {
		gs_error_set("too many runs in one blob");
		return GS_ERROR;
	}
	if (reserve((void **)&c->runs, &c->aruns, c->nruns + nruns, sizeof(*runs)) < 0)
		return GS_ERROR;
	if (nruns)
		memcpy(c->runs + first, runs, nruns * sizeof(*runs));
	c->nruns += nruns;
	if (add_entry(c, oid, issue_id, first, (uint32_t)nruns, 0) < 0)
		return GS_ERROR;
	c->entries[c->n - 1].used = 1;
	c->dirty = 1;
	return 0;
}

/* --- the file --------------------------------------------------------- */

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The smallest power of two >= n, at least 64 (hash table sizes). */
static size_t pow2_at_least(size_t n)
{
	size_t p = 64;

	while (p < n)
		p *= 2;
	return p;
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/*
 * Check the mapped image and index it; 1 when it checks out, 0 when it
 * does not. Strings are copied (they are few); runs stay in the image.
 */
static int parse(gs_usage_cache *c, const unsigned char *p, size_t size, int *oom_out)
{
	uint64_t nstr, sbytes, nent, nruns, off, i, sum = 0;
	const unsigned char *s, *ents;
	const gs_usage_cache_run *runs;
	size_t rest;

	*oom_out = 0;
	if (size < HEADER_SIZE + 8 || memcmp(p, MAGIC, 8) || rd32(p + 8) != GS_USAGE_CACHE_VERSION ||
	    rd32(p + 12) != BOM)
		return 0;
	if (rd64(p + size - 8) != checksum(p, size - 8))
		return 0;
	nstr = rd64(p + 16);
	sbytes = rd64(p + 24);
	nent = rd64(p + 32);
	nruns = rd64(p + 40);
	rest = size - HEADER_SIZE - 8;
	if (sbytes == 0 || sbytes >= UINT32_MAX || pad8((size_t)sbytes) > rest ||
	    nent > (rest - pad8((size_t)sbytes)) / ENTRY_SIZE ||
	    nruns > (rest - pad8((size_t)sbytes) - nent * ENTRY_SIZE) / RUN_SIZE ||
	    pad8((size_t)sbytes) + nent * ENTRY_SIZE + nruns * RUN_SIZE != rest || nstr == 0 ||
	    nstr > sbytes || nent >= UINT32_MAX - 1)
		return 0;
	s = p + HEADER_SIZE;
	ents = s + pad8((size_t)sbytes);
	/* 8-aligned: the map is page-aligned and every section a multiple of 8. */
	runs = (const gs_usage_cache_run *)(const void *)(ents + nent * ENTRY_SIZE);

	/* Strings: exactly nstr NUL-terminated ones, the first empty. */
	if (s[0] != '\0' || s[sbytes - 1] != '\0')
		return 0;
	gs_buf_clear(&c->arena);
	c->nstr = 0;
	if (gs_buf_set(&c->arena, s, (size_t)sbytes) < 0 ||
	    reserve((void **)&c->stroff, &c->astr, (size_t)nstr, sizeof(uint32_t)) < 0)
		goto nomem;
	for (off = 0; off < sbytes && c->nstr < nstr; c->nstr++) {
		c->stroff[c->nstr] = (uint32_t)off;
		off += strlen((const char *)s + off) + 1;
	}
	if (c->nstr != nstr || off != sbytes)
		return 0;
	if (str_rehash(c, pow2_at_least((size_t)nstr * 2)) < 0)
		goto nomem;

	if (entry_rehash(c, pow2_at_least((size_t)nent * 2)) < 0 ||
	    reserve((void **)&c->entries, &c->a, (size_t)nent, sizeof(struct entry)) < 0)
		goto nomem;
	for (i = 0; i < nent; i++) {
		const unsigned char *e = ents + i * ENTRY_SIZE;
		uint32_t issue = rd32(e + 20), n = rd32(e + 24);

		if (issue >= nstr || n > nruns - sum || rd32(e + 28) != 0 || find(c, e))
			return 0;
		if (add_entry(c, e, issue, (size_t)sum, n, 1) < 0)
			goto nomem;
		sum += n;
	}
	if (sum != nruns)
		return 0;
	/* Every string id must name a string: the checksum guards against
	 * damage, this against a file written wrong. */
	for (i = 0; i < nruns; i++)
		if (runs[i].model >= nstr || runs[i].provider >= nstr || runs[i].session >= nstr)
			return 0;
	c->map_runs = runs;
	return 1;
nomem:
	*oom_out = 1;
	return 0;
}

/* Map the file at `path`; NULL (silently) when there is none to map. */
static void *map_file(size_t *size, const char *path)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < HEADER_SIZE + 8 ||
	    (uint64_t)st.st_size > FILE_LIMIT) {
		close(fd);
		return NULL;
	}
	*size = (size_t)st.st_size;
	/* MAP_POPULATE: one read-ahead instead of a page fault per 4 KiB. */
	p = mmap(NULL, *size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

int gs_usage_cache_load(gs_usage_cache *c, int *loaded, const char *path)
{
	size_t size = 0;
	void *map = map_file(&size, path);
	int ok = 0, nomem = 0, exists = access(path, F_OK) == 0;

	*loaded = 0;
	if (map) {
		c->map = map;
		c->map_size = size;
		ok = parse(c, map, size, &nomem);
	}
	if (nomem)
		return GS_ERROR;
	if (!ok) {
		/* Missing, unreadable or corrupt: start over, silently. */
		gs_error_clear();
		c->dirty = exists; /* a bad file gets rewritten even if nothing new */
		return reset(c);
	}
	*loaded = 1;
	return 0;
}

static int put32(gs_buf *b, uint32_t v)
{
	return gs_buf_put(b, &v, 4);
}

static int put64(gs_buf *b, uint64_t v)
{
	return gs_buf_put(b, &v, 8);
}

/* Create the directory holding `path` (one level: $GIT_DIR/stats). */
static int make_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	gs_buf dir = GS_BUF_INIT;
	int error = 0;

	if (!slash || slash == path)
		return 0;
	if (gs_buf_put(&dir, path, (size_t)(slash - path)) < 0)
		return GS_ERROR;
	if (mkdir(dir.ptr, 0777) < 0 && errno != EEXIST) {
		gs_error_set("cannot create '%s': %s", dir.ptr, strerror(errno));
		error = GS_ERROR;
	}
	gs_buf_dispose(&dir);
	return error;
}

int gs_usage_cache_save(gs_usage_cache *c, const char *path)
{
	gs_buf img = GS_BUF_INIT, strs = GS_BUF_INIT;
	uint32_t *remap = NULL, nstr = 0;
	size_t used = 0, i, j, nent = 0, nruns = 0;
	int error = GS_ERROR, prune;

	for (i = 0; i < c->n; i++)
		used += c->entries[i].used != 0;
	prune = c->n - used > used;
	if (!c->dirty && !prune)
		return 0;

	/* Strings are renumbered to those the written entries still use. */
	if (!(remap = malloc(c->nstr * sizeof(uint32_t))))
		goto nomem;
	memset(remap, 0xff, c->nstr * sizeof(uint32_t));
	remap[0] = nstr++;
	if (gs_buf_putc(&strs, '\0') < 0)
		goto done;
	for (i = 0; i < c->n; i++) {
		const struct entry *e = &c->entries[i];
		uint32_t ids[3];
		size_t k;

		if (prune && !e->used)
			continue;
		nent++;
		nruns += e->nruns;
		for (j = 0; j <= e->nruns; j++) {
			if (j == 0) {
				ids[0] = e->issue;
				k = 1;
			} else {
				const gs_usage_cache_run *r =
					(e->mapped ? c->map_runs : c->runs) + e->first + j - 1;

				ids[0] = r->model;
				ids[1] = r->provider;
				ids[2] = r->session;
				k = 3;
			}
			while (k--) {
				const char *s = gs_usage_cache_str(c, ids[k]);

				if (remap[ids[k]] != UINT32_MAX)
					continue;
				remap[ids[k]] = nstr++;
				if (gs_buf_put(&strs, s, strlen(s) + 1) < 0)
					goto done;
			}
		}
	}

	if (gs_buf_put(&img, MAGIC, 8) < 0 || put32(&img, GS_USAGE_CACHE_VERSION) < 0 ||
	    put32(&img, BOM) < 0 || put64(&img, nstr) < 0 || put64(&img, strs.size) < 0 ||
	    put64(&img, nent) < 0 || put64(&img, nruns) < 0 ||
	    gs_buf_put(&img, strs.ptr, strs.size) < 0 ||
	    gs_buf_put(&img, "\0\0\0\0\0\0\0", pad8(strs.size) - strs.size) < 0 ||
	    gs_buf_grow(&img, nent * ENTRY_SIZE + nruns * RUN_SIZE + 8) < 0)
		goto done;
	for (i = 0; i < c->n; i++) {
		const struct entry *e = &c->entries[i];

		if (prune && !e->used)
			continue;
		if (gs_buf_put(&img, e->oid, 20) < 0 || put32(&img, remap[e->issue]) < 0 ||
		    put32(&img, e->nruns) < 0 || put32(&img, 0) < 0)
			goto done;
	}
	for (i = 0; i < c->n; i++) {
		const struct entry *e = &c->entries[i];

		if (prune && !e->used)
			continue;
		for (j = 0; j < e->nruns; j++) {
			const gs_usage_cache_run *r = (e->mapped ? c->map_runs : c->runs) + e->first + j;
			int64_t v[7] = { r->started_at_ms,   r->input_tokens,       r->output_tokens,
					 r->cache_read_tokens, r->cache_write_tokens, r->duration_ms,
					 r->cost_nanos };

			if (gs_buf_put(&img, v, sizeof(v)) < 0 || put32(&img, remap[r->model]) < 0 ||
			    put32(&img, remap[r->provider]) < 0 || put32(&img, remap[r->session]) < 0 ||
			    put32(&img, r->flags) < 0)
				goto done;
		}
	}
	if (put64(&img, checksum((const unsigned char *)img.ptr, img.size)) < 0)
		goto done;
	if (make_parent(path) < 0 || gs_file_write_atomic(path, img.ptr, img.size, 0644) < 0)
		goto done;
	c->dirty = 0;
	error = 0;
	goto done;
nomem:
	oom();
done:
	free(remap);
	gs_buf_dispose(&img);
	gs_buf_dispose(&strs);
	return error;
}
