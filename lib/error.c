/*
 * Thread-local last error, as libgit2's git_error_last(): the library never
 * prints, it leaves one line here for the binary to show.
 */
#include "gs/common.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[2048];

void gs_error_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

void gs_error_prefix(const char *fmt, ...)
{
	char prefix[512], old[sizeof(last_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, last_error, sizeof(old));
	/* Truncation is acceptable: the message is for humans, one line. */
	if (old[0]) {
		size_t n = strlen(prefix);

		memcpy(last_error, prefix, n);
		memcpy(last_error + n, ": ", 2);
		n += 2;
		memcpy(last_error + n, old, sizeof(last_error) - n - 1);
		last_error[sizeof(last_error) - 1] = '\0';
	} else
		memcpy(last_error, prefix, sizeof(prefix));
}

const char *gs_error_last(void)
{
	return last_error[0] ? last_error : "unknown error";
}

void gs_error_clear(void)
{
	last_error[0] = '\0';
}
