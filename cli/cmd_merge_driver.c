/*
 * git stats merge-driver %O %A %B %P: git's custom merge driver for issue
 * files (SPEC §9). Git hands us three temporary files; the result goes into
 * %A. Exit 0 when merged cleanly, 1 when conflict markers were left.
 */
#include "cli.h"

#include <string.h>

static const char usage[] =
	"usage: git stats merge-driver <base> <ours> <theirs> [<path>]\n"
	"\n"
	"Merges an issue file three ways and writes the result over <ours>:\n"
	"counters add up (ours + theirs - base), run blocks and attempts are the\n"
	"union by id, everything else merges as text. A real conflict leaves\n"
	"conflict markers and exits 1. Configured by 'git stats install' as\n"
	"merge.gitstats.driver = git-stats merge-driver %O %A %B %P\n";

/* Larger files are not issues git-stats wrote; they still get a text merge. */
#define MERGE_MAX_SIZE (256u * 1024u * 1024u)

int cmd_merge_driver(int argc, char **argv)
{
	gs_buf base = GS_BUF_INIT, ours = GS_BUF_INIT, theirs = GS_BUF_INIT, out = GS_BUF_INIT;
	gs_merge_opts opts = GS_MERGE_OPTS_INIT;
	gs_merge_info info;
	int rc = CLI_RUNTIME, error;

	if (cli_wants_help(argc, argv))
		return cli_help(usage);
	if (argc < 4 || argc > 5)
		return cli_usage_error(usage, "merge-driver: expected <base> <ours> <theirs> [<path>]");
	gs_merge_info_init(&info);
	opts.path = argc == 5 ? argv[4] : argv[2];

	if ((error = gs_file_read(&base, argv[1], MERGE_MAX_SIZE)) < 0 ||
	    (error = gs_file_read(&ours, argv[2], MERGE_MAX_SIZE)) < 0 ||
	    (error = gs_file_read(&theirs, argv[3], MERGE_MAX_SIZE)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	error = gs_merge_issue(&out, &info, base.ptr, base.size, ours.ptr, ours.size, theirs.ptr, theirs.size, &opts);
	if (error < 0) {
		/* Say why, then still give git the merge its own driver would have made. */
		fprintf(stderr, "git-stats: %s: %s; merged as plain text\n", opts.path, gs_error_last());
		info.conflict = 1;
		if (gs_merge_text(&out, &info.conflict, base.ptr, base.size, ours.ptr, ours.size, theirs.ptr,
				  theirs.size, &opts) < 0) {
			rc = cli_fail(GS_ERROR);
			goto done;
		}
		info.conflict = 1; /* a counter that cannot be merged needs a person */
	} else if (info.plain) {
		fprintf(stderr, "git-stats: %s: %s; merged as plain text\n", opts.path, info.reason.ptr);
	}
	if ((error = gs_file_write_atomic(argv[2], out.ptr, out.size, 0666)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	rc = info.conflict ? CLI_RUNTIME : CLI_OK;
done:
	gs_buf_dispose(&base);
	gs_buf_dispose(&ours);
	gs_buf_dispose(&theirs);
	gs_buf_dispose(&out);
	gs_merge_info_dispose(&info);
	return rc;
}
