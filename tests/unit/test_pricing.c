/*
 * The pricing table: lookups of dated names, the override file, cost
 * arithmetic, and the built-in rows against LiteLLM's reference figures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "gs/gs.h"
#include "gs/pricing.h"

/* cmocka 1.1 compares floats, not doubles */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static gs_pricing *table(void)
{
	gs_pricing *p = NULL;

	assert_int_equal(gs_pricing_new(&p), 0);
	return p;
}

static void test_pricing_lookup_matches_dated_and_aliased_names(void **state)
{
	gs_pricing *p = table();
	static const char *names[][2] = {
		{ "claude-sonnet-4-5", "claude-sonnet-4-5" },
		{ "claude-sonnet-4-5-20250929", "claude-sonnet-4-5" },
		{ "Claude-Sonnet-4-5-20250929", "claude-sonnet-4-5" },
		{ "claude-sonnet-4-5@20250929", "claude-sonnet-4-5" },
		{ "anthropic/claude-opus-4-1", "claude-opus-4-1" },
		{ "claude-opus-4-20250514", "claude-opus-4" },
		{ "claude-3-5-haiku-latest", "claude-3-5-haiku" },
		{ "claude-3-5-sonnet-20241022", "claude-3-5-sonnet" },
		{ "gpt-4o-2024-08-06", "gpt-4o" },
		{ "gpt-4o-mini-2024-07-18", "gpt-4o-mini" },
		{ "o3-mini-2025-01-31", "o3-mini" },
		{ "gemini/gemini-2.5-pro", "gemini-2.5-pro" },
		{ "gemini-2.0-flash-001", "gemini-2.0-flash" },
		{ "models/gemini-2.5-flash", "gemini-2.5-flash" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const gs_price *row = gs_pricing_lookup(p, names[i][0]);
		if (!row)
			fail_msg("no row for '%s'", names[i][0]);
		assert_string_equal(row->model, names[i][1]);
		assert_int_equal(row->source, GS_PRICE_BUILTIN);
	}
	gs_pricing_free(p);
}

static void test_pricing_lookup_never_guesses_unknown_models(void **state)
{
	gs_pricing *p = table();

	(void)state;
	assert_null(gs_pricing_lookup(p, "gpt-5-pro"));
	assert_null(gs_pricing_lookup(p, "claude-sonnet-4-5-turbo"));
	assert_null(gs_pricing_lookup(p, "llama-3-70b"));
	assert_null(gs_pricing_lookup(p, ""));
	assert_null(gs_pricing_lookup(p, NULL));
	assert_string_equal(gs_pricing_provider(p, "claude-next"), "anthropic");
	assert_string_equal(gs_pricing_provider(p, "o9-mini"), "openai");
	assert_string_equal(gs_pricing_provider(p, "gemini-9"), "google");
	assert_string_equal(gs_pricing_provider(p, "llama-3-70b"), "unknown");
	gs_pricing_free(p);
}

static void test_pricing_cost_sums_four_token_classes(void **state)
{
	gs_pricing *p = table();
	const gs_price *row = gs_pricing_lookup(p, "claude-sonnet-4-5");

	(void)state;
	/* 1M input $3 + 1M cache read $0.30 + 1M 5m write $3.75 + 1M output $15 */
	assert_near(gs_pricing_cost(row, 1000000, 1000000, 1000000, 0, 1000000), 22.05,
			   1e-9);
	/* half of the writes with a 1-hour lifetime: 0.5*3.75 + 0.5*6 */
	assert_near(gs_pricing_cost(row, 0, 0, 1000000, 500000, 0), 4.875, 1e-9);
	assert_near(gs_pricing_cost(row, 12000, 4000, 1000, 0, 2300), 0.07545, 1e-12);
	gs_pricing_free(p);
}

static void test_pricing_file_overrides_and_extends(void **state)
{
	gs_pricing *p = table();
	const gs_price *row;
	static const char yml[] = "# our negotiated prices\n"
				  "models:\n"
				  "  claude-sonnet-4-5-20250929: {input: 2, output: 10}\n"
				  "  acme-coder:\n"
				  "    provider: acme\n"
				  "    input: 0.5\n"
				  "    output: 1.5\n"
				  "    cache_read: 0.05\n"
				  "    cache_write: 0.6\n"
				  "    cache_write_1h: 1\n";
	size_t before = gs_pricing_count(p);

	(void)state;
	assert_int_equal(gs_pricing_load_yaml(p, yml, strlen(yml), "pricing.yml"), 0);
	assert_int_equal(gs_pricing_count(p), before + 1);
	row = gs_pricing_lookup(p, "claude-sonnet-4-5");
	assert_non_null(row);
	assert_int_equal(row->source, GS_PRICE_FILE);
	assert_string_equal(row->provider, "anthropic");
	assert_near(row->input, 2, 0);
	assert_near(row->cache_read, 2, 0);     /* defaults to input */
	assert_near(row->cache_write_1h, 2, 0); /* defaults to cache_write */
	row = gs_pricing_lookup(p, "acme-coder-2026-01-02");
	assert_non_null(row);
	assert_string_equal(row->provider, "acme");
	assert_near(row->cache_write_1h, 1, 0);
	gs_pricing_free(p);
}

static void test_pricing_file_errors_name_line_and_field(void **state)
{
	static const char *bad[][2] = {
		{ "models:\n  x: {input: 1, output: -2}\n", "line 2" },
		{ "models:\n  x:\n    input: 1\n    output: cheap\n", "line 4" },
		{ "models:\n  x:\n    input: 1\n    outptu: 2\n", "'outptu'" },
		{ "models:\n  x: {input: 1}\n", "needs 'input' and 'output'" },
		{ "models: [a, b]\n", "'models' must be a mapping" },
		{ "models:\n  x: {input: 1\n", "pricing.yml" },
		{ "modls:\n  x: {input: 1, output: 2}\n", "line 1: unknown key 'modls'" },
		{ "models:\n  x: {input: 1, output: 2}\nversion: 2\n", "line 3: unknown key 'version'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gs_pricing *p = table();
		int rc = gs_pricing_load_yaml(p, bad[i][0], strlen(bad[i][0]), "pricing.yml");
		assert_int_equal(rc, GS_EPARSE);
		if (!strstr(gs_error_last(), bad[i][1]) || !strstr(gs_error_last(), "pricing.yml"))
			fail_msg("case %zu: message '%s' lacks '%s'", i, gs_error_last(), bad[i][1]);
		gs_pricing_free(p);
	}
}

static double field(const cJSON *o, const char *name, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble * 1e6 : dflt;
}

/*
 * Every built-in row whose model LiteLLM lists must carry LiteLLM's rates.
 * LiteLLM has no cache-write field for OpenAI and Google (no premium:
 * written prompts are billed as input), and its 1-hour write for the
 * Claude 3 Haiku and Opus rows is a copy of Sonnet's $6; Anthropic's
 * rule (2x input) gives $0.50 and $30.
 */
static void test_pricing_builtin_rows_agree_with_litellm(void **state)
{
	gs_pricing *p = table();
	gs_buf path = GS_BUF_INIT, data = GS_BUF_INIT;
	cJSON *root, *it;
	size_t checked = 0, i;
	const char *dir = getenv("GS_SHARED_DIR");

	(void)state;
	gs_buf_printf(&path, "%s/pricing/litellm-subset-2026-07-24.json", dir ? dir : GS_SHARED_DIR);
	if (gs_file_read(&data, path.ptr, 1 << 24) < 0) {
		gs_buf_dispose(&path);
		gs_pricing_free(p);
		skip();
	}
	root = cJSON_Parse(data.ptr);
	assert_non_null(root);
	cJSON_ArrayForEach(it, root)
	{
		const gs_price *row = gs_pricing_lookup(p, it->string);
		double in, cw, cw1;
		int erratum;

		if (!row) {
			fail_msg("litellm model '%s' has no built-in row", it->string);
			continue;
		}
		in = field(it, "input_cost_per_token", -1);
		cw = field(it, "cache_creation_input_token_cost", in);
		cw1 = field(it, "cache_creation_input_token_cost_above_1hr", cw);
		erratum = !strcmp(row->model, "claude-3-haiku") || !strcmp(row->model, "claude-3-opus");
		if (fabs(row->input - in) > 1e-9 ||
		    fabs(row->output - field(it, "output_cost_per_token", -1)) > 1e-9 ||
		    fabs(row->cache_read - field(it, "cache_read_input_token_cost", in)) > 1e-9 ||
		    fabs(row->cache_write - cw) > 1e-9 ||
		    (!erratum && fabs(row->cache_write_1h - cw1) > 1e-9))
			fail_msg("built-in row '%s' disagrees with litellm '%s'", row->model, it->string);
		if (erratum)
			assert_near(row->cache_write_1h, 2 * row->input, 1e-9);
		checked++;
	}
	assert_true(checked >= 40);
	for (i = 0; i < gs_pricing_count(p); i++) {
		const gs_price *row = gs_pricing_at(p, i);
		assert_true(!strcmp(row->provider, "anthropic") || !strcmp(row->provider, "openai") ||
			    !strcmp(row->provider, "google"));
	}
	cJSON_Delete(root);
	gs_buf_dispose(&path);
	gs_buf_dispose(&data);
	gs_pricing_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pricing_lookup_matches_dated_and_aliased_names),
		cmocka_unit_test(test_pricing_lookup_never_guesses_unknown_models),
		cmocka_unit_test(test_pricing_cost_sums_four_token_classes),
		cmocka_unit_test(test_pricing_file_overrides_and_extends),
		cmocka_unit_test(test_pricing_file_errors_name_line_and_field),
		cmocka_unit_test(test_pricing_builtin_rows_agree_with_litellm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
