/*
 * Runs: the in-memory model, the run block format (readable markdown plus
 * one machine-readable comment line) and its parser, and exact totals.
 * Durations are summed in milliseconds and costs in nano-dollars so that
 * totals re-derived from blocks in any order match to the last digit.
 */
#include "gs/run.h"
#include "gs/report.h"
#include "gs/time.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUN_MARK "<!-- git-stats:run "

void gs_run_init(gs_run *run)
{
	memset(run, 0, sizeof(*run));
	run->started_at_ms = INT64_MIN;
}

void gs_run_dispose(gs_run *run)
{
	size_t i;

	if (!run)
		return;
	free(run->run_id);
	free(run->issue);
	free(run->model);
	free(run->provider);
	free(run->session_id);
	for (i = 0; i < run->model_count; i++)
		free(run->models[i].model);
	free(run->models);
	gs_run_init(run);
}

void gs_run_free_array(gs_run *runs, size_t n)
{
	size_t i;

	for (i = 0; runs && i < n; i++)
		gs_run_dispose(&runs[i]);
	free(runs);
}

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	if (!(*dst = strdup(src))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	return 0;
}

int gs_run_copy(gs_run *dst, const gs_run *src)
{
	size_t i;

	*dst = *src;
	dst->run_id = dst->issue = dst->model = dst->provider = dst->session_id = NULL;
	dst->models = NULL;
	dst->model_count = 0;
	if (dup_str(&dst->run_id, src->run_id) < 0 || dup_str(&dst->issue, src->issue) < 0 ||
	    dup_str(&dst->model, src->model) < 0 || dup_str(&dst->provider, src->provider) < 0 ||
	    dup_str(&dst->session_id, src->session_id) < 0)
		goto oom;
	if (src->model_count) {
		dst->models = calloc(src->model_count, sizeof(*dst->models));
		if (!dst->models)
			goto oom;
		for (i = 0; i < src->model_count; i++) {
			dst->models[i] = src->models[i];
			dst->model_count = i + 1;
			if (dup_str(&dst->models[i].model, src->models[i].model) < 0)
				goto oom;
		}
	}
	return 0;
oom:
	gs_run_dispose(dst);
	gs_error_set("out of memory");
	return GS_ERROR;
}

int64_t gs_run_duration_ms(const gs_run *run)
{
	return llround(run->duration_seconds * 1000.0);
}

int64_t gs_run_cost_nanos(const gs_run *run)
{
	return llround(run->cost_usd * 1e9);
}

/* `v / 10^digits` as the shortest exact decimal ("1.5", "65", "0.0421"). */
static int fmt_fixed(gs_buf *out, int64_t v, int digits, int64_t scale)
{
	char frac[16];
	int len;

	if (gs_buf_printf(out, "%s%lld", v < 0 ? "-" : "", (long long)(llabs(v) / scale)) < 0)
		return GS_ERROR;
	len = snprintf(frac, sizeof(frac), "%0*lld", digits, (long long)(llabs(v) % scale));
	while (len > 0 && frac[len - 1] == '0')
		len--;
	if (len > 0 && (gs_buf_putc(out, '.') < 0 || gs_buf_put(out, frac, (size_t)len) < 0))
		return GS_ERROR;
	return 0;
}

int gs_run_fmt_seconds(gs_buf *out, int64_t ms)
{
	return fmt_fixed(out, ms, 3, 1000);
}

int gs_run_fmt_usd(gs_buf *out, int64_t nanos)
{
	return fmt_fixed(out, nanos, 9, 1000000000);
}

int gs_run_parse_usd(int64_t *nanos, const char *text)
{
	const char *p = text;
	int64_t whole = 0, frac = 0;
	int digits = 0, any = 0, round_up = 0;

	if (!text)
		goto bad;
	while (isdigit((unsigned char)*p)) {
		if (whole > (INT64_MAX / 1000000000 - 9) / 10)
			goto bad;
		whole = whole * 10 + (*p++ - '0');
		any = 1;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (digits < 9) {
				frac = frac * 10 + (*p - '0');
				digits++;
			} else if (digits == 9) {
				round_up = *p >= '5';
				digits++;
			}
			p++;
			any = 1;
		}
	}
	if (!any)
		goto bad;
	if (*p == 'e' || *p == 'E') {
		/* exponent notation: fall back to a double, rounded to nano-dollars */
		char *end;
		double v;
		errno = 0;
		v = strtod(text, &end);
		if (*end || errno || !isfinite(v) || v < 0 || v > GS_RUN_MAX_COST)
			goto bad;
		*nanos = llround(v * 1e9);
		return 0;
	}
	if (*p)
		goto bad;
	for (; digits < 9; digits++)
		frac *= 10;
	*nanos = whole * 1000000000 + frac + round_up;
	return 0;
bad:
	gs_error_set("'%s' is not a non-negative dollar amount", text ? text : "");
	return GS_EPARSE;
}

int gs_run_id_generate(char *out)
{
	unsigned char rnd[4] = { 0 };
	uint64_t ms;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	struct timespec ts;

	/* Without /dev/urandom the clock's nanoseconds and the pid still keep
	 * ids of concurrent processes apart. */
	if (fd < 0 || read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)) {
		uint32_t x;
		clock_gettime(CLOCK_REALTIME, &ts);
		x = (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 16);
		memcpy(rnd, &x, sizeof(rnd));
	}
	if (fd >= 0)
		close(fd);
	/* The real clock rather than GIT_STATS_NOW: tests pin the clock, and
	 * ids must still differ between records. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	snprintf(out, GS_RUN_ID_BUFSZ, "run_%012llx%02x%02x%02x%02x",
		 (unsigned long long)(ms & 0xffffffffffffULL), rnd[0], rnd[1], rnd[2], rnd[3]);
	return 0;
}

int gs_run_id_check(const char *id)
{
	size_t i, n = id ? strlen(id) : 0;

	if (!n || n > 128 || id[0] == '.')
		goto bad;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];
		if (!isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-')
			goto bad;
	}
	return 0;
bad:
	gs_error_set("invalid run id '%s': expected 1 to 128 characters of A-Z a-z 0-9 . _ : -",
		     id ? id : "");
	return GS_EUSAGE;
}

static int text_ok(const char *s, const char *field)
{
	const unsigned char *p;

	if (!s)
		return 0;
	if (strlen(s) > 256) {
		gs_error_set("'%s' is longer than 256 bytes", field);
		return GS_EUSAGE;
	}
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			gs_error_set("'%s' contains a control character", field);
			return GS_EUSAGE;
		}
	return 0;
}

static int count_ok(int64_t v, const char *field)
{
	if (v < 0 || v > GS_RUN_MAX_COUNT) {
		gs_error_set("'%s' must be an integer from 0 to %lld, got %lld", field,
			     (long long)GS_RUN_MAX_COUNT, (long long)v);
		return GS_EUSAGE;
	}
	return 0;
}

int gs_run_validate(const gs_run *run)
{
	size_t i;

	if (!run->run_id) {
		gs_error_set("run has no run id");
		return GS_EUSAGE;
	}
	if (gs_run_id_check(run->run_id) < 0 || text_ok(run->model, "model") < 0 ||
	    text_ok(run->provider, "provider") < 0 || text_ok(run->session_id, "session_id") < 0 ||
	    count_ok(run->input_tokens, "input_tokens") < 0 ||
	    count_ok(run->output_tokens, "output_tokens") < 0 ||
	    count_ok(run->cache_read_tokens, "cache_read_tokens") < 0 ||
	    count_ok(run->cache_write_tokens, "cache_write_tokens") < 0 ||
	    count_ok(run->cache_write_1h_tokens, "cache_write_1h_tokens") < 0 ||
	    count_ok(run->iterations, "iterations") < 0 ||
	    count_ok(run->context_size, "context_size") < 0)
		return GS_EUSAGE;
	if (run->cache_write_1h_tokens > run->cache_write_tokens) {
		gs_error_set("'cache_write_1h_tokens' (%lld) exceeds 'cache_write_tokens' (%lld)",
			     (long long)run->cache_write_1h_tokens, (long long)run->cache_write_tokens);
		return GS_EUSAGE;
	}
	if (!isfinite(run->duration_seconds) || run->duration_seconds < 0 ||
	    run->duration_seconds > 1e12) {
		gs_error_set("'duration_seconds' must be a non-negative number of seconds");
		return GS_EUSAGE;
	}
	if (run->cost_known && (!isfinite(run->cost_usd) || run->cost_usd < 0 ||
				  run->cost_usd > GS_RUN_MAX_COST)) {
		gs_error_set("'cost_usd' must be a non-negative number of dollars");
		return GS_EUSAGE;
	}
	if (run->started_at_ms == INT64_MIN) {
		gs_error_set("run '%s' has no start time", run->run_id);
		return GS_EUSAGE;
	}
	for (i = 0; i < run->model_count; i++)
		if (text_ok(run->models[i].model, "models.model") < 0)
			return GS_EUSAGE;
	return 0;
}

/* --- the block ----------------------------------------------------------- */

static int add_raw_i64(cJSON *o, const char *key, int64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	return cJSON_AddRawToObject(o, key, num) ? 0 : GS_ERROR;
}

static int add_raw_fixed(cJSON *o, const char *key, int64_t v, int is_usd)
{
	gs_buf b = GS_BUF_INIT;
	int error = is_usd ? gs_run_fmt_usd(&b, v) : gs_run_fmt_seconds(&b, v);

	if (!error && !cJSON_AddRawToObject(o, key, b.ptr))
		error = GS_ERROR;
	gs_buf_dispose(&b);
	return error;
}

static int add_cost(cJSON *o, int known, double usd)
{
	if (!known)
		return cJSON_AddNullToObject(o, "cost_usd") ? 0 : GS_ERROR;
	return add_raw_fixed(o, "cost_usd", llround(usd * 1e9), 1);
}

int gs_run_json_format(gs_buf *out, const gs_run *run)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	char when[GS_TIME_BUFSZ];
	char *text = NULL, *p;
	size_t i;
	int error = GS_ERROR;

	if (!o)
		goto done;
	gs_time_format(when, run->started_at_ms, 1);
	if (!cJSON_AddStringToObject(o, "run_id", run->run_id ? run->run_id : "") ||
	    !cJSON_AddStringToObject(o, "started_at", when) ||
	    !(run->model ? cJSON_AddStringToObject(o, "model", run->model)
			 : cJSON_AddNullToObject(o, "model")) ||
	    !cJSON_AddStringToObject(o, "provider", run->provider ? run->provider : "unknown") ||
	    add_raw_i64(o, "input_tokens", run->input_tokens) < 0 ||
	    add_raw_i64(o, "cache_read_tokens", run->cache_read_tokens) < 0 ||
	    add_raw_i64(o, "cache_write_tokens", run->cache_write_tokens) < 0 ||
	    (run->cache_write_1h_tokens &&
	     add_raw_i64(o, "cache_write_1h_tokens", run->cache_write_1h_tokens) < 0) ||
	    add_raw_i64(o, "output_tokens", run->output_tokens) < 0 ||
	    add_raw_fixed(o, "duration_seconds", gs_run_duration_ms(run), 0) < 0 ||
	    add_raw_i64(o, "iterations", run->iterations) < 0 ||
	    add_raw_i64(o, "context_size", run->context_size) < 0 ||
	    add_cost(o, run->cost_known, run->cost_usd) < 0 ||
	    (run->session_id && !cJSON_AddStringToObject(o, "session_id", run->session_id)))
		goto done;
	if (run->model_count) {
		if (!(arr = cJSON_AddArrayToObject(o, "models")))
			goto done;
		for (i = 0; i < run->model_count; i++) {
			const gs_run_model *m = &run->models[i];
			cJSON *mo = cJSON_CreateObject();
			if (!mo)
				goto done;
			cJSON_AddItemToArray(arr, mo);
			if (!cJSON_AddStringToObject(mo, "model", m->model ? m->model : "") ||
			    add_raw_i64(mo, "input_tokens", m->input_tokens) < 0 ||
			    add_raw_i64(mo, "cache_read_tokens", m->cache_read_tokens) < 0 ||
			    add_raw_i64(mo, "cache_write_tokens", m->cache_write_tokens) < 0 ||
			    add_raw_i64(mo, "output_tokens", m->output_tokens) < 0 ||
			    add_cost(mo, m->cost_known, m->cost_usd) < 0)
				goto done;
		}
	}
	if (!(text = cJSON_PrintUnformatted(o)))
		goto done;
	/* "-->" would end the HTML comment: write its '-' as a JSON escape. */
	for (p = text; *p; p++) {
		if (p[0] == '-' && p[1] == '-' && p[2] == '>') {
			if (gs_buf_put(out, "-\\u002d", 7) < 0)
				goto done;
			p++;
			continue;
		}
		if (gs_buf_putc(out, *p) < 0)
			goto done;
	}
	error = 0;
done:
	if (error)
		gs_error_set("out of memory");
	free(text);
	cJSON_Delete(o);
	return error;
}

/* A table cell or heading text: '|' escaped, markdown kept inert enough. */
static int put_cell_text(gs_buf *out, const char *s)
{
	for (; *s; s++) {
		if ((*s == '|' || *s == '<' || *s == '*' || *s == '_' || *s == '`') &&
		    gs_buf_putc(out, '\\') < 0)
			return GS_ERROR;
		if (gs_buf_putc(out, *s) < 0)
			return GS_ERROR;
	}
	return 0;
}

static int put_human_usd(gs_buf *out, const gs_run *run)
{
	int64_t cents4; /* 1/10000 dollar */

	if (!run->cost_known)
		return gs_buf_puts(out, "unknown");
	cents4 = llround(run->cost_usd * 1e4);
	if (cents4 == 0 && run->cost_usd > 0)
		return gs_buf_puts(out, "<$0.0001");
	if (gs_buf_putc(out, '$') < 0 || gs_report_fmt_int(out, cents4 / 10000) < 0)
		return GS_ERROR;
	return gs_buf_printf(out, ".%04lld", (long long)(cents4 % 10000));
}

int gs_run_block_format(gs_buf *out, const gs_run *run)
{
	char when[GS_TIME_BUFSZ];

	gs_time_format(when, run->started_at_ms, 0);
	/* "2026-03-15T12:00:00Z" -> "2026-03-15 12:00 UTC" */
	if (gs_buf_printf(out, "\n### Run %.10s %.5s UTC \xc2\xb7 ", when, when + 11) < 0 ||
	    put_cell_text(out, run->model ? run->model : "unknown model") < 0 ||
	    gs_buf_puts(out, "\n" RUN_MARK) < 0 || gs_run_json_format(out, run) < 0 ||
	    gs_buf_puts(out, " -->\n\n| duration | iterations | input | cache read | cache write | "
			     "output | cost |\n|---:|---:|---:|---:|---:|---:|---:|\n| ") < 0 ||
	    gs_report_fmt_duration(out, gs_run_duration_ms(run)) < 0 ||
	    gs_buf_puts(out, " | ") < 0 || gs_report_fmt_int(out, run->iterations) < 0 ||
	    gs_buf_puts(out, " | ") < 0 || gs_report_fmt_int(out, run->input_tokens) < 0 ||
	    gs_buf_puts(out, " | ") < 0 || gs_report_fmt_int(out, run->cache_read_tokens) < 0 ||
	    gs_buf_puts(out, " | ") < 0 || gs_report_fmt_int(out, run->cache_write_tokens) < 0 ||
	    gs_buf_puts(out, " | ") < 0 || gs_report_fmt_int(out, run->output_tokens) < 0 ||
	    gs_buf_puts(out, " | ") < 0 || put_human_usd(out, run) < 0 ||
	    gs_buf_puts(out, " |\n") < 0) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	return 0;
}

/* --- parsing blocks ------------------------------------------------------ */

static int json_count(int64_t *out, const cJSON *o, const char *key, int required, size_t line)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	double d;

	if (!v) {
		if (!required) {
			*out = 0;
			return 0;
		}
		gs_error_set("malformed run block at line %zu: missing '%s'", line, key);
		return GS_EPARSE;
	}
	d = cJSON_IsNumber(v) ? v->valuedouble : -1;
	/* + 1: blocks written while the bound was 2^53 inclusive stay readable */
	if (d < 0 || d > (double)GS_RUN_MAX_COUNT + 1 || d != floor(d)) {
		gs_error_set("malformed run block at line %zu: '%s' is not a non-negative integer",
			     line, key);
		return GS_EPARSE;
	}
	*out = (int64_t)d;
	return 0;
}

static int json_cost(double *usd, int *known, const cJSON *o, size_t line)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "cost_usd");

	*known = 0;
	*usd = 0;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || !isfinite(v->valuedouble)) {
		gs_error_set("malformed run block at line %zu: 'cost_usd' is not a number", line);
		return GS_EPARSE;
	}
	*usd = (double)llround(v->valuedouble * 1e9) / 1e9;
	*known = 1;
	return 0;
}

static int json_str(char **out, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (!cJSON_IsString(v))
		return 0;
	return dup_str(out, v->valuestring);
}

int gs_run_parse_json(gs_run *run, const char *json, size_t len, size_t line)
{
	cJSON *o = NULL, *models, *m;
	const cJSON *v;
	int error = GS_EPARSE;
	double d;

	gs_run_init(run);
	if (gs_json_parse(&o, NULL, json, len) < 0) {
		gs_error_prefix("malformed run block at line %zu", line);
		goto done;
	}
	if (!cJSON_IsObject(o)) {
		gs_error_set("malformed run block at line %zu: the comment is not a JSON object", line);
		goto done;
	}
	if ((error = json_str(&run->run_id, o, "run_id")) < 0 ||
	    (error = json_str(&run->model, o, "model")) < 0 ||
	    (error = json_str(&run->provider, o, "provider")) < 0 ||
	    (error = json_str(&run->session_id, o, "session_id")) < 0)
		goto done;
	error = GS_EPARSE;
	if (!run->run_id || !*run->run_id) {
		gs_error_set("malformed run block at line %zu: missing 'run_id'", line);
		goto done;
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "started_at");
	if (!cJSON_IsString(v) || gs_time_parse(&run->started_at_ms, v->valuestring) < 0) {
		gs_error_set("malformed run block at line %zu: 'started_at' is not an ISO 8601 time",
			     line);
		goto done;
	}
	if ((error = json_count(&run->input_tokens, o, "input_tokens", 1, line)) < 0 ||
	    (error = json_count(&run->output_tokens, o, "output_tokens", 1, line)) < 0 ||
	    (error = json_count(&run->cache_read_tokens, o, "cache_read_tokens", 0, line)) < 0 ||
	    (error = json_count(&run->cache_write_tokens, o, "cache_write_tokens", 0, line)) < 0 ||
	    (error = json_count(&run->cache_write_1h_tokens, o, "cache_write_1h_tokens", 0, line)) <
		    0 ||
	    (error = json_count(&run->iterations, o, "iterations", 0, line)) < 0 ||
	    (error = json_count(&run->context_size, o, "context_size", 0, line)) < 0 ||
	    (error = json_cost(&run->cost_usd, &run->cost_known, o, line)) < 0)
		goto done;
	error = GS_EPARSE;
	v = cJSON_GetObjectItemCaseSensitive(o, "duration_seconds");
	d = cJSON_IsNumber(v) ? v->valuedouble : (v ? -1 : 0);
	if (!(d >= 0) || !isfinite(d)) {
		gs_error_set("malformed run block at line %zu: 'duration_seconds' is not a number",
			     line);
		goto done;
	}
	run->duration_seconds = (double)llround(d * 1000.0) / 1000.0;
	models = cJSON_GetObjectItemCaseSensitive(o, "models");
	if (cJSON_IsArray(models) && cJSON_GetArraySize(models) > 0) {
		run->models = calloc((size_t)cJSON_GetArraySize(models), sizeof(*run->models));
		if (!run->models) {
			error = GS_ERROR;
			gs_error_set("out of memory");
			goto done;
		}
		cJSON_ArrayForEach(m, models)
		{
			gs_run_model *rm = &run->models[run->model_count++];
			if ((error = json_str(&rm->model, m, "model")) < 0 ||
			    (error = json_count(&rm->input_tokens, m, "input_tokens", 0, line)) < 0 ||
			    (error = json_count(&rm->output_tokens, m, "output_tokens", 0, line)) < 0 ||
			    (error = json_count(&rm->cache_read_tokens, m, "cache_read_tokens", 0,
						line)) < 0 ||
			    (error = json_count(&rm->cache_write_tokens, m, "cache_write_tokens", 0,
						line)) < 0 ||
			    (error = json_cost(&rm->cost_usd, &rm->cost_known, m, line)) < 0)
				goto done;
		}
	}
	error = 0;
done:
	if (error)
		gs_run_dispose(run);
	cJSON_Delete(o);
	return error;
}

int gs_run_in_fence(char *state, const char *line, size_t len)
{
	size_t i = 0;
	char c;

	while (i < len && i < 3 && line[i] == ' ')
		i++;
	c = i + 3 <= len && (line[i] == '`' || line[i] == '~') && line[i + 1] == line[i] &&
			    line[i + 2] == line[i]
		    ? line[i]
		    : 0;
	if (*state) {
		if (c == *state)
			*state = 0; /* the closing fence is still part of the block */
		return 1;
	}
	*state = c;
	return c != 0;
}

int gs_run_is_heading(const char *line, size_t len)
{
	const size_t hl = sizeof(GS_RUN_HEADING) - 1;

	if (len < hl || memcmp(line, GS_RUN_HEADING, hl))
		return 0;
	for (size_t i = hl; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n')
			return 0;
	return 1;
}

int gs_run_parse_body(gs_run **runs, size_t *n, const char *text, size_t len)
{
	gs_run *arr = NULL;
	size_t count = 0, alloc = 0, line = 1;
	const char *p = text, *end = text + len;
	const size_t mlen = sizeof(RUN_MARK) - 1;
	int error = 0;
	char fence = 0;

	*runs = NULL;
	*n = 0;
	/* A UTF-8 BOM belongs to the file, not to its first line. */
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		const char *q = le;

		if (!gs_run_in_fence(&fence, p, (size_t)(le - p)) && (size_t)(le - p) >= mlen &&
		    !memcmp(p, RUN_MARK, mlen)) {
			while (q > p && (q[-1] == '\r' || q[-1] == ' ' || q[-1] == '\t'))
				q--;
			if (q - p < (ptrdiff_t)(mlen + 3) || memcmp(q - 3, "-->", 3)) {
				gs_error_set("malformed run block at line %zu: the comment does not "
					     "end with '-->' on the same line",
					     line);
				error = GS_EPARSE;
				goto done;
			}
			if (count == alloc) {
				size_t na = alloc ? alloc * 2 : 8;
				gs_run *grown = realloc(arr, na * sizeof(*grown));
				if (!grown) {
					gs_error_set("out of memory");
					error = GS_ERROR;
					goto done;
				}
				arr = grown;
				alloc = na;
			}
			if ((error = gs_run_parse_json(&arr[count], p + mlen,
						      (size_t)(q - 3 - (p + mlen)), line)) < 0)
				goto done;
			count++;
		}
		line++;
		p = eol ? eol + 1 : end;
	}
done:
	if (error) {
		gs_run_free_array(arr, count);
		return error;
	}
	*runs = arr;
	*n = count;
	return 0;
}

/* --- totals -------------------------------------------------------------- */

void gs_run_totals_init(gs_run_totals *t)
{
	memset(t, 0, sizeof(*t));
	t->last_run_at_ms = INT64_MIN;
}

static int add_i64(int64_t *acc, int64_t v, const char *key)
{
	int64_t r;

	if (__builtin_add_overflow(*acc, v, &r) || r < 0) {
		gs_error_set("'%s' would pass %lld", key, (long long)INT64_MAX);
		return GS_EOVERFLOW;
	}
	*acc = r;
	return 0;
}

int gs_run_totals_add(gs_run_totals *t, const gs_run *run)
{
	gs_run_totals n = *t;
	int64_t in = run->input_tokens;

	if (add_i64(&in, run->cache_read_tokens, "total_input_tokens") < 0 ||
	    add_i64(&in, run->cache_write_tokens, "total_input_tokens") < 0 ||
	    add_i64(&n.run_count, 1, "run_count") < 0 ||
	    add_i64(&n.input_tokens, in, "total_input_tokens") < 0 ||
	    add_i64(&n.output_tokens, run->output_tokens, "total_output_tokens") < 0 ||
	    add_i64(&n.cache_read_tokens, run->cache_read_tokens, "total_cache_read_tokens") < 0 ||
	    add_i64(&n.cache_write_tokens, run->cache_write_tokens, "total_cache_write_tokens") < 0 ||
	    add_i64(&n.duration_ms, gs_run_duration_ms(run), "total_duration_seconds") < 0 ||
	    add_i64(&n.iterations, run->iterations, "total_iterations") < 0)
		return GS_EOVERFLOW;
	if (run->cost_known) {
		if (add_i64(&n.cost_nanos, gs_run_cost_nanos(run), "total_cost_usd") < 0)
			return GS_EOVERFLOW;
	} else {
		n.unknown_cost_runs++;
	}
	if (run->started_at_ms >= n.last_run_at_ms) {
		n.last_run_at_ms = run->started_at_ms;
		n.last_model = run->model;
	}
	*t = n;
	return 0;
}
