/*
 * ISO 8601 parsing/formatting and report windows, pinned to fixed clocks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "gs/gs.h"

static int64_t t(const char *s)
{
	int64_t ms = 0;

	assert_int_equal(gs_time_parse(&ms, s), 0);
	return ms;
}

static void test_time_parse_accepts_iso8601_forms(void **state)
{
	(void)state;
	assert_int_equal(t("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(t("2026-03-15T12:00:00Z"), 1773576000000LL);
	assert_int_equal(t("2026-03-15 12:00:00"), 1773576000000LL);
	assert_int_equal(t("2026-03-15T13:30:00+01:30"), 1773576000000LL);
	assert_int_equal(t("2026-03-15T07:00:00-0500"), 1773576000000LL);
	assert_int_equal(t("2026-03-15T12:00:00.250Z"), 1773576000250LL);
	assert_int_equal(t("2026-03-15"), 1773532800000LL);
	assert_int_equal(t("@1773576000"), 1773576000000LL);
	assert_int_equal(t("2024-02-29T00:00:00Z"), 1709164800000LL);
}

static void test_time_parse_rejects_nonsense(void **state)
{
	static const char *bad[] = { "", "2026", "2026-13-01", "2025-02-29", "2026-03-15T25:00",
				     "2026-03-15Tnoon", "2026-03-15T12:00:00Zjunk", "@", "@12x",
				     "yesterday" };
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(gs_time_parse(&ms, bad[i]), GS_EPARSE);
		assert_non_null(strstr(gs_error_last(), "invalid time"));
	}
}

static void test_time_format_round_trips(void **state)
{
	char buf[GS_TIME_BUFSZ];

	(void)state;
	gs_time_format(buf, 1773576000000LL, 0);
	assert_string_equal(buf, "2026-03-15T12:00:00Z");
	gs_time_format(buf, 1773576000250LL, 1);
	assert_string_equal(buf, "2026-03-15T12:00:00.250Z");
	gs_time_format(buf, -1000, 0);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	gs_time_format_day(buf, 1773576000000LL);
	assert_string_equal(buf, "2026-03-15");
}

static void test_window_edges_are_utc_days(void **state)
{
	int64_t now = t("2026-03-15T12:00:00Z");
	gs_window w;

	(void)state;
	assert_int_equal(gs_window_parse(&w, "today", now), 0);
	assert_true(gs_window_contains(&w, t("2026-03-15T00:00:00Z")));
	assert_true(gs_window_contains(&w, t("2026-03-15T23:59:59Z")));
	assert_false(gs_window_contains(&w, t("2026-03-16T00:00:00Z")));
	assert_false(gs_window_contains(&w, t("2026-03-14T23:59:59Z")));

	assert_int_equal(gs_window_parse(&w, "7d", now), 0);
	assert_true(gs_window_contains(&w, t("2026-03-09T00:00:00Z")));
	assert_false(gs_window_contains(&w, t("2026-03-08T23:59:59Z")));

	assert_int_equal(gs_window_parse(&w, "2026-03-01..2026-03-02", now), 0);
	assert_true(gs_window_contains(&w, t("2026-03-02T23:59:59.999Z")));
	assert_false(gs_window_contains(&w, t("2026-03-03T00:00:00Z")));
	assert_true(gs_window_contains(&w, t("2026-03-01T00:00:00Z")));

	assert_int_equal(gs_window_parse(&w, "2026-03-01", now), 0);
	assert_false(gs_window_contains(&w, t("2026-03-02T00:00:00Z")));

	assert_int_equal(gs_window_parse(&w, "all", now), 0);
	assert_true(gs_window_contains(&w, 0));
}

static void test_window_rejects_malformed_specs(void **state)
{
	static const char *bad[] = { "", "0d", "-3d", "7", "d", "2026-03-05..2026-03-01",
				     "2026-03-01..", "last week", "2026-3-1" };
	gs_window w;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(gs_window_parse(&w, bad[i], 0), GS_EUSAGE);
}

static void test_now_honours_git_stats_now(void **state)
{
	(void)state;
	setenv("GIT_STATS_NOW", "2026-03-15T12:00:00Z", 1);
	assert_int_equal(gs_time_now_ms(), 1773576000000LL);
	unsetenv("GIT_STATS_NOW");
	assert_true(gs_time_now_ms() > 1773576000000LL - 400LL * GS_MS_PER_DAY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse_accepts_iso8601_forms),
		cmocka_unit_test(test_time_parse_rejects_nonsense),
		cmocka_unit_test(test_time_format_round_trips),
		cmocka_unit_test(test_window_edges_are_utc_days),
		cmocka_unit_test(test_window_rejects_malformed_specs),
		cmocka_unit_test(test_now_honours_git_stats_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
