/*
 * Who commits and when (SPEC §5): GIT_AUTHOR_* / GIT_COMMITTER_* as git
 * reads them, else user.name / user.email, else git-stats; dates in the
 * formats git accepts. libgit2's git_signature_default reads no
 * environment, hence this file.
 */
#include "gs/store.h"
#include "gs/time.h"

#include <ctype.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse_tz(int *out, const char *s)
{
	int sign, hh, mm;

	if ((s[0] != '+' && s[0] != '-') || !isdigit((unsigned char)s[1]))
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	s++;
	if (strlen(s) == 4 && isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
	    isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1])) {
		hh = (s[0] - '0') * 10 + (s[1] - '0');
		mm = (s[2] - '0') * 10 + (s[3] - '0');
	} else if (strlen(s) == 5 && s[2] == ':' && isdigit((unsigned char)s[0]) &&
		   isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[3]) &&
		   isdigit((unsigned char)s[4])) {
		hh = (s[0] - '0') * 10 + (s[1] - '0');
		mm = (s[3] - '0') * 10 + (s[4] - '0');
	} else if (strlen(s) == 2 && isdigit((unsigned char)s[1])) {
		hh = (s[0] - '0') * 10 + (s[1] - '0');
		mm = 0;
	} else
		return -1;
	if (hh > 14 || mm > 59)
		return -1;
	*out = sign * (hh * 60 + mm);
	return 0;
}

static int parse_epoch(int64_t *out, const char *s, const char **end)
{
	int64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	*out = v;
	*end = p;
	return 0;
}

static int parse_rfc2822(int64_t *epoch, int *offset, const char *s)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char mon[4], tz[8], iso[40];
	int day, year, hh, mi, ss = 0, m, consumed = 0;
	int64_t ms;

	if (isalpha((unsigned char)s[0])) {
		const char *comma = strchr(s, ',');

		if (!comma)
			return -1;
		s = comma + 1;
	}
	if (sscanf(s, " %d %3s %d %d:%d:%d %7s%n", &day, mon, &year, &hh, &mi, &ss, tz, &consumed) != 7 ||
	    s[consumed])
		return -1;
	for (m = 0; m < 12; m++)
		if (!strncasecmp(mon, months + 3 * m, 3))
			break;
	if (m == 12 || parse_tz(offset, tz) < 0)
		return -1;
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", year, m + 1, day, hh, mi, ss);
	if (gs_time_parse(&ms, iso) < 0)
		return -1;
	*epoch = ms / 1000 - (int64_t)*offset * 60;
	return 0;
}

int gs_store_parse_date(int64_t *epoch, int *offset_min, const char *text)
{
	const char *p = text, *end;
	char iso[64];
	int64_t ms;
	size_t n;

	*offset_min = 0;
	while (isspace((unsigned char)*p))
		p++;
	/* "@<epoch> [tz]" and git's raw "<epoch> <tz>" */
	if ((*p == '@' && parse_epoch(epoch, p + 1, &end) == 0) ||
	    (parse_epoch(epoch, p, &end) == 0 && *end == ' ' && end - p >= 8)) {
		while (*end == ' ')
			end++;
		if (!*end || parse_tz(offset_min, end) == 0)
			return 0;
	}
	if (parse_rfc2822(epoch, offset_min, p) == 0)
		return 0;
	/* ISO 8601; git also writes the zone after a space */
	n = strlen(p);
	if (n >= sizeof(iso))
		goto bad;
	memcpy(iso, p, n + 1);
	while (n && iso[n - 1] == ' ')
		iso[--n] = '\0';
	if (n > 6 && iso[n - 6] == ' ' && parse_tz(offset_min, iso + n - 5) == 0) {
		iso[n - 6] = '\0';
		if (gs_time_parse(&ms, iso) < 0)
			goto bad;
		*epoch = ms / 1000 - (int64_t)*offset_min * 60;
		return 0;
	}
	if (gs_time_parse(&ms, iso) < 0)
		goto bad;
	*epoch = ms / 1000;
	/* keep the zone the text named, for the commit header */
	if (n > 6 && (iso[n - 6] == '+' || iso[n - 6] == '-') && iso[n - 3] == ':')
		parse_tz(offset_min, iso + n - 6);
	else if (n > 5 && (iso[n - 5] == '+' || iso[n - 5] == '-') && strchr(iso, 'T'))
		parse_tz(offset_min, iso + n - 5);
	return 0;
bad:
	gs_error_set("cannot parse date '%s'", text);
	return GS_EPARSE;
}

static int make_signature(git_signature **out, gs_repo *r, const char *who)
{
	char key[32];
	const char *env_name, *env_email, *env_date;
	char *conf_name = NULL, *conf_email = NULL;
	const char *name, *email;
	int64_t when;
	int offset = 0, error = GS_ERROR;

	snprintf(key, sizeof(key), "GIT_%s_NAME", who);
	env_name = getenv(key);
	snprintf(key, sizeof(key), "GIT_%s_EMAIL", who);
	env_email = getenv(key);
	snprintf(key, sizeof(key), "GIT_%s_DATE", who);
	env_date = getenv(key);

	name = env_name;
	if (!name || !*name) {
		if (gs_repo_config_str(&conf_name, r, "user.name") == 0 && *conf_name)
			name = conf_name;
		else
			name = "git-stats";
	}
	email = env_email;
	if (!email || !*email) {
		if (gs_repo_config_str(&conf_email, r, "user.email") == 0 && *conf_email)
			email = conf_email;
		else
			email = "git-stats@localhost";
	}
	if (env_date && *env_date) {
		error = gs_store_parse_date(&when, &offset, env_date);
		if (error < 0) {
			gs_error_prefix("GIT_%s_DATE", who);
			goto done;
		}
	} else {
		time_t now = time(NULL);
		struct tm tm;

		when = (int64_t)now;
		if (localtime_r(&now, &tm))
			offset = (int)(tm.tm_gmtoff / 60);
	}
	if (git_signature_new(out, name, email, (git_time_t)when, offset) < 0) {
		error = gs_repo_git_error("invalid identity '%s <%s>'", name, email);
		goto done;
	}
	error = 0;
done:
	free(conf_name);
	free(conf_email);
	return error;
}

int gs_store_signature(git_signature **author, git_signature **committer, gs_repo *r)
{
	int error;

	*author = *committer = NULL;
	error = make_signature(author, r, "AUTHOR");
	if (error < 0)
		return error;
	error = make_signature(committer, r, "COMMITTER");
	if (error < 0) {
		git_signature_free(*author);
		*author = NULL;
	}
	return error;
}

