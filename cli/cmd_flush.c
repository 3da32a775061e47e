/*
 * git stats flush: replay the best-effort spool, each record exactly once.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: git stats flush [--json]\n"
	"\n"
	"Commit the runs 'git stats record --best-effort' spooled in\n"
	"$GIT_DIR/stats/spool/. Each is applied exactly once (by run id) and its\n"
	"spool file is removed only after the commit holding it has landed.\n"
	"Records that cannot be applied (unknown issue, unreadable file) stay\n"
	"spooled and make the exit code 1.\n"
	"\n"
	"    --json    print the result as JSON\n";

static const char *status_name(int status)
{
	return status == 0 ? "applied" : status == GS_RUN_DUPLICATE ? "duplicate" : "failed";
}

int cmd_flush(int argc, char **argv)
{
	gs_repo *repo = NULL;
	gs_spool_result sr;
	int json = 0, rc = CLI_RUNTIME, error, i;
	size_t k;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	memset(&sr, 0, sizeof(sr));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else
			return cli_usage_error(usage, "unexpected argument '%s'", argv[i]);
	}
	if ((error = cli_open_repo(&repo, NULL)) < 0) {
		rc = cli_fail(error);
		goto out;
	}
	/* The spool loads the repository's prices itself if a record needs them. */
	if ((error = gs_spool_flush(&sr, repo, NULL)) < 0) {
		rc = cli_fail(error);
		goto out;
	}
	if (json) {
		cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
		char *text;
		for (k = 0; k < sr.count; k++) {
			const gs_spool_item *it = &sr.items[k];
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "file", it->file);
			if (it->run_id)
				cJSON_AddStringToObject(e, "run_id", it->run_id);
			else
				cJSON_AddNullToObject(e, "run_id");
			if (it->issue)
				cJSON_AddStringToObject(e, "issue", it->issue);
			else
				cJSON_AddNullToObject(e, "issue");
			cJSON_AddStringToObject(e, "status", status_name(it->status));
			if (it->error)
				cJSON_AddStringToObject(e, "error", it->error);
			else
				cJSON_AddNullToObject(e, "error");
			cJSON_AddItemToArray(arr, e);
		}
		cJSON_AddNumberToObject(o, "applied", (double)sr.applied);
		cJSON_AddNumberToObject(o, "duplicates", (double)sr.duplicates);
		cJSON_AddNumberToObject(o, "failed", (double)sr.failed);
		cJSON_AddItemToObject(o, "records", arr);
		if ((text = cJSON_Print(o)) != NULL) {
			puts(text);
			free(text);
		}
		cJSON_Delete(o);
	} else {
		for (k = 0; k < sr.count; k++) {
			const gs_spool_item *it = &sr.items[k];
			if (it->status < 0 && it->status != GS_RUN_DUPLICATE)
				fprintf(stderr, "git-stats: cannot flush '%s'%s%s%s: %s\n", it->file,
					it->issue ? " (issue " : "", it->issue ? it->issue : "",
					it->issue ? ")" : "", it->error ? it->error : "failed");
		}
		if (!sr.count)
			printf("the spool is empty\n");
		else
			printf("flushed %zu spooled run%s (%zu already recorded), %zu left in the spool\n",
			       sr.applied + sr.duplicates, sr.applied + sr.duplicates == 1 ? "" : "s",
			       sr.duplicates, sr.failed);
	}
	rc = sr.failed ? CLI_RUNTIME : CLI_OK;
out:
	gs_spool_result_dispose(&sr);
	gs_repo_free(repo);
	return rc;
}
