/*
 * git stats fm: frontmatter plumbing on a single file, no git involved.
 * Scripts and tests use it to read and edit exactly what the library does.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define FM_SYNOPSIS                                               \
	"usage: git stats fm get [--json] <file> <key>\n"           \
	"   or: git stats fm set [--raw] <file> <key> <value>\n"    \
	"   or: git stats fm unset <file> <key>\n"                   \
	"   or: git stats fm check [--json] <file>\n"

/* Usage errors repeat the synopsis only; --help adds the details. */
static const char usage[] = FM_SYNOPSIS;
static const char help[] =
	FM_SYNOPSIS
	"\n"
	"Read and edit the frontmatter of one markdown file, losslessly: only\n"
	"the bytes of the value that changes are rewritten.\n"
	"\n"
	"    get      print the decoded value of <key> (a block as YAML text)\n"
	"    set      set <key> to the string <value> (plain when it reads back\n"
	"             the same, else quoted); the file is replaced atomically\n"
	"    --raw    write <value> as literal YAML (a number, a flow value)\n"
	"    unset    remove <key> and its value lines\n"
	"    check    parse the file and check the managed keys (counters are\n"
	"             integers...); exit 1 naming the line of the first problem\n"
	"    --json   machine-readable output\n";

static int load(gs_fm **out, const char *path)
{
	gs_buf b = GS_BUF_INIT;
	int error;

	if ((error = gs_file_read(&b, path, GS_FM_MAX_SIZE)) == 0)
		error = gs_fm_parse(out, b.ptr, b.size, path);
	gs_buf_dispose(&b);
	return error;
}

static const char *dialect_name(gs_fm_dialect d)
{
	return d == GS_FM_YAML ? "yaml" : d == GS_FM_KV ? "key=value" : "none";
}

static const char *kind_name(gs_fm_kind k)
{
	switch (k) {
	case GS_FM_SCALAR: return "scalar";
	case GS_FM_MAPPING: return "mapping";
	case GS_FM_SEQUENCE: return "sequence";
	case GS_FM_ALIAS: return "alias";
	default: return "absent";
	}
}

static int print_json(cJSON *obj)
{
	char *s = cJSON_PrintUnformatted(obj);

	cJSON_Delete(obj);
	if (!s) {
		gs_error_set("out of memory");
		return cli_fail(GS_ERROR);
	}
	printf("%s\n", s);
	free(s);
	return CLI_OK;
}

static int fm_get(const char *path, const char *key, int json)
{
	gs_fm *fm = NULL;
	char *value = NULL;
	gs_fm_kind kind;
	int error, rc;

	if ((error = load(&fm, path)) < 0)
		return cli_fail(error);
	kind = gs_fm_kind_of(fm, key);
	if (kind == GS_FM_ABSENT) {
		gs_error_set("key '%s' not found in '%s'", key, path);
		rc = cli_fail(GS_ENOTFOUND);
		goto done;
	}
	error = kind == GS_FM_SCALAR ? gs_fm_get_str(&value, fm, key) : gs_fm_get_block(&value, fm, key);
	if (error < 0) {
		rc = cli_fail(error);
		goto done;
	}
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "file", path);
		cJSON_AddStringToObject(o, "key", key);
		cJSON_AddStringToObject(o, "kind", kind_name(kind));
		cJSON_AddStringToObject(o, "value", value);
		rc = print_json(o);
	} else {
		size_t n = strlen(value);

		/* A block already ends in '\n'; a scalar gets one. */
		fwrite(value, 1, n, stdout);
		if (kind == GS_FM_SCALAR)
			fputc('\n', stdout);
		rc = CLI_OK;
	}
done:
	free(value);
	gs_fm_free(fm);
	return rc;
}

static int save(gs_fm *fm, const char *path, const char *before, size_t before_len)
{
	const char *p;
	size_t n;

	gs_fm_bytes(&p, &n, fm);
	if (n == before_len && !memcmp(p, before, n))
		return 0; /* nothing changed: leave the file (and its mtime) alone */
	return gs_file_write_atomic(path, p, n, 0644);
}

static int fm_edit(const char *path, const char *key, const char *value, int raw, int unset)
{
	gs_buf orig = GS_BUF_INIT;
	gs_fm *fm = NULL;
	int error, was_valid;

	if ((error = gs_file_read(&orig, path, GS_FM_MAX_SIZE)) < 0 ||
	    (error = gs_fm_parse(&fm, orig.ptr, orig.size, path)) < 0)
		goto done;
	was_valid = gs_fm_check_managed(fm) == 0;
	gs_error_clear();
	if (unset)
		error = gs_fm_remove(fm, key);
	else if (raw)
		error = gs_fm_set_raw(fm, key, value);
	else
		error = gs_fm_set_str(fm, key, value);
	if (error < 0)
		goto done;
	/*
	 * The managed keys (SPEC §2) stay what git-stats can read: no counter
	 * past 2^63-1 or below 0. A file already broken may still be edited,
	 * to mend it.
	 */
	if (was_valid && (error = gs_fm_check_managed(fm)) < 0) {
		gs_error_prefix("cannot set '%s'", key);
		goto done;
	}
	error = save(fm, path, orig.ptr, orig.size);
done:
	gs_fm_free(fm);
	gs_buf_dispose(&orig);
	if (error < 0) {
		/* A refused edit is bad input (exit 1), not a malformed command line. */
		fprintf(stderr, "git-stats: %s\n", gs_error_last());
		return CLI_RUNTIME;
	}
	return CLI_OK;
}

static int fm_check(const char *path, int json)
{
	gs_fm *fm = NULL;
	int error = load(&fm, path);
	size_t i;

	if (error == 0)
		error = gs_fm_check_managed(fm);

	if (json) {
		cJSON *o = cJSON_CreateObject(), *keys;

		cJSON_AddStringToObject(o, "file", path);
		cJSON_AddBoolToObject(o, "ok", error == 0);
		if (error < 0) {
			cJSON_AddStringToObject(o, "error", gs_error_last());
		} else {
			cJSON_AddStringToObject(o, "dialect", dialect_name(gs_fm_dialect_of(fm)));
			keys = cJSON_AddArrayToObject(o, "keys");
			for (i = 0; i < gs_fm_key_count(fm); i++)
				cJSON_AddItemToArray(keys, cJSON_CreateString(gs_fm_key_at(fm, i)));
		}
		print_json(o);
	}
	gs_fm_free(fm);
	if (error < 0)
		return cli_fail(error == GS_EUSAGE ? GS_ERROR : error);
	return CLI_OK;
}

int cmd_fm(int argc, char **argv)
{
	const char *args[4];
	int nargs = 0, json = 0, raw = 0, i, only_args = 0;
	const char *sub;

	if (cli_wants_help(argc, argv))
		return cli_help(help);
	if (argc < 2)
		return cli_usage_error(usage, "fm: missing subcommand");
	sub = argv[1];
	for (i = 2; i < argc; i++) {
		if (!only_args && !strcmp(argv[i], "--"))
			only_args = 1;
		else if (!only_args && !strcmp(argv[i], "--json"))
			json = 1;
		else if (!only_args && !strcmp(argv[i], "--raw"))
			raw = 1;
		else if (!only_args && argv[i][0] == '-' && argv[i][1] &&
			 !(argv[i][1] >= '0' && argv[i][1] <= '9'))
			return cli_usage_error(usage, "fm %s: unknown option '%s'", sub, argv[i]);
		else if (nargs < 4)
			args[nargs++] = argv[i];
		else
			return cli_usage_error(usage, "fm %s: too many arguments", sub);
	}
	if (!strcmp(sub, "get")) {
		if (nargs != 2 || raw)
			return cli_usage_error(usage, "fm get: expected <file> <key>");
		return fm_get(args[0], args[1], json);
	}
	if (!strcmp(sub, "set")) {
		if (nargs != 3 || json)
			return cli_usage_error(usage, "fm set: expected <file> <key> <value>");
		return fm_edit(args[0], args[1], args[2], raw, 0);
	}
	if (!strcmp(sub, "unset")) {
		if (nargs != 2 || json || raw)
			return cli_usage_error(usage, "fm unset: expected <file> <key>");
		return fm_edit(args[0], args[1], NULL, 0, 1);
	}
	if (!strcmp(sub, "check")) {
		if (nargs != 1 || raw)
			return cli_usage_error(usage, "fm check: expected <file>");
		return fm_check(args[0], json);
	}
	return cli_usage_error(usage, "fm: unknown subcommand '%s'", sub);
}
