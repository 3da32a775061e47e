/*
 * The atomic commit path (SPEC §5). One update = one commit on the target
 * ref, moved by compare-and-swap against the tip the transaction read.
 *
 * Locks, in the order they are taken:
 *   1. $GIT_COMMON_DIR/stats/store.lock, an flock(2): serializes git-stats
 *      writers of one repository, all its worktrees included (they share
 *      refs), so they queue instead of racing, and is released by the
 *      kernel when a writer dies. Other git tools ignore it, which is why
 *      the compare-and-swap below still matters.
 *   2. $GIT_DIR/index.lock (the worktree's own), only when the target is
 *      the checked-out branch: git's own lock, taken after the objects are
 *      written and held while the new index goes in place, the ref moves
 *      and the work tree follows, so `git commit` never sees a half
 *      update. It carries a marker; as every git-stats writer holds (1)
 *      before taking (2), a marked index.lock seen while holding (1) was
 *      left by a writer that died, and is recovered (see recover_stale).
 *   3. the ref's own lock, taken by libgit2 inside
 *      git_reference_create_matching.
 */
#include "gs/store.h"
#include "gs/issue.h"
#include "gs/time.h"
#include "index_raw.h"
#include "issue_internal.h"
#include "odb_stage.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define LOCK_WAIT_MS 30000 /* how long a writer queues on store.lock */
#define FILE_LIMIT (64u * 1024u * 1024u)

struct edit {
	gs_store_edit_fn fn; /* NULL for a create */
	void *payload;
	const char *data; /* create: the content (borrowed from the caller) */
	size_t len;
};

struct txn_file {
	char *path;
	int existed;         /* at the snapshot */
	git_oid old_oid;     /* snapshot blob */
	git_filemode_t mode; /* snapshot mode (or 0100644 for new files) */
	int exists;          /* after the edits */
	gs_buf content;      /* after the edits */
	struct edit *edits;
	size_t nedits;
	/* filled while committing */
	git_oid new_oid;
	int changed;
};

struct gs_txn {
	gs_repo *repo;
	git_repository *git;
	git_commit *base;
	git_tree *tree;
	unsigned int attempt;
	struct txn_file *files;
	size_t nfiles;
	const char *message; /* set by the callback, else the caller's */
	/* the issues directory at the snapshot, as raw tree bytes (see load_dir) */
	int has_dir;
	git_oid dir_oid;
	git_odb_object *dir_obj; /* holds the bytes below, or */
	char *dir_own;           /* does, read by gs_odb_stage_read_stored */
	const char *dir_ptr;
	size_t dir_size;
	gs_issue__ent *ents;
	size_t nents;
	git_oid new_dir_oid;
	gs_odb_stage *stage; /* the update's objects, made durable together */
	/* ids resolved this attempt, as typed and the issue's own (see commit_message) */
	struct resolved_id {
		char *typed, *own;
	} *ids;
	size_t nids;
};

/* ---------------------------------------------------------------------- */
/* transaction API                                                        */

gs_repo *gs_txn_repo(gs_txn *t)
{
	return t->repo;
}

git_tree *gs_txn_tree(gs_txn *t)
{
	return t->tree;
}

const git_oid *gs_txn_base(gs_txn *t)
{
	return t->base ? git_commit_id(t->base) : NULL;
}

unsigned int gs_txn_attempt(gs_txn *t)
{
	return t->attempt;
}

void gs_txn_set_message(gs_txn *t, const char *message)
{
	t->message = message;
}

int gs_txn_resolve(char **path, gs_txn *t, const char *id)
{
	struct resolved_id *v;
	char *own = NULL, *typed = NULL;
	int error = gs_issue__resolve(path, &own, NULL, t->git, t->ents, t->nents,
				      gs_repo_issues_dir(t->repo), id);

	if (error < 0 || !strcmp(own, id)) {
		free(own);
		return error;
	}
	v = realloc(t->ids, (t->nids + 1) * sizeof(*v));
	if (!v || !(typed = strdup(id))) {
		if (v)
			t->ids = v;
		free(own);
		free(*path);
		*path = NULL;
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	t->ids = v;
	v[t->nids].typed = typed;
	v[t->nids++].own = own;
	return 0;
}

/*
 * The message to commit: "stats(<id>): ..." names the issue by its own id
 * (SPEC §5), not as it was typed ("back-007" for BACK-7), so that
 * `git log --grep 'stats(BACK-7)'` finds every commit of the issue.
 */
static const char *commit_message(gs_buf *buf, gs_txn *t, const char *message)
{
	const char *id = message + 6, *end;

	if (strncmp(message, "stats(", 6) || !(end = strstr(id, "): ")))
		return message;
	for (size_t i = 0; i < t->nids; i++)
		if (strlen(t->ids[i].typed) == (size_t)(end - id) &&
		    !memcmp(t->ids[i].typed, id, (size_t)(end - id))) {
			gs_buf_clear(buf);
			if (gs_buf_printf(buf, "stats(%s%s", t->ids[i].own, end) < 0)
				return message;
			return buf->ptr;
		}
	return message;
}

int gs_txn_list(gs_issue_list *out, gs_txn *t, unsigned int flags)
{
	return gs_issue__list(out, t->git, t->ents, t->nents, gs_repo_issues_dir(t->repo), flags);
}

int gs_txn_next_id(int64_t *out, gs_txn *t)
{
	return gs_issue__next_id(out, t->git, t->ents, t->nents);
}

static void txn_reset(gs_txn *t)
{
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].path);
		gs_buf_dispose(&t->files[i].content);
		free(t->files[i].edits);
	}
	free(t->files);
	t->files = NULL;
	t->nfiles = 0;
	git_tree_free(t->tree);
	git_commit_free(t->base);
	t->tree = NULL;
	t->base = NULL;
	free(t->ents);
	t->ents = NULL;
	t->nents = 0;
	t->has_dir = 0;
	git_odb_object_free(t->dir_obj);
	t->dir_obj = NULL;
	free(t->dir_own);
	t->dir_own = NULL;
	t->dir_ptr = NULL;
	t->dir_size = 0;
	for (size_t i = 0; i < t->nids; i++) {
		free(t->ids[i].typed);
		free(t->ids[i].own);
	}
	free(t->ids);
	t->ids = NULL;
	t->nids = 0;
}

/* A path we may write: inside the issues directory, no traversal. */
static int check_path(gs_txn *t, const char *path)
{
	const char *dir = gs_repo_issues_dir(t->repo);
	size_t n = strlen(dir);
	const char *name = path + n + 1;

	if (strncmp(path, dir, n) || path[n] != '/' || !*name || strchr(name, '/') ||
	    !strcmp(name, ".") || !strcmp(name, "..")) {
		gs_error_set("cannot write '%s': not a file in '%s/'", path, dir);
		return GS_EUSAGE;
	}
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\') {
			gs_error_set("cannot write '%s': control character in file name", path);
			return GS_EUSAGE;
		}
	return 0;
}

/* The file record for `path`, loading the snapshot blob on first use. */
static int txn_file(struct txn_file **out, gs_txn *t, const char *path)
{
	struct txn_file *f, *v;
	const gs_issue__ent *e = NULL;
	git_blob *blob = NULL;
	const char *name;
	int rc, error;

	*out = NULL;
	for (size_t i = 0; i < t->nfiles; i++)
		if (!strcmp(t->files[i].path, path)) {
			*out = &t->files[i];
			return 0;
		}
	error = check_path(t, path);
	if (error < 0)
		return error;
	v = realloc(t->files, (t->nfiles + 1) * sizeof(*v));
	if (!v) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	t->files = v;
	f = &t->files[t->nfiles];
	memset(f, 0, sizeof(*f));
	gs_buf_init(&f->content);
	f->mode = GIT_FILEMODE_BLOB;
	f->path = strdup(path);
	if (!f->path) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	t->nfiles++;
	/* check_path made sure the path is "<issues dir>/<name>" */
	name = path + strlen(gs_repo_issues_dir(t->repo)) + 1;
	for (size_t i = 0; i < t->nents; i++)
		if (!strcmp(t->ents[i].name, name)) {
			e = &t->ents[i];
			break;
		}
	if (!e) {
		*out = f;
		return 0;
	}
	if (e->mode != GIT_FILEMODE_BLOB && e->mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		gs_error_set("cannot update '%s': not a regular file", path);
		return GS_ERROR;
	}
	if (git_blob_lookup(&blob, t->git, &e->oid) < 0)
		return gs_repo_git_error("cannot read '%s'", path);
	rc = gs_buf_set(&f->content, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	if (rc < 0)
		return GS_ERROR;
	f->existed = f->exists = 1;
	git_oid_cpy(&f->old_oid, &e->oid);
	f->mode = (git_filemode_t)e->mode;
	*out = f;
	return 0;
}

int gs_txn_read(gs_buf *out, gs_txn *t, const char *path)
{
	struct txn_file *f;
	int error = txn_file(&f, t, path);

	if (error < 0)
		return error;
	if (!f->exists) {
		gs_error_set("'%s' does not exist at '%s'", path,
			     t->base ? git_oid_tostr_s(git_commit_id(t->base)) : "(unborn ref)");
		return GS_ENOTFOUND;
	}
	return gs_buf_put(out, f->content.ptr, f->content.size);
}

/*
 * Apply one edit to a copy (`content`, `exists`) in place. For creates,
 * an existing copy with other content is GS_EEXISTS.
 */
static int apply_edit(gs_buf *content, int *exists, const char *path, const struct edit *e,
		      const char *which)
{
	gs_buf out = GS_BUF_INIT;
	int rc;

	if (!e->fn) {
		if (*exists && (content->size != e->len || memcmp(content->ptr, e->data, e->len))) {
			gs_error_set("cannot create '%s': %s", path, which);
			return GS_EEXISTS;
		}
		*exists = 1;
		return gs_buf_set(content, e->data, e->len);
	}
	rc = e->fn(&out, path, *exists ? content->ptr : NULL, *exists ? content->size : 0, e->payload);
	if (rc < 0) {
		gs_buf_dispose(&out);
		return rc;
	}
	if (rc == GS_STORE_NOCHANGE) {
		gs_buf_dispose(&out);
		return 0;
	}
	gs_buf_dispose(content);
	*content = out;
	*exists = 1;
	return 0;
}

static int add_edit(gs_txn *t, const char *path, const struct edit *e)
{
	struct txn_file *f;
	struct edit *v;
	int error = txn_file(&f, t, path);

	if (error < 0)
		return error;
	error = apply_edit(&f->content, &f->exists, path, e, "it already exists");
	if (error < 0)
		return error;
	v = realloc(f->edits, (f->nedits + 1) * sizeof(*v));
	if (!v) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	f->edits = v;
	f->edits[f->nedits++] = *e;
	return 0;
}

int gs_txn_edit(gs_txn *t, const char *path, gs_store_edit_fn fn, void *payload)
{
	struct edit e = { fn, payload, NULL, 0 };

	if (!fn) {
		gs_error_set("gs_txn_edit: no edit function");
		return GS_EUSAGE;
	}
	return add_edit(t, path, &e);
}

int gs_txn_create(gs_txn *t, const char *path, const char *data, size_t len)
{
	struct edit e = { NULL, NULL, data, len };
	struct txn_file *f;
	int error = txn_file(&f, t, path);

	if (error < 0)
		return error;
	if (f->existed) {
		gs_error_set("cannot create '%s': it already exists", path);
		return GS_EEXISTS;
	}
	return add_edit(t, path, &e);
}

/* Replay all edits of `f` on another copy (staged or work tree). */
static int replay_edits(gs_buf *content, int *exists, const struct txn_file *f, const char *which)
{
	for (size_t i = 0; i < f->nedits; i++) {
		int error = apply_edit(content, exists, f->path, &f->edits[i], which);

		if (error < 0)
			return error;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* locks                                                                  */

static uint64_t rng_state;

static unsigned int rnd(unsigned int n)
{
	if (!rng_state) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		rng_state = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec;
		rng_state |= 1;
	}
	/* xorshift64*: jitter only, no need for quality */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return n ? (unsigned int)((rng_state * 2685821657736338717ULL) >> 33) % n : 0;
}

static void sleep_us(unsigned int us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Random backoff growing with the attempt: up to 2 ms * attempt, at most
 * 50 ms, so all attempts together wait about a second.
 */
static void backoff(unsigned int attempt)
{
	unsigned int cap = attempt * 2000u;

	if (cap > 50000u)
		cap = 50000u;
	sleep_us(200u + rnd(cap));
}

/*
 * Take $GIT_COMMON_DIR/stats/store.lock (flock), waiting up to
 * LOCK_WAIT_MS. The common dir, not a linked worktree's own: worktrees
 * share their refs, so their writers must queue on one lock.
 */
static int writer_lock(int *fd_out, gs_repo *r)
{
	gs_buf path = GS_BUF_INIT;
	int fd = -1, error = GS_ERROR;
	int64_t waited_us = 0;

	*fd_out = -1;
	if (gs_buf_printf(&path, "%sstats", gs_repo_commondir(r)) < 0 || gs_file_mkdir_p(path.ptr, 0777) < 0)
		goto done;
	gs_buf_puts(&path, "/store.lock");
	fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		gs_error_set("cannot open '%s': %s", path.ptr, strerror(errno));
		goto done;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		unsigned int us;

		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			gs_error_set("cannot lock '%s': %s", path.ptr, strerror(errno));
			goto done;
		}
		if (waited_us >= (int64_t)LOCK_WAIT_MS * 1000) {
			gs_error_set("cannot lock '%s': another git-stats writer held it for %d s",
				     path.ptr, LOCK_WAIT_MS / 1000);
			error = GS_ELOCKED;
			goto done;
		}
		us = 500u + rnd(2000u);
		sleep_us(us);
		waited_us += us;
	}
	*fd_out = fd;
	fd = -1;
	error = 0;
done:
	if (fd >= 0)
		close(fd);
	gs_buf_dispose(&path);
	return error;
}

/* ---------------------------------------------------------------------- */
/* index and work tree                                                    */

struct index_lock {
	int fd;
	gs_buf lock_path;  /* $GIT_DIR/index.lock */
	gs_buf index_path; /* $GIT_DIR/index */
	gs_buf tmp_path;   /* $GIT_COMMON_DIR/stats/index.tmp.<pid> */
};

#define INDEX_LOCK_INIT { -1, GS_BUF_INIT, GS_BUF_INIT, GS_BUF_INIT }

static const char marker_prefix[] = "git-stats ";

/* Write "git-stats <pid> <ref> <old> <new>\n" into our index.lock. */
static void index_lock_mark(struct index_lock *l, const char *ref, const git_oid *old,
			    const git_oid *new_id)
{
	char o[GIT_OID_HEXSZ + 1], n[GIT_OID_HEXSZ + 1];
	gs_buf b = GS_BUF_INIT;

	if (old)
		git_oid_tostr(o, sizeof(o), old);
	if (new_id)
		git_oid_tostr(n, sizeof(n), new_id);
	gs_buf_printf(&b, "%s%ld %s %s %s\n", marker_prefix, (long)getpid(), ref,
		      old ? o : "-", new_id ? n : "-");
	if (pwrite(l->fd, b.ptr, b.size, 0) < 0 || ftruncate(l->fd, (off_t)b.size) < 0) {
		/* the marker only helps recovery; a failure to write it is not fatal */
	}
	gs_buf_dispose(&b);
}

static void index_lock_dispose(struct index_lock *l)
{
	gs_buf_dispose(&l->lock_path);
	gs_buf_dispose(&l->index_path);
	gs_buf_dispose(&l->tmp_path);
}

/* Release without committing: the index stays as it was. */
static void index_lock_rollback(struct index_lock *l)
{
	if (l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
		unlink(l->tmp_path.ptr);
		unlink(l->lock_path.ptr);
	}
}

static int index_lock_paths(struct index_lock *l, gs_repo *r)
{
	const char *gd = gs_repo_gitdir(r);

	if (!l->lock_path.size &&
	    (gs_buf_printf(&l->lock_path, "%sindex.lock", gd) < 0 ||
	     gs_buf_printf(&l->index_path, "%sindex", gd) < 0 ||
	     gs_buf_printf(&l->tmp_path, "%sstats/index.tmp.%ld", gs_repo_commondir(r),
			   (long)getpid()) < 0))
		return GS_ERROR;
	return 0;
}

/*
 * Create index.lock exclusively, as git does with O_EXCL, but already
 * holding our marker: the marker is written to a private file that is
 * then link(2)ed to index.lock, so no crash leaves an unmarked (and so
 * unrecoverable) empty lock behind. GS_ELOCKED when someone holds it.
 */
static int index_lock_take(struct index_lock *l, gs_repo *r)
{
	gs_buf tmp = GS_BUF_INIT, marker = GS_BUF_INIT;
	int fd = -1, error = GS_ERROR;

	if (index_lock_paths(l, r) < 0 ||
	    gs_buf_printf(&tmp, "%sstats/index.lock.%ld", gs_repo_commondir(r), (long)getpid()) < 0 ||
	    gs_buf_printf(&marker, "%s%ld - - -\n", marker_prefix, (long)getpid()) < 0)
		goto done;
	fd = open(tmp.ptr, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || write(fd, marker.ptr, marker.size) != (ssize_t)marker.size) {
		gs_error_set("cannot create '%s': %s", tmp.ptr, strerror(errno));
		goto done;
	}
	if (link(tmp.ptr, l->lock_path.ptr) < 0) {
		if (errno == EEXIST) {
			gs_error_set("cannot lock the index: '%s' exists; another git process seems "
				     "to be running (if not, remove the file)", l->lock_path.ptr);
			error = GS_ELOCKED;
		} else {
			gs_error_set("cannot create '%s': %s", l->lock_path.ptr, strerror(errno));
		}
		goto done;
	}
	l->fd = fd;
	fd = -1;
	error = 0;
done:
	if (fd >= 0)
		close(fd);
	if (tmp.size)
		unlink(tmp.ptr);
	gs_buf_dispose(&tmp);
	gs_buf_dispose(&marker);
	return error;
}

/*
 * Load a private copy of the index: libgit2 can only write an index to
 * the path it was opened from, and that path's ".lock" is ours already,
 * so we copy the index aside, edit it there and rename it into place.
 */
static int index_load(git_index **out, struct index_lock *l)
{
	gs_buf data = GS_BUF_INIT;
	int rc;

	*out = NULL;
	unlink(l->tmp_path.ptr);
	/* a hard link saves the copy: libgit2 replaces the file it writes, the index stays */
	if (link(l->index_path.ptr, l->tmp_path.ptr) == 0)
		goto open;
	rc = gs_file_read(&data, l->index_path.ptr, (size_t)1 << 31);
	if (rc == 0) {
		int fd = open(l->tmp_path.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		ssize_t w;

		if (fd < 0) {
			gs_error_set("cannot create '%s': %s", l->tmp_path.ptr, strerror(errno));
			gs_buf_dispose(&data);
			return GS_ERROR;
		}
		w = write(fd, data.ptr, data.size);
		close(fd);
		if (w < 0 || (size_t)w != data.size) {
			gs_error_set("cannot write '%s'", l->tmp_path.ptr);
			gs_buf_dispose(&data);
			return GS_ERROR;
		}
	} else if (rc != GS_ENOTFOUND) {
		gs_buf_dispose(&data);
		return rc;
	}
	gs_buf_dispose(&data);
open:
	if (git_index_open(out, l->tmp_path.ptr) < 0)
		return gs_repo_git_error("cannot read the index");
	return 0;
}

/*
 * Put `head` + `tail` (which may be NULL) in place as the index while
 * index.lock stays ours: git commands read the index without the lock, so
 * it must be new before the ref moves (see attempt_once). Without `head`,
 * remove the index.
 */
static int raw_install(struct index_lock *l, const char *head, size_t hlen, const gs_buf *tail)
{
	struct iovec v[2];
	int fd, n = 0;

	if (!head) {
		if (unlink(l->index_path.ptr) < 0 && errno != ENOENT) {
			gs_error_set("cannot remove '%s': %s", l->index_path.ptr, strerror(errno));
			return GS_ERROR;
		}
		return 0;
	}
	unlink(l->tmp_path.ptr);
	fd = open(l->tmp_path.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		gs_error_set("cannot create '%s': %s", l->tmp_path.ptr, strerror(errno));
		return GS_ERROR;
	}
	/*
	 * No fsync, as git does not fsync the index by default: the commit
	 * and the ref are durable, the rename keeps the index whole, and
	 * flushing a 1 MB index doubled an update's latency.
	 */
	v[n].iov_base = (void *)(uintptr_t)head;
	v[n++].iov_len = hlen;
	if (tail && tail->size) {
		v[n].iov_base = tail->ptr;
		v[n++].iov_len = tail->size;
	}
	if (gs__writev_all(fd, v, (size_t)n) < 0) {
		gs_error_set("cannot write '%s': %s", l->tmp_path.ptr, strerror(errno));
		close(fd);
		unlink(l->tmp_path.ptr);
		return GS_ERROR;
	}
	close(fd);
	if (rename(l->tmp_path.ptr, l->index_path.ptr) < 0) {
		gs_error_set("cannot rename '%s' to '%s': %s", l->tmp_path.ptr, l->index_path.ptr,
			     strerror(errno));
		unlink(l->tmp_path.ptr);
		return GS_ERROR;
	}
	return 0;
}

/* Put the index back as it was read (`had` 0: there was none). */
static int raw_restore(struct index_lock *l, int had, gs_buf *bytes, gs_rawindex *ix)
{
	gs_rawindex__undo(ix); /* the edits were made in `bytes` */
	return raw_install(l, had ? bytes->ptr : NULL, bytes->size, NULL);
}

/* The libgit2 copy in place as the index; index.lock stays ours. */
static int git_install(struct index_lock *l, git_index *idx)
{
	if (git_index_write(idx) < 0)
		return gs_repo_git_error("cannot write the index");
	if (rename(l->tmp_path.ptr, l->index_path.ptr) < 0) {
		gs_error_set("cannot rename '%s' to '%s': %s", l->tmp_path.ptr, l->index_path.ptr,
			     strerror(errno));
		return GS_ERROR;
	}
	return 0;
}

/* Give index.lock back (the index itself is already in place). */
static void index_release(struct index_lock *l)
{
	if (l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
		unlink(l->lock_path.ptr);
	}
}

/* Write the edited copy and move it over the index; releases the lock. */
static int index_commit(struct index_lock *l, git_index *idx)
{
	int error = git_install(l, idx);

	if (error == 0)
		index_release(l);
	return error;
}

/* What happens to one file's staged copy and work-tree copy. */
struct local_plan {
	int index_set;       /* set the index entry to index_oid */
	git_oid index_oid;
	gs_buf index_content; /* the staged content after the update */
	int wt_write;        /* write wt_content to the work tree */
	gs_buf wt_content;
	int wt_exists;
	int wt_stat_ok;      /* wt_stat is the written file's, which equals the staged blob */
	struct stat wt_stat;
};

static void plan_dispose(struct local_plan *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		gs_buf_dispose(&p[i].index_content);
		gs_buf_dispose(&p[i].wt_content);
	}
	free(p);
}

static int read_blob(gs_buf *out, git_repository *git, const git_oid *oid, const char *path)
{
	git_blob *blob = NULL;
	int error = 0;

	if (git_blob_lookup(&blob, git, oid) < 0)
		return gs_repo_git_error("cannot read '%s'", path);
	if (gs_buf_set(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)) < 0)
		error = GS_ERROR;
	git_blob_free(blob);
	return error;
}

static int same(const gs_buf *b, const char *p, size_t n)
{
	return b->size == n && !memcmp(b->ptr, p, n);
}

/* A path's entry in the index: the libgit2 copy or the raw file. */
struct staged {
	int found;      /* an entry at stage 0 */
	git_oid oid;
	int conflicted; /* entries at stages 1-3 */
};

static void staged_git(struct staged *out, git_index *idx, const char *path)
{
	const git_index_entry *e = git_index_get_bypath(idx, path, 0);

	memset(out, 0, sizeof(*out));
	if (e) {
		out->found = 1;
		git_oid_cpy(&out->oid, &e->id);
	}
	out->conflicted = git_index_get_bypath(idx, path, 1) || git_index_get_bypath(idx, path, 2) ||
			  git_index_get_bypath(idx, path, 3);
}

static void staged_raw(struct staged *out, const gs_rawindex *ix, const char *path)
{
	const gs_rawindex_entry *e = gs_rawindex__find(ix, path, 0);

	memset(out, 0, sizeof(*out));
	if (e) {
		out->found = 1;
		gs_rawindex__oid(&out->oid, ix, e);
	}
	out->conflicted = gs_rawindex__find(ix, path, 1) || gs_rawindex__find(ix, path, 2) ||
			  gs_rawindex__find(ix, path, 3);
}

/*
 * Whether the staged blob of `path` is a version the file had in one of
 * the last commits on the ref, rather than a user's edit: the index is
 * stale. `git commit` reads the index before it takes index.lock and then
 * writes what it read back; when an update lands in between, the commit
 * fails (HEAD moved) but the index it wrote back holds the file as it was
 * before the update. Replaying our edits on that copy, as on a user's
 * staged edit, would keep the older version staged, and the next `git
 * commit` would revert the update. A stale copy takes the new blob instead.
 */
#define STALE_DEPTH 64

static int staged_is_stale(gs_txn *t, const char *path, const git_oid *staged)
{
	git_commit *c = NULL, *parent = NULL;
	int found = 0;

	if (!t->base || git_commit_dup(&c, t->base) < 0)
		return 0;
	for (int depth = 0; depth < STALE_DEPTH && c && !found; depth++) {
		git_tree *tree = NULL;
		git_tree_entry *e = NULL;

		if (git_commit_tree(&tree, c) < 0 || git_tree_entry_bypath(&e, tree, path) < 0) {
			git_tree_free(tree);
			break; /* the file did not exist before: nothing older to match */
		}
		found = git_oid_equal(git_tree_entry_id(e), staged);
		git_tree_entry_free(e);
		git_tree_free(tree);
		if (git_commit_parentcount(c) == 0 || git_commit_parent(&parent, c, 0) < 0)
			parent = NULL;
		git_commit_free(c);
		c = parent;
		parent = NULL;
	}
	git_commit_free(c);
	return found;
}

/*
 * Decide, before the ref moves, what the index entry and the work-tree
 * file of `f` become. A copy equal to the old blob takes the new blob; a
 * copy with local edits gets the same edits applied, so the user's
 * changes stay and the update is not shown as pending. Edits that fail on
 * a local copy abort the whole update.
 */
static int plan_local(struct local_plan *p, gs_txn *t, const struct staged *sg,
		      const struct txn_file *f, gs_buf *old_blob)
{
	const struct staged *ie = sg->found ? sg : NULL;
	gs_buf wt = GS_BUF_INIT, wtpath = GS_BUF_INIT;
	int staged_exists = 0, error = GS_ERROR, rc;
	struct stat st;

	gs_buf_init(&p->index_content);
	gs_buf_init(&p->wt_content);
	if (!ie && sg->conflicted) {
		gs_error_set("cannot update '%s': it has unresolved merge conflicts in the index",
			     f->path);
		return GS_ESTATE;
	}
	if (ie && ((git_oid_equal(&ie->oid, &f->old_oid) && f->existed) ||
		   (!git_oid_equal(&ie->oid, &f->new_oid) && staged_is_stale(t, f->path, &ie->oid)))) {
		p->index_set = 1;
		git_oid_cpy(&p->index_oid, &f->new_oid);
		if (gs_buf_set(&p->index_content, f->content.ptr, f->content.size) < 0)
			goto done;
		staged_exists = 1;
	} else if (ie && git_oid_equal(&ie->oid, &f->new_oid)) {
		if (gs_buf_set(&p->index_content, f->content.ptr, f->content.size) < 0)
			goto done;
		staged_exists = 1;
	} else if (ie) {
		/* a staged edit: it gets the update too */
		if (read_blob(&p->index_content, t->git, &ie->oid, f->path) < 0)
			goto done;
		staged_exists = 1;
		error = replay_edits(&p->index_content, &staged_exists, f, "the index has another file there");
		if (error < 0) {
			gs_error_prefix("staged copy");
			goto done;
		}
		error = GS_ERROR;
		/* the staged blob must exist: the index will name it */
		if (git_blob_create_from_buffer(&p->index_oid, t->git, p->index_content.ptr,
						p->index_content.size) < 0)
			goto git_fail;
		p->index_set = !git_oid_equal(&p->index_oid, &ie->oid);
	} else if (!f->existed) {
		/* a new file: stage it */
		p->index_set = 1;
		git_oid_cpy(&p->index_oid, &f->new_oid);
		if (gs_buf_set(&p->index_content, f->content.ptr, f->content.size) < 0)
			goto done;
		staged_exists = 1;
	}
	/* else: the user staged the file's removal; the index keeps that */

	if (gs_buf_printf(&wtpath, "%s%s", gs_repo_workdir(t->repo), f->path) < 0)
		goto done;
	if (lstat(wtpath.ptr, &st) < 0) {
		if (errno != ENOENT) {
			gs_error_set("cannot stat '%s': %s", wtpath.ptr, strerror(errno));
			goto done;
		}
		/* deleted by the user stays deleted; a new file is written */
		if (!f->existed) {
			p->wt_write = 1;
			p->wt_exists = 1;
			if (gs_buf_set(&p->wt_content, f->content.ptr, f->content.size) < 0)
				goto done;
		}
		error = 0;
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		gs_error_set("cannot update '%s' in the work tree: not a regular file", f->path);
		goto done;
	}
	rc = gs_file_read(&wt, wtpath.ptr, FILE_LIMIT);
	if (rc < 0) {
		error = rc;
		goto done;
	}
	p->wt_exists = 1;
	if (f->existed && same(&wt, old_blob->ptr, old_blob->size)) {
		if (gs_buf_set(&p->wt_content, f->content.ptr, f->content.size) < 0)
			goto done;
	} else if (same(&wt, f->content.ptr, f->content.size)) {
		error = 0;
		goto done;
	} else {
		int exists = 1;

		if (gs_buf_set(&p->wt_content, wt.ptr, wt.size) < 0)
			goto done;
		error = replay_edits(&p->wt_content, &exists,
				     f, "an untracked file with other content is in the way");
		if (error < 0) {
			gs_error_prefix("work-tree copy");
			goto done;
		}
	}
	p->wt_write = !same(&wt, p->wt_content.ptr, p->wt_content.size);
	error = 0;
	goto done;
git_fail:
	error = gs_repo_git_error("cannot write the staged copy of '%s'", f->path);
done:
	gs_buf_dispose(&wt);
	gs_buf_dispose(&wtpath);
	return error;
}

static void fill_stat(git_index_entry *e, const struct stat *st)
{
	e->ctime.seconds = (int32_t)st->st_ctim.tv_sec;
	e->ctime.nanoseconds = (uint32_t)st->st_ctim.tv_nsec;
	e->mtime.seconds = (int32_t)st->st_mtim.tv_sec;
	e->mtime.nanoseconds = (uint32_t)st->st_mtim.tv_nsec;
	e->dev = (uint32_t)st->st_dev;
	e->ino = (uint32_t)st->st_ino;
	e->uid = (uint32_t)st->st_uid;
	e->gid = (uint32_t)st->st_gid;
	e->file_size = (uint32_t)st->st_size;
}

/*
 * After the ref moved: write the work-tree files the plans decided. Their
 * stat data goes into the index where the file now equals the staged
 * blob, so `git status` needs no rehash.
 */
static int write_worktree(gs_txn *t, struct local_plan *plans)
{
	gs_buf wtpath = GS_BUF_INIT;
	int error = 0;

	for (size_t i = 0; i < t->nfiles && !error; i++) {
		struct local_plan *p = &plans[i];
		char *slash;

		if (!t->files[i].changed || !p->wt_write)
			continue;
		gs_buf_clear(&wtpath);
		if (gs_buf_printf(&wtpath, "%s%s", gs_repo_workdir(t->repo), t->files[i].path) < 0) {
			error = GS_ERROR;
			break;
		}
		slash = strrchr(wtpath.ptr, '/');
		*slash = '\0';
		error = gs_file_mkdir_p(wtpath.ptr, 0777);
		*slash = '/';
		if (error == 0)
			error = gs_file_write_atomic(wtpath.ptr, p->wt_content.ptr, p->wt_content.size, 0666);
		if (error == 0 && same(&p->wt_content, p->index_content.ptr, p->index_content.size) &&
		    lstat(wtpath.ptr, &p->wt_stat) == 0)
			p->wt_stat_ok = 1;
	}
	gs_buf_dispose(&wtpath);
	return error;
}

/* The index entries the plans decided, through libgit2 (any index). */
static int stage_git(gs_txn *t, git_index *idx, struct local_plan *plans)
{
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct txn_file *f = &t->files[i];
		struct local_plan *p = &plans[i];
		const git_index_entry *cur;
		git_index_entry e;

		if (!f->changed)
			continue;
		cur = git_index_get_bypath(idx, f->path, 0);
		if (!p->index_set && !cur)
			continue;
		memset(&e, 0, sizeof(e));
		if (cur)
			e = *cur;
		else
			e.mode = f->mode;
		e.path = f->path;
		if (p->index_set)
			git_oid_cpy(&e.id, &p->index_oid);
		if (p->wt_stat_ok) {
			fill_stat(&e, &p->wt_stat);
		} else if (p->index_set) {
			/* size 0 "smudges" the entry: git compares contents, not stat data */
			e.mtime.seconds = 0;
			e.mtime.nanoseconds = 0;
			e.file_size = 0;
		} else {
			continue;
		}
		if (git_index_add(idx, &e) < 0)
			return gs_repo_git_error("cannot stage '%s'", f->path);
	}
	return 0;
}

/*
 * The same in the raw index file. GS_RAWINDEX_UNSUPPORTED when an entry
 * would have to be inserted (a new file); the caller then uses stage_git.
 */
static int raw_supported(gs_txn *t, const gs_rawindex *ix, struct local_plan *plans)
{
	for (size_t i = 0; i < t->nfiles; i++)
		if (t->files[i].changed && plans[i].index_set &&
		    !gs_rawindex__find(ix, t->files[i].path, 0))
			return 0;
	return 1;
}

static int stage_raw(gs_buf *out, gs_txn *t, gs_rawindex *ix, struct local_plan *plans)
{
	const char **paths = calloc(t->nfiles + 1, sizeof(*paths));
	size_t n = 0;
	int error;

	if (!paths) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	for (size_t i = 0; i < t->nfiles; i++) {
		const gs_rawindex_entry *e;
		struct local_plan *p = &plans[i];
		git_oid cur;

		if (!t->files[i].changed || !(e = gs_rawindex__find(ix, t->files[i].path, 0)))
			continue;
		gs_rawindex__oid(&cur, ix, e);
		if (p->index_set)
			git_oid_cpy(&cur, &p->index_oid);
		else if (!p->wt_stat_ok)
			continue;
		if (gs_rawindex__set(ix, e, &cur, p->wt_stat_ok ? &p->wt_stat : NULL) < 0) {
			free(paths);
			return GS_ERROR;
		}
		if (p->index_set)
			paths[n++] = t->files[i].path;
	}
	error = gs_rawindex__write(out, ix, paths, n);
	free(paths);
	return error;
}

/* ---------------------------------------------------------------------- */
/* recovery of a writer that died while holding index.lock                */

/*
 * Called with store.lock held, so no live git-stats writer holds
 * index.lock. A marked index.lock is therefore stale. If its writer had
 * already moved the ref, index entries and work-tree files still at the
 * old blob are brought forward to the new one (local edits are left as
 * they are: the edit functions died with the writer).
 */
static int recover_stale(gs_repo *r, struct index_lock *l)
{
	char buf[512], ref[256], old_hex[64], new_hex[64];
	git_repository *git = gs_repo_git(r);
	git_oid old_id, new_id, cur;
	git_commit *oc = NULL, *nc = NULL;
	git_tree *ot = NULL, *nt = NULL;
	git_diff *diff = NULL;
	git_index *idx = NULL;
	gs_buf content = GS_BUF_INIT;
	const char *target;
	ssize_t n;
	long pid;
	int error = 0, forward;

	if (index_lock_paths(l, r) < 0)
		return GS_ERROR;
	l->fd = open(l->lock_path.ptr, O_RDWR | O_CLOEXEC);
	if (l->fd < 0)
		goto out;
	n = read(l->fd, buf, sizeof(buf) - 1);
	if (n < (ssize_t)sizeof(marker_prefix) - 1 ||
	    memcmp(buf, marker_prefix, sizeof(marker_prefix) - 1)) {
		close(l->fd); /* someone else's lock: leave it */
		l->fd = -1;
		goto out;
	}
	buf[n] = '\0';
	if (sscanf(buf + sizeof(marker_prefix) - 1, "%ld %255s %63s %63s", &pid, ref, old_hex,
		   new_hex) != 4)
		goto rollback;
	/* belt and braces: never break the lock of a live process */
	if (pid != (long)getpid() && kill((pid_t)pid, 0) == 0) {
		close(l->fd);
		l->fd = -1;
		goto out;
	}
	/*
	 * We adopt the lock with its marker intact: if we die too, the next
	 * writer finds the same marker and redoes this (it is idempotent).
	 * The dead writer had put its index in place before swapping the
	 * ref. Did the swap happen? Then bring the work tree (and any entry
	 * still old) forward; else take the index entries back.
	 */
	if (git_oid_fromstr(&old_id, old_hex) < 0 || git_oid_fromstr(&new_id, new_hex) < 0)
		goto rollback;
	if (gs_repo_target_ref(&target, r) < 0 || strcmp(target, ref) ||
	    git_reference_name_to_id(&cur, git, ref) < 0)
		goto rollback;
	forward = git_oid_equal(&cur, &new_id);
	if (!forward && !git_oid_equal(&cur, &old_id))
		goto rollback;
	if (git_commit_lookup(&oc, git, &old_id) < 0 || git_commit_lookup(&nc, git, &new_id) < 0 ||
	    git_commit_tree(&ot, oc) < 0 || git_commit_tree(&nt, nc) < 0 ||
	    git_diff_tree_to_tree(&diff, git, ot, nt, NULL) < 0)
		goto rollback;
	if (index_load(&idx, l) < 0)
		goto rollback;
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const git_index_entry *ie;
		gs_buf wtpath = GS_BUF_INIT, wt = GS_BUF_INIT;
		int wt_old = 0;

		if (d->status != GIT_DELTA_MODIFIED && d->status != GIT_DELTA_ADDED)
			continue;
		if (!forward) {
			ie = git_index_get_bypath(idx, d->new_file.path, 0);
			if (ie && git_oid_equal(&ie->id, &d->new_file.id)) {
				git_index_entry e = *ie;

				if (d->status == GIT_DELTA_ADDED) {
					git_index_remove(idx, d->new_file.path, 0);
					continue;
				}
				git_oid_cpy(&e.id, &d->old_file.id);
				e.mtime.seconds = e.mtime.nanoseconds = 0;
				e.file_size = 0;
				git_index_add(idx, &e);
			}
			continue;
		}
		gs_buf_clear(&content);
		if (read_blob(&content, git, &d->new_file.id, d->new_file.path) < 0)
			continue;
		gs_buf_printf(&wtpath, "%s%s", gs_repo_workdir(r), d->new_file.path);
		if (gs_file_read(&wt, wtpath.ptr, FILE_LIMIT) == 0) {
			git_oid h;

			if (git_odb_hash(&h, wt.ptr, wt.size, GIT_OBJECT_BLOB) == 0 &&
			    git_oid_equal(&h, &d->old_file.id) && d->status == GIT_DELTA_MODIFIED)
				wt_old = 1;
		} else if (d->status == GIT_DELTA_ADDED)
			wt_old = 1;
		if (wt_old)
			gs_file_write_atomic(wtpath.ptr, content.ptr, content.size, 0666);
		ie = git_index_get_bypath(idx, d->new_file.path, 0);
		if ((ie && git_oid_equal(&ie->id, &d->old_file.id)) ||
		    (!ie && d->status == GIT_DELTA_ADDED)) {
			git_index_entry e;

			memset(&e, 0, sizeof(e));
			if (ie)
				e = *ie;
			else
				e.mode = d->new_file.mode;
			e.path = d->new_file.path;
			git_oid_cpy(&e.id, &d->new_file.id);
			e.mtime.seconds = e.mtime.nanoseconds = 0;
			e.file_size = 0;
			git_index_add(idx, &e);
		}
		gs_buf_dispose(&wtpath);
		gs_buf_dispose(&wt);
	}
	if (index_commit(l, idx) < 0)
		goto rollback;
	goto out;
rollback:
	index_lock_rollback(l);
out:
	git_index_free(idx);
	git_diff_free(diff);
	git_tree_free(ot);
	git_tree_free(nt);
	git_commit_free(oc);
	git_commit_free(nc);
	gs_buf_dispose(&content);
	gs_error_clear();
	return error;
}

/* ---------------------------------------------------------------------- */
/* the update                                                             */

static const char *state_name(int state)
{
	switch (state) {
	case GIT_REPOSITORY_STATE_MERGE:
		return "a merge";
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		return "a revert";
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
		return "a cherry-pick";
	case GIT_REPOSITORY_STATE_BISECT:
		return "a bisect";
	case GIT_REPOSITORY_STATE_REBASE:
	case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
	case GIT_REPOSITORY_STATE_REBASE_MERGE:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
		return "a rebase";
	default:
		return "another operation";
	}
}

static const char *state_hint(int state)
{
	switch (state) {
	case GIT_REPOSITORY_STATE_MERGE:
		return "finish it with 'git commit' or abort it with 'git merge --abort'";
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		return "finish it with 'git revert --continue' or 'git revert --abort'";
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
		return "finish it with 'git cherry-pick --continue' or 'git cherry-pick --abort'";
	case GIT_REPOSITORY_STATE_BISECT:
		return "end it with 'git bisect reset', or use --ref";
	default:
		return "finish it with 'git rebase --continue' or 'git rebase --abort'";
	}
}

static int check_state(gs_repo *r)
{
	int state = git_repository_state(gs_repo_git(r));

	if (state == GIT_REPOSITORY_STATE_NONE)
		return 0;
	gs_error_set("cannot commit to the checked-out branch while %s is in progress: %s",
		     state_name(state), state_hint(state));
	return GS_ESTATE;
}

/* Outcome of one attempt. */
enum { ATTEMPT_DONE = 0, ATTEMPT_MOVED = 1, ATTEMPT_LOCKED = 2 };

/* ---------------------------------------------------------------------- */
/* the issues directory as raw tree bytes                                 */

/*
 * A 10,000-file issues directory is a 500 KB tree. Two costs dominate an
 * update on it: libgit2 parsing it into a git_tree and rebuilding it with
 * a treebuilder, and deflating the new one. So the store reads the
 * directory's raw tree bytes, splices the changed entries into them, and
 * writes the result as a loose object with zlib level 0 (stored; see
 * odb_stage.c): trees of SHA-1s hardly compress (2:1 at level 1, which
 * cost ~5 ms per update here), `git gc` packs them as usual, and a stored
 * loose object is also the fastest for the next update to read back. Only
 * the small trees above the directory go through git_tree_create_updated.
 */

/* Split raw tree bytes ("<octal mode> <name>\0<20-byte id>"...) into entries. */
static int parse_raw_tree(gs_issue__ent **out, size_t *count, const char *raw, size_t len,
			  const char *what)
{
	const char *p = raw, *end = raw + len;
	size_t n = 0, alloc = 0;
	gs_issue__ent *v = NULL;

	*out = NULL;
	*count = 0;
	while (p < end) {
		unsigned int mode = 0;
		const char *name, *nul;

		while (p < end && *p >= '0' && *p <= '7')
			mode = mode * 8 + (unsigned int)(*p++ - '0');
		if (p >= end || *p != ' ')
			goto bad;
		name = ++p;
		nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul || nul == name || (size_t)(end - nul - 1) < GIT_OID_RAWSZ)
			goto bad;
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 1024;
			gs_issue__ent *nv = realloc(v, na * sizeof(*nv));

			if (!nv) {
				free(v);
				gs_error_set("out of memory");
				return GS_ERROR;
			}
			v = nv;
			alloc = na;
		}
		v[n].name = name;
		v[n].mode = mode;
		git_oid_fromraw(&v[n].oid, (const unsigned char *)nul + 1);
		n++;
		p = nul + 1 + GIT_OID_RAWSZ;
	}
	*out = v;
	*count = n;
	return 0;
bad:
	free(v);
	gs_error_set("cannot read tree '%s': malformed entry", what);
	return GS_ERROR;
}

/* Load the issues directory of the snapshot as raw bytes and entries. */
static int load_dir(gs_txn *t, const char *ref)
{
	const char *dir = gs_repo_issues_dir(t->repo);
	git_tree_entry *e = NULL;
	git_odb *odb = NULL;
	int rc, error = GS_ERROR;

	if (!t->tree)
		return 0;
	rc = git_tree_entry_bypath(&e, t->tree, dir);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return gs_repo_git_error("cannot read '%s'", dir);
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
		gs_error_set("'%s' is not a directory at '%s'", dir, ref);
		goto done;
	}
	git_oid_cpy(&t->dir_oid, git_tree_entry_id(e));
	t->has_dir = 1;
	/*
	 * The entries point into the object's bytes: no 500 KB copy. The
	 * tree the last update wrote is read from its stored blocks (one
	 * copy); any other through libgit2.
	 */
	rc = gs_odb_stage_read_stored(&t->dir_own, &t->dir_size, t->stage, &t->dir_oid,
				      GIT_OBJECT_TREE);
	if (rc == 0) {
		t->dir_ptr = t->dir_own;
	} else if (rc != GS_ENOTFOUND) {
		goto done;
	} else if (git_repository_odb(&odb, t->git) < 0 ||
		   git_odb_read(&t->dir_obj, odb, &t->dir_oid) < 0) {
		error = gs_repo_git_error("cannot read tree '%s'", dir);
		goto done;
	} else {
		t->dir_ptr = git_odb_object_data(t->dir_obj);
		t->dir_size = git_odb_object_size(t->dir_obj);
	}
	error = parse_raw_tree(&t->ents, &t->nents, t->dir_ptr, t->dir_size, dir);
done:
	git_odb_free(odb);
	git_tree_entry_free(e);
	return error;
}

/* git's tree order: names compare bytewise, a directory as if it ended in '/'. */
static int tree_cmp(const char *a, unsigned int ma, const char *b, unsigned int mb)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	int c = memcmp(a, b, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = la > n ? (unsigned char)a[n] : (ma == GIT_FILEMODE_TREE ? '/' : 0);
	cb = lb > n ? (unsigned char)b[n] : (mb == GIT_FILEMODE_TREE ? '/' : 0);
	return ca < cb ? -1 : ca > cb;
}

static int put_entry(gs_buf *out, unsigned int mode, const char *name, const git_oid *oid)
{
	if (gs_buf_printf(out, "%o %s", mode, name) < 0 || gs_buf_putc(out, '\0') < 0)
		return GS_ERROR;
	return gs_buf_put(out, oid->id, GIT_OID_RAWSZ);
}

static int upd_cmp(const void *a, const void *b)
{
	const gs_issue__ent *x = a, *y = b;

	return tree_cmp(x->name, x->mode, y->name, y->mode);
}

/*
 * Write blobs, the issues directory, the trees above it and the commit
 * for the registered edits. *changed stays 0 when nothing changed.
 */
static int write_commit(git_oid *commit, int *changed, gs_txn *t, const char *message,
			const git_signature *author, const git_signature *committer)
{
	size_t dirlen = strlen(gs_repo_issues_dir(t->repo)), nupd = 0, nv = 0, i, j;
	size_t *eoff = NULL;
	struct iovec *v = NULL;
	gs_buf ents = GS_BUF_INIT;
	gs_issue__ent *upd = NULL;
	git_tree *empty = NULL, *new_tree = NULL;
	git_treebuilder *tb = NULL;
	git_tree_update root_upd;
	git_oid tree_id;
	int error = GS_ERROR;
	const git_commit *parents[1];

	*changed = 0;
	upd = calloc(t->nfiles + 1, sizeof(*upd));
	if (!upd) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	for (i = 0; i < t->nfiles; i++) {
		struct txn_file *f = &t->files[i];

		f->changed = 0;
		if (!f->exists)
			continue;
		if (git_blob_create_from_buffer(&f->new_oid, t->git, f->content.ptr, f->content.size) < 0) {
			error = gs_repo_git_error("cannot write '%s'", f->path);
			goto done;
		}
		if (f->existed && git_oid_equal(&f->new_oid, &f->old_oid))
			continue;
		f->changed = 1;
		upd[nupd].name = f->path + dirlen + 1;
		upd[nupd].mode = (unsigned int)f->mode;
		git_oid_cpy(&upd[nupd].oid, &f->new_oid);
		nupd++;
	}
	if (!nupd) {
		error = 0;
		goto done;
	}
	/*
	 * splice the updates into the directory's entries, keeping git's
	 * order: unchanged entries stay runs of the old tree's bytes, the new
	 * entries are formatted into `ents` first (eoff[j] is where entry j
	 * starts, eoff[nupd] the end); v[0] is left for the object header
	 */
	qsort(upd, nupd, sizeof(*upd), upd_cmp);
	v = calloc(2 * nupd + 2, sizeof(*v));
	eoff = calloc(nupd + 1, sizeof(*eoff));
	if (!v || !eoff) {
		gs_error_set("out of memory");
		goto done;
	}
	for (j = 0; j < nupd; j++) {
		eoff[j] = ents.size;
		if (put_entry(&ents, upd[j].mode, upd[j].name, &upd[j].oid) < 0)
			goto done;
	}
	eoff[nupd] = ents.size;
	{
		const char *run = t->dir_ptr, *pos = t->dir_ptr;

		for (i = 0, j = 0; i < t->nents || j < nupd;) {
			int c = i == t->nents ? 1 : j == nupd ? -1 :
				tree_cmp(t->ents[i].name, t->ents[i].mode, upd[j].name, upd[j].mode);

			if (c < 0) {
				pos = t->ents[i].name + strlen(t->ents[i].name) + 1 + GIT_OID_RAWSZ;
				i++;
				continue;
			}
			v[++nv].iov_base = (void *)(uintptr_t)run;
			v[nv].iov_len = (size_t)(pos - run);
			v[++nv].iov_base = ents.ptr + eoff[j];
			v[nv].iov_len = eoff[j + 1] - eoff[j];
			if (c == 0) /* replaced: skip the old entry */
				pos = t->ents[i].name + strlen(t->ents[i].name) + 1 + GIT_OID_RAWSZ, i++;
			run = pos;
			j++;
		}
		v[++nv].iov_base = (void *)(uintptr_t)run;
		v[nv].iov_len = (size_t)(t->dir_ptr + t->dir_size - run);
	}
	/* stored (level 0): trees of SHA-1s hardly compress, see load_dir */
	error = gs_odb_stage_writev(&t->new_dir_oid, t->stage, GIT_OBJECT_TREE, v, nv + 1);
	if (error < 0) {
		gs_error_prefix("cannot write tree '%s'", gs_repo_issues_dir(t->repo));
		goto done;
	}
	error = GS_ERROR;
	if (!t->tree) {
		/* an orphan commit: start from the empty tree */
		if (git_treebuilder_new(&tb, t->git, NULL) < 0 || git_treebuilder_write(&tree_id, tb) < 0 ||
		    git_tree_lookup(&empty, t->git, &tree_id) < 0) {
			error = gs_repo_git_error("cannot write the empty tree");
			goto done;
		}
	}
	memset(&root_upd, 0, sizeof(root_upd));
	root_upd.action = GIT_TREE_UPDATE_UPSERT;
	root_upd.filemode = GIT_FILEMODE_TREE;
	root_upd.path = gs_repo_issues_dir(t->repo);
	git_oid_cpy(&root_upd.id, &t->new_dir_oid);
	if (git_tree_create_updated(&tree_id, t->git, t->tree ? t->tree : empty, 1, &root_upd) < 0) {
		error = gs_repo_git_error("cannot write tree");
		goto done;
	}
	if (t->tree && git_oid_equal(&tree_id, git_tree_id(t->tree))) {
		error = 0;
		goto done;
	}
	if (git_tree_lookup(&new_tree, t->git, &tree_id) < 0) {
		error = gs_repo_git_error("cannot read the new tree");
		goto done;
	}
	parents[0] = t->base;
	if (git_commit_create(commit, t->git, NULL, author, committer, NULL, message, new_tree,
			      t->base ? 1 : 0, parents) < 0) {
		error = gs_repo_git_error("cannot write commit");
		goto done;
	}
	*changed = 1;
	error = 0;
done:
	git_tree_free(new_tree);
	git_tree_free(empty);
	git_treebuilder_free(tb);
	free(upd);
	free(v);
	free(eoff);
	gs_buf_dispose(&ents);
	return error;
}

/* Move `ref` from the snapshot's commit to `commit` (compare-and-swap). */
static int move_ref(gs_txn *t, const char *ref, const git_oid *commit, const char *message)
{
	git_reference *out = NULL;
	gs_buf log = GS_BUF_INIT;
	const char *nl = strchr(message, '\n');
	int rc;

	gs_buf_printf(&log, "%s: %.*s", t->base ? "commit" : "commit (initial)",
		      nl ? (int)(nl - message) : (int)strlen(message), message);
	if (t->base)
		rc = git_reference_create_matching(&out, t->git, ref, commit, 1, git_commit_id(t->base),
						   log.ptr);
	else
		rc = git_reference_create(&out, t->git, ref, commit, 0, log.ptr);
	gs_buf_dispose(&log);
	git_reference_free(out);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
		return ATTEMPT_MOVED;
	if (rc == GIT_ELOCKED) {
		/*
		 * libgit2 says only "failed to lock file": name it and the way
		 * out, as for the index, when it is the ref's own lock (it may
		 * be packed-refs.lock, or a per-worktree ref's).
		 */
		gs_buf lock = GS_BUF_INIT;

		if (gs_buf_printf(&lock, "%s%s.lock", git_repository_commondir(t->git), ref) == 0 &&
		    access(lock.ptr, F_OK) == 0)
			gs_error_set("cannot lock '%s': '%s' exists; another git process seems to be "
				     "running (if not, remove the file)", ref, lock.ptr);
		else
			gs_repo_git_error("cannot lock '%s'", ref);
		gs_buf_dispose(&lock);
		return ATTEMPT_LOCKED;
	}
	if (rc < 0)
		return gs_repo_git_error("cannot update '%s'", ref);
	return ATTEMPT_DONE;
}

/* Read the snapshot: the ref's commit and tree (none while unborn). */
static int snapshot(gs_txn *t, const char *ref)
{
	git_oid id;
	int rc = git_reference_name_to_id(&id, t->git, ref);

	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return gs_repo_git_error("cannot read '%s'", ref);
	if (git_commit_lookup(&t->base, t->git, &id) < 0)
		return gs_repo_git_error("'%s' does not point to a commit", ref);
	if (git_commit_tree(&t->tree, t->base) < 0)
		return gs_repo_git_error("cannot read the tree of '%s'", ref);
	return load_dir(t, ref);
}

/* ATTEMPT_DONE when `ref` still points where the snapshot saw it. */
static int ref_unmoved(gs_txn *t, const char *ref)
{
	git_oid id;
	int rc = git_reference_name_to_id(&id, t->git, ref);

	if (rc == GIT_ENOTFOUND)
		return t->base ? ATTEMPT_MOVED : ATTEMPT_DONE;
	if (rc < 0)
		return gs_repo_git_error("cannot read '%s'", ref);
	return t->base && git_oid_equal(&id, git_commit_id(t->base)) ? ATTEMPT_DONE : ATTEMPT_MOVED;
}

static int attempt_once(gs_store_result *out, gs_txn *t, const char *ref, int is_head,
			const char *message, gs_store_txn_fn fn, void *payload)
{
	const git_signature *author, *committer;
	git_signature *a = NULL, *c = NULL;
	struct index_lock lock = INDEX_LOCK_INIT;
	struct local_plan *plans = NULL;
	git_index *idx = NULL;
	gs_buf old_blob = GS_BUF_INIT, raw_bytes = GS_BUF_INIT, index_tail = GS_BUF_INIT;
	gs_buf own_message = GS_BUF_INIT;
	gs_rawindex rix;
	struct staged sg;
	git_oid commit;
	int changed = 0, error, rc, use_raw = 0, had_index = 0;

	memset(&commit, 0, sizeof(commit));
	memset(&rix, 0, sizeof(rix));
	gs_odb_stage_begin(t->stage);
	if (is_head) {
		error = check_state(t->repo);
		if (error < 0)
			goto done;
	}
	error = snapshot(t, ref);
	if (error < 0)
		goto done;
	t->message = message;
	error = fn(t, payload);
	if (error < 0)
		goto done;
	message = commit_message(&own_message, t, t->message ? t->message : "");
	error = gs_store_signature(&a, &c, t->repo);
	if (error < 0)
		goto done;
	author = a;
	committer = c;
	error = write_commit(&commit, &changed, t, message, author, committer);
	if (error < 0)
		goto done;
	if (!changed) {
		out->changed = 0;
		error = ATTEMPT_DONE;
		goto done;
	}
	if (!*message) {
		gs_error_set("no commit message given");
		error = GS_EUSAGE;
		goto done;
	}
	/* the objects are on disk before anything names them, and before index.lock */
	error = gs_odb_stage_flush(t->stage);
	if (error < 0)
		goto done;
	if (is_head) {
		/*
		 * index.lock is taken only now, after the slow part, so git
		 * commands of the user find it free most of the time; what we
		 * read before is still valid if the ref has not moved.
		 */
		error = index_lock_take(&lock, t->repo);
		if (error == GS_ELOCKED) {
			error = ATTEMPT_LOCKED;
			goto done;
		}
		if (error < 0)
			goto done;
		error = check_state(t->repo);
		if (error < 0)
			goto done;
		rc = ref_unmoved(t, ref);
		if (rc != ATTEMPT_DONE) {
			error = rc;
			goto done;
		}
		/* edit the index file in place when we can (fast), else through libgit2 */
		rc = gs_file_read(&raw_bytes, lock.index_path.ptr, (size_t)1 << 31);
		had_index = rc == 0;
		if (rc == 0)
			rc = gs_rawindex__parse(&rix, raw_bytes.ptr, raw_bytes.size);
		else if (rc == GS_ENOTFOUND)
			rc = GS_RAWINDEX_UNSUPPORTED;
		if (rc < 0) {
			error = rc;
			goto done;
		}
		use_raw = rc == 0;
		if (!use_raw && (error = index_load(&idx, &lock)) < 0)
			goto done;
		plans = calloc(t->nfiles + 1, sizeof(*plans));
		if (!plans) {
			gs_error_set("out of memory");
			error = GS_ERROR;
			goto done;
		}
		for (size_t i = 0; i < t->nfiles; i++) {
			struct txn_file *f = &t->files[i];

			gs_buf_init(&plans[i].index_content);
			gs_buf_init(&plans[i].wt_content);
			if (!f->changed)
				continue;
			gs_buf_clear(&old_blob);
			if (f->existed && read_blob(&old_blob, t->git, &f->old_oid, f->path) < 0) {
				error = GS_ERROR;
				goto done;
			}
			if (use_raw)
				staged_raw(&sg, &rix, f->path);
			else
				staged_git(&sg, idx, f->path);
			error = plan_local(&plans[i], t, &sg, f, &old_blob);
			if (error < 0)
				goto done;
		}
		if (use_raw && !raw_supported(t, &rix, plans)) {
			use_raw = 0;
			if ((error = index_load(&idx, &lock)) < 0)
				goto done;
		}
		/* blobs of staged edits (plan_local) */
		error = gs_odb_stage_flush(t->stage);
		if (error < 0)
			goto done;
		index_lock_mark(&lock, ref, gs_txn_base(t), &commit);
		/*
		 * The new index goes in place before the ref moves: `git
		 * commit` reads HEAD and then the index without holding
		 * index.lock, so an index that lagged behind the ref could be
		 * committed on top of it and revert this update. Until the
		 * swap succeeds, git cannot commit (we hold index.lock), and
		 * a failed swap puts the old index back. The entries are
		 * smudged (size 0): git compares their contents once.
		 */
		if (use_raw) {
			error = stage_raw(&index_tail, t, &rix, plans);
			if (error == GS_EPARSE && (error = index_load(&idx, &lock)) == 0)
				use_raw = 0; /* a cache-tree we cannot read: libgit2 rewrites it */
			else if (error == 0)
				error = raw_install(&lock, rix.data, rix.ext_start, &index_tail);
		}
		if (error == 0 && !use_raw) {
			error = stage_git(t, idx, plans);
			if (error == 0)
				error = git_install(&lock, idx);
		}
		if (error < 0) {
			if (raw_restore(&lock, had_index, &raw_bytes, &rix) < 0)
				gs_error_prefix("the index may hold an uncommitted update");
			goto done;
		}
	}
	rc = move_ref(t, ref, &commit, message);
	if (rc != ATTEMPT_DONE) {
		if (is_head && raw_restore(&lock, had_index, &raw_bytes, &rix) < 0) {
			gs_error_prefix("cannot restore the index after a failed update of '%s'", ref);
			error = GS_ERROR;
			goto done;
		}
		error = rc;
		goto done;
	}
	git_oid_cpy(&out->commit, &commit);
	out->changed = 1;
	if (is_head) {
		/* the commit is made; from here on errors leave it in place and say so */
		error = write_worktree(t, plans);
		index_release(&lock);
		if (error < 0) {
			gs_error_prefix("committed %s to '%s', but the work tree did not follow",
					git_oid_tostr_s(&commit), ref);
			goto done;
		}
	}
	error = ATTEMPT_DONE;
done:
	gs_odb_stage_end(t->stage);
	index_lock_rollback(&lock);
	index_lock_dispose(&lock);
	plan_dispose(plans, t->nfiles);
	git_index_free(idx);
	gs_rawindex__dispose(&rix);
	gs_buf_dispose(&raw_bytes);
	gs_buf_dispose(&index_tail);
	gs_buf_dispose(&own_message);
	git_signature_free(a);
	git_signature_free(c);
	gs_buf_dispose(&old_blob);
	return error;
}

/*
 * Remove the private files of writers that died: $GIT_COMMON_DIR/stats/
 * index.tmp.<pid> and index.lock.<pid>. Called with store.lock held, so
 * no live writer (of any worktree) owns any of them.
 */
static void sweep_temps(gs_repo *r)
{
	gs_buf dir = GS_BUF_INIT, path = GS_BUF_INIT;
	struct dirent *de;
	DIR *d;

	if (gs_buf_printf(&dir, "%sstats", gs_repo_commondir(r)) < 0)
		goto done;
	d = opendir(dir.ptr);
	if (!d)
		goto done;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "index.tmp.", 10) && strncmp(de->d_name, "index.lock.", 11))
			continue;
		gs_buf_clear(&path);
		if (gs_buf_printf(&path, "%s/%s", dir.ptr, de->d_name) == 0)
			unlink(path.ptr);
	}
	closedir(d);
done:
	gs_buf_dispose(&dir);
	gs_buf_dispose(&path);
}

/* --------------------------------------------------------------------- */
/* the target ref checked out in another worktree                         */
/* --------------------------------------------------------------------- */

/* Whether the file `dir``name` holds `prefix` + `ref`'s rest, one line ("ref: refs/heads/x"). */
static int file_names(const char *dir, const char *name, const char *prefix, const char *ref)
{
	gs_buf path = GS_BUF_INIT, text = GS_BUF_INIT;
	size_t np = strlen(prefix), n;
	int is = 0;

	if (gs_buf_printf(&path, "%s%s", dir, name) == 0 &&
	    gs_file_read(&text, path.ptr, 4096) == 0 && !strncmp(text.ptr, prefix, np)) {
		n = strcspn(text.ptr + np, "\r\n");
		is = n == strlen(ref) && !strncmp(text.ptr + np, ref, n);
	}
	gs_error_clear();
	gs_buf_dispose(&path);
	gs_buf_dispose(&text);
	return is;
}

/*
 * Whether the worktree with git dir `gitdir` (ending in '/') holds `ref`:
 * its HEAD names it (`head`), or a rebase or bisect that started from it
 * is in progress there. HEAD is detached then, and git moves or returns
 * to the branch at the end, so an update made meanwhile would be lost; git
 * itself counts such a branch as checked out (worktree.c).
 */
static int worktree_holds(const char *gitdir, const char *ref, int head)
{
	const char *branch = !strncmp(ref, "refs/heads/", 11) ? ref + 11 : NULL;

	return (head && file_names(gitdir, "HEAD", "ref: ", ref)) ||
	       file_names(gitdir, "rebase-merge/head-name", "", ref) ||
	       file_names(gitdir, "rebase-apply/head-name", "", ref) ||
	       (branch && file_names(gitdir, "BISECT_START", "", branch));
}

static int refuse_checked_out(const char *ref, const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	gs_error_set("cannot update '%s': it is checked out in worktree '%.*s'; run git stats "
		     "there, or use a dedicated ref (stats.ref)", ref, (int)n, path);
	return GS_ESTATE;
}

/* The main worktree when `r` is a linked one: has it checked out `ref`? */
static int check_main_worktree(gs_repo *r, const char *ref)
{
	const char *common = gs_repo_commondir(r);
	git_repository *mainrepo = NULL;
	int error = 0;

	if (gs_file_same(common, gs_repo_gitdir(r)) || !worktree_holds(common, ref, 1))
		goto done;
	/* a bare main repository has HEAD but nothing checked out */
	if (git_repository_open(&mainrepo, common) < 0)
		git_error_clear();
	else if (!git_repository_is_bare(mainrepo) && git_repository_workdir(mainrepo))
		error = refuse_checked_out(ref, git_repository_workdir(mainrepo));
done:
	git_repository_free(mainrepo);
	return error;
}

/*
 * Refuse to move a ref that another worktree has checked out: that
 * worktree's index and files would stay at the old commit, so its next
 * `git commit` would quietly revert the update (SPEC §5 has index and
 * work tree follow the checked-out branch; only the current one's can be
 * made to). A branch being rebased or bisected in a worktree counts as
 * checked out there, ours included. Costs three failed opens and one
 * opendir(3) of $GIT_COMMON_DIR/worktrees, which does not exist in a
 * repository without linked worktrees; HEAD files are read only when there
 * are some. A worktree whose directory is gone (and that
 * is not locked) has nothing to fall behind and is skipped, as `git
 * worktree prune` would drop it.
 */
static int check_other_worktrees(gs_repo *r, const char *ref)
{
	gs_buf dir = GS_BUF_INIT, path = GS_BUF_INIT;
	git_worktree *wt = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int error = 0;

	/* ours, rebasing or bisecting `ref` with HEAD detached (three absent files, mostly) */
	if (worktree_holds(gs_repo_gitdir(r), ref, 0)) {
		gs_error_set("cannot update '%s': a rebase or bisect of it is in progress in this "
			     "worktree; finish it first (git rebase --continue or --abort, git bisect "
			     "reset)", ref);
		return GS_ESTATE;
	}
	if ((error = gs_buf_printf(&dir, "%sworktrees", gs_repo_commondir(r))) < 0)
		goto done;
	if (!(d = opendir(dir.ptr)))
		goto done; /* no linked worktree, so this is the main one */
	if ((error = check_main_worktree(r, ref)) < 0)
		goto done;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		gs_buf_clear(&path);
		if ((error = gs_buf_printf(&path, "%s/%s/", dir.ptr, de->d_name)) < 0)
			goto done;
		if (!worktree_holds(path.ptr, ref, 1))
			continue;
		if (gs_file_same(path.ptr, gs_repo_gitdir(r)))
			continue; /* ours, HEAD on it: index and work tree follow (is_head) */
		git_worktree_free(wt);
		wt = NULL;
		if (git_worktree_lookup(&wt, gs_repo_git(r), de->d_name) < 0) {
			git_error_clear();
			continue; /* not a worktree git knows */
		}
		if (git_worktree_validate(wt) < 0 && git_worktree_is_locked(NULL, wt) <= 0) {
			git_error_clear();
			continue;
		}
		error = refuse_checked_out(ref, git_worktree_path(wt));
		goto done;
	}
done:
	if (d)
		closedir(d);
	git_worktree_free(wt);
	gs_buf_dispose(&dir);
	gs_buf_dispose(&path);
	return error;
}

int gs_store_update(gs_store_result *out, gs_repo *r, const char *message, gs_store_txn_fn fn,
		    void *payload)
{
	gs_txn t;
	const char *ref;
	int lock_fd = -1, is_head, error;
	unsigned int moved = 0, locked = 0;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	t.repo = r;
	t.git = gs_repo_git(r);
	error = gs_repo_target_ref(&ref, r);
	if (error < 0)
		return error;
	is_head = gs_repo_target_is_head(r);
	if (is_head < 0)
		return is_head;
	error = check_other_worktrees(r, ref);
	if (error < 0)
		return error;
	error = gs_odb_stage_get(&t.stage, t.git, gs_repo__stage_slot(r));
	if (error < 0)
		return error;
	error = writer_lock(&lock_fd, r);
	if (error < 0)
		return error;
	sweep_temps(r);
	if (is_head) {
		struct index_lock l = INDEX_LOCK_INIT;

		recover_stale(r, &l);
		index_lock_dispose(&l);
	}
	for (t.attempt = 1; t.attempt <= GS_STORE_MAX_ATTEMPTS; t.attempt++) {
		out->attempts = t.attempt;
		error = attempt_once(out, &t, ref, is_head, message, fn, payload);
		txn_reset(&t);
		if (error <= 0)
			goto done;
		if (error == ATTEMPT_MOVED)
			moved++;
		else
			locked++;
		backoff(t.attempt);
	}
	if (locked > moved) {
		gs_error_prefix("cannot update '%s' after %u attempts", ref, GS_STORE_MAX_ATTEMPTS);
		error = GS_ELOCKED;
	} else {
		gs_error_set("cannot update '%s': ref moved %u times while updating (%u lock waits); "
			     "giving up after %u attempts", ref, moved, locked, GS_STORE_MAX_ATTEMPTS);
		error = GS_ECONFLICT;
	}
done:
	if (error < 0)
		memset(&out->commit, 0, sizeof(out->commit)), out->changed = out->changed && error >= 0;
	if (lock_fd >= 0)
		close(lock_fd);
	return error;
}
