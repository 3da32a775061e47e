/*
 * Human number formats, bars, CSV fields and the aligned table renderer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gs/gs.h"

static void test_report_fmt_int_groups_thousands(void **state)
{
	static const struct {
		int64_t v;
		const char *want;
	} cases[] = {
		{ 0, "0" },
		{ 7, "7" },
		{ 999, "999" },
		{ 1000, "1,000" },
		{ 12345, "12,345" },
		{ 1234567, "1,234,567" },
		{ -1234, "-1,234" },
		{ INT64_MAX, "9,223,372,036,854,775,807" },
		{ INT64_MIN, "-9,223,372,036,854,775,808" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gs_buf b = GS_BUF_INIT;

		assert_int_equal(gs_report_fmt_int(&b, cases[i].v), 0);
		assert_string_equal(b.ptr, cases[i].want);
		gs_buf_dispose(&b);
	}
}

static void test_report_fmt_usd_shows_cents_and_never_zero_for_nonzero(void **state)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 0, "$0.00" },
		{ 0.0042, "<$0.01" },
		{ 0.004999, "<$0.01" },
		{ 0.005, "$0.01" },
		{ 0.1, "$0.10" },
		{ 1.005, "$1.00" }, /* binary 1.005 is just below; round half away */
		{ 12.345678, "$12.35" },
		{ 1234.56, "$1,234.56" },
		{ 1234567.891, "$1,234,567.89" },
		{ -3.5, "-$3.50" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gs_buf b = GS_BUF_INIT;

		assert_int_equal(gs_report_fmt_usd(&b, cases[i].v), 0);
		assert_string_equal(b.ptr, cases[i].want);
		gs_buf_dispose(&b);
	}
}

static void test_report_fmt_usd_nan_reads_unknown(void **state)
{
	gs_buf b = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_report_fmt_usd(&b, NAN), 0);
	assert_string_equal(b.ptr, "unknown");
	gs_buf_dispose(&b);
}

static void test_report_fmt_duration_is_human(void **state)
{
	static const struct {
		int64_t ms;
		const char *want;
	} cases[] = {
		{ 0, "0s" },
		{ -5, "0s" },
		{ 40, "0.0s" },
		{ 420, "0.4s" },
		{ 4200, "4.2s" },
		{ 59940, "59.9s" },
		{ 59960, "1m 00s" },
		{ 185000, "3m 05s" },
		{ 3599400, "59m 59s" },
		{ 3599600, "1h 00m" },
		{ 3720000, "1h 02m" },
		{ 86399000, "1d 00h" },
		{ 2 * 86400000LL + 3 * 3600000LL, "2d 03h" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gs_buf b = GS_BUF_INIT;

		assert_int_equal(gs_report_fmt_duration(&b, cases[i].ms), 0);
		assert_string_equal(b.ptr, cases[i].want);
		gs_buf_dispose(&b);
	}
}

static void test_report_fmt_percent_and_rate(void **state)
{
	gs_buf b = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_report_fmt_percent(&b, 0.875), 0);
	assert_string_equal(b.ptr, "87.5%");
	gs_buf_clear(&b);
	assert_int_equal(gs_report_fmt_percent(&b, 1.0), 0);
	assert_string_equal(b.ptr, "100.0%");
	gs_buf_clear(&b);
	assert_int_equal(gs_report_fmt_percent(&b, NAN), 0);
	assert_string_equal(b.ptr, "-");
	gs_buf_clear(&b);
	assert_int_equal(gs_report_fmt_rate(&b, 1234.56), 0);
	assert_string_equal(b.ptr, "1,234.6");
	gs_buf_clear(&b);
	assert_int_equal(gs_report_fmt_rate(&b, 0.04), 0);
	assert_string_equal(b.ptr, "0.0");
	gs_buf_clear(&b);
	assert_int_equal(gs_report_fmt_rate(&b, NAN), 0);
	assert_string_equal(b.ptr, "-");
	gs_buf_dispose(&b);
}

static void test_report_bar_scales_to_max_in_eighths(void **state)
{
	static const struct {
		double v, max;
		int width, ascii;
		const char *want;
	} cases[] = {
		{ 10, 10, 4, 0, "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88" },
		{ 5, 10, 4, 0, "\xe2\x96\x88\xe2\x96\x88" },
		{ 1, 8, 1, 0, "\xe2\x96\x8f" },                   /* 1/8 */
		{ 7, 8, 1, 0, "\xe2\x96\x89" },                   /* 7/8 */
		{ 5, 8, 2, 0, "\xe2\x96\x88\xe2\x96\x8e" },       /* 10/8 */
		{ 0.0001, 10, 20, 0, "\xe2\x96\x8f" },            /* tiny stays visible */
		{ 0, 10, 20, 0, "" },
		{ 10, 0, 20, 0, "" },
		{ 20, 10, 3, 0, "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88" }, /* clamped */
		{ 10, 10, 4, 1, "####" },
		{ 5, 10, 4, 1, "##" },
		{ 0.0001, 10, 4, 1, "#" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gs_buf b = GS_BUF_INIT;

		assert_int_equal(gs_report_bar(&b, cases[i].v, cases[i].max, cases[i].width,
					       cases[i].ascii), 0);
		assert_string_equal(b.ptr, cases[i].want);
		gs_buf_dispose(&b);
	}
}

static void test_report_csv_field_quotes_only_when_needed(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ " padded", "\" padded\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gs_buf b = GS_BUF_INIT;

		assert_int_equal(gs_report_csv_field(&b, cases[i].in), 0);
		assert_string_equal(b.ptr, cases[i].want);
		gs_buf_dispose(&b);
	}
}

static void test_report_color_never_with_no_color(void **state)
{
	(void)state;
	setenv("NO_COLOR", "1", 1);
	assert_int_equal(gs_report_color_wanted(0), 0);
	assert_int_equal(gs_report_color_wanted(1), 0);
	unsetenv("NO_COLOR");
	/* cmocka's stdout is a pipe under ctest: not a terminal either. */
	assert_int_equal(gs_report_color_wanted(-1), 0);
}

static void test_report_text_width_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(gs_report_text_width("abc"), 3);
	assert_int_equal(gs_report_text_width("\xe2\x96\x88\xe2\x96\x8f"), 2);
	assert_int_equal(gs_report_text_width(""), 0);
}

static void test_report_table_aligns_columns_and_sets_totals_apart(void **state)
{
	gs_report_table *t;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_report_table_new(&t, 4), 0);
	assert_int_equal(gs_report_table_column(t, 0, "model", GS_ALIGN_LEFT), 0);
	assert_int_equal(gs_report_table_column(t, 1, "runs", GS_ALIGN_RIGHT), 0);
	assert_int_equal(gs_report_table_column(t, 2, "cost", GS_ALIGN_RIGHT), 0);
	assert_int_equal(gs_report_table_column(t, 3, "note", GS_ALIGN_LEFT), 0);
	assert_int_equal(gs_report_table_row(t), 0);
	assert_int_equal(gs_report_table_cell(t, "claude-sonnet-4-5"), 0);
	assert_int_equal(gs_report_table_cellf(t, "%d", 12), 0);
	assert_int_equal(gs_report_table_cell(t, "$12.34"), 0);
	assert_int_equal(gs_report_table_cell(t, "\xe2\x96\x88\xe2\x96\x88"), 0);
	assert_int_equal(gs_report_table_row(t), 0);
	assert_int_equal(gs_report_table_cell(t, "gpt-4.1"), 0);
	assert_int_equal(gs_report_table_cell(t, "3"), 0);
	assert_int_equal(gs_report_table_cell(t, "<$0.01"), 0);
	assert_int_equal(gs_report_table_rule(t), 0);
	assert_int_equal(gs_report_table_row(t), 0);
	assert_int_equal(gs_report_table_cell(t, "total"), 0);
	assert_int_equal(gs_report_table_cell(t, "1,015"), 0);
	assert_int_equal(gs_report_table_cell(t, "$1,012.34"), 0);
	assert_int_equal(gs_report_table_cell(t, NULL), 0);
	assert_int_equal(gs_report_table_cell(t, "one too many"), GS_EUSAGE);
	assert_int_equal(gs_report_table_render(&out, t, 0), 0);
	/* "gpt-4.1" row: the cost column right-aligns under the widest cell. */
	assert_string_equal(out.ptr,
		"model               runs       cost  note\n"
		"claude-sonnet-4-5     12     $12.34  \xe2\x96\x88\xe2\x96\x88\n"
		"gpt-4.1                3     <$0.01\n"
		"-----------------------------------------\n"
		"total              1,015  $1,012.34\n");
	gs_buf_dispose(&out);
	gs_report_table_free(t);
}

static void test_report_table_colour_wraps_header_and_totals(void **state)
{
	gs_report_table *t;
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_report_table_new(&t, 2), 0);
	assert_int_equal(gs_report_table_column(t, 0, "a", GS_ALIGN_LEFT), 0);
	assert_int_equal(gs_report_table_column(t, 1, "b", GS_ALIGN_RIGHT), 0);
	assert_int_equal(gs_report_table_row(t), 0);
	assert_int_equal(gs_report_table_cell(t, "x"), 0);
	assert_int_equal(gs_report_table_cell(t, "1"), 0);
	assert_int_equal(gs_report_table_rule(t), 0);
	assert_int_equal(gs_report_table_row(t), 0);
	assert_int_equal(gs_report_table_cell(t, "total"), 0);
	assert_int_equal(gs_report_table_cell(t, "1"), 0);
	assert_int_equal(gs_report_table_render(&out, t, 1), 0);
	assert_string_equal(out.ptr, "\033[1ma      b\033[0m\n"
				     "x      1\n"
				     "\033[2m--------\033[0m\n"
				     "\033[1mtotal  1\033[0m\n");
	gs_buf_dispose(&out);
	gs_report_table_free(t);
}

static void test_report_table_cell_before_row_is_refused(void **state)
{
	gs_report_table *t;

	(void)state;
	assert_int_equal(gs_report_table_new(&t, 1), 0);
	assert_int_equal(gs_report_table_cell(t, "x"), GS_EUSAGE);
	assert_int_equal(gs_report_table_column(t, 3, "x", GS_ALIGN_LEFT), GS_EUSAGE);
	gs_report_table_free(t);
	assert_int_equal(gs_report_table_new(&t, 0), GS_EUSAGE);
	assert_null(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_fmt_int_groups_thousands),
		cmocka_unit_test(test_report_fmt_usd_shows_cents_and_never_zero_for_nonzero),
		cmocka_unit_test(test_report_fmt_usd_nan_reads_unknown),
		cmocka_unit_test(test_report_fmt_duration_is_human),
		cmocka_unit_test(test_report_fmt_percent_and_rate),
		cmocka_unit_test(test_report_bar_scales_to_max_in_eighths),
		cmocka_unit_test(test_report_csv_field_quotes_only_when_needed),
		cmocka_unit_test(test_report_color_never_with_no_color),
		cmocka_unit_test(test_report_text_width_counts_code_points),
		cmocka_unit_test(test_report_table_aligns_columns_and_sets_totals_apart),
		cmocka_unit_test(test_report_table_colour_wraps_header_and_totals),
		cmocka_unit_test(test_report_table_cell_before_row_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
