/*
 * libFuzzer target: any bytes as an `agents` or `resume_attempts` block.
 * What parses must format to YAML that parses back to the same text
 * (formatting is idempotent), and events applied to it must keep that true.
 *
 * Input: 1 selector byte (block kind, column) and the block bytes.
 */
#include "gs/gs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "invariant failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                     \
		}                                                                    \
	} while (0)

static void agents_round_trip(const gs_agents *a)
{
	gs_buf one = GS_BUF_INIT, two = GS_BUF_INIT;
	gs_agents b;

	CHECK(gs_agents_format(&one, a) == 0);
	CHECK(gs_agents_parse(&b, one.ptr, one.size, 0) == 0);
	CHECK(b.n == a->n);
	CHECK(gs_agents_format(&two, &b) == 0);
	CHECK(one.size == two.size && !memcmp(one.ptr, two.ptr, one.size));
	gs_agents_dispose(&b);
	gs_buf_dispose(&one);
	gs_buf_dispose(&two);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 1;
	size_t len, col;
	gs_agents a;
	gs_resumes r;

	if (size < 1)
		return 0;
	len = size - 1;
	col = data[0] & 7;
	if (data[0] & 8) {
		if (gs_resumes_parse(&r, text, len, col) == 0) {
			gs_buf one = GS_BUF_INIT, two = GS_BUF_INIT;
			gs_resumes b;

			CHECK(gs_resumes_append(&r, "wf", "2026-03-15T12:00:00Z", NULL, 0, NULL) == 0);
			CHECK(gs_resumes_format(&one, &r) == 0);
			CHECK(gs_resumes_parse(&b, one.ptr, one.size, 0) == 0);
			CHECK(b.n == r.n);
			CHECK(gs_resumes_format(&two, &b) == 0);
			CHECK(one.size == two.size && !memcmp(one.ptr, two.ptr, one.size));
			gs_resumes_dispose(&b);
			gs_buf_dispose(&one);
			gs_buf_dispose(&two);
			gs_resumes_dispose(&r);
		}
		return 0;
	}
	if (gs_agents_parse(&a, text, len, col) == 0) {
		gs_attempt_end_opts o = GS_ATTEMPT_END_OPTS_INIT;
		gs_attempt_totals t;
		gs_phases p;

		agents_round_trip(&a);
		gs_agents_totals(&t, &a);
		CHECK(t.agent_count <= a.n);
		CHECK(gs_phases_compute(&p, &a, NULL, NULL) == 0);
		gs_phases_dispose(&p);
		if (gs_agents_start(&a, "fuzz", 1773576000000LL, NULL) == 0) {
			o.end_ms = 1773576001000LL;
			o.success = 1;
			o.checkpoint = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
			CHECK(gs_agents_end(&a, "fuzz", &o) == 0);
			CHECK(gs_agents_find(&a, "fuzz")->status == GS_AGENT_SUCCESS);
			agents_round_trip(&a);
		}
		gs_agents_dispose(&a);
	}
	return 0;
}
