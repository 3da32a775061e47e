/*
 * gs_buf and the atomic file helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gs/gs.h"

static void test_buf_starts_empty_and_nul_terminated(void **state)
{
	gs_buf b = GS_BUF_INIT;

	(void)state;
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	gs_buf_dispose(&b);
}

static void test_buf_printf_appends(void **state)
{
	gs_buf b = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_buf_puts(&b, "run_count: "), 0);
	assert_int_equal(gs_buf_printf(&b, "%d", 42), 0);
	assert_string_equal(b.ptr, "run_count: 42");
	assert_int_equal(b.size, 13);
	gs_buf_dispose(&b);
}

static void test_buf_splice_replaces_exact_range(void **state)
{
	gs_buf b = GS_BUF_INIT;

	(void)state;
	gs_buf_puts(&b, "a: 1\nb: 2\n");
	assert_int_equal(gs_buf_splice(&b, 3, 1, "100", 3), 0);
	assert_string_equal(b.ptr, "a: 100\nb: 2\n");
	assert_int_equal(gs_buf_splice(&b, 3, 3, "", 0), 0);
	assert_string_equal(b.ptr, "a: \nb: 2\n");
	assert_int_equal(gs_buf_splice(&b, 100, 1, "x", 1), GS_ERROR);
	gs_buf_dispose(&b);
}

static void test_buf_detach_hands_over_ownership(void **state)
{
	gs_buf b = GS_BUF_INIT;
	char *p;

	(void)state;
	gs_buf_puts(&b, "hello");
	p = gs_buf_detach(&b);
	assert_string_equal(p, "hello");
	assert_int_equal(b.size, 0);
	assert_string_equal(b.ptr, "");
	free(p);
}

static void test_buf_put_eol_writes_every_line_end_as_asked(void **state)
{
	gs_buf b = GS_BUF_INIT;

	(void)state;
	assert_int_equal(gs_buf_put_eol(&b, "a\nb\r\nc", strlen("a\nb\r\nc"), "\r\n"), 0);
	assert_string_equal(b.ptr, "a\r\nb\r\nc");
	gs_buf_clear(&b);
	assert_int_equal(gs_buf_put_eol(&b, "a\r\nb\nlone\rcr\r\r\n", strlen("a\r\nb\nlone\rcr\r\r\n"), "\n"), 0);
	assert_string_equal(b.ptr, "a\nb\nlone\rcr\r\n");
	gs_buf_clear(&b);
	assert_int_equal(gs_buf_put_eol(&b, "x\ny\n", strlen("x\ny\n"), "\n"), 0);
	assert_string_equal(b.ptr, "x\ny\n");
	gs_buf_dispose(&b);
}

static void test_file_write_atomic_keeps_mode(void **state)
{
	char dir[] = "/tmp/gs-test-XXXXXX", path[256];
	gs_buf b = GS_BUF_INIT;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.md", dir);
	assert_int_equal(gs_file_write_atomic(path, "one\n", 4, 0644), 0);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(gs_file_write_atomic(path, "two\n", 4, 0644), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(gs_file_read(&b, path, 1024), 0);
	assert_string_equal(b.ptr, "two\n");
	gs_buf_clear(&b);
	assert_int_equal(gs_file_read(&b, path, 2), GS_ETOOBIG);
	assert_int_equal(b.size, 0);
	unlink(path);
	rmdir(dir);
	gs_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_starts_empty_and_nul_terminated),
		cmocka_unit_test(test_buf_printf_appends),
		cmocka_unit_test(test_buf_splice_replaces_exact_range),
		cmocka_unit_test(test_buf_detach_hands_over_ownership),
		cmocka_unit_test(test_buf_put_eol_writes_every_line_end_as_asked),
		cmocka_unit_test(test_file_write_atomic_keeps_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
