/*
 * The commit path against a real (temporary, bare) repository: orphan
 * creation, edits, no-change, aborts, and the compare-and-swap retry.
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
#include <sys/stat.h>
#include <unistd.h>

#include "gs/gs.h"
#include "odb_stage.h"

struct fixture {
	char dir[64];
	gs_repo *repo;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	git_repository *g = NULL;
	git_libgit2_init();
	snprintf(f->dir, sizeof(f->dir), "/tmp/gs-test-store.XXXXXX");
	if (!mkdtemp(f->dir) || git_repository_init(&g, f->dir, 1) < 0)
		return -1;
	git_repository_free(g);
	setenv("GIT_AUTHOR_NAME", "A U Thor", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("GIT_AUTHOR_DATE", "2026-03-01T10:00:00Z", 1);
	setenv("GIT_COMMITTER_NAME", "C O Mitter", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
	setenv("GIT_COMMITTER_DATE", "@1772359200 +0100", 1);
	if (gs_repo_open(&f->repo, f->dir) < 0 || gs_repo_set_ref(f->repo, "issues") < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	gs_repo_free(f->repo);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	git_libgit2_shutdown();
	return 0;
}

/* Content of `path` at the tip of refs/heads/issues. */
static char *tip_file(struct fixture *f, const char *path)
{
	git_object *obj = NULL;
	gs_buf spec = GS_BUF_INIT;
	char *s;

	gs_buf_printf(&spec, "refs/heads/issues:%s", path);
	if (git_revparse_single(&obj, gs_repo_git(f->repo), spec.ptr) < 0) {
		gs_buf_dispose(&spec);
		return NULL;
	}
	s = strndup(git_blob_rawcontent((git_blob *)obj), (size_t)git_blob_rawsize((git_blob *)obj));
	git_object_free(obj);
	gs_buf_dispose(&spec);
	return s;
}

static int create_txn(gs_txn *t, void *payload)
{
	return gs_txn_create(t, "issues/1-one.md", payload, strlen(payload));
}

/* Edit: append the payload string as a line. */
static int append_edit(gs_buf *out, const char *path, const char *old, size_t len, void *payload)
{
	(void)path;
	if (gs_buf_put(out, old, len) < 0 || gs_buf_printf(out, "%s\n", (const char *)payload) < 0)
		return GS_ERROR;
	return 0;
}

struct append {
	const char *line;
	struct fixture *f;
	int interfere; /* on attempt 1, commit behind our back */
};

static int append_txn(gs_txn *t, void *payload)
{
	struct append *a = payload;
	char *path = NULL;
	int error = gs_txn_resolve(&path, t, "1");

	if (error < 0)
		return error;
	if (a->interfere && gs_txn_attempt(t) == 1) {
		/* another writer moves the ref between our read and our swap */
		{
			git_repository *g = gs_repo_git(a->f->repo);
			git_oid tip, blob, tree_id, commit;
			git_commit *parent = NULL;
			git_tree *tree = NULL;
			git_tree_update upd;
			git_signature *sig = NULL;
			char *old = tip_file(a->f, path);
			gs_buf content = GS_BUF_INIT;

			gs_buf_printf(&content, "%sinterloper\n", old);
			assert_int_equal(git_reference_name_to_id(&tip, g, "refs/heads/issues"), 0);
			assert_int_equal(git_commit_lookup(&parent, g, &tip), 0);
			assert_int_equal(git_commit_tree(&tree, parent), 0);
			assert_int_equal(git_blob_create_from_buffer(&blob, g, content.ptr, content.size), 0);
			upd.action = GIT_TREE_UPDATE_UPSERT;
			upd.filemode = GIT_FILEMODE_BLOB;
			upd.path = path;
			git_oid_cpy(&upd.id, &blob);
			assert_int_equal(git_tree_create_updated(&tree_id, g, tree, 1, &upd), 0);
			git_tree_free(tree);
			assert_int_equal(git_tree_lookup(&tree, g, &tree_id), 0);
			assert_int_equal(git_signature_now(&sig, "x", "x@y"), 0);
			assert_int_equal(git_commit_create_v(&commit, g, "refs/heads/issues", sig, sig, NULL,
							     "interloper", tree, 1, parent), 0);
			git_signature_free(sig);
			git_tree_free(tree);
			git_commit_free(parent);
			gs_buf_dispose(&content);
			free(old);
		}
	}
	error = gs_txn_edit(t, path, append_edit, (void *)a->line);
	free(path);
	return error;
}

static void test_store_creates_the_dedicated_ref_as_an_orphan_commit(void **state)
{
	struct fixture *f = *state;
	gs_store_result res;
	git_commit *c = NULL;
	char *s;

	assert_int_equal(gs_store_update(&res, f->repo, "stats(1): new", create_txn, (void *)"---\nid: 1\n---\n"), 0);
	assert_true(res.changed);
	assert_int_equal(res.attempts, 1);
	assert_int_equal(git_commit_lookup(&c, gs_repo_git(f->repo), &res.commit), 0);
	assert_int_equal(git_commit_parentcount(c), 0);
	assert_string_equal(git_commit_message(c), "stats(1): new");
	assert_string_equal(git_commit_author(c)->name, "A U Thor");
	assert_int_equal(git_commit_author(c)->when.time, 1772359200);
	assert_int_equal(git_commit_committer(c)->when.offset, 60);
	git_commit_free(c);
	s = tip_file(f, "issues/1-one.md");
	assert_string_equal(s, "---\nid: 1\n---\n");
	free(s);
}

static void test_store_edit_commits_on_top_of_the_tip(void **state)
{
	struct fixture *f = *state;
	struct append a = { "first", f, 0 };
	gs_store_result res;
	char *s;

	assert_int_equal(gs_store_update(&res, f->repo, "m", create_txn, (void *)"---\nid: 1\n---\n"), 0);
	assert_int_equal(gs_store_update(&res, f->repo, "stats(1): append", append_txn, &a), 0);
	assert_true(res.changed);
	s = tip_file(f, "issues/1-one.md");
	assert_string_equal(s, "---\nid: 1\n---\nfirst\n");
	free(s);
}

static void test_store_redoes_the_transaction_when_the_ref_moved(void **state)
{
	struct fixture *f = *state;
	struct append a = { "mine", f, 1 };
	gs_store_result res;
	char *s;

	assert_int_equal(gs_store_update(&res, f->repo, "m", create_txn, (void *)"---\nid: 1\n---\n"), 0);
	assert_int_equal(gs_store_update(&res, f->repo, "stats(1): append", append_txn, &a), 0);
	assert_int_equal(res.attempts, 2);
	s = tip_file(f, "issues/1-one.md");
	/* both updates are there: nothing lost */
	assert_string_equal(s, "---\nid: 1\n---\ninterloper\nmine\n");
	free(s);
}

/* Names that exercise every rule of SPEC §1's id-from-file-name. */
static const char *const resolve_names[] = {
	"7-a.md", "123-x.md", "1234-y.md", "12 - spaced title.md", "BACK-222-login.md", "ABC.md",
	"README.md", "notes.txt", "0042-answer.md",
};

static int create_many_txn(gs_txn *t, void *payload)
{
	(void)payload;
	for (size_t i = 0; i < sizeof(resolve_names) / sizeof(*resolve_names); i++) {
		char path[128];

		snprintf(path, sizeof(path), "issues/%s", resolve_names[i]);
		if (gs_txn_create(t, path, "no frontmatter\n", 15) < 0)
			return GS_ERROR;
	}
	return 0;
}

struct resolve_case {
	const char *id, *path; /* path NULL: not found */
};

static int resolve_txn(gs_txn *t, void *payload)
{
	const struct resolve_case *c = payload;

	for (; c->id; c++) {
		char *path = NULL;
		int error = gs_txn_resolve(&path, t, c->id);

		if (c->path) {
			assert_int_equal(error, 0);
			assert_string_equal(path, c->path);
		} else {
			assert_int_equal(error, GS_ENOTFOUND);
			assert_null(path);
		}
		free(path);
	}
	return GS_STORE_NOCHANGE;
}

static void test_store_resolves_ids_by_file_name(void **state)
{
	struct fixture *f = *state;
	gs_store_result res;
	static const struct resolve_case cases[] = {
		{ "7", "issues/7-a.md" },
		{ "007", "issues/7-a.md" },
		{ "123", "issues/123-x.md" },
		{ "1234", "issues/1234-y.md" },
		{ "12", "issues/12 - spaced title.md" },
		{ "BACK-222", "issues/BACK-222-login.md" },
		{ "back-0222", "issues/BACK-222-login.md" },
		{ "abc", "issues/ABC.md" },
		{ "42", "issues/0042-answer.md" },
		{ "1", NULL },
		{ "12345", NULL },
		{ "BACK", NULL },
		{ "README", NULL },
		{ NULL, NULL },
	};

	assert_int_equal(gs_store_update(&res, f->repo, "m", create_many_txn, NULL), 0);
	assert_int_equal(gs_store_update(&res, f->repo, "m", resolve_txn, (void *)cases), 0);
	assert_false(res.changed);
}

/* Append a line to several files in one transaction. */
static int append_many_txn(gs_txn *t, void *payload)
{
	static const char *const paths[] = { "issues/ABC.md", "issues/7-a.md", "issues/123-x.md" };

	for (size_t i = 0; i < 3; i++)
		if (gs_txn_edit(t, paths[i], append_edit, payload) < 0)
			return GS_ERROR;
	return gs_txn_create(t, "issues/99-new.md", "new\n", 4);
}

static void test_store_splices_several_entries_into_the_directory(void **state)
{
	struct fixture *f = *state;
	git_repository *g = gs_repo_git(f->repo);
	gs_store_result res;
	git_commit *c = NULL;
	git_tree *root = NULL, *dir = NULL;
	git_tree_entry *e = NULL;
	git_treebuilder *tb = NULL;
	git_oid again;
	char *s;
	static const char *const want[][2] = {
		{ "issues/7-a.md", "no frontmatter\nmore\n" },
		{ "issues/ABC.md", "no frontmatter\nmore\n" },
		{ "issues/123-x.md", "no frontmatter\nmore\n" },
		{ "issues/99-new.md", "new\n" },
		{ "issues/1234-y.md", "no frontmatter\n" },
	};

	assert_int_equal(gs_store_update(&res, f->repo, "m", create_many_txn, NULL), 0);
	assert_int_equal(gs_store_update(&res, f->repo, "m", append_many_txn, (void *)"more"), 0);
	assert_true(res.changed);
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		s = tip_file(f, want[i][0]);
		assert_non_null(s);
		assert_string_equal(s, want[i][1]);
		free(s);
	}
	/* the spliced directory is the tree libgit2 builds from the same entries */
	assert_int_equal(git_commit_lookup(&c, g, &res.commit), 0);
	assert_int_equal(git_commit_tree(&root, c), 0);
	assert_int_equal(git_tree_entry_bypath(&e, root, "issues"), 0);
	assert_int_equal(git_tree_lookup(&dir, g, git_tree_entry_id(e)), 0);
	assert_int_equal(git_tree_entrycount(dir), 10);
	assert_int_equal(git_treebuilder_new(&tb, g, dir), 0);
	assert_int_equal(git_treebuilder_write(&again, tb), 0);
	assert_true(git_oid_equal(&again, git_tree_id(dir)));
	git_treebuilder_free(tb);
	git_tree_entry_free(e);
	git_tree_free(dir);
	git_tree_free(root);
	git_commit_free(c);
}

/* objects/xx/<rest> of `id` in the fixture's bare repository, and whether it exists */
static int loose_exists(struct fixture *f, const git_oid *id)
{
	char path[256], hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(path, sizeof(path), "%s/objects/%.2s/%s", f->dir, hex, hex + 2);
	return access(path, F_OK) == 0;
}

/* Files named tmp_obj_* left in objects/xx/ of `id`. */
static int temp_files(struct fixture *f, const git_oid *id)
{
	char cmd[256], hex[GIT_OID_HEXSZ + 1];
	FILE *p;
	int n = 0, c;

	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(cmd, sizeof(cmd), "ls '%s/objects/%.2s' | grep -c '^tmp_obj_'", f->dir, hex);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((c = fgetc(p)) != EOF)
		if (c >= '0' && c <= '9')
			n = n * 10 + (c - '0');
	pclose(p);
	return n;
}

static void test_store_stages_objects_until_flushed(void **state)
{
	struct fixture *f = *state;
	git_repository *g = gs_repo_git(f->repo);
	gs_odb_stage *stage = NULL;
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_oid blob, tree, again, dropped;
	char entry[64];
	struct iovec v[3];
	size_t elen;

	assert_int_equal(gs_odb_stage_get(&stage, g, gs_repo__stage_slot(f->repo)), 0);
	assert_int_equal(git_repository_odb(&odb, g), 0);
	gs_odb_stage_begin(stage);
	/*
	 * A blob through libgit2 is staged: visible to this process at once;
	 * on disk a temporary file until its own thread has synced it and
	 * named it (it may have already; the thread links the name before it
	 * unlinks the temporary file, so for an instant there are both).
	 */
	assert_int_equal(git_blob_create_from_buffer(&blob, g, "hello\n", 6), 0);
	assert_true(git_odb_exists(odb, &blob));
	assert_true(temp_files(f, &blob) + loose_exists(f, &blob) >= 1);
	/* a tree in pieces (header left in v[0]) reads back whole */
	elen = (size_t)snprintf(entry, sizeof(entry), "100644 a.md%c", 0);
	memcpy(entry + elen, blob.id, GIT_OID_RAWSZ);
	v[1].iov_base = entry;
	v[1].iov_len = 4; /* "1006" */
	v[2].iov_base = entry + 4;
	v[2].iov_len = elen + GIT_OID_RAWSZ - 4;
	assert_int_equal(gs_odb_stage_writev(&tree, stage, GIT_OBJECT_TREE, v, 3), 0);
	assert_int_equal(git_odb_hash(&again, entry, elen + GIT_OID_RAWSZ, GIT_OBJECT_TREE), 0);
	assert_true(git_oid_equal(&tree, &again));
	assert_int_equal(git_odb_read(&obj, odb, &tree), 0);
	assert_int_equal(git_odb_object_size(obj), elen + GIT_OID_RAWSZ);
	assert_memory_equal(git_odb_object_data(obj), entry, elen + GIT_OID_RAWSZ);
	git_odb_object_free(obj);
	/* flushed: named, no temporary file left, readable by git */
	assert_int_equal(gs_odb_stage_flush(stage), 0);
	assert_true(loose_exists(f, &blob));
	assert_true(loose_exists(f, &tree));
	assert_int_equal(temp_files(f, &blob), 0);
	assert_int_equal(temp_files(f, &tree), 0);
	/* the stored tree reads back from its blocks; a compressed blob is left to libgit2 */
	{
		char *back = NULL, path[256], hex[GIT_OID_HEXSZ + 1];
		size_t n = 0;
		FILE *fp;

		assert_int_equal(gs_odb_stage_read_stored(&back, &n, stage, &tree, GIT_OBJECT_TREE), 0);
		assert_int_equal(n, elen + GIT_OID_RAWSZ);
		assert_memory_equal(back, entry, n);
		free(back);
		assert_int_equal(gs_odb_stage_read_stored(&back, &n, stage, &tree, GIT_OBJECT_BLOB),
				 GS_ENOTFOUND);
		assert_int_equal(gs_odb_stage_read_stored(&back, &n, stage, &blob, GIT_OBJECT_BLOB),
				 GS_ENOTFOUND);
		/* a flipped byte fails the Adler-32 check: left to libgit2, which reports it */
		git_oid_tostr(hex, sizeof(hex), &tree);
		snprintf(path, sizeof(path), "%s/objects/%.2s/%s", f->dir, hex, hex + 2);
		assert_int_equal(chmod(path, 0644), 0);
		fp = fopen(path, "r+b");
		assert_non_null(fp);
		assert_int_equal(fseek(fp, -5, SEEK_END), 0); /* the last byte of the entry's id */
		{
			unsigned char flipped = (unsigned char)(entry[elen + GIT_OID_RAWSZ - 1] ^ 1);

			assert_int_equal(fputc(flipped, fp), flipped);
		}
		assert_int_equal(fclose(fp), 0);
		assert_int_equal(gs_odb_stage_read_stored(&back, &n, stage, &tree, GIT_OBJECT_TREE),
				 GS_ENOTFOUND);
		assert_int_equal(unlink(path), 0);
	}
	/* big, in uneven pieces: stored blocks of at most 64 KB cut across them */
	{
		size_t sizes[] = { 1, 70000, 0, 79999, 65535 }, total = 0, off = 0;
		struct iovec bv[6];
		char *big = malloc(300000), *back = NULL, cmd[200];
		git_oid bid, bid2;
		size_t n = 0;

		assert_non_null(big);
		for (size_t i = 0; i < 300000; i++)
			big[i] = (char)(i * 7 + i / 251);
		for (size_t i = 0; i < 5; i++) {
			bv[i + 1].iov_base = big + off;
			bv[i + 1].iov_len = sizes[i];
			off += sizes[i];
		}
		total = off;
		assert_int_equal(gs_odb_stage_writev(&bid, stage, GIT_OBJECT_BLOB, bv, 6), 0);
		assert_int_equal(git_odb_hash(&bid2, big, total, GIT_OBJECT_BLOB), 0);
		assert_true(git_oid_equal(&bid, &bid2));
		assert_int_equal(gs_odb_stage_flush(stage), 0);
		assert_int_equal(gs_odb_stage_read_stored(&back, &n, stage, &bid, GIT_OBJECT_BLOB), 0);
		assert_int_equal(n, total);
		assert_memory_equal(back, big, total);
		free(back);
		/* and git reads it: zlib's own inflate, size and content */
		snprintf(cmd, sizeof(cmd), "test \"$(git --git-dir='%s' cat-file -s %s)\" = %zu", f->dir,
			 git_oid_tostr_s(&bid), total);
		assert_int_equal(system(cmd), 0);
		free(big);
	}
	/* an object staged and then dropped leaves no temporary file (at most itself, unreferenced) */
	assert_int_equal(git_blob_create_from_buffer(&dropped, g, "dropped\n", 8), 0);
	gs_odb_stage_end(stage);
	assert_int_equal(temp_files(f, &dropped), 0);
	/* not staging: writes go straight to the loose backend */
	assert_int_equal(git_blob_create_from_buffer(&dropped, g, "not staged\n", 11), 0);
	assert_true(loose_exists(f, &dropped));
	git_odb_free(odb);
	{
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "git --git-dir='%s' fsck --strict >/dev/null 2>&1", f->dir);
		assert_int_equal(system(cmd), 0);
		snprintf(cmd, sizeof(cmd), "test \"$(git --git-dir='%s' cat-file -p %s)\" = hello", f->dir,
			 git_oid_tostr_s(&blob));
		assert_int_equal(system(cmd), 0);
	}
}

static int nochange_edit(gs_buf *out, const char *path, const char *old, size_t len, void *payload)
{
	(void)out, (void)path, (void)old, (void)len, (void)payload;
	return GS_STORE_NOCHANGE;
}

static int nochange_txn(gs_txn *t, void *payload)
{
	(void)payload;
	return gs_txn_edit(t, "issues/1-one.md", nochange_edit, NULL);
}

static int failing_edit(gs_buf *out, const char *path, const char *old, size_t len, void *payload)
{
	(void)out, (void)old, (void)len, (void)payload;
	gs_error_set("cannot parse '%s'", path);
	return GS_EPARSE;
}

static int failing_txn(gs_txn *t, void *payload)
{
	int error = gs_txn_create(t, "issues/2-two.md", "x", 1);

	(void)payload;
	if (error < 0)
		return error;
	return gs_txn_edit(t, "issues/1-one.md", failing_edit, NULL);
}

static int escape_txn(gs_txn *t, void *payload)
{
	(void)payload;
	return gs_txn_create(t, "issues/../evil.md", "x", 1);
}

static void test_store_makes_no_commit_without_change_or_on_error(void **state)
{
	struct fixture *f = *state;
	gs_store_result res;
	git_oid before, after;

	assert_int_equal(gs_store_update(&res, f->repo, "m", create_txn, (void *)"---\nid: 1\n---\n"), 0);
	assert_int_equal(git_reference_name_to_id(&before, gs_repo_git(f->repo), "refs/heads/issues"), 0);
	assert_int_equal(gs_store_update(&res, f->repo, "m", nochange_txn, NULL), 0);
	assert_false(res.changed);
	assert_int_equal(gs_store_update(&res, f->repo, "m", failing_txn, NULL), GS_EPARSE);
	assert_string_equal(gs_error_last(), "cannot parse 'issues/1-one.md'");
	assert_int_equal(gs_store_update(&res, f->repo, "m", escape_txn, NULL), GS_EUSAGE);
	assert_int_equal(gs_store_update(&res, f->repo, "m", create_txn, (void *)"again"), GS_EEXISTS);
	assert_int_equal(git_reference_name_to_id(&after, gs_repo_git(f->repo), "refs/heads/issues"), 0);
	assert_true(git_oid_equal(&before, &after));
}

static void test_store_parse_date_reads_git_formats(void **state)
{
	int64_t t;
	int off;

	(void)state;
	assert_int_equal(gs_store_parse_date(&t, &off, "2026-03-01T10:00:00Z"), 0);
	assert_int_equal(t, 1772359200);
	assert_int_equal(off, 0);
	assert_int_equal(gs_store_parse_date(&t, &off, "@1772359200 +0100"), 0);
	assert_int_equal(t, 1772359200);
	assert_int_equal(off, 60);
	assert_int_equal(gs_store_parse_date(&t, &off, "1772359200 -0530"), 0);
	assert_int_equal(off, -330);
	assert_int_equal(gs_store_parse_date(&t, &off, "2026-03-01T11:00:00+01:00"), 0);
	assert_int_equal(t, 1772359200);
	assert_int_equal(off, 60);
	assert_int_equal(gs_store_parse_date(&t, &off, "2026-03-01 11:00:00 +0100"), 0);
	assert_int_equal(t, 1772359200);
	assert_int_equal(off, 60);
	assert_int_equal(gs_store_parse_date(&t, &off, "Sun, 1 Mar 2026 10:00:00 +0000"), 0);
	assert_int_equal(t, 1772359200);
	assert_int_equal(gs_store_parse_date(&t, &off, "yesterday"), GS_EPARSE);
}

/* --- the in-place index editor (lib/index_raw.c) ----------------------- */

#include "index_raw.h"

static void test_store_rawindex_sha1_matches_known_digests(void **state)
{
	unsigned char out[20];
	char hex[41];
	static const char abc56[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	gs_rawindex__sha1(out, "", 0);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	gs_rawindex__sha1(out, abc56, strlen(abc56));
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	assert_string_equal(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

/* An index of four files with a cache-tree, written by libgit2. */
static void make_index(struct fixture *f, const char *path, unsigned int version, git_oid *tree)
{
	static const char *const names[] = { "a.txt", "dir/b.md", "dir/c.md", "z" };
	git_repository *g = gs_repo_git(f->repo);
	git_index *idx = NULL;

	assert_int_equal(git_index_open(&idx, path), 0);
	for (int i = 0; i < 4; i++) {
		git_index_entry e;

		memset(&e, 0, sizeof(e));
		e.mode = GIT_FILEMODE_BLOB;
		e.path = names[i];
		e.file_size = 3;
		assert_int_equal(git_blob_create_from_buffer(&e.id, g, names[i], strlen(names[i])), 0);
		assert_int_equal(git_index_add(idx, &e), 0);
	}
	assert_int_equal(git_index_set_version(idx, version), 0);
	assert_int_equal(git_index_write_tree_to(tree, idx, g), 0); /* fills the cache-tree */
	assert_int_equal(git_index_write(idx), 0);
	git_index_free(idx);
}

/* The file gs_rawindex__write describes: the entries as edited, then the tail. */
static void whole(gs_buf *out, const gs_rawindex *ix, const gs_buf *tail)
{
	gs_buf_clear(out);
	assert_int_equal(gs_buf_put(out, ix->data, ix->ext_start), 0);
	assert_int_equal(gs_buf_put(out, tail->ptr, tail->size), 0);
}

static void check_rawindex(struct fixture *f, unsigned int version)
{
	git_repository *g = gs_repo_git(f->repo);
	gs_buf path = GS_BUF_INIT, data = GS_BUF_INIT, out = GS_BUF_INIT, tail = GS_BUF_INIT;
	gs_buf orig = GS_BUF_INIT;
	const char *changed[] = { "dir/b.md" };
	const gs_rawindex_entry *e;
	const git_index_entry *ge;
	gs_rawindex ix;
	git_index *idx = NULL;
	git_oid tree, tree2, blob;
	git_tree *t = NULL;
	git_tree_entry *te = NULL;

	gs_buf_printf(&path, "%s/index-v%u", f->dir, version);
	make_index(f, path.ptr, version, &tree);
	assert_int_equal(gs_file_read(&data, path.ptr, 1 << 20), 0);
	assert_memory_equal(data.ptr, "DIRC", 4);
	assert_int_equal(gs_buf_set(&orig, data.ptr, data.size), 0);
	assert_int_equal(gs_rawindex__parse(&ix, data.ptr, data.size), 0);
	assert_int_equal(ix.count, 4);
	assert_string_equal(ix.entries[1].path, "dir/b.md");
	/* the cache-tree is there, right after the entries */
	assert_memory_equal(data.ptr + ix.ext_start, "TREE", 4);
	/* no change: the same bytes come back */
	assert_int_equal(gs_rawindex__write(&tail, &ix, NULL, 0), 0);
	whole(&out, &ix, &tail);
	assert_int_equal(out.size, data.size);
	assert_memory_equal(out.ptr, data.ptr, data.size);
	/* change one entry: libgit2 reads it back and rebuilds the trees above it */
	assert_int_equal(git_blob_create_from_buffer(&blob, g, "new", 3), 0);
	e = gs_rawindex__find(&ix, "dir/b.md", 0);
	assert_non_null(e);
	assert_null(gs_rawindex__find(&ix, "dir/b.md", 1));
	assert_null(gs_rawindex__find(&ix, "dir", 0));
	assert_int_equal(gs_rawindex__set(&ix, e, &blob, NULL), 0);
	assert_int_equal(gs_rawindex__set(&ix, e, &blob, NULL), 0); /* twice: undo still restores */
	assert_int_equal(gs_rawindex__write(&tail, &ix, changed, 1), 0);
	whole(&out, &ix, &tail);
	assert_int_equal(gs_file_write_atomic(path.ptr, out.ptr, out.size, 0644), 0);
	/* undo gives back the bytes as read */
	assert_memory_not_equal(data.ptr, orig.ptr, data.size);
	gs_rawindex__undo(&ix);
	assert_memory_equal(data.ptr, orig.ptr, data.size);
	assert_int_equal(git_index_open(&idx, path.ptr), 0);
	ge = git_index_get_bypath(idx, "dir/b.md", 0);
	assert_non_null(ge);
	assert_true(git_oid_equal(&ge->id, &blob));
	assert_int_equal(ge->file_size, 0);
	assert_int_equal(git_index_write_tree_to(&tree2, idx, g), 0);
	assert_false(git_oid_equal(&tree, &tree2));
	assert_int_equal(git_tree_lookup(&t, g, &tree2), 0);
	assert_int_equal(git_tree_entry_bypath(&te, t, "dir/b.md"), 0);
	assert_true(git_oid_equal(git_tree_entry_id(te), &blob));
	git_tree_entry_free(te);
	git_tree_free(t);
	git_index_free(idx);
	gs_rawindex__dispose(&ix);
	gs_buf_dispose(&path);
	gs_buf_dispose(&data);
	gs_buf_dispose(&out);
	gs_buf_dispose(&tail);
	gs_buf_dispose(&orig);
}

static void test_store_rawindex_v2_round_trips_and_invalidates_the_cache_tree(void **state)
{
	check_rawindex(*state, 2);
}

static void test_store_rawindex_v4_round_trips_and_invalidates_the_cache_tree(void **state)
{
	check_rawindex(*state, 4);
}

static void test_store_rawindex_refuses_what_it_cannot_edit(void **state)
{
	gs_rawindex ix;
	char v5[64];

	(void)state;
	memset(v5, 0, sizeof(v5));
	memcpy(v5, "DIRC\0\0\0\5", 8);
	assert_int_equal(gs_rawindex__parse(&ix, v5, sizeof(v5)), GS_RAWINDEX_UNSUPPORTED);
	gs_rawindex__dispose(&ix);
	{
		char junk[] = "not an index at all, really no";

		assert_int_equal(gs_rawindex__parse(&ix, junk, 30), GS_EPARSE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_creates_the_dedicated_ref_as_an_orphan_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_edit_commits_on_top_of_the_tip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_redoes_the_transaction_when_the_ref_moved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_makes_no_commit_without_change_or_on_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_resolves_ids_by_file_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_stages_objects_until_flushed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_splices_several_entries_into_the_directory, setup, teardown),
		cmocka_unit_test(test_store_parse_date_reads_git_formats),
		cmocka_unit_test(test_store_rawindex_sha1_matches_known_digests),
		cmocka_unit_test_setup_teardown(test_store_rawindex_v2_round_trips_and_invalidates_the_cache_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_rawindex_v4_round_trips_and_invalidates_the_cache_tree, setup, teardown),
		cmocka_unit_test(test_store_rawindex_refuses_what_it_cannot_edit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
