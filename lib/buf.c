/*
 * gs_buf: the one growable buffer (git's strbuf, libgit2's git_buf).
 */
#include "gs/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char gs_buf__empty[1] = "";

void gs_buf_init(gs_buf *b)
{
	b->ptr = (char *)gs_buf__empty;
	b->size = 0;
	b->asize = 0;
}

int gs_buf_grow(gs_buf *b, size_t extra)
{
	size_t need, nsize;
	char *p;

	if (extra > SIZE_MAX - b->size - 1) {
		gs_error_set("out of memory: buffer size overflow");
		return GS_ERROR;
	}
	need = b->size + extra + 1;
	if (need <= b->asize)
		return 0;
	nsize = b->asize ? b->asize : 64;
	while (nsize < need)
		nsize = nsize > SIZE_MAX / 2 ? need : nsize + nsize / 2 + 64;
	p = realloc(b->asize ? b->ptr : NULL, nsize);
	if (!p) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	if (!b->asize)
		p[0] = '\0';
	b->ptr = p;
	b->asize = nsize;
	return 0;
}

int gs_buf_put(gs_buf *b, const void *data, size_t len)
{
	if (gs_buf_grow(b, len) < 0)
		return GS_ERROR;
	if (len)
		memmove(b->ptr + b->size, data, len);
	b->size += len;
	b->ptr[b->size] = '\0';
	return 0;
}

int gs_buf_puts(gs_buf *b, const char *s)
{
	return gs_buf_put(b, s, strlen(s));
}

int gs_buf_putc(gs_buf *b, char c)
{
	return gs_buf_put(b, &c, 1);
}

int gs_buf_put_eol(gs_buf *b, const char *data, size_t len, const char *eol)
{
	size_t i, start = 0;

	if (!strcmp(eol, "\n") && !memchr(data, '\r', len))
		return gs_buf_put(b, data, len); /* the common case: nothing to change */
	for (i = 0; i < len; i++) {
		size_t end = i;

		if (data[i] != '\n')
			continue;
		if (end > start && data[end - 1] == '\r')
			end--;
		if (gs_buf_put(b, data + start, end - start) < 0 || gs_buf_puts(b, eol) < 0)
			return GS_ERROR;
		start = i + 1;
	}
	return gs_buf_put(b, data + start, len - start);
}

int gs_buf_vprintf(gs_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		gs_error_set("cannot format string");
		return GS_ERROR;
	}
	if (gs_buf_grow(b, (size_t)n) < 0)
		return GS_ERROR;
	vsnprintf(b->ptr + b->size, (size_t)n + 1, fmt, ap);
	b->size += (size_t)n;
	return 0;
}

int gs_buf_printf(gs_buf *b, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = gs_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return error;
}

int gs_buf_splice(gs_buf *b, size_t off, size_t len, const void *data, size_t dlen)
{
	if (off > b->size || len > b->size - off) {
		gs_error_set("buffer splice out of range");
		return GS_ERROR;
	}
	if (dlen > len && gs_buf_grow(b, dlen - len) < 0)
		return GS_ERROR;
	if (!b->asize) /* empty static buffer and nothing to insert */
		return 0;
	memmove(b->ptr + off + dlen, b->ptr + off + len, b->size - off - len + 1);
	if (dlen)
		memcpy(b->ptr + off, data, dlen);
	b->size = b->size - len + dlen;
	return 0;
}

int gs_buf_set(gs_buf *b, const void *data, size_t len)
{
	gs_buf_clear(b);
	return gs_buf_put(b, data, len);
}

void gs_buf_truncate(gs_buf *b, size_t len)
{
	if (len < b->size) {
		b->size = len;
		b->ptr[len] = '\0';
	}
}

void gs_buf_clear(gs_buf *b)
{
	gs_buf_truncate(b, 0);
}

char *gs_buf_detach(gs_buf *b)
{
	char *p = b->asize ? b->ptr : calloc(1, 1);

	gs_buf_init(b);
	return p;
}

void gs_buf_dispose(gs_buf *b)
{
	if (b->asize)
		free(b->ptr);
	gs_buf_init(b);
}
