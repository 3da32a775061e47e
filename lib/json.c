/*
 * Whole-document JSON parsing: cJSON stops at the end of the first value
 * and ignores whatever follows, so input given to us has to be checked
 * for a second value or garbage after it.
 */
#include "gs/common.h"

#include <cjson/cJSON.h>
#include <string.h>

/* How much of `p` to quote in a message: at most 20 bytes, one line. */
static int quote_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && q - p < 20 && *q != '\n' && *q != '\r' && *q)
		q++;
	return (int)(q - p);
}

int gs_json_parse(struct cJSON **out, const char **err_at, const char *text, size_t len)
{
	const char *end = text + len, *at = NULL;
	cJSON *o;

	*out = NULL;
	if (err_at)
		*err_at = NULL;
	o = cJSON_ParseWithLengthOpts(text, len, &at, 0);
	if (!o) {
		const char *p;

		if (!at || at < text || at > end)
			at = end;
		for (p = at; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n');)
			p++;
		if (p == end)
			gs_error_set("not valid JSON: it ends too early");
		else
			gs_error_set("not valid JSON near '%.*s'", quote_len(at, end), at);
		goto fail;
	}
	while (at < end && (*at == ' ' || *at == '\t' || *at == '\r' || *at == '\n'))
		at++;
	if (at < end) {
		cJSON_Delete(o);
		gs_error_set("unexpected text after the JSON value: '%.*s'", quote_len(at, end), at);
		goto fail;
	}
	*out = o;
	return 0;
fail:
	if (err_at)
		*err_at = at;
	return GS_EPARSE;
}
