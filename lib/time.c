/*
 * UTC calendar arithmetic without the C library's time-zone machinery
 * (timegm is not C11, and gmtime_r alone cannot parse), using Howard
 * Hinnant's days-from-civil algorithm.
 */
#include "gs/time.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int days_in_month(int64_t y, int64_t m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

/* Read exactly `n` digits. */
static int digits(int64_t *out, const char **p, int n)
{
	int64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int parse_date(int64_t *days, const char **p)
{
	int64_t y, m, d;

	if (digits(&y, p, 4) < 0 || *(*p)++ != '-' || digits(&m, p, 2) < 0 ||
	    *(*p)++ != '-' || digits(&d, p, 2) < 0)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

int gs_time_parse(int64_t *out_ms, const char *text)
{
	const char *p = text;
	int64_t days, hh = 0, mm = 0, ss = 0, ms = 0, off = 0;

	if (!text)
		goto bad;
	if (*p == '@') {
		char *end;
		long long v;

		if (!isdigit((unsigned char)p[1]))
			goto bad;
		v = strtoll(p + 1, &end, 10);
		if (*end || v > INT64_MAX / 1000)
			goto bad;
		*out_ms = (int64_t)v * 1000;
		return 0;
	}
	if (parse_date(&days, &p) < 0)
		goto bad;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&hh, &p, 2) < 0 || *p++ != ':' || digits(&mm, &p, 2) < 0)
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&ss, &p, 2) < 0)
				goto bad;
			if (*p == '.' || *p == ',') {
				int64_t scale = 100;

				p++;
				if (!isdigit((unsigned char)*p))
					goto bad;
				for (; isdigit((unsigned char)*p); p++) {
					ms += (*p - '0') * scale;
					scale /= 10;
				}
			}
		}
		if (hh > 23 || mm > 59 || ss > 60)
			goto bad;
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1;
			int64_t oh, om;

			if (digits(&oh, &p, 2) < 0)
				goto bad;
			if (*p == ':')
				p++;
			if (digits(&om, &p, 2) < 0 || oh > 23 || om > 59)
				goto bad;
			off = sign * (oh * 60 + om);
		}
	}
	if (*p)
		goto bad;
	*out_ms = ((days * 24 + hh) * 60 + mm - off) * 60000 + ss * 1000 + ms;
	return 0;
bad:
	gs_error_set("invalid time '%s': expected ISO 8601 such as 2026-03-15T12:00:00Z",
		     text ? text : "");
	return GS_EPARSE;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void gs_time_format(char *out, int64_t ms, int with_ms)
{
	int64_t days = floor_div(ms, GS_MS_PER_DAY), rem = ms - days * GS_MS_PER_DAY;
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	if (with_ms && rem % 1000)
		snprintf(out, GS_TIME_BUFSZ, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d,
			 (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
			 (int)(rem % 1000));
	else
		snprintf(out, GS_TIME_BUFSZ, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
			 (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60));
}

void gs_time_format_day(char *out, int64_t ms)
{
	int y, m, d;

	civil_from_days(floor_div(ms, GS_MS_PER_DAY), &y, &m, &d);
	snprintf(out, GS_TIME_BUFSZ, "%04d-%02d-%02d", y, m, d);
}

int64_t gs_time_day_start(int64_t ms)
{
	return floor_div(ms, GS_MS_PER_DAY) * GS_MS_PER_DAY;
}

int64_t gs_time_now_ms(void)
{
	const char *env = getenv("GIT_STATS_NOW");
	struct timespec ts;
	int64_t ms;

	if (env && *env && gs_time_parse(&ms, env) == 0)
		return ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int gs_window_parse(gs_window *out, const char *spec, int64_t now_ms)
{
	int64_t today = gs_time_day_start(now_ms), a, b;
	const char *p = spec, *dots;

	memset(out, 0, sizeof(*out));
	if (!spec || strlen(spec) >= sizeof(out->spec))
		goto bad;
	memcpy(out->spec, spec, strlen(spec) + 1);
	if (!strcmp(spec, "all")) {
		out->start_ms = INT64_MIN;
		out->end_ms = INT64_MAX;
		return 0;
	}
	if (!strcmp(spec, "today")) {
		out->start_ms = today;
		out->end_ms = today + GS_MS_PER_DAY;
		return 0;
	}
	if (isdigit((unsigned char)*p) && spec[strlen(spec) - 1] == 'd' && !strchr(spec, '-')) {
		char *end;
		long n = strtol(spec, &end, 10);

		if (*end != 'd' || end[1] || n < 1 || n > 100000)
			goto bad;
		out->start_ms = today - (n - 1) * GS_MS_PER_DAY;
		out->end_ms = today + GS_MS_PER_DAY;
		return 0;
	}
	dots = strstr(spec, "..");
	if (parse_date(&a, &p) < 0)
		goto bad;
	if (dots) {
		if (p != dots)
			goto bad;
		p += 2;
		if (parse_date(&b, &p) < 0 || *p || b < a)
			goto bad;
	} else {
		if (*p)
			goto bad;
		b = a;
	}
	out->start_ms = a * GS_MS_PER_DAY;
	out->end_ms = (b + 1) * GS_MS_PER_DAY;
	return 0;
bad:
	gs_error_set("invalid window '%s': expected today, <N>d, YYYY-MM-DD, "
		     "YYYY-MM-DD..YYYY-MM-DD or all", spec ? spec : "");
	return GS_EUSAGE;
}

int gs_window_contains(const gs_window *w, int64_t ms)
{
	return ms >= w->start_ms && ms < w->end_ms;
}
