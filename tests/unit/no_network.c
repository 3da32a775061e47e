/*
 * The executables' stubs (cli/stubs.c) fail closed: built like the
 * executables (statically linked libgit2 with the stubs), an HTTPS
 * operation through libgit2 gets an error before any connection is made,
 * and everything else in libgit2 still starts and works.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_https_fails_closed_before_connecting(void **state)
{
	git_remote *remote = NULL;
	const git_error *e;
	int rc;

	(void)state;
	assert_true(git_libgit2_init() > 0);
	/* port 9 on localhost: nothing would answer, but nothing is even tried */
	assert_int_equal(git_remote_create_detached(&remote, "https://127.0.0.1:9/x.git"), 0);
	rc = git_remote_connect(remote, GIT_DIRECTION_FETCH, NULL, NULL, NULL);
	assert_true(rc < 0);
	e = git_error_last();
	assert_non_null(e);
	assert_int_equal(e->klass, GIT_ERROR_SSL);
	assert_non_null(strstr(e->message, "no network connections"));
	git_remote_free(remote);
	/* certificate locations cannot be set either */
	assert_true(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, "/etc/ssl/certs/ca-certificates.crt",
				     NULL) < 0);
	git_libgit2_shutdown();
}

static void test_local_repositories_still_work(void **state)
{
	char dir[] = "/tmp/gs-test-no-network.XXXXXX";
	git_repository *repo = NULL;
	git_oid blob;
	char cmd[64];

	(void)state;
	assert_true(git_libgit2_init() > 0);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(git_repository_init(&repo, dir, 0), 0);
	assert_int_equal(git_blob_create_from_buffer(&blob, repo, "x\n", 2), 0);
	assert_string_equal(git_oid_tostr_s(&blob), "587be6b4c3f93f93c489c0111bba5596147a26cb");
	git_repository_free(repo);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	git_libgit2_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_https_fails_closed_before_connecting),
		cmocka_unit_test(test_local_repositories_still_work),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
