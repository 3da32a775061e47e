/*
 * Unit tests of the hooks module's commit inspection: which issues a
 * commit concerns, from the issue files it adds or changes (the two
 * issues trees are paired entry by entry in git's tree order).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gs/gs.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];

/* Run a shell command in the test repository; fails the test on error. */
static void sh(const char *cmd)
{
	char full[2048];

	snprintf(full, sizeof(full), "cd '%s' && %s", dir, cmd);
	assert_int_equal(system(full), 0);
}

static int has_id(const gs_hooks_ids *ids, const char *id)
{
	for (size_t i = 0; i < ids->count; i++)
		if (!strcmp(ids->ids[i], id))
			return 1;
	return 0;
}

static void test_hooks_commit_issues_pairs_added_changed_and_removed_files(void **state)
{
	gs_repo *r = NULL;
	gs_hooks_ids ids = { 0 };
	git_oid head;
	char cmd[128];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/gs-test-hooks.XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("HOME", dir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "A U Thor", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "C O Mitter", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
	sh("git init -q -b main . && mkdir -p issues/10-sub && "
	   "for i in 1-a 2-b 3-c 4-d; do printf -- '---\\nid: %s\\n---\\n' ${i%%-*} >issues/$i.md; done && "
	   "printf x >issues/10-sub/x.md && git add . && git commit -q -m one");
	/*
	 * First and last entries added, one changed, one removed, and a blob
	 * "10-sub.md" next to the tree "10-sub" (the blob sorts first: '.' < '/').
	 */
	sh("printf -- '---\\nid: 0\\n---\\n' >issues/0-new.md && "
	   "printf -- '---\\nid: 10\\n---\\n' >issues/10-sub.md && "
	   "printf -- '---\\nid: 35\\n---\\n' >issues/35-z.md && "
	   "printf -- '---\\nid: 9\\n---\\n' >issues/9-last.md && "
	   "printf 'changed\\n' >>issues/2-b.md && git rm -q issues/3-c.md && "
	   "git add . && git commit -q -m two");
	assert_int_equal(gs_repo_open(&r, dir), 0);
	assert_int_equal(git_reference_name_to_id(&head, gs_repo_git(r), "HEAD"), 0);
	assert_int_equal(gs_hooks_commit_issues(&ids, r, &head), 0);
	assert_int_equal(ids.count, 5);
	assert_true(has_id(&ids, "0"));
	assert_true(has_id(&ids, "2"));
	assert_true(has_id(&ids, "9"));
	assert_true(has_id(&ids, "10"));
	assert_true(has_id(&ids, "35"));
	gs_hooks_ids_dispose(&ids);
	gs_repo_free(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hooks_commit_issues_pairs_added_changed_and_removed_files),
	};
	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
