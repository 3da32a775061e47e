/*
 * git stats verify: check frontmatter totals against the run blocks they
 * must be derivable from, and with --fix commit corrected totals.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: git stats verify [--fix] [--json] [--ref REF] [<issue>...]\n"
	"\n"
	"Check that each issue's totals (run_count, total_*_tokens, durations,\n"
	"cost, last_model, last_run_at) equal what its run blocks add up to, as\n"
	"committed on the target ref. Drift is reported per key; exit 1 when any.\n"
	"\n"
	"    --fix        commit corrected totals (one commit) and exit 0\n"
	"    --json       print the result as JSON\n"
	"    --ref REF    check REF (default: stats.ref, else the current branch)\n";

struct finding {
	char *path;
	char *id;
	gs_run_drift *drift;
	size_t ndrift;
	char *error;
};

struct verify {
	struct finding *items;
	size_t n;
	size_t checked;
	size_t errors;
};

static void verify_dispose(struct verify *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free(v->items[i].path);
		free(v->items[i].id);
		free(v->items[i].error);
		gs_run_drift_free(v->items[i].drift, v->items[i].ndrift);
	}
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static int target_tree(git_tree **out, const char **refname, gs_repo *r)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int rc, error;

	*out = NULL;
	if ((error = gs_repo_target_ref(refname, r)) < 0)
		return error;
	rc = git_reference_lookup(&ref, gs_repo_git(r), *refname);
	if (rc == GIT_ENOTFOUND)
		return 0; /* unborn: no issues yet */
	if (rc < 0)
		return gs_repo_git_error("cannot read '%s'", *refname);
	rc = git_reference_peel(&obj, ref, GIT_OBJECT_TREE);
	git_reference_free(ref);
	if (rc < 0)
		return gs_repo_git_error("cannot read the tree of '%s'", *refname);
	*out = (git_tree *)obj;
	return 0;
}

static int check_one(struct verify *v, git_repository *git, const char *path, const char *id,
		     const git_oid *blob_id)
{
	git_blob *blob = NULL;
	struct finding f;
	struct finding *grown;
	int error;

	memset(&f, 0, sizeof(f));
	v->checked++;
	if (git_blob_lookup(&blob, git, blob_id) < 0) {
		error = gs_repo_git_error("cannot read '%s'", path);
	} else {
		error = gs_run_check(&f.drift, &f.ndrift, NULL, git_blob_rawcontent(blob),
				     (size_t)git_blob_rawsize(blob), path);
		git_blob_free(blob);
	}
	if (error < 0) {
		f.error = strdup(gs_error_last());
		v->errors++;
	}
	if (!f.error && !f.ndrift) {
		gs_run_drift_free(f.drift, 0);
		return 0;
	}
	if (!(grown = realloc(v->items, (v->n + 1) * sizeof(*grown)))) {
		gs_run_drift_free(f.drift, f.ndrift);
		free(f.error);
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	v->items = grown;
	f.path = strdup(path);
	f.id = strdup(id);
	v->items[v->n++] = f;
	return 0;
}

static int fix_edit(gs_buf *out, const char *path, const char *old, size_t old_len, void *payload)
{
	gs_run_drift *drift = NULL;
	size_t n = 0;
	int error;

	(void)payload;
	if (!old)
		return GS_STORE_NOCHANGE;
	error = gs_run_check(&drift, &n, out, old, old_len, path);
	gs_run_drift_free(drift, n);
	if (error < 0)
		return error;
	return n ? 0 : GS_STORE_NOCHANGE;
}

static int fix_txn(gs_txn *t, void *payload)
{
	struct verify *v = payload;
	size_t i;
	int error;

	for (i = 0; i < v->n; i++) {
		if (v->items[i].error)
			continue;
		if ((error = gs_txn_edit(t, v->items[i].path, fix_edit, NULL)) < 0)
			return error;
	}
	return 0;
}

static void print_json(const struct verify *v, const char *ref, int fixed, const gs_store_result *res)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	char hex[GIT_OID_HEXSZ + 1];
	char *text;
	size_t i, j, drifted = 0;

	for (i = 0; i < v->n; i++) {
		const struct finding *f = &v->items[i];
		cJSON *it = cJSON_CreateObject(), *d = cJSON_CreateArray();
		cJSON_AddStringToObject(it, "issue", f->id);
		cJSON_AddStringToObject(it, "path", f->path);
		for (j = 0; j < f->ndrift; j++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "key", f->drift[j].key);
			if (f->drift[j].recorded)
				cJSON_AddStringToObject(e, "recorded", f->drift[j].recorded);
			else
				cJSON_AddNullToObject(e, "recorded");
			if (f->drift[j].expected)
				cJSON_AddStringToObject(e, "expected", f->drift[j].expected);
			else
				cJSON_AddNullToObject(e, "expected");
			cJSON_AddItemToArray(d, e);
		}
		if (f->ndrift)
			drifted++;
		cJSON_AddItemToObject(it, "drift", d);
		if (f->error)
			cJSON_AddStringToObject(it, "error", f->error);
		else
			cJSON_AddNullToObject(it, "error");
		cJSON_AddItemToArray(arr, it);
	}
	cJSON_AddStringToObject(o, "ref", ref ? ref : "");
	cJSON_AddNumberToObject(o, "checked", (double)v->checked);
	cJSON_AddNumberToObject(o, "drifted", (double)drifted);
	cJSON_AddNumberToObject(o, "errors", (double)v->errors);
	cJSON_AddBoolToObject(o, "clean", !v->n);
	cJSON_AddBoolToObject(o, "fixed", fixed);
	if (res && res->changed) {
		git_oid_tostr(hex, sizeof(hex), &res->commit);
		cJSON_AddStringToObject(o, "commit", hex);
	} else {
		cJSON_AddNullToObject(o, "commit");
	}
	cJSON_AddItemToObject(o, "issues", arr);
	if ((text = cJSON_Print(o)) != NULL) {
		puts(text);
		free(text);
	}
	cJSON_Delete(o);
}

int cmd_verify(int argc, char **argv)
{
	struct verify v;
	gs_repo *repo = NULL;
	git_tree *tree = NULL;
	const char *ref = NULL, *refname = NULL;
	const char **ids = NULL;
	size_t nids = 0, i, j, drifted = 0;
	int fix = 0, json = 0, rc = CLI_RUNTIME, error, only_args = 0;
	gs_issue_list list = { NULL, 0 };
	gs_store_result res;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	memset(&v, 0, sizeof(v));
	memset(&res, 0, sizeof(res));
	if (!(ids = calloc((size_t)argc, sizeof(*ids))))
		return CLI_RUNTIME;
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];
		int took;
		if (!only_args && !strcmp(arg, "--")) {
			only_args = 1;
		} else if (!only_args && !strcmp(arg, "--fix")) {
			fix = 1;
		} else if (!only_args && !strcmp(arg, "--json")) {
			json = 1;
		} else if (!only_args && arg[0] == '-') {
			took = cli_take_ref(&ref, argc, argv, &a, usage);
			if (took < 0) {
				rc = CLI_USAGE;
				goto out;
			}
			if (!took) {
				rc = cli_usage_error(usage, "unknown option '%s'", arg);
				goto out;
			}
		} else {
			if (gs_issue_id_check(arg) < 0) {
				rc = cli_fail(GS_EUSAGE);
				goto out;
			}
			ids[nids++] = arg;
		}
	}
	if ((error = cli_open_repo(&repo, ref)) < 0 ||
	    (error = gs_repo_check_named_target(repo)) < 0 ||
	    (error = target_tree(&tree, &refname, repo)) < 0) {
		rc = cli_fail(error);
		goto out;
	}
	if (nids) {
		for (i = 0; i < nids; i++) {
			char *path = NULL;
			git_oid blob;
			if ((error = gs_issue_resolve(&path, &blob, gs_repo_git(repo), tree,
						      gs_repo_issues_dir(repo), ids[i])) < 0) {
				rc = cli_fail(error);
				goto out;
			}
			error = check_one(&v, gs_repo_git(repo), path, ids[i], &blob);
			free(path);
			if (error < 0) {
				rc = cli_fail(error);
				goto out;
			}
		}
	} else {
		if ((error = gs_issue_list_at(&list, gs_repo_git(repo), tree, gs_repo_issues_dir(repo),
					      0)) < 0) {
			rc = cli_fail(error);
			goto out;
		}
		for (i = 0; i < list.count; i++)
			if ((error = check_one(&v, gs_repo_git(repo), list.entries[i].path,
					       list.entries[i].id, &list.entries[i].blob)) < 0) {
				rc = cli_fail(error);
				goto out;
			}
	}
	for (i = 0; i < v.n; i++)
		if (v.items[i].ndrift)
			drifted++;
	if (fix && drifted) {
		gs_buf msg = GS_BUF_INIT;
		const char *one = NULL;
		for (i = 0; i < v.n; i++)
			if (v.items[i].ndrift)
				one = v.items[i].id;
		if (drifted == 1)
			gs_buf_printf(&msg, "stats(%s): fix totals", one);
		else
			gs_buf_printf(&msg, "stats: fix totals of %zu issues", drifted);
		error = gs_store_update(&res, repo, msg.ptr, fix_txn, &v);
		gs_buf_dispose(&msg);
		if (error < 0) {
			rc = cli_fail(error);
			goto out;
		}
	}
	if (json) {
		print_json(&v, refname, fix && drifted, &res);
	} else {
		for (i = 0; i < v.n; i++) {
			const struct finding *f = &v.items[i];
			if (f->error)
				fprintf(stderr, "git-stats: %s\n", f->error);
			for (j = 0; j < f->ndrift; j++) {
				const gs_run_drift *d = &f->drift[j];
				printf("%s: %s is %s%s%s, the run blocks give %s%s\n", f->path, d->key,
				       d->recorded ? "'" : "", d->recorded ? d->recorded : "absent",
				       d->recorded ? "'" : "", d->expected ? d->expected : "no value",
				       fix ? " (fixed)" : "");
			}
		}
		if (fix && drifted) {
			char hex[8];
			git_oid_tostr(hex, sizeof(hex), &res.commit);
			printf("%zu issue%s checked, fixed the totals of %zu in commit %s\n", v.checked,
			       v.checked == 1 ? "" : "s", drifted, hex);
		} else if (drifted) {
			printf("%zu issue%s checked, %zu with drift; run 'git stats verify --fix' to "
			       "correct\n",
			       v.checked, v.checked == 1 ? "" : "s", drifted);
		} else if (v.errors) {
			printf("%zu issue%s checked, %zu could not be checked\n", v.checked,
			       v.checked == 1 ? "" : "s", v.errors);
		} else {
			printf("%zu issue%s checked, totals match their run blocks\n", v.checked,
			       v.checked == 1 ? "" : "s");
		}
	}
	rc = v.errors || (drifted && !fix) ? CLI_RUNTIME : CLI_OK;
out:
	gs_issue_list_dispose(&list);
	verify_dispose(&v);
	git_tree_free(tree);
	gs_repo_free(repo);
	free(ids);
	return rc;
}
