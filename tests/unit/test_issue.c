/*
 * Issue ids, file names, slugs, the set edit and the JSON view.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "gs/gs.h"

static void test_issue_id_check_rejects_paths_and_control_characters(void **state)
{
	(void)state;
	assert_int_equal(gs_issue_id_check("12"), 0);
	assert_int_equal(gs_issue_id_check("BACK-222"), 0);
	assert_int_equal(gs_issue_id_check("../x"), GS_EUSAGE);
	assert_int_equal(gs_issue_id_check("/etc/passwd"), GS_EUSAGE);
	assert_int_equal(gs_issue_id_check("a\\b"), GS_EUSAGE);
	assert_int_equal(gs_issue_id_check(".."), GS_EUSAGE);
	assert_int_equal(gs_issue_id_check("."), GS_EUSAGE);
	assert_int_equal(gs_issue_id_check(""), GS_EUSAGE);
	assert_int_equal(gs_issue_id_check("1\n2"), GS_EUSAGE);
	assert_int_equal(gs_issue_id_check(" 1"), GS_EUSAGE);
}

static void test_issue_id_equal_ignores_case_and_leading_zeros(void **state)
{
	(void)state;
	assert_true(gs_issue_id_equal("12", "012"));
	assert_true(gs_issue_id_equal("0", "000"));
	assert_true(gs_issue_id_equal("back-7", "BACK-007"));
	assert_false(gs_issue_id_equal("12", "120"));
	assert_false(gs_issue_id_equal("12", "1"));
	assert_false(gs_issue_id_equal("back-7", "back7"));
	assert_false(gs_issue_id_equal("a", "ab"));
}

static void check_name(const char *name, const char *want)
{
	char id[GS_ISSUE_ID_MAX + 1];
	int rc = gs_issue_id_from_name(id, sizeof(id), name);

	if (!want) {
		assert_int_equal(rc, GS_ENOTFOUND);
		return;
	}
	assert_int_equal(rc, 0);
	assert_string_equal(id, want);
}

static void test_issue_id_from_name_knows_the_three_forms(void **state)
{
	(void)state;
	check_name("12.md", "12");
	check_name("12-fix-login.md", "12");
	check_name("12 - Fix login.md", "12");
	check_name("BACK-222.md", "BACK-222");
	check_name("BACK-222-login.md", "BACK-222");
	check_name("BACK-222 - Login.md", "BACK-222");
	check_name("idea.md", "idea");
	check_name("12.MD", "12");
	check_name("README.md", NULL);
	check_name(".hidden.md", NULL);
	check_name("12.txt", NULL);
	check_name("-x.md", NULL);
}

static void test_issue_slug_is_lowercase_words(void **state)
{
	gs_buf b = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_issue_slug(&b, "Fix the Login page!"), 0);
	assert_string_equal(b.ptr, "fix-the-login-page");
	gs_buf_clear(&b);
	assert_int_equal(gs_issue_slug(&b, "  It's  (really) done?  "), 0);
	assert_string_equal(b.ptr, "its-really-done");
	gs_buf_clear(&b);
	assert_int_equal(gs_issue_slug(&b, "日本"), 0);
	assert_string_equal(b.ptr, "");
	gs_buf_dispose(&b);
}

static void test_issue_check_set_guards_managed_keys(void **state)
{
	(void)state;
	assert_int_equal(gs_issue_check_set("state", "open"), 0);
	assert_int_equal(gs_issue_check_set("run_count", "3"), 0);
	assert_int_equal(gs_issue_check_set("run_count", "9223372036854775807"), 0);
	assert_int_equal(gs_issue_check_set("run_count", "9223372036854775808"), GS_EUSAGE);
	assert_int_equal(gs_issue_check_set("run_count", "3.5"), GS_EUSAGE);
	assert_int_equal(gs_issue_check_set("run_count", "-1"), GS_EUSAGE);
	assert_int_equal(gs_issue_check_set("total_cost_usd", "0.25"), 0);
	assert_int_equal(gs_issue_check_set("total_cost_usd", "x"), GS_EUSAGE);
	assert_int_equal(gs_issue_check_set("agents", "x"), GS_EUSAGE);
	assert_int_equal(gs_issue_check_set("bad key", "x"), GS_EUSAGE);
	assert_int_equal(gs_issue_check_set("", "x"), GS_EUSAGE);
}

static void test_issue_edit_set_is_lossless_and_reports_no_change(void **state)
{
	const char doc[] = "---\n# keep me\ntitle: 'x'   # trailing\nstate: open\n---\nbody\n";
	gs_issue_kv kv[] = { { "state", "closed" }, { "priority", "3" } };
	gs_issue_set_args args = { kv, 2 };
	gs_issue_kv same_kv[] = { { "state", "open" } };
	gs_issue_set_args same = { same_kv, 1 };
	gs_buf out = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_issue_edit_set(&out, "i.md", doc, strlen(doc), &args), 0);
	assert_string_equal(out.ptr, "---\n# keep me\ntitle: 'x'   # trailing\nstate: closed\n"
				     "priority: 3\n---\nbody\n");
	gs_buf_clear(&out);
	assert_int_equal(gs_issue_edit_set(&out, "i.md", doc, strlen(doc), &same), GS_STORE_NOCHANGE);
	assert_int_equal(gs_issue_edit_set(&out, "i.md", NULL, 0, &same), GS_ENOTFOUND);
	gs_buf_dispose(&out);
}

static void test_issue_fm_json_types_values(void **state)
{
	const char doc[] = "---\nid: 012\ntitle: \"5\"\nrun_count: 4\ncost: 0.5\nok: true\n"
			   "none: ~\nagents:\n  recon:\n    status: success\nlist: [a, 2]\n---\n";
	gs_fm *fm = NULL;
	cJSON *obj = NULL;
	char *text;

	(void)state;
	assert_int_equal(gs_fm_parse(&fm, doc, strlen(doc), "i.md"), 0);
	assert_int_equal(gs_issue_fm_json(&obj, fm), 0);
	text = cJSON_PrintUnformatted(obj);
	assert_string_equal(text, "{\"id\":\"012\",\"title\":\"5\",\"run_count\":4,\"cost\":0.5,"
				  "\"ok\":true,\"none\":null,\"agents\":{\"recon\":{\"status\":"
				  "\"success\"}},\"list\":[\"a\",2]}");
	free(text);
	cJSON_Delete(obj);
	gs_fm_free(fm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_id_check_rejects_paths_and_control_characters),
		cmocka_unit_test(test_issue_id_equal_ignores_case_and_leading_zeros),
		cmocka_unit_test(test_issue_id_from_name_knows_the_three_forms),
		cmocka_unit_test(test_issue_slug_is_lowercase_words),
		cmocka_unit_test(test_issue_check_set_guards_managed_keys),
		cmocka_unit_test(test_issue_edit_set_is_lossless_and_reports_no_change),
		cmocka_unit_test(test_issue_fm_json_types_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
