/*
 * git stats new: create an issue file from templates/issue.md in one commit.
 */
#include "cli.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: git stats new [--ref REF] [--id ID] [--json] <title>\n"
	"\n"
	"Create '<issues-dir>/<id>-<slug>.md' from the issue template and commit it\n"
	"as 'stats(<id>): new'. The id defaults to the highest numeric id + 1,\n"
	"counting file names and frontmatter ids.\n"
	"\n"
	"    --id ID      the new issue's id (letters, digits, '.', '_', '-')\n"
	"    --ref REF    commit to REF (default: stats.ref, else the current branch)\n"
	"    --json       print {\"id\", \"path\", \"commit\"}\n";

struct new_ctx {
	const char *title;
	const char *given_id;
	char id[GS_ISSUE_ID_MAX + 1];
	gs_buf path;
	gs_buf content;
	gs_buf msg;
};

static int new_txn(gs_txn *t, void *payload)
{
	struct new_ctx *c = payload;
	gs_repo *r = gs_txn_repo(t);
	char date[GS_TIME_BUFSZ];
	char *existing = NULL;
	int error;

	gs_buf_clear(&c->path);
	gs_buf_clear(&c->content);
	if (c->given_id) {
		snprintf(c->id, sizeof(c->id), "%s", c->given_id);
		error = gs_txn_resolve(&existing, t, c->id);
		if (error == 0) {
			gs_error_set("issue '%s' already exists: '%s'", c->id, existing);
			free(existing);
			return GS_EEXISTS;
		}
		if (error != GS_ENOTFOUND)
			return error;
	} else {
		int64_t next;

		error = gs_txn_next_id(&next, t);
		if (error < 0)
			return error;
		snprintf(c->id, sizeof(c->id), "%" PRId64, next);
	}
	gs_error_clear();
	if (gs_buf_printf(&c->path, "%s/%s", gs_repo_issues_dir(r), c->id) < 0)
		return GS_ERROR;
	{
		size_t before = c->path.size;

		gs_buf_putc(&c->path, '-');
		gs_issue_slug(&c->path, c->title);
		if (c->path.size == before + 1)
			gs_buf_truncate(&c->path, before);
	}
	gs_buf_puts(&c->path, ".md");
	gs_time_format_day(date, gs_time_now_ms());
	error = gs_issue_render_template(&c->content, c->id, c->title, date);
	if (error < 0)
		return error;
	gs_buf_clear(&c->msg);
	if (gs_buf_printf(&c->msg, "stats(%s): new", c->id) < 0)
		return GS_ERROR;
	gs_txn_set_message(t, c->msg.ptr);
	return gs_txn_create(t, c->path.ptr, c->content.ptr, c->content.size);
}

static int valid_new_id(const char *id)
{
	if (!isalnum((unsigned char)id[0]))
		return 0;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return 0;
	return strlen(id) <= GS_ISSUE_ID_MAX;
}

int cmd_new(int argc, char **argv)
{
	struct new_ctx ctx;
	const char *ref = NULL;
	gs_repo *repo = NULL;
	gs_store_result res;
	int rc = CLI_RUNTIME, error, json = 0;

	memset(&ctx, 0, sizeof(ctx));
	gs_buf_init(&ctx.path);
	gs_buf_init(&ctx.content);
	gs_buf_init(&ctx.msg);
	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int took = cli_take_ref(&ref, argc, argv, &i, usage);

		if (took < 0)
			return CLI_USAGE;
		if (took)
			continue;
		if (!strcmp(a, "--id") && i + 1 < argc)
			ctx.given_id = argv[++i];
		else if (!strncmp(a, "--id=", 5))
			ctx.given_id = a + 5;
		else if (!strcmp(a, "--json"))
			json = 1;
		else if (a[0] == '-' && a[1])
			return cli_usage_error(usage, "unknown option '%s'", a);
		else if (!ctx.title)
			ctx.title = a;
		else
			return cli_usage_error(usage, "unexpected argument '%s' (quote the title)", a);
	}
	if (!ctx.title || !*ctx.title)
		return cli_usage_error(usage, "no title given");
	for (const char *p = ctx.title; *p; p++)
		if ((unsigned char)*p < 0x20)
			return cli_usage_error(usage, "the title contains a control character");
	if (ctx.given_id && (gs_issue_id_check(ctx.given_id) < 0 || !valid_new_id(ctx.given_id)))
		return cli_usage_error(usage, "invalid id '%s': use letters, digits, '.', '_', '-'",
				       ctx.given_id);
	error = cli_open_repo(&repo, ref);
	if (error < 0)
		goto fail;
	/* the default id depends on the tip, so new_txn sets the message */
	error = gs_store_update(&res, repo, NULL, new_txn, &ctx);
	if (error < 0)
		goto fail;
	if (json) {
		cJSON *o = cJSON_CreateObject();
		char *text;

		cJSON_AddStringToObject(o, "id", ctx.id);
		cJSON_AddStringToObject(o, "path", ctx.path.ptr);
		cJSON_AddStringToObject(o, "commit", git_oid_tostr_s(&res.commit));
		text = cJSON_PrintUnformatted(o);
		if (text)
			printf("%s\n", text);
		free(text);
		cJSON_Delete(o);
	} else
		printf("%s\n", ctx.path.ptr);
	rc = CLI_OK;
	goto done;
fail:
	rc = cli_fail(error);
done:
	gs_buf_dispose(&ctx.msg);
	gs_buf_dispose(&ctx.path);
	gs_buf_dispose(&ctx.content);
	gs_repo_free(repo);
	return rc;
}
