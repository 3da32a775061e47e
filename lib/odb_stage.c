/*
 * Staged object writes for the store (see odb_stage.h).
 */
#include "odb_stage.h"
#include "gs/repo.h"
#include "index_raw.h"

#include <git2/sys/odb_backend.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Above git's loose (1) and packed (2) backends: writes come here first. */
#define STAGE_PRIORITY 100
#define SYNC_THREADS 8

/*
 * One object's way to disk, on its own thread from the moment it is
 * staged, so that by the flush most of the waiting is done: fsync the
 * file, link it to its name, fsync the directory (and objects/ when the
 * directory was made for it). Each step only after the one before.
 */
struct job {
	int fd;             /* the pending object's; not closed here */
	char *tmp;          /* objects/xx/tmp_obj_XXXXXX (git's prefix: fsck and gc know it) */
	char *final;        /* objects/xx/<38 hex digits> */
	const char *objdir; /* the stage's */
	int made_dir;
	int linked;         /* the name exists: the temporary file is gone */
	int err;            /* errno of the step that failed, else 0 */
	const char *failed; /* which step */
};

struct pending {
	git_oid id;
	git_object_t type;
	size_t len;  /* of the content */
	char *data;  /* the content, for reads; NULL for an object staged in pieces */
	int fd;      /* the temporary file, for reading back */
	struct job *job;
	pthread_t thread;
	int running; /* the job runs on `thread`, not joined yet */
};

struct gs_odb_stage {
	git_odb_backend parent;
	char *objdir; /* ends in '/' */
	int active;
	struct pending *p;
	size_t n, alloc;
	size_t running; /* jobs on their threads */
};

static void *job_run(void *arg)
{
	struct job *j = arg;
	char *slash;
	int fd;

	if (fsync(j->fd) < 0) {
		j->err = errno, j->failed = "sync";
		return NULL;
	}
	if (link(j->tmp, j->final) < 0 && errno != EEXIST) {
		j->err = errno, j->failed = "link";
		return NULL;
	}
	unlink(j->tmp);
	j->linked = 1;
	slash = strrchr(j->final, '/');
	*slash = '\0';
	fd = open(j->final, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*slash = '/';
	if (fd < 0 || fsync(fd) < 0) {
		j->err = errno, j->failed = "sync the directory of";
	}
	if (fd >= 0)
		close(fd);
	if (!j->err && j->made_dir) {
		fd = open(j->objdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) < 0)
			j->err = errno, j->failed = "sync the object directory for";
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/* Wait for the object's job; 0 when it is on disk under its name. */
static int job_finish(gs_odb_stage *s, struct pending *p)
{
	if (!p->job)
		return 0;
	if (p->running) {
		pthread_join(p->thread, NULL);
		p->running = 0;
		s->running--;
	} else if (!p->job->linked && !p->job->err) {
		job_run(p->job); /* never started: no thread was free */
	}
	if (p->job->err) {
		gs_error_set("cannot %s object '%s': %s", p->job->failed, p->job->final,
			     strerror(p->job->err));
		return GS_ERROR;
	}
	return 0;
}

static struct pending *find(gs_odb_stage *s, const git_oid *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (git_oid_equal(&s->p[i].id, id))
			return &s->p[i];
	return NULL;
}

/* Forget a staged object: what its job linked stays (unreferenced), the rest goes. */
static void drop(gs_odb_stage *s, struct pending *p)
{
	if (p->running) {
		pthread_join(p->thread, NULL);
		s->running--;
	}
	if (p->job) {
		if (!p->job->linked)
			unlink(p->job->tmp);
		free(p->job->tmp);
		free(p->job->final);
		free(p->job);
	}
	if (p->fd >= 0)
		close(p->fd);
	free(p->data);
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

/* "<type> <len>" and its NUL into hdr; the length with the NUL. */
static size_t header(char *hdr, size_t size, git_object_t type, size_t len)
{
	int n = snprintf(hdr, size, "%s %zu", git_object_type2string(type), len);

	return (size_t)n + 1;
}

/* v[0..n) as one zlib stream at `level`, into a malloc()ed buffer. */
static int deflate_pieces(unsigned char **out, size_t *out_len, const struct iovec *v, size_t n,
			  int level)
{
	z_stream zs;
	size_t total = 0, cap;
	unsigned char *z = NULL;
	int error = GS_ERROR;

	*out = NULL;
	for (size_t i = 0; i < n; i++)
		total += v[i].iov_len;
	if (total > (size_t)UINT_MAX / 2) {
		gs_error_set("cannot write object: %zu bytes is too large", total);
		return GS_ERROR;
	}
	memset(&zs, 0, sizeof(zs));
	if (deflateInit(&zs, level) != Z_OK) {
		gs_error_set("cannot start zlib: %s", zs.msg ? zs.msg : "out of memory");
		return GS_ERROR;
	}
	cap = deflateBound(&zs, (uLong)total) + 64;
	if (!(z = malloc(cap))) {
		gs_error_set("out of memory");
		goto done;
	}
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	for (size_t i = 0; i < n; i++) {
		int last = i + 1 == n;

		if (!last && !v[i].iov_len)
			continue; /* zlib answers Z_BUF_ERROR to no input */
		zs.next_in = (Bytef *)v[i].iov_base;
		zs.avail_in = (uInt)v[i].iov_len;
		if (deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH) != (last ? Z_STREAM_END : Z_OK)) {
			gs_error_set("cannot deflate object: %s", zs.msg ? zs.msg : "output buffer too small");
			goto done;
		}
	}
	*out = z;
	*out_len = zs.total_out;
	z = NULL;
	error = 0;
done:
	deflateEnd(&zs);
	free(z);
	return error;
}

/* Write the deflated object to a temporary file in its directory; no fsync yet. */
static int stage_file(gs_odb_stage *s, const git_oid *id, git_object_t type, size_t len,
		      char *data, struct iovec *zv, size_t zn)
{
	char hex[GIT_OID_HEXSZ + 1];
	gs_buf dir = GS_BUF_INIT, tmp = GS_BUF_INIT, final = GS_BUF_INIT;
	struct pending *p;
	int made = 0, fd = -1;

	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 8;
		struct pending *np = realloc(s->p, na * sizeof(*np));

		if (!np) {
			gs_error_set("out of memory");
			return GS_ERROR;
		}
		s->p = np;
		s->alloc = na;
	}
	git_oid_tostr(hex, sizeof(hex), id);
	if (gs_buf_printf(&dir, "%s%.2s", s->objdir, hex) < 0 ||
	    gs_buf_printf(&tmp, "%s/tmp_obj_XXXXXX", dir.ptr) < 0 ||
	    gs_buf_printf(&final, "%s/%s", dir.ptr, hex + 2) < 0)
		goto fail;
	if (mkdir(dir.ptr, 0777) == 0)
		made = 1;
	else if (errno != EEXIST) {
		gs_error_set("cannot create '%s': %s", dir.ptr, strerror(errno));
		goto fail;
	}
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		gs_error_set("cannot create '%s': %s", tmp.ptr, strerror(errno));
		goto fail;
	}
	if (gs__writev_all(fd, zv, zn) < 0 || fchmod(fd, 0444) < 0) {
		gs_error_set("cannot write object %s: %s", hex, strerror(errno));
		close(fd);
		unlink(tmp.ptr);
		goto fail;
	}
	p = &s->p[s->n++];
	memset(p, 0, sizeof(*p));
	git_oid_cpy(&p->id, id);
	p->type = type;
	p->len = len;
	p->data = data;
	p->fd = fd;
	p->job = calloc(1, sizeof(*p->job));
	if (!p->job) {
		gs_error_set("out of memory");
		unlink(tmp.ptr);
		drop(s, p);
		s->n--;
		data = NULL; /* freed by drop */
		goto fail;
	}
	p->job->fd = fd;
	p->job->tmp = gs_buf_detach(&tmp);
	p->job->final = gs_buf_detach(&final);
	p->job->objdir = s->objdir;
	p->job->made_dir = made;
	/* on its way to disk now; past SYNC_THREADS jobs, at the flush */
	if (s->running < SYNC_THREADS && pthread_create(&p->thread, NULL, job_run, p->job) == 0) {
		p->running = 1;
		s->running++;
	}
	gs_buf_dispose(&dir);
	return 0;
fail:
	free(data);
	gs_buf_dispose(&dir);
	gs_buf_dispose(&tmp);
	gs_buf_dispose(&final);
	return GS_ERROR;
}

int gs__writev_all(int fd, struct iovec *v, size_t n)
{
	while (n > 0) {
		int cnt = n > IOV_MAX ? IOV_MAX : (int)n;
		ssize_t w = writev(fd, v, cnt);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return GS_ERROR;
		}
		while (n > 0 && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
	return 0;
}

static int read_stored_fd(char **out, size_t *len, int fd, git_object_t type);

/* --- the backend ----------------------------------------------------- */

/*
 * Stage `data` (`len` bytes, ours from now on, kept for reads) deflated at
 * level 1, as git and libgit2 write loose objects. A libgit2 error code.
 */
static int stage_owned(gs_odb_stage *s, const git_oid *id, git_object_t type, char *data, size_t len)
{
	char hdr[64];
	struct iovec v[2];
	unsigned char *z = NULL;
	size_t zlen = 0;
	int error;

	v[0].iov_base = hdr;
	v[0].iov_len = header(hdr, sizeof(hdr), type, len);
	v[1].iov_base = data;
	v[1].iov_len = len;
	error = deflate_pieces(&z, &zlen, v, 2, Z_BEST_SPEED);
	if (error == 0) {
		struct iovec zv = { z, zlen };

		error = stage_file(s, id, type, len, data, &zv, 1);
	} else {
		free(data);
	}
	free(z);
	if (error < 0) {
		git_error_set_str(GIT_ERROR_ODB, gs_error_last());
		return -1;
	}
	return 0;
}

static int be_write(git_odb_backend *b, const git_oid *id, const void *data, size_t len,
		    git_object_t type)
{
	gs_odb_stage *s = (gs_odb_stage *)b;
	char *copy;

	if (!s->active)
		return GIT_PASSTHROUGH;
	if (find(s, id))
		return 0;
	copy = malloc(len ? len : 1);
	if (!copy) {
		git_error_set_oom();
		return -1;
	}
	memcpy(copy, data, len);
	return stage_owned(s, id, type, copy, len);
}

/*
 * libgit2 writes blobs through a stream (git_odb_open_wstream), and a
 * backend without writestream gets a stream that calls its write at the
 * end, with no way to pass the write on. So this one has its own, which
 * answers GIT_PASSTHROUGH while not staging: libgit2 then asks the loose
 * backend.
 */
struct stage_stream {
	git_odb_stream parent;
	char *buf;
	size_t size, written;
	git_object_t type;
};

static int ss_write(git_odb_stream *st, const char *data, size_t len)
{
	struct stage_stream *ss = (struct stage_stream *)st;

	if (len > ss->size - ss->written) {
		git_error_set_str(GIT_ERROR_ODB, "object larger than declared");
		return -1;
	}
	memcpy(ss->buf + ss->written, data, len);
	ss->written += len;
	return 0;
}

/* The buffered content becomes the staged object's: no second copy. */
static int ss_finalize(git_odb_stream *st, const git_oid *id)
{
	struct stage_stream *ss = (struct stage_stream *)st;
	gs_odb_stage *s = (gs_odb_stage *)st->backend;
	char *data = ss->buf;

	if (find(s, id))
		return 0;
	ss->buf = NULL;
	return stage_owned(s, id, ss->type, data, ss->written);
}

static void ss_free(git_odb_stream *st)
{
	struct stage_stream *ss = (struct stage_stream *)st;

	free(ss->buf);
	free(ss);
}

static int be_writestream(git_odb_stream **out, git_odb_backend *b, git_object_size_t size,
			  git_object_t type)
{
	gs_odb_stage *s = (gs_odb_stage *)b;
	struct stage_stream *ss;

	if (!s->active)
		return GIT_PASSTHROUGH;
	if (size > (git_object_size_t)SIZE_MAX / 2) {
		git_error_set_str(GIT_ERROR_ODB, "object too large");
		return -1;
	}
	ss = calloc(1, sizeof(*ss));
	if (ss)
		ss->buf = malloc(size ? (size_t)size : 1);
	if (!ss || !ss->buf) {
		free(ss);
		git_error_set_oom();
		return -1;
	}
	ss->size = (size_t)size;
	ss->type = type;
	ss->parent.backend = b;
	ss->parent.mode = GIT_STREAM_WRONLY;
	ss->parent.write = ss_write;
	ss->parent.finalize_write = ss_finalize;
	ss->parent.free = ss_free;
	*out = &ss->parent;
	return 0;
}

static int be_read(void **out, size_t *len, git_object_t *type, git_odb_backend *b,
		   const git_oid *id)
{
	gs_odb_stage *s = (gs_odb_stage *)b;
	struct pending *p = s->active ? find(s, id) : NULL;
	char *back = NULL;
	size_t n = 0;
	void *buf;

	if (!p)
		return GIT_ENOTFOUND;
	/* an object staged in pieces has no copy: read it back from its file */
	if (!p->data && (read_stored_fd(&back, &n, p->fd, p->type) != 0 || n != p->len)) {
		free(back);
		git_error_set_str(GIT_ERROR_ODB, "cannot read back a staged object");
		return -1;
	}
	buf = git_odb_backend_data_alloc(b, p->len ? p->len : 1);
	if (!buf) {
		free(back);
		git_error_set_oom();
		return -1;
	}
	memcpy(buf, p->data ? p->data : back, p->len);
	free(back);
	*out = buf;
	*len = p->len;
	*type = p->type;
	return 0;
}

static int be_read_header(size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *id)
{
	gs_odb_stage *s = (gs_odb_stage *)b;
	struct pending *p = s->active ? find(s, id) : NULL;

	if (!p)
		return GIT_ENOTFOUND;
	*len = p->len;
	*type = p->type;
	return 0;
}

static int be_exists(git_odb_backend *b, const git_oid *id)
{
	gs_odb_stage *s = (gs_odb_stage *)b;

	return s->active && find(s, id) != NULL;
}

static void be_free(git_odb_backend *b)
{
	gs_odb_stage *s = (gs_odb_stage *)b;

	for (size_t i = 0; i < s->n; i++)
		drop(s, &s->p[i]);
	free(s->p);
	free(s->objdir);
	free(s);
}

int gs_odb_stage_get(gs_odb_stage **out, git_repository *repo, gs_odb_stage **slot)
{
	git_buf objdir = GIT_BUF_INIT;
	git_odb *odb = NULL;
	gs_odb_stage *s;

	if (*slot) {
		*out = *slot;
		return 0;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	if (git_odb_init_backend(&s->parent, GIT_ODB_BACKEND_VERSION) < 0 ||
	    git_repository_item_path(&objdir, repo, GIT_REPOSITORY_ITEM_OBJECTS) < 0 ||
	    !(s->objdir = strdup(objdir.ptr)) || git_repository_odb(&odb, repo) < 0) {
		git_buf_dispose(&objdir);
		free(s->objdir);
		free(s);
		return gs_repo_git_error("cannot open the object database");
	}
	git_buf_dispose(&objdir);
	s->parent.read = be_read;
	s->parent.read_header = be_read_header;
	s->parent.write = be_write;
	s->parent.writestream = be_writestream;
	s->parent.exists = be_exists;
	s->parent.free = be_free;
	if (git_odb_add_backend(odb, &s->parent, STAGE_PRIORITY) < 0) {
		git_odb_free(odb);
		be_free(&s->parent);
		return gs_repo_git_error("cannot open the object database");
	}
	git_odb_free(odb); /* the repository keeps it, and it keeps us */
	*slot = *out = s;
	return 0;
}

void gs_odb_stage_begin(gs_odb_stage *s)
{
	s->active = 1;
}

/*
 * The pieces v[0..n) (`total` bytes) as a zlib stream of stored blocks,
 * described as iovecs into the pieces themselves: the zlib header, each
 * block's 5-byte header (kept in *hdrs) before its up to 65535 bytes, and
 * the Adler-32 trailer (in trailer[4]). Nothing is copied; writev writes
 * it. *out and *hdrs are malloc()ed.
 */
static int frame_stored(struct iovec **out, size_t *nout, unsigned char **hdrs,
			unsigned char trailer[4], const struct iovec *v, size_t n, size_t total)
{
	static const unsigned char zhdr[2] = { 0x78, 0x01 }; /* deflate, 32 KB window, level 0 */
	size_t nblocks = total ? (total + 65534) / 65535 : 1, k = 0, piece = 0, off = 0;
	uLong adler = adler32(0L, Z_NULL, 0);
	struct iovec *iov;
	unsigned char *h;

	iov = calloc(2 + 2 * nblocks + n + 1, sizeof(*iov));
	h = malloc(5 * nblocks);
	if (!iov || !h) {
		free(iov);
		free(h);
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].iov_len) /* a NULL base would restart the checksum */
			adler = adler32_z(adler, v[i].iov_base, v[i].iov_len);
	iov[k].iov_base = (void *)(uintptr_t)zhdr;
	iov[k++].iov_len = 2;
	for (size_t b = 0; b < nblocks; b++) {
		size_t left = total - b * 65535, want = left < 65535 ? left : 65535;
		unsigned char *bh = h + 5 * b;

		bh[0] = b + 1 == nblocks; /* BFINAL; BTYPE 00: stored */
		bh[1] = (unsigned char)(want & 0xff);
		bh[2] = (unsigned char)(want >> 8);
		bh[3] = (unsigned char)(~want & 0xff);
		bh[4] = (unsigned char)((~want >> 8) & 0xff);
		iov[k].iov_base = bh;
		iov[k++].iov_len = 5;
		while (want) {
			size_t take;

			while (piece < n && off == v[piece].iov_len)
				piece++, off = 0;
			take = v[piece].iov_len - off < want ? v[piece].iov_len - off : want;
			iov[k].iov_base = (char *)v[piece].iov_base + off;
			iov[k++].iov_len = take;
			off += take;
			want -= take;
		}
	}
	trailer[0] = (unsigned char)(adler >> 24);
	trailer[1] = (unsigned char)(adler >> 16);
	trailer[2] = (unsigned char)(adler >> 8);
	trailer[3] = (unsigned char)adler;
	iov[k].iov_base = trailer;
	iov[k++].iov_len = 4;
	*out = iov;
	*nout = k;
	*hdrs = h;
	return 0;
}

int gs_odb_stage_writev(git_oid *out, gs_odb_stage *s, git_object_t type, struct iovec *v, size_t n)
{
	char hdr[64];
	unsigned char raw[GIT_OID_RAWSZ], trailer[4], *bhdrs = NULL;
	struct iovec *zv = NULL;
	size_t len = 0, zn = 0;
	int error;

	for (size_t i = 1; i < n; i++)
		len += v[i].iov_len;
	v[0].iov_base = hdr;
	v[0].iov_len = header(hdr, sizeof(hdr), type, len);
	gs__sha1v(raw, v, n);
	git_oid_fromraw(out, raw);
	if (git_odb_exists(s->parent.odb, out))
		return 0;
	error = frame_stored(&zv, &zn, &bhdrs, trailer, v, n, len + v[0].iov_len);
	if (error == 0)
		error = stage_file(s, out, type, len, NULL, zv, zn);
	free(zv);
	free(bhdrs);
	return error;
}

/* --- reading a stored loose object --------------------------------------- */

/* The stored object in file `fd` (see gs_odb_stage_read_stored); fd stays open. */
static int read_stored_fd(char **out, size_t *len, int fd, git_object_t type)
{
	char hdr[64], *buf = NULL;
	const unsigned char *m = MAP_FAILED, *p, *end;
	struct stat st;
	size_t size = 0, want = 0, hlen = 0, got = 0;
	uLong adler = adler32(0L, Z_NULL, 0);
	int error = GS_ENOTFOUND, last = 0;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &st) < 0 || st.st_size < 2 + 5 + 4)
		goto done;
	size = (size_t)st.st_size;
	m = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (m == MAP_FAILED)
		goto done;
	/* zlib header: deflate, no preset dictionary */
	if ((m[0] & 0x0f) != 8 || (m[0] * 256u + m[1]) % 31 || (m[1] & 0x20))
		goto done;
	p = m + 2;
	end = m + size - 4; /* the Adler-32 trailer */
	while (!last) {
		unsigned int n, nn;
		size_t take = 0;

		/* a stored block: BFINAL, BTYPE 00, padding, LEN, NLEN; anything else is for zlib */
		if (end - p < 5 || (p[0] & ~1u))
			goto done;
		last = p[0] & 1;
		n = p[1] | (unsigned int)p[2] << 8;
		nn = p[3] | (unsigned int)p[4] << 8;
		p += 5;
		if ((n ^ 0xffffu) != nn || (size_t)(end - p) < n)
			goto done;
		adler = adler32(adler, p, n);
		if (!buf) {
			/* the first block starts with "<type> <len>\0" */
			const unsigned char *nul = memchr(p, 0, n);
			int h;

			if (!nul)
				goto done;
			h = snprintf(hdr, sizeof(hdr), "%s ", git_object_type2string(type));
			hlen = (size_t)(nul - p) + 1;
			if ((size_t)h >= hlen || memcmp(p, hdr, (size_t)h))
				goto done;
			want = 0;
			for (const unsigned char *d = p + h; d < nul; d++) {
				if (*d < '0' || *d > '9' || want > (SIZE_MAX - 9) / 10)
					goto done;
				want = want * 10 + (size_t)(*d - '0');
			}
			if (want > size * 2 || !(buf = malloc(want ? want : 1))) {
				error = want > size * 2 ? GS_ENOTFOUND : GS_ERROR;
				goto done;
			}
			take = hlen;
		}
		if (n - take > want - got)
			goto done;
		memcpy(buf + got, p + take, n - take);
		got += n - take;
		p += n;
	}
	if (p != end || got != want ||
	    adler != ((uLong)end[0] << 24 | (uLong)end[1] << 16 | (uLong)end[2] << 8 | end[3]))
		goto done;
	*out = buf;
	*len = got;
	buf = NULL;
	error = 0;
done:
	if (error == GS_ERROR)
		gs_error_set("out of memory");
	free(buf);
	if (m != MAP_FAILED)
		munmap((void *)(uintptr_t)m, size);
	return error;
}

int gs_odb_stage_read_stored(char **out, size_t *len, gs_odb_stage *s, const git_oid *id,
			     git_object_t type)
{
	char hex[GIT_OID_HEXSZ + 1];
	gs_buf path = GS_BUF_INIT;
	int fd, error;

	*out = NULL;
	*len = 0;
	git_oid_tostr(hex, sizeof(hex), id);
	if (gs_buf_printf(&path, "%s%.2s/%s", s->objdir, hex, hex + 2) < 0)
		return GS_ERROR;
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	gs_buf_dispose(&path);
	if (fd < 0)
		return GS_ENOTFOUND;
	error = read_stored_fd(out, len, fd, type);
	close(fd);
	return error;
}

/* --- making it durable ------------------------------------------------ */

int gs_odb_stage_flush(gs_odb_stage *s)
{
	int error = 0;

	/* jobs that found no free thread when staged run here, in turn */
	for (size_t i = 0; i < s->n; i++)
		if (job_finish(s, &s->p[i]) < 0 && !error)
			error = GS_ERROR; /* the message is the last failure's */
	/* on error what was linked stays, unreferenced; the rest is dropped */
	for (size_t i = 0; i < s->n; i++)
		drop(s, &s->p[i]);
	s->n = 0;
	return error;
}

void gs_odb_stage_end(gs_odb_stage *s)
{
	for (size_t i = 0; i < s->n; i++)
		drop(s, &s->p[i]);
	s->n = 0;
	s->active = 0;
}
