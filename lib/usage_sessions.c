/*
 * The sessions source of usage reports: one item per session, from the
 * metadata summaries the session log keeps current (no event is read).
 */
#include "gs/usage.h"
#include "gs/session.h"

#include <git2.h>
#include <math.h>
#include <string.h>

int gs_usage_add_sessions(size_t *skipped, gs_usage_report *r, const char *sessions_dir,
			  const gs_pricing *pricing)
{
	gs_session_iter *it = NULL;
	const gs_session_totals *t;
	int error;

	if (skipped)
		*skipped = 0;
	if ((error = gs_session_iter_new(&it, sessions_dir)) < 0)
		return error;
	for (;;) {
		gs_usage_item item;

		error = gs_session_iter_next(&t, it);
		if (error == GS_SESSION_ITEROVER)
			break;
		if (error == GS_EPARSE) {
			/* One damaged metadata file must not hide every other session. */
			if (skipped)
				(*skipped)++;
			continue;
		}
		if (error < 0)
			goto done;
		memset(&item, 0, sizeof(item));
		item.kind = GS_USAGE_ITEM_SESSION;
		item.has_started_at = t->created_ms > 0;
		item.started_at_ms = t->created_ms;
		item.input_tokens = t->input_tokens;
		item.output_tokens = t->output_tokens;
		item.cache_read_tokens = t->cache_read_tokens;
		item.cache_write_tokens = t->cache_write_tokens;
		item.duration_ms = t->duration_ms;
		item.cost_usd = t->cost_known ? t->cost_usd : NAN;
		/* Open sessions carry no failure status: they count as successful. */
		item.success = t->status != GS_SESSION_FAILED;
		item.model = t->model;
		item.provider = t->provider ? t->provider
			      : pricing	    ? gs_pricing_provider(pricing, t->model ? t->model : "")
					    : NULL;
		item.issue = t->issue;
		item.session_id = t->id;
		if ((error = gs_usage_report_add(r, &item)) < 0)
			goto done;
	}
	error = 0;
done:
	gs_session_iter_free(it);
	return error;
}
