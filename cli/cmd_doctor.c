/*
 * git stats doctor: is this repository's git integration really working?
 * One line per check, OK or what to run; exit 1 when any check fails.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <string.h>

static const char usage[] =
	"usage: git stats doctor [--json]\n"
	"\n"
	"Checks that git reaches the git-stats hooks (core.hooksPath, hook managers),\n"
	"the merge driver and its attribute, the identity commits are made with, an\n"
	"empty spool, and that totals verify. Exit 1 when any check fails.\n";

static int print_json(const gs_hooks_checklist *list)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text;
	size_t i;

	if (!root)
		return GS_ERROR;
	cJSON_AddBoolToObject(root, "ok", gs_hooks_checklist_failures(list) == 0);
	arr = cJSON_AddArrayToObject(root, "checks");
	for (i = 0; arr && i < list->count; i++) {
		cJSON *c = cJSON_CreateObject();

		if (!c)
			break;
		cJSON_AddStringToObject(c, "name", list->items[i].name);
		cJSON_AddBoolToObject(c, "ok", list->items[i].ok);
		cJSON_AddStringToObject(c, "detail", list->items[i].detail.ptr);
		if (list->items[i].fix.size)
			cJSON_AddStringToObject(c, "fix", list->items[i].fix.ptr);
		else
			cJSON_AddNullToObject(c, "fix");
		cJSON_AddItemToArray(arr, c);
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	puts(text);
	cJSON_free(text);
	return 0;
}

int cmd_doctor(int argc, char **argv)
{
	gs_repo *repo = NULL;
	gs_hooks_env env;
	gs_hooks_checklist list = GS_HOOKS_CHECKLIST_INIT;
	int i, json = 0, rc = CLI_RUNTIME, have_env = 0;
	size_t k;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_usage_error(usage, "doctor: unknown argument '%s'", argv[i]);
	}
	if (gs_repo_open(&repo, NULL) < 0)
		return cli_fail(GS_ERROR);
	if (gs_hooks_env_discover(&env) < 0) {
		rc = cli_fail(GS_ERROR);
		goto done;
	}
	have_env = 1;
	if (gs_hooks_doctor(&list, repo, &env) < 0) {
		rc = cli_fail(GS_ERROR);
		goto done;
	}
	if (json) {
		if (print_json(&list) < 0) {
			rc = cli_fail(GS_ERROR);
			goto done;
		}
	} else {
		for (k = 0; k < list.count; k++) {
			const gs_hooks_check *c = &list.items[k];

			if (c->ok)
				printf("%s: OK (%s)\n", c->name, c->detail.ptr);
			else
				printf("%s: FAIL: %s; run '%s'\n", c->name, c->detail.ptr, c->fix.ptr);
		}
	}
	rc = gs_hooks_checklist_failures(&list) ? CLI_RUNTIME : CLI_OK;
done:
	gs_hooks_checklist_dispose(&list);
	if (have_env)
		gs_hooks_env_dispose(&env);
	gs_repo_free(repo);
	return rc;
}
