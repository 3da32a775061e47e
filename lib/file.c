/*
 * Whole-file reads and crash-safe replacement of files the user owns:
 * a reader sees the old bytes or the new bytes, never a mix.
 */
#define _POSIX_C_SOURCE 200809L
#include "gs/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int gs_file_read(gs_buf *out, const char *path, size_t limit)
{
	struct stat st;
	int fd, error = GS_ERROR;
	size_t start = out->size;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		gs_error_set("cannot open '%s': %s", path, strerror(errno));
		return errno == ENOENT ? GS_ENOTFOUND : GS_ERROR;
	}
	if (fstat(fd, &st) < 0) {
		gs_error_set("cannot stat '%s': %s", path, strerror(errno));
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		gs_error_set("cannot read '%s': is a directory", path);
		goto done;
	}
	if (st.st_size > 0 && (uint64_t)st.st_size > limit) {
		gs_error_set("cannot read '%s': larger than %zu bytes", path, limit);
		error = GS_ETOOBIG;
		goto done;
	}
	/* room for the whole file at once: growing by halves copied a 1 MB index eight times */
	if (st.st_size > 0 && gs_buf_grow(out, (size_t)st.st_size + 65536) < 0)
		goto done;
	for (;;) {
		ssize_t n;

		if (gs_buf_grow(out, 65536) < 0)
			goto done;
		n = read(fd, out->ptr + out->size, out->asize - out->size - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			gs_error_set("cannot read '%s': %s", path, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		out->size += (size_t)n;
		out->ptr[out->size] = '\0';
		if (out->size - start > limit) {
			gs_error_set("cannot read '%s': larger than %zu bytes", path, limit);
			error = GS_ETOOBIG;
			goto done;
		}
	}
	error = 0;
done:
	if (error < 0)
		gs_buf_truncate(out, start);
	close(fd);
	return error;
}

int gs_file_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return GS_ERROR;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int gs_file_write_atomic(const char *path, const void *data, size_t len, unsigned int mode)
{
	gs_buf tmp = GS_BUF_INIT, dir = GS_BUF_INIT;
	struct stat st;
	const char *slash;
	int fd = -1, dfd, error = GS_ERROR;
	mode_t want;

	if (stat(path, &st) == 0)
		want = st.st_mode & 07777;
	else {
		mode_t mask = umask(0);

		umask(mask);
		want = (mode_t)mode & ~mask;
	}

	slash = strrchr(path, '/');
	if (gs_buf_put(&dir, path, slash ? (size_t)(slash - path) + 1 : 0) < 0 ||
	    gs_buf_printf(&tmp, "%s.%s.gs-tmp-XXXXXX", dir.ptr, slash ? slash + 1 : path) < 0)
		goto done;
	if (dir.size == 0 && gs_buf_puts(&dir, ".") < 0)
		goto done;

	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		gs_error_set("cannot create temporary file beside '%s': %s", path, strerror(errno));
		goto done;
	}
	if (gs_file_write_all(fd, data, len) < 0 || fchmod(fd, want) < 0 || fsync(fd) < 0) {
		gs_error_set("cannot write '%s': %s", tmp.ptr, strerror(errno));
		goto done;
	}
	if (close(fd) < 0) {
		fd = -1;
		gs_error_set("cannot write '%s': %s", tmp.ptr, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.ptr, path) < 0) {
		gs_error_set("cannot replace '%s': %s", path, strerror(errno));
		goto done;
	}
	gs_buf_clear(&tmp);
	/* The rename is durable only once the directory entry is on disk. */
	dfd = open(dir.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	error = 0;
done:
	if (fd >= 0)
		close(fd);
	if (tmp.size)
		unlink(tmp.ptr);
	gs_buf_dispose(&tmp);
	gs_buf_dispose(&dir);
	return error;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void gs_file_names_free(char **names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int gs_file_list_dir(char ***out, size_t *out_count, const char *dir,
		     int (*keep)(const char *name))
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;

	*out = NULL;
	*out_count = 0;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		gs_error_set("cannot read '%s': %s", dir, strerror(errno));
		return GS_ERROR;
	}
	while ((de = readdir(d)) != NULL) {
		if (!keep(de->d_name))
			continue;
		if (n == alloc) {
			char **grown;

			alloc = alloc ? alloc * 2 : 16;
			grown = realloc(names, alloc * sizeof(*names));
			if (!grown)
				goto oom;
			names = grown;
		}
		if (!(names[n] = strdup(de->d_name)))
			goto oom;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*out_count = n;
	return 0;
oom:
	closedir(d);
	gs_file_names_free(names, n);
	gs_error_set("out of memory");
	return GS_ERROR;
}

int gs_file_same(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int gs_file_mkdir_p(const char *path, unsigned int mode)
{
	gs_buf p = GS_BUF_INIT;
	size_t i;
	int error = GS_ERROR;

	if (gs_buf_puts(&p, path) < 0)
		return GS_ERROR;
	for (i = 1; i <= p.size; i++) {
		if (p.ptr[i] != '/' && p.ptr[i] != '\0')
			continue;
		p.ptr[i] = '\0';
		if (mkdir(p.ptr, i == p.size ? (mode_t)mode : 0777) < 0 && errno != EEXIST) {
			gs_error_set("cannot create directory '%s': %s", p.ptr, strerror(errno));
			goto done;
		}
		if (i < p.size)
			p.ptr[i] = '/';
	}
	error = 0;
done:
	gs_buf_dispose(&p);
	return error;
}
