/*
 * Secret redaction and previews (lib/redact.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gs/gs.h"

static void check(const char *in, const char *want, size_t want_count)
{
	gs_buf b = GS_BUF_INIT;
	size_t n = 99;

	assert_int_equal(gs_session_redact(&b, in, strlen(in), &n), 0);
	assert_string_equal(b.ptr, want);
	assert_int_equal(n, want_count);
	gs_buf_dispose(&b);
}

static void test_redact_replaces_each_kind_of_secret(void **state)
{
	(void)state;
	check("key sk-proj-abcdefghij0123456789XYZ end", "key [REDACTED:api-key] end", 1);
	check("sk-ant-api03-abc_DEF-ghi0123456789", "[REDACTED:api-key]", 1);
	check("t=ghp_16C7e42F292c6912E7710c838347Ae178B4a;", "t=[REDACTED:github-token];", 1);
	check("github_pat_11ABCDEFG0123456789_abcdefghij", "[REDACTED:github-token]", 1);
	check("id AKIAIOSFODNN7EXAMPLE.", "id [REDACTED:aws-key].", 1);
	check("xoxp-1234567890-abcdef", "[REDACTED:slack-token]", 1);
	check("Authorization: Bearer abc.def-ghi_jkl", "Authorization: Bearer [REDACTED:bearer]", 1);
	check("authorization: bearer 0123456789", "authorization: bearer [REDACTED:bearer]", 1);
	check("a\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\nz",
	      "a\n[REDACTED:private-key]\nz", 1);
	/* A cut-off key block is redacted to the end. */
	check("-----BEGIN PRIVATE KEY-----\nMIIEvQ", "[REDACTED:private-key]", 1);
}

static void test_redact_leaves_lookalikes_alone(void **state)
{
	(void)state;
	check("task-force-management-rollout-2026", "task-force-management-rollout-2026", 0);
	check("sk-short", "sk-short", 0);
	check("the bearer of bad news", "the bearer of bad news", 0);
	check("-----BEGIN PUBLIC KEY-----\nMFkw", "-----BEGIN PUBLIC KEY-----\nMFkw", 0);
	check("AKIA1234", "AKIA1234", 0);
	check("", "", 0);
}

static void test_preview_redacts_before_cutting(void **state)
{
	gs_buf b = GS_BUF_INIT;
	const char *in = "0123456789 sk-abcdefghijklmnopqrstuvwxyz0123";

	(void)state;
	/* Cut inside the key: no prefix of the key may show. */
	assert_int_equal(gs_session_preview(&b, in, strlen(in), 16), 0);
	assert_null(strstr(b.ptr, "sk-abc"));
	assert_string_equal(b.ptr, "0123456789 [REDA...");
	gs_buf_clear(&b);
	assert_int_equal(gs_session_preview(&b, "a\n\n  b\tc", 8, 80), 0);
	assert_string_equal(b.ptr, "a b c");
	gs_buf_clear(&b);
	/* UTF-8 characters are never split. */
	assert_int_equal(gs_session_preview(&b, "\xc3\xa9\xc3\xa9\xc3\xa9", 6, 2), 0);
	assert_string_equal(b.ptr, "\xc3\xa9\xc3\xa9...");
	gs_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact_replaces_each_kind_of_secret),
		cmocka_unit_test(test_redact_leaves_lookalikes_alone),
		cmocka_unit_test(test_preview_redacts_before_cutting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
