/*
 * Usage aggregation (sums, derived rates, windows, grouping, JSON/CSV/text)
 * and the blob-keyed usage cache (round trip, corruption, pruning).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gs/gs.h"
#include "usage_cache.h"

#define assert_double_equal(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static int64_t t(const char *s)
{
	int64_t ms = 0;

	assert_int_equal(gs_time_parse(&ms, s), 0);
	return ms;
}

static gs_usage_item item(const char *model, const char *when, int64_t in, int64_t out,
			  double cost, int success)
{
	gs_usage_item it;

	memset(&it, 0, sizeof(it));
	it.kind = GS_USAGE_ITEM_RUN;
	it.has_started_at = 1;
	it.started_at_ms = t(when);
	it.input_tokens = in;
	it.output_tokens = out;
	it.cost_usd = cost;
	it.success = success;
	it.model = model;
	it.issue = "1";
	return it;
}

static gs_usage_report *report(gs_usage_by by, const char *window)
{
	gs_usage_report *r;
	gs_window w;

	assert_int_equal(gs_window_parse(&w, window, t("2026-03-15T12:00:00Z")), 0);
	assert_int_equal(gs_usage_report_new(&r, by, GS_USAGE_SOURCE_ISSUES, &w), 0);
	return r;
}

static const gs_usage_row *row_named(const gs_usage_report *r, const char *key)
{
	size_t i;

	for (i = 0; i < gs_usage_report_count(r); i++)
		if (!strcmp(gs_usage_report_row(r, i)->key, key))
			return gs_usage_report_row(r, i);
	fail_msg("no row '%s'", key);
	return NULL;
}

static void test_usage_by_model_sums_every_field_and_totals(void **state)
{
	gs_usage_report *r = report(GS_USAGE_BY_MODEL, "all");
	gs_usage_item it = item("claude-sonnet-4-5", "2026-03-10T09:00:00Z", 100, 50, 0.25, 1);
	const gs_usage_row *row, *tot;

	(void)state;
	it.cache_read_tokens = 300;
	it.cache_write_tokens = 100;
	it.duration_ms = 2000;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it.success = 0;
	it.cost_usd = 0.5;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it = item("gpt-4.1", "2026-03-11T09:00:00Z", 1000, 10, 0.1, 1);
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);

	assert_int_equal(gs_usage_report_count(r), 2);
	/* Highest known cost first. */
	row = gs_usage_report_row(r, 0);
	assert_string_equal(row->key, "claude-sonnet-4-5");
	assert_string_equal(row->model, "claude-sonnet-4-5");
	assert_string_equal(row->provider, "anthropic");
	assert_int_equal(row->sessions, 2);
	assert_int_equal(row->success_sessions, 1);
	assert_int_equal(row->failed_sessions, 1);
	assert_int_equal(row->input_tokens, 200);
	assert_int_equal(row->output_tokens, 100);
	assert_int_equal(row->cache_read_tokens, 600);
	assert_int_equal(row->cache_write_tokens, 200);
	assert_int_equal(row->total_tokens, 1100);
	assert_int_equal(row->duration_ms, 4000);
	assert_double_equal(row->known_cost_usd, 0.75, 1e-12);
	assert_int_equal(row->unknown_cost_sessions, 0);
	assert_double_equal(row->cache_hit_rate, 600.0 / 1000.0, 1e-12);
	assert_double_equal(row->cost_per_success, 0.75, 1e-12);
	assert_double_equal(row->input_tokens_per_second, 50.0, 1e-12);
	assert_double_equal(row->output_tokens_per_second, 25.0, 1e-12);
	assert_double_equal(row->success_rate, 0.5, 1e-12);

	row = gs_usage_report_row(r, 1);
	assert_string_equal(row->provider, "openai");
	assert_true(isnan(row->input_tokens_per_second)); /* no duration */
	assert_true(isnan(row->cache_hit_rate) == 0);
	assert_double_equal(row->cache_hit_rate, 0.0, 0);

	tot = gs_usage_report_totals(r);
	assert_null(tot->model);
	assert_null(tot->provider);
	assert_int_equal(tot->sessions, 3);
	assert_int_equal(tot->input_tokens, 1200);
	assert_int_equal(tot->output_tokens, 110);
	assert_double_equal(tot->known_cost_usd, 0.85, 1e-12);
	assert_double_equal(tot->success_rate, 2.0 / 3.0, 1e-12);
	gs_usage_report_free(r);
}

static void test_usage_unknown_cost_is_unknown_never_zero(void **state)
{
	gs_usage_report *r = report(GS_USAGE_BY_MODEL, "all");
	gs_usage_item it = item("mystery-model", "2026-03-10T09:00:00Z", 10, 10, NAN, 1);
	gs_buf out = GS_BUF_INIT;
	const gs_usage_row *row;

	(void)state;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it = item("claude-opus-4-1", "2026-03-10T10:00:00Z", 10, 10, 1.5, 1);
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);
	row = row_named(r, "mystery-model");
	assert_true(isnan(row->known_cost_usd));
	assert_true(isnan(row->cost_per_success));
	assert_int_equal(row->unknown_cost_sessions, 1);
	assert_string_equal(row->provider, "unknown");
	assert_int_equal(gs_usage_report_totals(r)->unknown_cost_sessions, 1);
	assert_double_equal(gs_usage_report_totals(r)->known_cost_usd, 1.5, 1e-12);

	assert_int_equal(gs_usage_report_text(&out, r, 0), 0);
	assert_null(strstr(out.ptr, "$0.00"));
	assert_non_null(strstr(out.ptr, "unknown"));
	assert_non_null(strstr(out.ptr, "$1.50*")); /* totals leave one out */
	assert_non_null(strstr(out.ptr, "* 1 run of unknown cost (model without a price) is left out"));
	gs_buf_dispose(&out);
	gs_usage_report_free(r);
}

static void test_usage_windows_cut_at_utc_day_edges(void **state)
{
	static const struct {
		const char *window;
		int64_t want;
	} cases[] = {
		{ "all", 6 },   { "today", 2 }, { "1d", 2 }, { "7d", 4 },
		{ "2026-03-09", 1 }, { "2026-03-08..2026-03-09", 2 },
		{ "2026-03-15..2026-03-15", 2 },
	};
	/* now = 2026-03-15T12:00Z; 7d starts 2026-03-09T00:00Z. */
	static const char *when[] = { "2026-03-08T23:59:59.999Z", "2026-03-09T00:00:00Z",
				      "2026-03-14T23:59:59Z",     "2026-03-15T00:00:00Z",
				      "2026-03-15T23:59:59.999Z", "2026-03-16T00:00:00Z" };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gs_usage_report *r = report(GS_USAGE_BY_DAY, cases[i].window);

		for (j = 0; j < sizeof(when) / sizeof(when[0]); j++) {
			gs_usage_item it = item("gpt-4.1", when[j], 1, 1, 0.01, 1);

			assert_int_equal(gs_usage_report_add(r, &it), 0);
		}
		assert_int_equal(gs_usage_report_finish(r), 0);
		if (gs_usage_report_totals(r)->sessions != cases[i].want)
			fail_msg("window %s: %lld sessions, want %lld", cases[i].window,
				 (long long)gs_usage_report_totals(r)->sessions,
				 (long long)cases[i].want);
		gs_usage_report_free(r);
	}
}

static void test_usage_items_without_start_count_only_in_all(void **state)
{
	gs_usage_report *r = report(GS_USAGE_BY_DAY, "all");
	gs_usage_item it = item("gpt-4.1", "2026-03-10T09:00:00Z", 1, 1, 0.01, 1);

	(void)state;
	it.has_started_at = 0;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(gs_usage_report_count(r), 1);
	assert_string_equal(gs_usage_report_row(r, 0)->key, "");
	gs_usage_report_free(r);

	r = report(GS_USAGE_BY_DAY, "7d");
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(gs_usage_report_count(r), 0);
	gs_usage_report_free(r);
}

static void test_usage_by_day_sorts_by_date_and_draws_bars(void **state)
{
	gs_usage_report *r = report(GS_USAGE_BY_DAY, "all");
	static const char *when[] = { "2026-03-12T09:00:00Z", "2026-03-10T09:00:00Z",
				      "2026-03-12T23:00:00Z", "2026-03-11T00:00:00Z" };
	gs_buf out = GS_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		gs_usage_item it = item("gpt-4.1", when[i], 1000, 0, 0.01, 1);

		assert_int_equal(gs_usage_report_add(r, &it), 0);
	}
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(gs_usage_report_count(r), 3);
	assert_string_equal(gs_usage_report_row(r, 0)->key, "2026-03-10");
	assert_string_equal(gs_usage_report_row(r, 1)->key, "2026-03-11");
	assert_string_equal(gs_usage_report_row(r, 2)->key, "2026-03-12");
	assert_int_equal(gs_usage_report_row(r, 2)->sessions, 2);

	assert_int_equal(gs_usage_report_text(&out, r, GS_USAGE_TEXT_ASCII), 0);
	/* The largest day fills the bar; half of it gets half. */
	assert_non_null(strstr(out.ptr, "2026-03-12"));
	assert_non_null(strstr(out.ptr, " ################\n"));
	assert_non_null(strstr(out.ptr, " ########\n"));
	assert_null(strstr(out.ptr, "\xe2\x96"));
	gs_buf_clear(&out);
	assert_int_equal(gs_usage_report_text(&out, r, 0), 0);
	assert_non_null(strstr(out.ptr, "\xe2\x96\x88"));
	gs_buf_dispose(&out);
	gs_usage_report_free(r);
}

static void test_usage_by_provider_and_issue_group(void **state)
{
	gs_usage_report *r = report(GS_USAGE_BY_PROVIDER, "all");
	gs_usage_item it = item("claude-opus-4-1", "2026-03-10T09:00:00Z", 1, 1, 1, 1);

	(void)state;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it.model = "claude-sonnet-4-5";
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it.model = "gemini-2.5-pro";
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it.model = "o3";
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it.model = "custom";
	it.provider = "acme";
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(gs_usage_report_count(r), 4);
	assert_int_equal(row_named(r, "anthropic")->sessions, 2);
	assert_int_equal(row_named(r, "google")->sessions, 1);
	assert_int_equal(row_named(r, "openai")->sessions, 1);
	assert_int_equal(row_named(r, "acme")->sessions, 1);
	assert_null(row_named(r, "acme")->model);
	gs_usage_report_free(r);

	r = report(GS_USAGE_BY_ISSUE, "all");
	it = item("gpt-4.1", "2026-03-10T09:00:00Z", 1, 1, 1, 1);
	it.issue = "12";
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it.issue = "BACK-7";
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(row_named(r, "12")->sessions, 2);
	assert_int_equal(row_named(r, "BACK-7")->sessions, 1);
	gs_usage_report_free(r);
}

static void test_usage_provider_guess_by_prefix(void **state)
{
	(void)state;
	assert_string_equal(gs_usage_provider_guess("claude-sonnet-4-5-20250929"), "anthropic");
	assert_string_equal(gs_usage_provider_guess("gpt-4.1"), "openai");
	assert_string_equal(gs_usage_provider_guess("o3"), "openai");
	assert_string_equal(gs_usage_provider_guess("o4-mini"), "openai");
	assert_string_equal(gs_usage_provider_guess("opus"), "unknown");
	assert_string_equal(gs_usage_provider_guess("gemini-2.5-pro"), "google");
	assert_string_equal(gs_usage_provider_guess(""), "unknown");
	assert_string_equal(gs_usage_provider_guess(NULL), "unknown");
}

static void test_usage_source_all_counts_a_session_once(void **state)
{
	gs_usage_report *r;
	gs_usage_item it = item("gpt-4.1", "2026-03-10T09:00:00Z", 1, 1, 1, 1);
	gs_window w;

	(void)state;
	assert_int_equal(gs_window_parse(&w, "all", 0), 0);
	assert_int_equal(gs_usage_report_new(&r, GS_USAGE_BY_MODEL, GS_USAGE_SOURCE_ALL, &w), 0);
	it.session_id = "ses_a";
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it.kind = GS_USAGE_ITEM_SESSION;
	assert_int_equal(gs_usage_report_add(r, &it), 0); /* named by the run */
	it.session_id = "ses_b";
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(gs_usage_report_totals(r)->sessions, 2);
	gs_usage_report_free(r);
}

static void test_usage_sums_refuse_to_wrap(void **state)
{
	gs_usage_report *r = report(GS_USAGE_BY_MODEL, "all");
	gs_usage_item it = item("gpt-4.1", "2026-03-10T09:00:00Z", INT64_MAX, 1, 1, 1);

	(void)state;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_add(r, &it), GS_EOVERFLOW);
	gs_usage_report_free(r);
}

static void test_usage_parse_by_and_source(void **state)
{
	gs_usage_by by;
	gs_usage_source src;

	(void)state;
	assert_int_equal(gs_usage_by_parse(&by, "day"), 0);
	assert_int_equal(by, GS_USAGE_BY_DAY);
	assert_int_equal(gs_usage_by_parse(&by, "week"), GS_EUSAGE);
	assert_non_null(strstr(gs_error_last(), "'week'"));
	assert_int_equal(gs_usage_source_parse(&src, "sessions"), 0);
	assert_int_equal(src, GS_USAGE_SOURCE_SESSIONS);
	assert_int_equal(gs_usage_source_parse(&src, "both"), GS_EUSAGE);
}

static void expect_number(const cJSON *o, const char *name, double want)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v))
		fail_msg("'%s' is not a number", name);
	assert_double_equal(v->valuedouble, want, 1e-9);
}

static void expect_null(const cJSON *o, const char *name)
{
	if (!cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, name)))
		fail_msg("'%s' is not null", name);
}

static void test_usage_json_has_window_rows_totals_field_by_field(void **state)
{
	static const char *fields[] = { "provider", "model", "sessions", "success_sessions",
					"failed_sessions", "input_tokens", "output_tokens",
					"total_tokens", "duration_ms", "known_cost_usd",
					"unknown_cost_sessions", "cache_read_tokens",
					"cache_write_tokens", "cache_hit_rate", "cost_per_success",
					"input_tokens_per_second", "output_tokens_per_second",
					"success_rate" };
	gs_usage_report *r = report(GS_USAGE_BY_MODEL, "7d");
	gs_usage_item it = item("claude-sonnet-4-5", "2026-03-14T09:00:00Z", 100, 300, 0.1, 1);
	gs_buf out = GS_BUF_INIT;
	cJSON *root, *row, *win;
	size_t i;

	(void)state;
	it.cache_read_tokens = 900;
	it.duration_ms = 4000;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it.cost_usd = 0.2;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it = item("mystery", "2026-03-14T09:00:00Z", 1, 1, NAN, 0);
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(gs_usage_report_json(&out, r), 0);
	assert_non_null(root = cJSON_Parse(out.ptr));

	win = cJSON_GetObjectItemCaseSensitive(root, "window");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(win, "spec")->valuestring, "7d");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(win, "from")->valuestring,
			    "2026-03-09");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(win, "to")->valuestring, "2026-03-15");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "by")->valuestring, "model");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "source")->valuestring,
			    "issues");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "rows")), 2);

	row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "rows"), 0);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!cJSON_HasObjectItem(row, fields[i]))
			fail_msg("row lacks '%s'", fields[i]);
	assert_int_equal(cJSON_GetArraySize(row), sizeof(fields) / sizeof(fields[0]));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(row, "provider")->valuestring,
			    "anthropic");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(row, "model")->valuestring,
			    "claude-sonnet-4-5");
	expect_number(row, "sessions", 2);
	expect_number(row, "success_sessions", 2);
	expect_number(row, "failed_sessions", 0);
	expect_number(row, "input_tokens", 200);
	expect_number(row, "output_tokens", 600);
	expect_number(row, "total_tokens", 2600);
	expect_number(row, "duration_ms", 8000);
	expect_number(row, "known_cost_usd", 0.3);
	expect_number(row, "unknown_cost_sessions", 0);
	expect_number(row, "cache_read_tokens", 1800);
	expect_number(row, "cache_write_tokens", 0);
	expect_number(row, "cache_hit_rate", 0.9);
	expect_number(row, "cost_per_success", 0.15);
	expect_number(row, "input_tokens_per_second", 25);
	expect_number(row, "output_tokens_per_second", 75);
	expect_number(row, "success_rate", 1);
	/* The cost prints as written, not as a binary fraction. */
	assert_non_null(strstr(out.ptr, "\"known_cost_usd\":\t0.3,"));

	row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "rows"), 1);
	expect_null(row, "known_cost_usd");
	expect_null(row, "cost_per_success");
	expect_null(row, "input_tokens_per_second");
	expect_number(row, "unknown_cost_sessions", 1);
	expect_number(row, "success_rate", 0);

	row = cJSON_GetObjectItemCaseSensitive(root, "totals");
	assert_int_equal(cJSON_GetArraySize(row), sizeof(fields) / sizeof(fields[0]));
	expect_null(row, "provider");
	expect_null(row, "model");
	expect_number(row, "sessions", 3);
	expect_number(row, "known_cost_usd", 0.3);
	expect_number(row, "unknown_cost_sessions", 1);
	cJSON_Delete(root);
	gs_buf_dispose(&out);
	gs_usage_report_free(r);
}

static void test_usage_json_all_window_and_day_key(void **state)
{
	gs_usage_report *r = report(GS_USAGE_BY_DAY, "all");
	gs_usage_item it = item("gpt-4.1", "2026-03-14T09:00:00Z", 1, 1, 0.1, 1);
	gs_buf out = GS_BUF_INIT;
	cJSON *root, *row;

	(void)state;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(gs_usage_report_json(&out, r), 0);
	assert_non_null(root = cJSON_Parse(out.ptr));
	expect_null(cJSON_GetObjectItemCaseSensitive(root, "window"), "from");
	expect_null(cJSON_GetObjectItemCaseSensitive(root, "window"), "to");
	row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "rows"), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(row, "day")->valuestring, "2026-03-14");
	expect_null(row, "model");
	cJSON_Delete(root);
	gs_buf_dispose(&out);
	gs_usage_report_free(r);
}

static void test_usage_csv_has_spec_header_and_plain_numbers(void **state)
{
	gs_usage_report *r = report(GS_USAGE_BY_ISSUE, "all");
	gs_usage_item it = item("gpt-4.1", "2026-03-14T09:00:00Z", 1234, 5, NAN, 1);
	gs_buf out = GS_BUF_INIT;

	(void)state;
	it.issue = "a,b";
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	it = item("gpt-4.1", "2026-03-14T09:00:00Z", 10, 5, 0.00005, 1);
	it.issue = "tiny";
	it.duration_ms = 3000;
	assert_int_equal(gs_usage_report_add(r, &it), 0);
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(gs_usage_report_csv(&out, r), 0);
	assert_string_equal(out.ptr,
			    "issue,provider,model,sessions,success_sessions,failed_sessions,"
			    "input_tokens,output_tokens,total_tokens,duration_ms,known_cost_usd,"
			    "unknown_cost_sessions,cache_read_tokens,cache_write_tokens,"
			    "cache_hit_rate,cost_per_success,input_tokens_per_second,"
			    "output_tokens_per_second,success_rate\n"
			    /* known cost sorts before unknown */
			    "tiny,,,1,1,0,10,5,15,3000,0.00005,0,0,0,0,0.00005,3.333333,1.666667,1\n"
			    "\"a,b\",,,1,1,0,1234,5,1239,0,,1,0,0,0,,,,1\n");
	gs_buf_dispose(&out);
	gs_usage_report_free(r);
}

static void test_usage_text_empty_window_says_so(void **state)
{
	gs_usage_report *r = report(GS_USAGE_BY_MODEL, "today");
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_usage_report_finish(r), 0);
	assert_int_equal(gs_usage_report_text(&out, r, 0), 0);
	assert_string_equal(out.ptr, "Usage by model, 2026-03-15 UTC (today), from issue runs\n\n"
				     "No runs in this window.\n");
	gs_buf_dispose(&out);
	gs_usage_report_free(r);
}

/* --- the cache ------------------------------------------------------------- */

static char cache_path[256];

static int cache_setup(void **state)
{
	char dir[] = "/tmp/gs-test-usage-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cache_path, sizeof(cache_path), "%s/stats/usage-cache", dir);
	return 0;
}

static int cache_teardown(void **state)
{
	char *slash;

	(void)state;
	unlink(cache_path);
	slash = strrchr(cache_path, '/');
	*slash = '\0';
	rmdir(cache_path);
	slash = strrchr(cache_path, '/');
	*slash = '\0';
	rmdir(cache_path);
	return 0;
}

static void oid_of(unsigned char *oid, unsigned n)
{
	unsigned i;

	for (i = 0; i < 20; i++)
		oid[i] = (unsigned char)((n * 2654435761u) >> (i % 4 * 8)) ^ (unsigned char)i;
	oid[19] = (unsigned char)n;
	oid[18] = (unsigned char)(n >> 8);
}

/* A cache with `n` blobs of (i % 3) runs each; returns it saved. */
static void fill_cache(gs_usage_cache *c, unsigned n)
{
	unsigned i, j;

	for (i = 0; i < n; i++) {
		gs_usage_cache_run runs[3];
		unsigned char oid[20];
		char id[16];
		uint32_t sid;

		snprintf(id, sizeof(id), "%u", i);
		assert_int_equal(gs_usage_cache_intern(&sid, c, id, strlen(id)), 0);
		memset(runs, 0, sizeof(runs));
		for (j = 0; j < i % 3; j++) {
			runs[j].started_at_ms = 1773576000000LL + i;
			runs[j].input_tokens = i * 10 + j;
			runs[j].cost_nanos = 1000 * i;
			runs[j].flags = GS_USAGE_RUN_SUCCESS | GS_USAGE_RUN_COST_KNOWN;
			assert_int_equal(gs_usage_cache_intern(&runs[j].model, c,
							       j ? "gpt-4.1" : "claude-opus-4-1",
							       j ? 7 : 15), 0);
		}
		oid_of(oid, i);
		assert_int_equal(gs_usage_cache_put(c, oid, sid, runs, i % 3), 0);
	}
}

static void test_usage_cache_round_trips_through_the_file(void **state)
{
	gs_usage_cache *c, *d;
	const gs_usage_cache_run *runs;
	unsigned char oid[20];
	uint32_t issue;
	size_t n;
	int loaded;
	unsigned i;

	(void)state;
	assert_int_equal(gs_usage_cache_new(&c), 0);
	assert_int_equal(gs_usage_cache_load(c, &loaded, cache_path), 0);
	assert_int_equal(loaded, 0);
	fill_cache(c, 1000);
	assert_int_equal(gs_usage_cache_save(c, cache_path), 0);
	assert_int_equal(access(cache_path, R_OK), 0);

	assert_int_equal(gs_usage_cache_new(&d), 0);
	assert_int_equal(gs_usage_cache_load(d, &loaded, cache_path), 0);
	assert_int_equal(loaded, 1);
	assert_int_equal(gs_usage_cache_count(d), 1000);
	for (i = 0; i < 1000; i++) {
		char id[16];

		oid_of(oid, i);
		assert_int_equal(gs_usage_cache_get(d, oid, &issue, &runs, &n), 1);
		snprintf(id, sizeof(id), "%u", i);
		assert_string_equal(gs_usage_cache_str(d, issue), id);
		assert_int_equal(n, i % 3);
		if (n) {
			assert_int_equal(runs[0].input_tokens, i * 10);
			assert_int_equal(runs[0].started_at_ms, 1773576000000LL + i);
			assert_int_equal(runs[0].cost_nanos, 1000 * i);
			assert_int_equal(runs[0].flags, GS_USAGE_RUN_SUCCESS | GS_USAGE_RUN_COST_KNOWN);
			assert_string_equal(gs_usage_cache_str(d, runs[0].model), "claude-opus-4-1");
			assert_string_equal(gs_usage_cache_str(d, runs[0].session), "");
		}
	}
	oid_of(oid, 5000);
	assert_int_equal(gs_usage_cache_get(d, oid, &issue, &runs, &n), 0);
	/* Nothing new and nothing unused: saving writes nothing. */
	assert_int_equal(unlink(cache_path), 0);
	assert_int_equal(gs_usage_cache_save(d, cache_path), 0);
	assert_int_not_equal(access(cache_path, F_OK), 0);
	gs_usage_cache_free(c);
	gs_usage_cache_free(d);
}

/* Plain write: the corruption loop writes thousands of files, no fsync needed. */
static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_usage_cache_ignores_every_corruption(void **state)
{
	gs_usage_cache *c;
	gs_buf img = GS_BUF_INIT;
	size_t size, pos;
	int loaded;

	(void)state;
	assert_int_equal(gs_usage_cache_new(&c), 0);
	fill_cache(c, 12);
	assert_int_equal(gs_usage_cache_save(c, cache_path), 0);
	gs_usage_cache_free(c);
	assert_int_equal(gs_file_read(&img, cache_path, 1 << 20), 0);
	size = img.size;

	/* Every single flipped byte, and every truncation, is noticed. */
	for (pos = 0; pos < size; pos++) {
		img.ptr[pos] ^= 0x5a;
		write_file(cache_path, img.ptr, size);
		img.ptr[pos] ^= 0x5a;
		assert_int_equal(gs_usage_cache_new(&c), 0);
		assert_int_equal(gs_usage_cache_load(c, &loaded, cache_path), 0);
		if (loaded)
			fail_msg("flipped byte %zu went unnoticed", pos);
		assert_int_equal(gs_usage_cache_count(c), 0);
		gs_usage_cache_free(c);
	}
	for (pos = 0; pos < size; pos++) {
		write_file(cache_path, img.ptr, pos);
		assert_int_equal(gs_usage_cache_new(&c), 0);
		assert_int_equal(gs_usage_cache_load(c, &loaded, cache_path), 0);
		assert_int_equal(loaded, 0);
		gs_usage_cache_free(c);
	}

	/* A rejected file is rewritten on the next save even with nothing new. */
	assert_int_equal(gs_usage_cache_new(&c), 0);
	assert_int_equal(gs_usage_cache_load(c, &loaded, cache_path), 0);
	assert_int_equal(gs_usage_cache_save(c, cache_path), 0);
	gs_usage_cache_free(c);
	assert_int_equal(gs_usage_cache_new(&c), 0);
	assert_int_equal(gs_usage_cache_load(c, &loaded, cache_path), 0);
	assert_int_equal(loaded, 1);
	gs_usage_cache_free(c);
	gs_buf_dispose(&img);
}

static void test_usage_cache_rejects_another_version(void **state)
{
	gs_usage_cache *c;
	gs_buf img = GS_BUF_INIT;
	uint32_t v = GS_USAGE_CACHE_VERSION + 1;
	int loaded;

	(void)state;
	assert_int_equal(gs_usage_cache_new(&c), 0);
	fill_cache(c, 10);
	assert_int_equal(gs_usage_cache_save(c, cache_path), 0);
	gs_usage_cache_free(c);
	assert_int_equal(gs_file_read(&img, cache_path, 1 << 20), 0);
	memcpy(img.ptr + 8, &v, 4); /* a valid-looking file of another version */
	assert_int_equal(gs_file_write_atomic(cache_path, img.ptr, img.size, 0644), 0);
	assert_int_equal(gs_usage_cache_new(&c), 0);
	assert_int_equal(gs_usage_cache_load(c, &loaded, cache_path), 0);
	assert_int_equal(loaded, 0);
	gs_usage_cache_free(c);
	gs_buf_dispose(&img);
}

static void test_usage_cache_drops_unused_entries_when_they_dominate(void **state)
{
	gs_usage_cache *c;
	const gs_usage_cache_run *runs;
	unsigned char oid[20];
	uint32_t issue;
	size_t n;
	int loaded;
	unsigned i;

	(void)state;
	assert_int_equal(gs_usage_cache_new(&c), 0);
	fill_cache(c, 30);
	assert_int_equal(gs_usage_cache_save(c, cache_path), 0);
	gs_usage_cache_free(c);

	/* A report that reads 10 of 30 blobs: 20 unused > 10 used, prune. */
	assert_int_equal(gs_usage_cache_new(&c), 0);
	assert_int_equal(gs_usage_cache_load(c, &loaded, cache_path), 0);
	for (i = 0; i < 10; i++) {
		oid_of(oid, i);
		assert_int_equal(gs_usage_cache_get(c, oid, &issue, &runs, &n), 1);
	}
	assert_int_equal(gs_usage_cache_save(c, cache_path), 0);
	gs_usage_cache_free(c);
	assert_int_equal(gs_usage_cache_new(&c), 0);
	assert_int_equal(gs_usage_cache_load(c, &loaded, cache_path), 0);
	assert_int_equal(loaded, 1);
	assert_int_equal(gs_usage_cache_count(c), 10);
	oid_of(oid, 4);
	assert_int_equal(gs_usage_cache_get(c, oid, &issue, &runs, &n), 1);
	assert_string_equal(gs_usage_cache_str(c, issue), "4");
	assert_int_equal(n, 1);
	assert_string_equal(gs_usage_cache_str(c, runs[0].model), "claude-opus-4-1");
	gs_usage_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_by_model_sums_every_field_and_totals),
		cmocka_unit_test(test_usage_unknown_cost_is_unknown_never_zero),
		cmocka_unit_test(test_usage_windows_cut_at_utc_day_edges),
		cmocka_unit_test(test_usage_items_without_start_count_only_in_all),
		cmocka_unit_test(test_usage_by_day_sorts_by_date_and_draws_bars),
		cmocka_unit_test(test_usage_by_provider_and_issue_group),
		cmocka_unit_test(test_usage_provider_guess_by_prefix),
		cmocka_unit_test(test_usage_source_all_counts_a_session_once),
		cmocka_unit_test(test_usage_sums_refuse_to_wrap),
		cmocka_unit_test(test_usage_parse_by_and_source),
		cmocka_unit_test(test_usage_json_has_window_rows_totals_field_by_field),
		cmocka_unit_test(test_usage_json_all_window_and_day_key),
		cmocka_unit_test(test_usage_csv_has_spec_header_and_plain_numbers),
		cmocka_unit_test(test_usage_text_empty_window_says_so),
		cmocka_unit_test_setup_teardown(test_usage_cache_round_trips_through_the_file,
						cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_usage_cache_ignores_every_corruption,
						cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_usage_cache_rejects_another_version,
						cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_usage_cache_drops_unused_entries_when_they_dominate,
						cache_setup, cache_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
