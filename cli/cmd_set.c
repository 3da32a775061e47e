/*
 * git stats set: edit frontmatter keys of an issue in one commit.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: git stats set [--ref REF] <issue> KEY=VALUE...\n"
	"\n"
	"Set frontmatter keys of an issue, changing only those values' bytes, and\n"
	"commit the change to the target ref as 'stats(<issue>): set KEY, ...'.\n"
	"\n"
	"    --ref REF    commit to REF (default: stats.ref, else the current branch)\n";

struct set_ctx {
	const char *issue;
	gs_issue_set_args args;
	char *path; /* of the last attempt, for the summary line */
};

static int set_txn(gs_txn *t, void *payload)
{
	struct set_ctx *c = payload;
	int error;

	free(c->path);
	c->path = NULL;
	error = gs_txn_resolve(&c->path, t, c->issue);
	if (error < 0)
		return error;
	return gs_txn_edit(t, c->path, gs_issue_edit_set, &c->args);
}

int cmd_set(int argc, char **argv)
{
	struct set_ctx ctx = { NULL, { NULL, 0 }, NULL };
	gs_issue_kv *kv = NULL;
	gs_buf msg = GS_BUF_INIT;
	gs_store_result res;
	gs_repo *repo = NULL;
	const char *ref = NULL;
	int rc = CLI_RUNTIME, error, i, only_args = 0;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	kv = calloc((size_t)argc, sizeof(*kv));
	if (!kv)
		return CLI_RUNTIME;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int took;

		if (!only_args && !strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		if (!only_args && a[0] == '-' && a[1] == '-') {
			took = cli_take_ref(&ref, argc, argv, &i, usage);
			if (took < 0) {
				rc = CLI_USAGE;
				goto done;
			}
			if (took)
				continue;
			rc = cli_usage_error(usage, "unknown option '%s'", a);
			goto done;
		}
		if (!ctx.issue) {
			ctx.issue = a;
		} else {
			const char *eq = strchr(a, '=');
			char *key;

			if (!eq) {
				rc = cli_usage_error(usage, "expected KEY=VALUE, got '%s'", a);
				goto done;
			}
			key = strndup(a, (size_t)(eq - a));
			if (!key)
				goto done;
			kv[ctx.args.count].key = key;
			kv[ctx.args.count].value = eq + 1;
			ctx.args.count++;
			error = gs_issue_check_set(key, eq + 1);
			if (error < 0) {
				rc = cli_fail(error);
				goto done;
			}
		}
	}
	if (!ctx.issue || !ctx.args.count) {
		rc = cli_usage_error(usage, "%s", !ctx.issue ? "no issue given" : "nothing to set");
		goto done;
	}
	error = gs_issue_id_check(ctx.issue);
	if (error < 0) {
		rc = cli_fail(error);
		goto done;
	}
	ctx.args.kv = kv;
	gs_buf_printf(&msg, "stats(%s): set ", ctx.issue);
	for (size_t k = 0; k < ctx.args.count; k++)
		gs_buf_printf(&msg, "%s%s", k ? ", " : "", kv[k].key);

	error = cli_open_repo(&repo, ref);
	if (error == 0)
		error = gs_store_update(&res, repo, msg.ptr, set_txn, &ctx);
	if (error < 0) {
		rc = cli_fail(error);
		goto done;
	}
	if (res.changed)
		printf("%s: set %s [%.7s]\n", ctx.path, msg.ptr + strlen("stats(") + strlen(ctx.issue) +
		       strlen("): set "), git_oid_tostr_s(&res.commit));
	else
		printf("%s: unchanged\n", ctx.path);
	rc = CLI_OK;
done:
	for (size_t k = 0; k < ctx.args.count; k++)
		free((char *)kv[k].key);
	free(kv);
	free(ctx.path);
	gs_buf_dispose(&msg);
	gs_repo_free(repo);
	return rc;
}
