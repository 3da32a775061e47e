/*
 * libFuzzer target for session logs and redaction. The input is used
 * (1) as text to redact and preview: a second redaction pass must find
 * nothing, and a preview never exceeds its length; (2) as the existing
 * content of an events.jsonl: readers must not crash on it, and an event
 * appended after it must always read back intact as the last event.
 */
#include "gs/gs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "invariant failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                 \
		}                                                                \
	} while (0)

static char sdir[64];
static char id[GS_SESSION_ID_BUFSZ];

struct last {
	int64_t seq;
	int type;
	size_t n;
};

static int last_cb(const gs_session_event *ev, void *payload)
{
	struct last *l = payload;

	l->seq = ev->seq;
	l->type = (int)ev->type;
	l->n++;
	return 0;
}

static void setup(void)
{
	char tmpl[] = "/tmp/gs-fuzz-session-XXXXXX";

	if (!mkdtemp(tmpl))
		abort();
	snprintf(sdir, sizeof(sdir), "%s/sessions", tmpl);
	if (gs_session_create(id, sdir, NULL) < 0)
		abort();
	setenv("GIT_STATS_NOW", "2026-03-15T12:00:00Z", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	gs_buf a = GS_BUF_INIT, b = GS_BUF_INIT, path = GS_BUF_INIT;
	struct last l = { -1, -1, 0 };
	cJSON *meta = NULL, *d;
	size_t n = 0;
	int64_t seq = 0;
	FILE *f;

	if (!sdir[0])
		setup();

	CHECK(gs_session_redact(&a, text, size, NULL) == 0);
	CHECK(gs_session_redact(&b, a.ptr, a.size, &n) == 0);
	CHECK(n == 0);
	gs_buf_clear(&b);
	CHECK(gs_session_preview(&b, text, size, 40) == 0);
	CHECK(b.size <= 40 * 4 + 3 + 40);

	gs_buf_printf(&path, "%s/%s/events.jsonl", sdir, id);
	f = fopen(path.ptr, "wb");
	CHECK(f != NULL);
	fwrite(data, 1, size, f);
	fclose(f);
	gs_buf_clear(&path);
	gs_buf_printf(&path, "%s/%s/metadata.json", sdir, id);
	unlink(path.ptr);
	if (gs_session_metadata_load(&meta, sdir, id) == 0)
		cJSON_Delete(meta);
	d = cJSON_Parse("{\"tool\":\"fuzz\"}");
	if (gs_session_append(&seq, NULL, NULL, sdir, id, GS_SESSION_EV_TOOL, d) == 0) {
		CHECK(gs_session_read(sdir, id, GS_SESSION_EV_ALL, last_cb, &l, NULL, NULL) == 0);
		CHECK(l.seq == seq);
		CHECK(l.type == GS_SESSION_EV_TOOL);
	}
	cJSON_Delete(d);
	gs_buf_dispose(&a);
	gs_buf_dispose(&b);
	gs_buf_dispose(&path);
	return 0;
}
