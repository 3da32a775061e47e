/*
 * The spool: one JSON file per run that could not be committed, replayed
 * exactly once thanks to the run id (see spool.h for the format).
 */
#include "gs/spool.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPOOL_MAX_FILE (4u * 1024u * 1024u)

int gs_spool_dir(gs_buf *out, gs_repo *r)
{
	return gs_buf_printf(out, "%sstats/spool", gs_repo_gitdir(r));
}

int gs_spool_write(gs_buf *path_out, gs_repo *r, const gs_run *run, const char *ref,
		   int price_at_flush)
{
	gs_buf dir = GS_BUF_INIT, path = GS_BUF_INIT, runjson = GS_BUF_INIT, data = GS_BUF_INIT;
	cJSON *o = NULL;
	char *text = NULL;
	int error = GS_ERROR;

	if ((error = gs_run_validate(run)) < 0)
		goto done;
	error = GS_ERROR;
	if (!run->issue) {
		gs_error_set("cannot spool run '%s': no issue", run->run_id);
		goto done;
	}
	if (gs_spool_dir(&dir, r) < 0 || gs_file_mkdir_p(dir.ptr, 0777) < 0)
		goto done;
	if (gs_buf_printf(&path, "%s/%s.json", dir.ptr, run->run_id) < 0 ||
	    gs_run_json_format(&runjson, run) < 0)
		goto done;
	if (!(o = cJSON_CreateObject()) || !cJSON_AddNumberToObject(o, "version", 1) ||
	    !cJSON_AddStringToObject(o, "issue", run->issue) ||
	    !(ref ? cJSON_AddStringToObject(o, "ref", ref) : cJSON_AddNullToObject(o, "ref")) ||
	    !cJSON_AddBoolToObject(o, "price_at_flush", price_at_flush) ||
	    /* priced at flush, a split's main model is chosen again then */
	    (run->model_from_split && !cJSON_AddTrueToObject(o, "model_from_split")) ||
	    !cJSON_AddRawToObject(o, "run", runjson.ptr) || !(text = cJSON_PrintUnformatted(o))) {
		gs_error_set("out of memory");
		goto done;
	}
	if (gs_buf_puts(&data, text) < 0 || gs_buf_putc(&data, '\n') < 0)
		goto done;
	if ((error = gs_file_write_atomic(path.ptr, data.ptr, data.size, 0600)) < 0)
		goto done;
	if (path_out)
		gs_buf_puts(path_out, path.ptr);
	error = 0;
done:
	free(text);
	cJSON_Delete(o);
	gs_buf_dispose(&dir);
	gs_buf_dispose(&path);
	gs_buf_dispose(&runjson);
	gs_buf_dispose(&data);
	return error;
}

/* A spool file: "<something>.json", not hidden (temporaries are). */
static int is_spool_file(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len >= 6 && !strcmp(name + len - 5, ".json");
}

/* Names of the spool files, sorted (so replay order is stable). */
static int list_files(char ***names, size_t *n, const char *dir)
{
	return gs_file_list_dir(names, n, dir, is_spool_file);
}

int gs_spool_count(size_t *out, gs_repo *r)
{
	gs_buf dir = GS_BUF_INIT;
	char **names = NULL;
	size_t n = 0;
	int error;

	*out = 0;
	if ((error = gs_spool_dir(&dir, r)) == 0 && (error = list_files(&names, &n, dir.ptr)) == 0)
		*out = n;
	gs_file_names_free(names, n);
	gs_buf_dispose(&dir);
	return error;
}

/* Read one spool file into `run` (issue set), its ref and pricing flag. */
static int read_record(gs_run *run, char **ref, int *price_at_flush, const char *path)
{
	gs_buf data = GS_BUF_INIT;
	cJSON *o = NULL, *runo;
	const cJSON *v;
	char *runtext = NULL;
	int error;

	*ref = NULL;
	*price_at_flush = 0;
	gs_run_init(run);
	if ((error = gs_file_read(&data, path, SPOOL_MAX_FILE)) < 0)
		goto done;
	error = GS_EPARSE;
	o = cJSON_ParseWithLength(data.ptr, data.size);
	runo = o ? cJSON_GetObjectItemCaseSensitive(o, "run") : NULL;
	v = o ? cJSON_GetObjectItemCaseSensitive(o, "issue") : NULL;
	if (!cJSON_IsObject(runo) || !cJSON_IsString(v)) {
		gs_error_set("cannot read spool file '%s': not a spooled record", path);
		goto done;
	}
	if (!(runtext = cJSON_PrintUnformatted(runo))) {
		error = GS_ERROR;
		goto done;
	}
	if ((error = gs_run_parse_json(run, runtext, strlen(runtext), 1)) < 0) {
		gs_error_prefix("cannot read spool file '%s'", path);
		goto done;
	}
	error = GS_ERROR;
	if (!(run->issue = strdup(v->valuestring)))
		goto done;
	v = cJSON_GetObjectItemCaseSensitive(o, "ref");
	if (cJSON_IsString(v) && !(*ref = strdup(v->valuestring)))
		goto done;
	*price_at_flush = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "price_at_flush"));
	run->model_from_split = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "model_from_split"));
	error = 0;
done:
	if (error) {
		gs_run_dispose(run);
		free(*ref);
		*ref = NULL;
	}
	free(runtext);
	cJSON_Delete(o);
	gs_buf_dispose(&data);
	return error;
}

void gs_spool_result_dispose(gs_spool_result *res)
{
	size_t i;

	for (i = 0; res->items && i < res->count; i++) {
		free(res->items[i].file);
		free(res->items[i].run_id);
		free(res->items[i].issue);
		free(res->items[i].error);
	}
	free(res->items);
	memset(res, 0, sizeof(*res));
}

static int ref_equal(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int gs_spool_flush(gs_spool_result *out, gs_repo *r, const gs_pricing *pricing)
{
	gs_buf dir = GS_BUF_INIT;
	char **names = NULL, **refs = NULL, *saved_ref = NULL;
	const char *cur;
	gs_run *runs = NULL, *batch = NULL;
	size_t n = 0, i, j, *bidx = NULL;
	int *done = NULL, *status = NULL, error;
	char **errors = NULL;
	size_t errors_n = 0;
	gs_pricing *own_pricing = NULL;
	int pricing_tried = 0;

	memset(out, 0, sizeof(*out));
	if ((error = gs_spool_dir(&dir, r)) < 0 || (error = list_files(&names, &n, dir.ptr)) < 0)
		goto done;
	if (!n)
		goto done;
	error = GS_ERROR;
	out->items = calloc(n, sizeof(*out->items));
	runs = calloc(n, sizeof(*runs));
	refs = calloc(n, sizeof(*refs));
	done = calloc(n, sizeof(*done));
	batch = calloc(n, sizeof(*batch));
	bidx = calloc(n, sizeof(*bidx));
	status = calloc(n, sizeof(*status));
	if (!out->items || !runs || !refs || !done || !batch || !bidx || !status) {
		gs_error_set("out of memory");
		goto done;
	}
	out->count = n;
	if (gs_repo_target_ref(&cur, r) == 0 && !(saved_ref = strdup(cur)))
		goto done;
	for (i = 0; i < n; i++) {
		gs_spool_item *it = &out->items[i];
		int price = 0;

		gs_run_init(&runs[i]);
		it->status = GS_ERROR; /* until a commit says otherwise */
		gs_buf_clear(&dir);
		gs_spool_dir(&dir, r);
		gs_buf_printf(&dir, "/%s", names[i]);
		if (!(it->file = strdup(dir.ptr)))
			goto done;
		if ((it->status = read_record(&runs[i], &refs[i], &price, dir.ptr)) < 0) {
			/* Gone since the listing: a concurrent flush applied it. */
			if (it->status == GS_ENOTFOUND)
				it->status = GS_RUN_DUPLICATE;
			else
				it->error = strdup(gs_error_last());
			done[i] = 1;
			continue;
		}
		if (price && !pricing && !pricing_tried) {
			/* Load the repository's prices once, only when a record needs them. */
			pricing_tried = 1;
			if (gs_pricing_load_repo(&own_pricing, NULL, r) == 0)
				pricing = own_pricing;
		}
		if (price && !pricing) {
			/* Still unreadable: keep the record rather than lose its cost. */
			it->status = GS_EPARSE;
			it->error = strdup(gs_error_last());
			done[i] = 1;
			continue;
		}
		if (price) {
			runs[i].given &= ~(unsigned int)GS_RUN_HAS_COST;
			runs[i].cost_known = 0;
			if ((it->status = gs_run_finish(&runs[i], pricing, runs[i].started_at_ms)) < 0) {
				it->error = strdup(gs_error_last());
				done[i] = 1;
				continue;
			}
		}
		it->run_id = strdup(runs[i].run_id);
		it->issue = strdup(runs[i].issue);
	}
	/* One commit per target ref, in order of first appearance. */
	for (i = 0; i < n; i++) {
		gs_store_result res;
		size_t nb = 0;

		if (done[i])
			continue;
		for (j = i; j < n; j++) {
			if (done[j] || !ref_equal(refs[i], refs[j]))
				continue;
			batch[nb] = runs[j];
			bidx[nb++] = j;
			done[j] = 1;
		}
		if ((error = gs_repo_set_ref(r, refs[i] ? refs[i] : saved_ref)) < 0)
			goto done;
		error = gs_run_record(&res, status, NULL, &errors, r, batch, nb,
				      nb == 1 ? NULL : "stats: flush spooled runs",
				      GS_RUN_RECORD_PARTIAL);
		if (error < 0)
			goto done;
		errors_n = nb;
		for (j = 0; j < nb; j++) {
			gs_spool_item *it = &out->items[bidx[j]];
			it->status = status[j];
			if (status[j] < 0) {
				it->error = errors[j];
				errors[j] = NULL;
				continue;
			}
			/* The commit has landed (or the run was there): now forget it. */
			if (unlink(it->file) < 0 && errno != ENOENT) {
				it->status = GS_ERROR;
				it->error = strdup(strerror(errno));
			}
		}
		gs_run_record_paths_free(errors, nb);
		errors = NULL;
	}
	error = 0;
done:
	gs_run_record_paths_free(errors, errors_n);
	if (out->items) {
		for (i = 0; i < out->count; i++) {
			if (out->items[i].status == 0)
				out->applied++;
			else if (out->items[i].status == GS_RUN_DUPLICATE)
				out->duplicates++;
			else
				out->failed++;
		}
	}
	gs_repo_set_ref(r, saved_ref);
	free(saved_ref);
	gs_pricing_free(own_pricing);
	for (i = 0; i < n; i++) {
		free(names[i]);
		if (runs)
			gs_run_dispose(&runs[i]);
		if (refs)
			free(refs[i]);
	}
	free(names);
	free(runs);
	free(refs);
	free(done);
	free(batch);
	free(bidx);
	free(status);
	gs_buf_dispose(&dir);
	return error;
}
