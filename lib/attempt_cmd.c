/*
 * The attempt commands behind `git stats attempt start|end` and `git stats
 * resume`: resolve the checkpoint, commit the frontmatter update through
 * the atomic store (one commit per command), then keep the checkpoint
 * reachable under refs/stats/checkpoints/ and restore it when asked.
 */
#include "gs/attempt.h"
#include "gs/frontmatter.h"
#include "gs/issue.h"
#include "gs/repo.h"
#include "gs/store.h"
#include "gs/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

enum { OP_START, OP_END, OP_RESUME };

struct op {
	int kind;
	const char *given;        /* the issue id as given */
	const char *agent;
	int64_t now_ms;
	gs_attempt_end_opts end;
	const char *workflow_id;
	const char *const *terminated;
	size_t nterminated;
	const char *checkpoint;   /* resume: explicit --checkpoint (40-hex) */
	int need_checkpoint;      /* resume --restore */

	/* Written by each edit run; the blob's run is kept in `res_*`. */
	gs_agents agents;
	gs_resumes resumes;
	int abandoned;
	char *fm_id;
	char *resume_cp;

	gs_agents res_agents;
	gs_resumes res_resumes;
	int res_abandoned;
	char *res_id;
	char *res_cp;
	char *res_path;
};

static void op_scratch_reset(struct op *o)
{
	gs_agents_dispose(&o->agents);
	gs_resumes_dispose(&o->resumes);
	free(o->fm_id);
	free(o->resume_cp);
	o->fm_id = o->resume_cp = NULL;
	o->abandoned = 0;
}

static void op_result_reset(struct op *o)
{
	gs_agents_dispose(&o->res_agents);
	gs_resumes_dispose(&o->res_resumes);
	free(o->res_id);
	free(o->res_cp);
	free(o->res_path);
	o->res_id = o->res_cp = o->res_path = NULL;
	o->res_abandoned = 0;
}

/* The column at which `raw` starts inside `doc`, so an indented block parses in place. */
static size_t column_of(const char *doc, const char *raw)
{
	const char *p = raw;

	while (p > doc && p[-1] != '\n')
		p--;
	return (size_t)(raw - p);
}

static int read_block(const gs_fm *fm, const char *key, const char **raw, size_t *len, size_t *col)
{
	const char *doc;
	size_t doclen;
	int error = gs_fm_get_raw(raw, len, fm, key);

	*col = 0;
	if (error == GS_ENOTFOUND) {
		*raw = NULL;
		*len = 0;
		return 0;
	}
	if (error < 0)
		return error;
	gs_fm_bytes(&doc, &doclen, fm);
	if (*raw >= doc && *raw <= doc + doclen)
		*col = column_of(doc, *raw);
	return 0;
}

/* The id the issue goes by: frontmatter `id`, else the file name's id part. */
static int issue_id_of(char **out, const gs_fm *fm, const char *path)
{
	const char *base = strrchr(path, '/');
	char id[GS_ISSUE_ID_MAX + 1];

	if (gs_fm_get_str(out, fm, "id") == 0 && **out)
		return 0;
	free(*out);
	*out = NULL;
	if (gs_issue_id_from_name(id, sizeof(id), base ? base + 1 : path) < 0)
		return GS_ERROR;
	*out = strdup(id);
	return *out ? 0 : GS_ERROR;
}

static int edit_attempts(gs_buf *out, const char *path, const char *old, size_t old_len, void *payload)
{
	struct op *o = payload;
	gs_fm *fm = NULL;
	gs_buf yaml = GS_BUF_INIT;
	const char *raw, *doc;
	size_t len, col, doclen;
	int error;

	op_scratch_reset(o);
	if ((error = gs_fm_parse(&fm, old ? old : "", old_len, path)) < 0)
		goto done;
	if (gs_fm_dialect_of(fm) == GS_FM_KV) {
		gs_error_set("'%s': agents and resume records need a YAML frontmatter (this file uses key=value)",
			     path);
		error = GS_ERROR;
		goto done;
	}
	if ((error = issue_id_of(&o->fm_id, fm, path)) < 0)
		goto done;
	if ((error = read_block(fm, "agents", &raw, &len, &col)) < 0 ||
	    (error = gs_agents_parse(&o->agents, raw, len, col)) < 0) {
		gs_error_prefix("'%s'", path);
		goto done;
	}
	switch (o->kind) {
	case OP_START:
		error = gs_agents_start(&o->agents, o->agent, o->now_ms, &o->abandoned);
		break;
	case OP_END:
		error = gs_agents_end(&o->agents, o->agent, &o->end);
		break;
	default: {
		char ts[GS_TIME_BUFSZ];
		const char *cp = o->checkpoint ? o->checkpoint : gs_agents_latest_checkpoint(&o->agents);

		if (!cp && o->need_checkpoint) {
			gs_error_set("nothing to restore: no agent has a checkpoint and no --checkpoint was given");
			error = GS_ESTATE;
			goto done;
		}
		if (cp && !(o->resume_cp = strdup(cp))) {
			error = GS_ERROR;
			goto done;
		}
		if ((error = read_block(fm, "resume_attempts", &raw, &len, &col)) < 0 ||
		    (error = gs_resumes_parse(&o->resumes, raw, len, col)) < 0) {
			gs_error_prefix("'%s'", path);
			goto done;
		}
		gs_time_format(ts, o->now_ms, 1);
		if ((error = gs_resumes_append(&o->resumes, o->workflow_id, ts, o->terminated, o->nterminated,
					       cp)) < 0 ||
		    (error = gs_resumes_format(&yaml, &o->resumes)) < 0 ||
		    (error = gs_fm_set_block(fm, "resume_attempts", yaml.ptr)) < 0)
			goto done;
		break;
	}
	}
	if (error < 0)
		goto done;
	if (o->kind != OP_RESUME) {
		if ((error = gs_agents_format(&yaml, &o->agents)) < 0 ||
		    (error = gs_fm_set_block(fm, "agents", yaml.ptr)) < 0)
			goto done;
	}
	gs_fm_bytes(&doc, &doclen, fm);
	error = gs_buf_put(out, doc, doclen);
done:
	gs_fm_free(fm);
	gs_buf_dispose(&yaml);
	return error;
}

static int attempts_txn(gs_txn *t, void *payload)
{
	struct op *o = payload;
	gs_buf ref = GS_BUF_INIT;
	char *path = NULL;
	int error, valid = 0;

	op_result_reset(o);
	if ((error = gs_txn_resolve(&path, t, o->given)) < 0)
		goto done;
	if ((error = gs_txn_edit(t, path, edit_attempts, o)) < 0) {
		if (error == GS_ENOTFOUND || error == GS_ESTATE)
			gs_error_prefix("issue '%s'", o->given);
		goto done;
	}
	/* The edit ran on the snapshot blob first: that is what gets committed. */
	o->res_agents = o->agents;
	o->res_resumes = o->resumes;
	o->res_abandoned = o->abandoned;
	o->res_cp = o->resume_cp;
	o->res_id = o->fm_id;
	gs_agents_init(&o->agents);
	gs_resumes_init(&o->resumes);
	o->resume_cp = o->fm_id = NULL;
	o->res_path = path;
	path = NULL;
	if (o->kind == OP_END && o->end.success) {
		/* Refuse ids that cannot name a ref before anything is committed. */
		if ((error = gs_buf_printf(&ref, "refs/stats/checkpoints/%s/%s", o->res_id, o->agent)) < 0)
			goto done;
		if (git_reference_name_is_valid(&valid, ref.ptr) < 0 || !valid) {
			gs_error_set("issue id '%s' cannot name the checkpoint ref '%s'", o->res_id, ref.ptr);
			error = GS_EUSAGE;
			goto done;
		}
	}
	error = 0;
done:
	free(path);
	gs_buf_dispose(&ref);
	return error;
}

/* Resolve REV to a commit; GS_ENOTFOUND when unknown, GS_ERROR when not a commit. */
int gs_attempt_resolve_commit(git_oid *out, gs_repo *r, const char *rev)
{
	git_object *obj = NULL, *peeled = NULL;
	int error;

	if (git_revparse_single(&obj, gs_repo_git(r), rev) < 0) {
		gs_error_set("unknown revision '%s'", rev);
		return GS_ENOTFOUND;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		gs_error_set("'%s' is not a commit (it names a %s)", rev, git_object_type2string(git_object_type(obj)));
		error = GS_ERROR;
		goto done;
	}
	git_oid_cpy(out, git_object_id(peeled));
	error = 0;
done:
	git_object_free(obj);
	git_object_free(peeled);
	return error;
}

/*
 * Whether `id` is still part of the project: HEAD or a local branch has
 * it (any worktree's branch, as agents commit in their own). A commit a
 * rebase dropped or `reset --hard` left behind has none: the work in it
 * was thrown away and must not become the checkpoint. (A missing or
 * non-commit id is in no history either.)
 */
static int commit_kept(gs_repo *r, const git_oid *id)
{
	git_repository *git = gs_repo_git(r);
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	git_oid head;
	int kept = 0;

	if (git_reference_name_to_id(&head, git, "HEAD") == 0 &&
	    (git_oid_equal(&head, id) || git_graph_descendant_of(git, &head, id) == 1))
		return 1;
	if (git_branch_iterator_new(&it, git, GIT_BRANCH_LOCAL) < 0) {
		git_error_clear();
		return 0;
	}
	while (!kept && git_branch_next(&ref, &type, it) == 0) {
		const git_oid *tip = git_reference_target(ref);

		kept = tip && (git_oid_equal(tip, id) || git_graph_descendant_of(git, tip, id) == 1);
		git_reference_free(ref);
	}
	git_branch_iterator_free(it);
	git_error_clear();
	return kept;
}

static void op_init(struct op *o, int kind, const char *issue, const char *agent)
{
	gs_attempt_end_opts init = GS_ATTEMPT_END_OPTS_INIT;

	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->agent = agent;
	o->end = init;
	o->now_ms = gs_time_now_ms();
	gs_agents_init(&o->agents);
	gs_resumes_init(&o->resumes);
	gs_agents_init(&o->res_agents);
	gs_resumes_init(&o->res_resumes);
	o->given = issue;
}

static void op_dispose(struct op *o)
{
	op_scratch_reset(o);
	op_result_reset(o);
}

static int run_update(struct op *o, gs_repo *r, const char *issue, const char *action, git_oid *commit)
{
	gs_buf msg = GS_BUF_INIT;
	gs_store_result res;
	int error;

	if ((error = gs_buf_printf(&msg, "stats(%s): %s", issue, action)) < 0)
		goto done;
	memset(&res, 0, sizeof(res));
	error = gs_store_update(&res, r, msg.ptr, attempts_txn, o);
	if (error >= 0)
		git_oid_cpy(commit, &res.commit);
done:
	gs_buf_dispose(&msg);
	return error;
}

/* Move the outcome's agent out of the op into `out`. */
static int take_outcome(gs_attempt_outcome *out, struct op *o, const char *agent, const git_oid *commit)
{
	gs_agent *g = agent ? gs_agents_find(&o->res_agents, agent) : NULL;

	out->issue = strdup(o->res_id ? o->res_id : o->given);
	out->path = o->res_path;
	o->res_path = NULL;
	out->abandoned = o->res_abandoned;
	git_oid_cpy(&out->commit, commit);
	out->agents = o->res_agents;
	gs_agents_init(&o->res_agents);
	out->agent = g ? (size_t)(g - out->agents.agents) : 0;
	out->resumes = o->res_resumes;
	gs_resumes_init(&o->res_resumes);
	return out->issue ? 0 : GS_ERROR;
}

void gs_attempt_outcome_dispose(gs_attempt_outcome *out)
{
	if (!out)
		return;
	free(out->issue);
	free(out->path);
	free(out->checkpoint_ref);
	gs_agents_dispose(&out->agents);
	gs_resumes_dispose(&out->resumes);
	memset(out, 0, sizeof(*out));
}

int gs_attempt_cmd_start(gs_attempt_outcome *out, gs_repo *r, const char *issue, const char *agent)
{
	struct op o;
	git_oid commit;
	gs_buf action = GS_BUF_INIT;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = gs_issue_id_check(issue)) < 0 || (error = gs_agent_name_check(agent)) < 0)
		return error;
	op_init(&o, OP_START, issue, agent);
	if ((error = gs_buf_printf(&action, "attempt start %s", agent)) < 0 ||
	    (error = run_update(&o, r, issue, action.ptr, &commit)) < 0)
		goto done;
	if ((error = take_outcome(out, &o, agent, &commit)) < 0)
		goto done;
	/* Local bookkeeping for the post-commit hook: best effort once committed. */
	if (gs_attempt_local_started(r, issue, agent, o.now_ms) < 0)
		gs_error_clear();
	error = 0;
done:
	gs_buf_dispose(&action);
	op_dispose(&o);
	return error;
}

int gs_attempt_cmd_end(gs_attempt_outcome *out, gs_repo *r, const char *issue, const char *agent,
		       const gs_attempt_end_opts *opts, const char *checkpoint_rev)
{
	struct op o;
	git_oid cp, commit;
	char hex[GIT_OID_HEXSZ + 1];
	gs_attempt_running run;
	gs_buf ref = GS_BUF_INIT, action = GS_BUF_INIT, log = GS_BUF_INIT;
	git_reference *made = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&run, 0, sizeof(run));
	if ((error = gs_issue_id_check(issue)) < 0 || (error = gs_agent_name_check(agent)) < 0)
		return error;
	op_init(&o, OP_END, issue, agent);
	o.end = *opts;
	o.end.end_ms = o.now_ms;
	o.end.checkpoint = NULL;
	out->checkpoint_source = NULL;
	if (checkpoint_rev) {
		if ((error = gs_attempt_resolve_commit(&cp, r, checkpoint_rev)) < 0)
			goto done;
		out->checkpoint_source = "option";
	} else if (opts->success) {
		if (gs_attempt_local_get(&run, r, issue, agent) == 0 && run.has_candidate &&
		    run.captured_ms >= run.started_ms && commit_kept(r, &run.candidate)) {
			git_oid_cpy(&cp, &run.candidate);
			out->checkpoint_source = "post-commit";
		} else if ((error = gs_attempt_resolve_commit(&cp, r, "HEAD")) < 0) {
			gs_error_set("no checkpoint: HEAD has no commit yet; give --checkpoint REV");
			goto done;
		} else {
			out->checkpoint_source = "HEAD";
		}
	}
	if (opts->success) {
		git_oid_tostr(hex, sizeof(hex), &cp);
		o.end.checkpoint = hex;
	}
	if ((error = gs_buf_printf(&action, "attempt end %s (%s)", agent, opts->success ? "success" : "failed")) < 0)
		goto done;
	if ((error = run_update(&o, r, issue, action.ptr, &commit)) < 0)
		goto done;
	if ((error = take_outcome(out, &o, agent, &commit)) < 0)
		goto done;
	if (opts->success) {
		const gs_agent *g = &out->agents.agents[out->agent];

		if ((error = gs_buf_printf(&ref, "refs/stats/checkpoints/%s/%s", out->issue, agent)) < 0 ||
		    (error = gs_buf_printf(&log, "git-stats: checkpoint of %s, attempt %lld", agent,
					   g->nattempts ? (long long)g->attempts[g->nattempts - 1].attempt_number
							: 0LL)) < 0)
			goto done;
		if (git_reference_create(&made, gs_repo_git(r), ref.ptr, &cp, 1, log.ptr) < 0) {
			error = gs_repo_git_error("cannot update '%s'", ref.ptr);
			goto done;
		}
		if (!(out->checkpoint_ref = strdup(ref.ptr))) {
			error = GS_ERROR;
			goto done;
		}
	}
	if (gs_attempt_local_finished(r, issue, agent) < 0)
		gs_error_clear();
	error = 0;
done:
	git_reference_free(made);
	gs_attempt_running_dispose(&run);
	gs_buf_dispose(&ref);
	gs_buf_dispose(&action);
	gs_buf_dispose(&log);
	op_dispose(&o);
	return error;
}

/* Paths `git status` would show (untracked included, ignored not), one per line. */
static int dirty_paths(gs_buf *out, size_t *count, gs_repo *r)
{
	git_status_options so;
	git_status_list *list = NULL;
	size_t i, n;

	*count = 0;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, gs_repo_git(r), &so) < 0)
		return gs_repo_git_error("cannot read the work tree status");
	n = git_status_list_entrycount(list);
	for (i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const char *p = e->head_to_index ? e->head_to_index->new_file.path
						 : e->index_to_workdir ? e->index_to_workdir->new_file.path : NULL;

		if (!p || e->status == GIT_STATUS_CURRENT)
			continue;
		if ((*count)++ && gs_buf_puts(out, ", ") < 0)
			break;
		if (gs_buf_printf(out, "'%s'", p) < 0)
			break;
	}
	git_status_list_free(list);
	return 0;
}

/*
 * Put the checkpoint's tree into the index and work tree, HEAD and the
 * branch staying put. The issues directory keeps HEAD's version: restoring
 * old issue files would undo the stats just committed, including the
 * resume record itself.
 */
static int restore_tree(gs_repo *r, const git_oid *cp)
{
	git_repository *repo = gs_repo_git(r);
	git_commit *c = NULL, *head = NULL;
	git_tree *base = NULL, *head_tree = NULL, *mixed = NULL;
	git_tree_entry *issues = NULL;
	git_object *head_obj = NULL;
	git_oid mixed_id;
	git_tree_update up;
	git_checkout_options co;
	const char *dir = gs_repo_issues_dir(r);
	int error = GS_ERROR;

	if (git_commit_lookup(&c, repo, cp) < 0 || git_commit_tree(&base, c) < 0) {
		error = gs_repo_git_error("cannot read the checkpoint commit");
		goto done;
	}
	memset(&up, 0, sizeof(up));
	up.path = dir;
	if (git_revparse_single(&head_obj, repo, "HEAD^{commit}") == 0 &&
	    git_commit_tree(&head_tree, (git_commit *)head_obj) == 0 &&
	    git_tree_entry_bypath(&issues, head_tree, dir) == 0 &&
	    git_tree_entry_type(issues) == GIT_OBJECT_TREE) {
		up.action = GIT_TREE_UPDATE_UPSERT;
		git_oid_cpy(&up.id, git_tree_entry_id(issues));
		up.filemode = GIT_FILEMODE_TREE;
	} else {
		git_tree_entry *there = NULL;

		/* HEAD has no issues: the checkpoint's must not come back either. */
		up.action = GIT_TREE_UPDATE_REMOVE;
		if (git_tree_entry_bypath(&there, base, dir) < 0)
			up.path = NULL;
		git_tree_entry_free(there);
	}
	if (up.path) {
		if (git_tree_create_updated(&mixed_id, repo, base, 1, &up) < 0 ||
		    git_tree_lookup(&mixed, repo, &mixed_id) < 0) {
			error = gs_repo_git_error("cannot build the tree to restore");
			goto done;
		}
	}
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_checkout_tree(repo, (git_object *)(mixed ? mixed : base), &co) < 0) {
		error = gs_repo_git_error("cannot check out the checkpoint");
		goto done;
	}
	error = 0;
done:
	git_tree_entry_free(issues);
	git_object_free(head_obj);
	git_commit_free(head);
	git_commit_free(c);
	git_tree_free(base);
	git_tree_free(head_tree);
	git_tree_free(mixed);
	return error;
}

int gs_attempt_cmd_resume(gs_attempt_outcome *out, gs_repo *r, const char *issue, const char *workflow_id,
			  const char *const *terminated, size_t nterminated, const char *checkpoint_rev,
			  int restore)
{
	struct op o;
	git_oid cp, commit;
	char hex[GIT_OID_HEXSZ + 1];
	gs_buf dirty = GS_BUF_INIT, action = GS_BUF_INIT;
	size_t ndirty = 0;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = gs_issue_id_check(issue)) < 0)
		return error;
	op_init(&o, OP_RESUME, issue, NULL);
	o.workflow_id = workflow_id;
	o.terminated = terminated;
	o.nterminated = nterminated;
	o.need_checkpoint = restore;
	if (checkpoint_rev) {
		if ((error = gs_attempt_resolve_commit(&cp, r, checkpoint_rev)) < 0)
			goto done;
		git_oid_tostr(hex, sizeof(hex), &cp);
		o.checkpoint = hex;
	}
	if (restore) {
		if (!gs_repo_workdir(r)) {
			gs_error_set("--restore needs a work tree (this repository is bare)");
			error = GS_EUSAGE;
			goto done;
		}
		if ((error = dirty_paths(&dirty, &ndirty, r)) < 0)
			goto done;
		if (ndirty) {
			gs_error_set("work tree is not clean, not restoring (commit or stash first): %s", dirty.ptr);
			error = GS_ESTATE;
			goto done;
		}
	}
	if ((error = gs_buf_printf(&action, "resume %s", workflow_id)) < 0)
		goto done;
	if ((error = run_update(&o, r, issue, action.ptr, &commit)) < 0)
		goto done;
	if ((error = take_outcome(out, &o, NULL, &commit)) < 0)
		goto done;
	if (restore) {
		if (git_oid_fromstr(&cp, o.res_cp) < 0) {
			gs_error_set("invalid checkpoint id '%s'", o.res_cp);
			error = GS_ERROR;
			goto done;
		}
		if ((error = restore_tree(r, &cp)) < 0)
			goto done;
		out->restored = 1;
	}
	error = 0;
done:
	gs_buf_dispose(&dirty);
	gs_buf_dispose(&action);
	op_dispose(&o);
	return error;
}
