/*
 * Internals shared by session.c (storage) and session_stats.c (readers).
 */
#ifndef GS_SESSION_PRIV_H
#define GS_SESSION_PRIV_H

#include "gs/session.h"

/* Sorted list of the session ids in `sessions_dir` (an empty list when the
 * directory does not exist). Free with gs_session__ids_free. */
int gs_session__ids(char ***out, size_t *out_count, const char *sessions_dir);
void gs_session__ids_free(char **ids, size_t count);

/* Number `key` of `obj` as a double; 0 when absent or not a number. */
double gs_session__num(const cJSON *obj, const char *key);
/* String `key` of `obj`; NULL when absent or not a string. */
const char *gs_session__str(const cJSON *obj, const char *key);

#endif
