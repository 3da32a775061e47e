/*
 * Shared vocabulary of libgitstats: error codes, the thread-local last
 * error, and the one growable buffer type every module uses.
 */
#ifndef GS_COMMON_H
#define GS_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GS_VERSION_STRING "0.1.0"

/*
 * Error codes. Functions that can fail return 0 or one of these negative
 * values; gs_error_last() then holds a one-line, lowercase message that
 * names its subject (file, key, ref).
 */
typedef enum {
	GS_OK = 0,
	GS_ERROR = -1,      /* generic runtime failure (I/O, libgit2, ...) */
	GS_EUSAGE = -2,     /* the caller asked for something malformed */
	GS_ENOTFOUND = -3,  /* issue, key, ref, session not found */
	GS_EAMBIGUOUS = -4, /* a prefix or id matched more than one thing */
	GS_EPARSE = -5,     /* a file or value does not parse */
	GS_EEXISTS = -6,    /* the thing to create already exists */
	GS_EOVERFLOW = -7,  /* a counter would pass 2^63-1 */
	GS_ECONFLICT = -8,  /* ref contention after all retries */
	GS_ELOCKED = -9,    /* a lock file is held by someone else */
	GS_ESTATE = -10,    /* repository state forbids it (merge, rebase...) */
	GS_ETOOBIG = -11    /* input larger than a stated limit */
} gs_error_code;

/* Set the calling thread's last error message (printf-style). */
void gs_error_set(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* Prepend "<prefix>: " to the current message (adds context on the way up). */
void gs_error_prefix(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* The calling thread's last error message; borrowed, never NULL. */
const char *gs_error_last(void);

/* Forget the last error. */
void gs_error_clear(void);

/*
 * Growable byte buffer. `ptr` is never NULL and always NUL-terminated, so
 * it can be handed to C string functions; `size` excludes the NUL.
 */
typedef struct {
	char *ptr;
	size_t size;
	size_t asize;
} gs_buf;

#define GS_BUF_INIT { (char *)gs_buf__empty, 0, 0 }
extern const char gs_buf__empty[1];

void gs_buf_init(gs_buf *b);
/* Make room for `extra` more bytes; GS_ERROR on overflow or OOM. */
int gs_buf_grow(gs_buf *b, size_t extra);
int gs_buf_put(gs_buf *b, const void *data, size_t len);
int gs_buf_puts(gs_buf *b, const char *s);
int gs_buf_putc(gs_buf *b, char c);
int gs_buf_printf(gs_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
int gs_buf_vprintf(gs_buf *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 0)))
#endif
	;
/*
 * Append `data` with each line end ("\n" or "\r\n") written as `eol`, for
 * text going into a file whose line ends it must take.
 */
int gs_buf_put_eol(gs_buf *b, const char *data, size_t len, const char *eol);
/* Replace [off, off+len) with `data` of `dlen` bytes. */
int gs_buf_splice(gs_buf *b, size_t off, size_t len, const void *data, size_t dlen);
int gs_buf_set(gs_buf *b, const void *data, size_t len);
void gs_buf_truncate(gs_buf *b, size_t len);
void gs_buf_clear(gs_buf *b);
/* Hand the bytes to the caller (free() them); the buffer is reset. */
char *gs_buf_detach(gs_buf *b);
/* Free the contents; the buffer is reset and can be reused. */
void gs_buf_dispose(gs_buf *b);

/*
 * Read a whole file into `out` (appended). Files larger than `limit`
 * bytes give GS_ETOOBIG; a missing file gives GS_ENOTFOUND.
 */
int gs_file_read(gs_buf *out, const char *path, size_t limit);

/*
 * Replace `path` atomically: write a temporary file in the same directory,
 * fsync it, rename it over `path`, fsync the directory. The file mode of an
 * existing `path` is kept; a new file gets `mode` (before umask).
 */
int gs_file_write_atomic(const char *path, const void *data, size_t len, unsigned int mode);

/*
 * Write all `len` bytes of `data` to `fd`, resuming after short writes and
 * EINTR. Returns 0, or GS_ERROR with errno set and no error message: the
 * caller knows which file it was and words the message.
 */
int gs_file_write_all(int fd, const void *data, size_t len);

/*
 * The names of the entries of directory `dir` that `keep` accepts, sorted
 * bytewise; a missing directory has none. `*out` and its strings belong
 * to the caller (gs_file_names_free); NULL when there are none.
 */
int gs_file_list_dir(char ***out, size_t *out_count, const char *dir,
		     int (*keep)(const char *name));
void gs_file_names_free(char **names, size_t count);

/* Whether two paths name the same file or directory, however spelled. */
int gs_file_same(const char *a, const char *b);

/*
 * mkdir -p: create `path` and its missing parents (0777 before umask);
 * `path` itself, when created, gets `mode`. Existing directories are fine.
 */
int gs_file_mkdir_p(const char *path, unsigned int mode);

/*
 * Parse `len` bytes of `text` as exactly one JSON value. Whitespace may
 * surround it; anything else after it (a second value, garbage) is
 * GS_EPARSE, where cJSON alone would quietly ignore the rest. On error
 * the message says what is wrong without naming the input (callers
 * prefix it) and `*err_at`, when asked for, points at the offending byte
 * of `text`. `*out` belongs to the caller (cJSON_Delete).
 */
struct cJSON;
int gs_json_parse(struct cJSON **out, const char **err_at, const char *text, size_t len);

#ifdef __cplusplus
}
#endif

#endif
