/*
 * git stats resume: record that a crashed workflow was resumed from a
 * checkpoint, and optionally put that checkpoint's files back (SPEC §4).
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

static const char usage[] =
	"usage: git stats resume <issue> --workflow ID [--terminated ID,ID...]\n"
	"                [--checkpoint REV] [--restore] [--ref REF] [--json]\n"
	"\n"
	"    --workflow ID     the new workflow's id\n"
	"    --terminated IDS  comma-separated ids of the workflows it replaces\n"
	"    --checkpoint REV  the commit resumed from (default: the checkpoint of\n"
	"                      the agent that succeeded last)\n"
	"    --restore         also check the checkpoint's files out into the index\n"
	"                      and work tree (HEAD and the branch stay; the issues\n"
	"                      directory keeps its current stats); refused, with\n"
	"                      nothing changed, unless the work tree is clean\n"
	"    --ref REF         commit to REF instead of the default target ref\n"
	"    --json            print the new resume record as JSON\n";

/* Split "a,b,,c" into its non-empty parts (pointers into `s`, modified). */
static int split_ids(char ***out, size_t *n, char *s)
{
	char **v = NULL, *p = s;

	*n = 0;
	while (p) {
		char *comma = strchr(p, ',');
		char **nv;

		if (comma)
			*comma = '\0';
		while (*p == ' ')
			p++;
		if (*p) {
			if (!(nv = realloc(v, (*n + 1) * sizeof(*v)))) {
				free(v);
				return -1;
			}
			v = nv;
			v[(*n)++] = p;
		}
		p = comma ? comma + 1 : NULL;
	}
	*out = v;
	return 0;
}

int cmd_resume(int argc, char **argv)
{
	const char *issue = NULL, *workflow = NULL, *checkpoint = NULL, *ref = NULL;
	char *terminated = NULL, *tcopy = NULL, **ids = NULL;
	size_t nids = 0;
	int json = 0, restore = 0, error = 0, rc = CLI_OK, i;
	gs_repo *r = NULL;
	gs_attempt_outcome out;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	memset(&out, 0, sizeof(out));
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], **dst = NULL;
		size_t n;

		if (!strcmp(arg, "--json")) {
			json = 1;
			continue;
		}
		if (!strcmp(arg, "--restore")) {
			restore = 1;
			continue;
		}
		if (!strncmp(arg, "--workflow", n = 10))
			dst = &workflow;
		else if (!strncmp(arg, "--terminated", n = 12))
			dst = (const char **)&terminated;
		else if (!strncmp(arg, "--checkpoint", n = 12))
			dst = &checkpoint;
		else if (!strncmp(arg, "--ref", n = 5))
			dst = &ref;
		if (dst && arg[n] == '=') {
			*dst = arg + n + 1;
			continue;
		}
		if (dst && !arg[n]) {
			if (i + 1 >= argc)
				return cli_usage_error(usage, "%s needs a value", arg);
			*dst = argv[++i];
			continue;
		}
		if (arg[0] == '-' && arg[1])
			return cli_usage_error(usage, "unknown option '%s'", arg);
		if (issue)
			return cli_usage_error(usage, "unexpected argument '%s'", arg);
		issue = arg;
	}
	if (!issue)
		return cli_usage_error(usage, "resume: missing <issue>");
	if (!workflow || !*workflow)
		return cli_usage_error(usage, "resume: missing --workflow ID");
	if (terminated) {
		if (!(tcopy = strdup(terminated)) || split_ids(&ids, &nids, tcopy) < 0) {
			free(tcopy);
			gs_error_set("out of memory");
			return cli_fail(GS_ERROR);
		}
	}
	if ((error = gs_issue_id_check(issue)) < 0)
		goto done;
	if ((error = gs_repo_open(&r, NULL)) < 0)
		goto done;
	if (ref && (error = gs_repo_set_ref(r, ref)) < 0)
		goto done;
	error = gs_attempt_cmd_resume(&out, r, issue, workflow, (const char *const *)ids, nids, checkpoint,
				      restore);
	if (error < 0)
		goto done;
	{
		const gs_resume_rec *rec = &out.resumes.recs[out.resumes.n - 1];

		if (json) {
			cJSON *o = gs_resume_json(rec);
			char hex[GIT_OID_HEXSZ + 1], *s = NULL;

			git_oid_tostr(hex, sizeof(hex), &out.commit);
			if (o) {
				cJSON_AddStringToObject(o, "issue", out.issue);
				cJSON_AddStringToObject(o, "commit", hex);
				cJSON_AddBoolToObject(o, "restored", out.restored);
				cJSON_AddNumberToObject(o, "resume_count", (double)out.resumes.n);
				s = cJSON_PrintUnformatted(o);
			}
			cJSON_Delete(o);
			if (!s) {
				gs_error_set("out of memory");
				error = GS_ERROR;
				goto done;
			}
			printf("%s\n", s);
			free(s);
		} else {
			printf("resume %zu of issue %s: workflow %s", out.resumes.n, out.issue, rec->workflow_id);
			if (rec->nterminated) {
				printf(" replaces ");
				for (size_t k = 0; k < rec->nterminated; k++)
					printf("%s%s", k ? ", " : "", rec->terminated[k]);
			}
			printf("\n");
			if (rec->checkpoint)
				printf("%s checkpoint %s\n", out.restored ? "restored" : "from", rec->checkpoint);
		}
	}
done:
	if (error < 0)
		rc = cli_fail(error);
	gs_attempt_outcome_dispose(&out);
	gs_repo_free(r);
	free(ids);
	free(tcopy);
	return rc;
}
