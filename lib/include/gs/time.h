/*
 * Time in UTC milliseconds since the epoch: ISO 8601 parsing and
 * formatting, the injectable clock (GIT_STATS_NOW), and report windows
 * (SPEC §8). Nothing here looks at the local time zone.
 */
#ifndef GS_TIME_H
#define GS_TIME_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_MS_PER_DAY 86400000LL

/*
 * The current time. GIT_STATS_NOW (ISO 8601 or @<epoch seconds>) replaces
 * the clock so tests and demos never depend on the date; an unparsable
 * GIT_STATS_NOW is ignored in favour of the real clock.
 */
int64_t gs_time_now_ms(void);

/*
 * Parse `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff...]]` with `T` or a space,
 * followed by `Z`, `±HH:MM`, `±HHMM` or nothing (UTC), or `@<epoch
 * seconds>`. GS_EPARSE on anything else (the message quotes the text).
 */
int gs_time_parse(int64_t *out_ms, const char *text);

/* Format as `2026-03-15T12:00:00Z`; milliseconds are shown only when nonzero
 * and `with_ms` is set. `out` must hold GS_TIME_BUFSZ bytes. */
#define GS_TIME_BUFSZ 32
void gs_time_format(char *out, int64_t ms, int with_ms);

/* `2026-03-15` of the UTC day containing `ms`. */
void gs_time_format_day(char *out, int64_t ms);

/* Start (00:00:00 UTC) of the day containing `ms`. */
int64_t gs_time_day_start(int64_t ms);

/*
 * A report window: the half-open interval [start_ms, end_ms) in UTC.
 * Specs: `all`, `today`, `<N>d` (the last N days including today),
 * `YYYY-MM-DD` (that day), `YYYY-MM-DD..YYYY-MM-DD` (both days included).
 */
typedef struct {
	int64_t start_ms; /* INT64_MIN for `all` */
	int64_t end_ms;   /* INT64_MAX for `all` */
	char spec[48];    /* the spec as given, for output */
} gs_window;

/* GS_EUSAGE with a message naming the spec when it is malformed. */
int gs_window_parse(gs_window *out, const char *spec, int64_t now_ms);
int gs_window_contains(const gs_window *w, int64_t ms);

#ifdef __cplusplus
}
#endif

#endif
