/*
 * Issue files and ids (SPEC §1): how a file name carries an id, how ids
 * compare, and how `<issue>` finds its file at a tree without reading
 * every blob (the rule is described in gs/issue.h).
 */
#include "gs/issue.h"
#include "gs/frontmatter.h"
#include "issue_internal.h"
#include "gs/store.h"

#include <ctype.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

int gs_issue_id_check(const char *id)
{
	size_t n = strlen(id);

	if (!n) {
		gs_error_set("issue id is empty");
		return GS_EUSAGE;
	}
	if (n > GS_ISSUE_ID_MAX) {
		gs_error_set("issue id '%.32s...' is longer than %d bytes", id, GS_ISSUE_ID_MAX);
		return GS_EUSAGE;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];

		if (c < 0x20 || c == 0x7f) {
			gs_error_set("issue id contains a control character (byte %zu); ids are not paths", i);
			return GS_EUSAGE;
		}
		if (c == '/' || c == '\\') {
			gs_error_set("invalid issue id '%s': ids are not paths", id);
			return GS_EUSAGE;
		}
	}
	if (!strcmp(id, ".") || !strcmp(id, "..") || isspace((unsigned char)id[0]) ||
	    isspace((unsigned char)id[n - 1])) {
		gs_error_set("invalid issue id '%s'", id);
		return GS_EUSAGE;
	}
	return 0;
}

/* Skip leading zeros of a digit run, keeping its last digit. */
static const char *skip_zeros(const char *p)
{
	while (p[0] == '0' && isdigit((unsigned char)p[1]))
		p++;
	return p;
}

static size_t digit_run(const char *p)
{
	size_t n = 0;

	while (isdigit((unsigned char)p[n]))
		n++;
	return n;
}

/*
 * Compare ids as equal when they differ only in letter case and leading
 * zeros of digit runs. With `prefix`, true when b matches the start of a:
 * a file name whose id equals b starts so (its id ends before a non-digit),
 * which lets resolution skip most names without parsing them.
 */
static int id_match(const char *a, const char *b, int prefix)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t na, nb;

			a = skip_zeros(a);
			b = skip_zeros(b);
			na = digit_run(a);
			nb = digit_run(b);
			if (na != nb || memcmp(a, b, na))
				return 0;
			a += na;
			b += nb;
			continue;
		}
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
	return (prefix || !*a) && !*b;
}

int gs_issue_id_equal(const char *a, const char *b)
{
	return id_match(a, b, 0);
}

static int has_suffix_ci(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && !strncasecmp(s + n - m, suffix, m);
}

int gs_issue_id_from_name(char *out, size_t size, const char *name)
{
	size_t n = strlen(name), stem, id_len = 0;
	const char *dash;

	if (!n || name[0] == '.' || !has_suffix_ci(name, n, ".md") || !strcasecmp(name, "README.md"))
		return GS_ENOTFOUND;
	stem = n - 3;
	dash = NULL;
	for (size_t i = 0; i + 3 <= stem; i++)
		if (!memcmp(name + i, " - ", 3)) {
			dash = name + i;
			break;
		}
	if (dash) {
		id_len = (size_t)(dash - name);
	} else {
		/* PREFIX-123 keeps its dash: "BACK-222-login.md" is BACK-222 */
		size_t i = 0;

		while (i < stem && (isalpha((unsigned char)name[i])))
			i++;
		if (i > 0 && i < stem && name[i] == '-' && i + 1 < stem &&
		    isdigit((unsigned char)name[i + 1])) {
			size_t j = i + 1;

			while (j < stem && isdigit((unsigned char)name[j]))
				j++;
			if (j == stem || name[j] == '-')
				id_len = j;
		}
		if (!id_len) {
			const char *d = memchr(name, '-', stem);

			id_len = d ? (size_t)(d - name) : stem;
		}
	}
	if (!id_len || id_len >= size || id_len > GS_ISSUE_ID_MAX)
		return GS_ENOTFOUND;
	for (size_t i = 0; i < id_len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == '\\')
			return GS_ENOTFOUND;
	memcpy(out, name, id_len);
	out[id_len] = '\0';
	if (isspace((unsigned char)out[0]) || isspace((unsigned char)out[id_len - 1]))
		return GS_ENOTFOUND;
	return 0;
}

int gs_issue_slug(gs_buf *out, const char *title)
{
	size_t start = out->size;
	int pending_dash = 0;

	for (const char *p = title; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (isalnum(c) && c < 0x80) {
			if (pending_dash && out->size > start && gs_buf_putc(out, '-') < 0)
				return GS_ERROR;
			pending_dash = 0;
			if (gs_buf_putc(out, (char)tolower(c)) < 0)
				return GS_ERROR;
			/* long titles: stop at a word boundary after 48 bytes */
			if (out->size - start >= 48 && !isalnum((unsigned char)p[1]))
				break;
		} else if (c != '\'') {
			pending_dash = 1;
		}
	}
	return 0;
}

/* --- listing --------------------------------------------------------- */

void gs_issue_list_dispose(gs_issue_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->entries[i].path);
		free(list->entries[i].id);
	}
	free(list->entries);
	list->entries = NULL;
	list->count = 0;
}

/* The issues directory's tree at `tree`; *out NULL when there is none. */
static int issues_tree(git_tree **out, git_repository *repo, git_tree *tree, const char *dir)
{
	git_tree_entry *e = NULL;
	int rc;

	*out = NULL;
	if (!tree)
		return 0;
	rc = git_tree_entry_bypath(&e, tree, dir);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return gs_repo_git_error("cannot read '%s'", dir);
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE &&
	    git_tree_lookup(out, repo, git_tree_entry_id(e)) < 0)
		rc = gs_repo_git_error("cannot read tree '%s'", dir);
	git_tree_entry_free(e);
	return rc < 0 ? GS_ERROR : 0;
}

/* The frontmatter id of a blob: *out NULL when absent or unparsable. */
static int read_fm_id(char **out, git_repository *repo, const git_oid *oid, const char *path)
{
	git_blob *blob = NULL;
	gs_fm *fm = NULL;
	int rc;

	*out = NULL;
	if (git_blob_lookup(&blob, repo, oid) < 0)
		return gs_repo_git_error("cannot read '%s'", path);
	rc = gs_fm_parse(&fm, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), path);
	if (rc == 0) {
		char *id = NULL;

		if (gs_fm_get_str(&id, fm, "id") == 0 && *id && gs_issue_id_check(id) == 0)
			*out = id;
		else
			free(id);
	}
	gs_error_clear();
	gs_fm_free(fm);
	git_blob_free(blob);
	return 0;
}

static int list_add(gs_issue_list *l, size_t *alloc, const char *dir, const char *name,
		    const char *id, const git_oid *oid)
{
	gs_issue_entry *e;
	gs_buf path = GS_BUF_INIT;

	if (l->count == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 64;
		gs_issue_entry *v = realloc(l->entries, n * sizeof(*v));

		if (!v)
			goto oom;
		l->entries = v;
		*alloc = n;
	}
	e = &l->entries[l->count];
	if (gs_buf_printf(&path, "%s/%s", dir, name) < 0)
		goto oom;
	e->id = strdup(id);
	if (!e->id)
		goto oom;
	e->path = gs_buf_detach(&path);
	git_oid_cpy(&e->blob, oid);
	l->count++;
	return 0;
oom:
	gs_buf_dispose(&path);
	gs_error_set("out of memory");
	return GS_ERROR;
}

/*
 * The entries of the issues directory's tree as an array (names borrowed
 * from `dir`). The store builds the same array from raw tree bytes it
 * caches, so listing and resolution work on either.
 */
int gs_issue__ents_from_tree(gs_issue__ent **out, size_t *count, git_tree *dir)
{
	size_t n = dir ? git_tree_entrycount(dir) : 0;

	*out = calloc(n + 1, sizeof(**out));
	*count = 0;
	if (!*out) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(dir, i);

		(*out)[i].name = git_tree_entry_name(e);
		(*out)[i].mode = (unsigned int)git_tree_entry_filemode(e);
		git_oid_cpy(&(*out)[i].oid, git_tree_entry_id(e));
	}
	*count = n;
	return 0;
}

/* The file's id by name, when the entry is an issue file at all. */
static int ent_id(char *id, size_t size, const gs_issue__ent *e)
{
	if (e->mode != GIT_FILEMODE_BLOB && e->mode != GIT_FILEMODE_BLOB_EXECUTABLE)
		return GS_ENOTFOUND;
	return gs_issue_id_from_name(id, size, e->name);
}

int gs_issue__list(gs_issue_list *out, git_repository *repo, const gs_issue__ent *ents, size_t n,
		   const char *issues_dir, unsigned int flags)
{
	size_t alloc = 0;
	int error = 0;

	out->entries = NULL;
	out->count = 0;
	/* tree entries are sorted by name, so the list comes out sorted by path */
	for (size_t i = 0; i < n; i++) {
		char id[GS_ISSUE_ID_MAX + 1];
		char *fm_id = NULL;

		if (ent_id(id, sizeof(id), &ents[i]) < 0)
			continue;
		if (flags & GS_ISSUE_READ_IDS) {
			error = read_fm_id(&fm_id, repo, &ents[i].oid, ents[i].name);
			if (error < 0)
				break;
		}
		error = list_add(out, &alloc, issues_dir, ents[i].name, fm_id ? fm_id : id, &ents[i].oid);
		free(fm_id);
		if (error < 0)
			break;
	}
	if (error < 0)
		gs_issue_list_dispose(out);
	return error;
}

int gs_issue_list_at(gs_issue_list *out, git_repository *repo, git_tree *tree,
		     const char *issues_dir, unsigned int flags)
{
	git_tree *dir = NULL;
	gs_issue__ent *ents = NULL;
	size_t n = 0;
	int error;

	out->entries = NULL;
	out->count = 0;
	error = issues_tree(&dir, repo, tree, issues_dir);
	if (error < 0 || !dir)
		return error;
	error = gs_issue__ents_from_tree(&ents, &n, dir);
	if (error == 0)
		error = gs_issue__list(out, repo, ents, n, issues_dir, flags);
	free(ents);
	git_tree_free(dir);
	return error;
}

/* --- resolution ------------------------------------------------------ */

/* "'issues/1-a.md', 'issues/01-b.md'" (at most 8, then "and N more"). */
static void candidates_text(gs_buf *out, const gs_issue__ent *ents, const size_t *pick, size_t n,
			    const char *dir)
{
	for (size_t i = 0; i < n && i < 8; i++)
		gs_buf_printf(out, "%s'%s/%s'", i ? ", " : "", dir, ents[pick[i]].name);
	if (n > 8)
		gs_buf_printf(out, " and %zu more", n - 8);
}

/* Ids that look like `want` (substring either way, case-insensitive): hints. */
static void similar_text(gs_buf *out, const gs_issue_list *l, const char *want)
{
	size_t shown = 0;

	for (size_t i = 0; i < l->count && shown < 5; i++) {
		const char *id = l->entries[i].id;

		if (strcasestr(id, want) || strcasestr(want, id))
			gs_buf_printf(out, "%s'%s'", shown++ ? ", " : "", id);
	}
	if (!shown)
		for (size_t i = 0; i < l->count && i < 5; i++)
			gs_buf_printf(out, "%s'%s'", shown++ ? ", " : "", l->entries[i].id);
	if (l->count > shown)
		gs_buf_printf(out, ", ... (%zu issues)", l->count);
}

int gs_issue__resolve(char **path_out, char **id_out, git_oid *blob_out, git_repository *repo,
		      const gs_issue__ent *ents, size_t n, const char *issues_dir, const char *id)
{
	size_t *pick = NULL, npick = 0, nissues = 0;
	gs_buf msg = GS_BUF_INIT, path = GS_BUF_INIT;
	char name_id[GS_ISSUE_ID_MAX + 1];
	char *own_id = NULL; /* of the first pick */
	int error;

	*path_out = NULL;
	if (id_out)
		*id_out = NULL;
	error = gs_issue_id_check(id);
	if (error < 0)
		return error;
	pick = calloc(n + 1, sizeof(*pick));
	if (!pick) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	/* by file name first, reading no blob; a frontmatter id that disagrees drops the file */
	for (size_t i = 0; i < n; i++) {
		char *fm_id = NULL;

		if (!id_match(ents[i].name, id, 1) || ent_id(name_id, sizeof(name_id), &ents[i]) < 0)
			continue;
		nissues++;
		if (!gs_issue_id_equal(name_id, id))
			continue;
		error = read_fm_id(&fm_id, repo, &ents[i].oid, ents[i].name);
		if (error < 0)
			goto done;
		if (!fm_id || gs_issue_id_equal(fm_id, id)) {
			if (!npick) { /* the first pick's own id: its frontmatter's, else its name's */
				own_id = fm_id ? fm_id : strdup(name_id);
				fm_id = NULL;
				if (!own_id) {
					gs_error_set("out of memory");
					error = GS_ERROR;
					goto done;
				}
			}
			pick[npick++] = i;
		}
		free(fm_id);
	}
	/* no file name carries the id: the slow path reads every frontmatter */
	if (!npick) {
		for (size_t i = 0; i < n; i++) {
			char *fm_id = NULL;

			if (ent_id(name_id, sizeof(name_id), &ents[i]) < 0)
				continue;
			nissues++;
			error = read_fm_id(&fm_id, repo, &ents[i].oid, ents[i].name);
			if (error < 0)
				goto done;
			if (fm_id && gs_issue_id_equal(fm_id, id)) {
				if (!npick)
					own_id = fm_id, fm_id = NULL;
				pick[npick++] = i;
			}
			free(fm_id);
		}
	}
	if (npick == 1) {
		if (gs_buf_printf(&path, "%s/%s", issues_dir, ents[pick[0]].name) < 0) {
			error = GS_ERROR;
			goto done;
		}
		*path_out = gs_buf_detach(&path);
		if (blob_out)
			git_oid_cpy(blob_out, &ents[pick[0]].oid);
		if (id_out)
			*id_out = own_id, own_id = NULL;
		error = 0;
	} else if (npick > 1) {
		candidates_text(&msg, ents, pick, npick, issues_dir);
		gs_error_set("issue id '%s' is ambiguous: %s", id, msg.ptr);
		error = GS_EAMBIGUOUS;
	} else if (!nissues) {
		gs_error_set("issue '%s' not found: no issues in '%s/'", id, issues_dir);
		error = GS_ENOTFOUND;
	} else {
		gs_issue_list list = { NULL, 0 };

		gs_issue__list(&list, repo, ents, n, issues_dir, GS_ISSUE_READ_IDS);
		similar_text(&msg, &list, id);
		gs_issue_list_dispose(&list);
		gs_error_set("issue '%s' not found in '%s/'; ids there: %s", id, issues_dir, msg.ptr);
		error = GS_ENOTFOUND;
	}
done:
	gs_buf_dispose(&msg);
	gs_buf_dispose(&path);
	free(own_id);
	free(pick);
	return error;
}

int gs_issue_resolve(char **path_out, git_oid *blob_out, git_repository *repo,
		     git_tree *tree, const char *issues_dir, const char *id)
{
	git_tree *dir = NULL;
	gs_issue__ent *ents = NULL;
	size_t n = 0;
	int error;

	*path_out = NULL;
	error = gs_issue_id_check(id);
	if (error < 0)
		return error;
	error = issues_tree(&dir, repo, tree, issues_dir);
	if (error == 0)
		error = gs_issue__ents_from_tree(&ents, &n, dir);
	if (error == 0)
		error = gs_issue__resolve(path_out, NULL, blob_out, repo, ents, n, issues_dir, id);
	free(ents);
	git_tree_free(dir);
	return error;
}

/* The value of an all-digit id, or 0 when it is not one (or too long). */
static int64_t numeric_id(const char *id)
{
	size_t k = digit_run(id);
	int64_t v = 0;

	if (!k || id[k] || k > 18)
		return 0;
	for (size_t j = 0; j < k; j++)
		v = v * 10 + (id[j] - '0');
	return v;
}

/* An all-digit value of at most 18 digits, else 0; `end` bounds it. */
static int64_t digits_value(const char *p, const char *end)
{
	int64_t v = 0;
	size_t k = 0;

	while (p + k < end && isdigit((unsigned char)p[k])) {
		if (k < 18) /* past 18 digits the value is refused: no overflow */
			v = v * 10 + (p[k] - '0');
		k++;
	}
	return k && k <= 18 ? v : 0;
}

/*
 * The largest numeric id a file's frontmatter gives, from its lines
 * alone, so `new` need not parse 10,000 frontmatters: an `id: 12` or
 * `id=12` line counts, a plain value starting with a letter is no number.
 * -1 when the lines cannot tell (a quoted id, "id" written another way)
 * and the caller must parse. It may count too much (an "id:" line inside
 * a multi-line scalar), which only skips a number, never too little.
 */
static int64_t scan_fm_numeric_id(const char *p, size_t n)
{
	const char *end = p + n, *eol;
	int64_t max = 0;
	int seen_key = 0, seen_text = 0;

	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	if (end - p < 3 || memcmp(p, "---", 3))
		return 0; /* no frontmatter, no id */
	for (p = memchr(p, '\n', (size_t)(end - p)); p && ++p < end; p = eol) {
		const char *q = p, *v;
		size_t len;

		eol = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((eol ? eol : end) - p);
		if (len && p[len - 1] == '\r')
			len--;
		if ((len == 3 && (!memcmp(p, "---", 3) || !memcmp(p, "...", 3))))
			return seen_key || !seen_text ? max : -1;
		for (size_t i = 0; i + 1 < len; i++)
			if ((p[i] == 'i' || p[i] == 'I') && (p[i + 1] == 'd' || p[i + 1] == 'D'))
				seen_text = 1;
		if (len < 3 || p[0] != 'i' || p[1] != 'd')
			continue;
		for (q = p + 2; q < p + len && (*q == ' ' || *q == '\t'); q++)
			;
		if (q == p + len || (*q != ':' && *q != '='))
			continue;
		for (v = q + 1; v < p + len && (*v == ' ' || *v == '\t'); v++)
			;
		seen_key = 1;
		if (v < p + len && isalpha((unsigned char)*v))
			continue; /* BACK-7: a string */
		if (v == p + len || !isdigit((unsigned char)*v))
			return -1;
		if (digits_value(v, p + len) > max)
			max = digits_value(v, p + len);
	}
	return -1; /* no closing line: let the parser say what it is */
}

/*
 * Past every id in use: file names and frontmatter ids both (SPEC §1, the
 * frontmatter id is authoritative), so a file '9.md' saying 'id: 10'
 * keeps 10 from being handed out again.
 */
int gs_issue__next_id(int64_t *out, git_repository *repo, const gs_issue__ent *ents, size_t n)
{
	int64_t max = 0;

	*out = 1;
	for (size_t i = 0; i < n; i++) {
		char id[GS_ISSUE_ID_MAX + 1];
		git_blob *blob = NULL;
		char *fm_id = NULL;
		int64_t v;
		int error;

		if (ent_id(id, sizeof(id), &ents[i]) < 0)
			continue;
		if ((v = numeric_id(id)) > max)
			max = v;
		if (git_blob_lookup(&blob, repo, &ents[i].oid) < 0)
			return gs_repo_git_error("cannot read '%s'", ents[i].name);
		v = scan_fm_numeric_id(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		git_blob_free(blob);
		if (v < 0) {
			error = read_fm_id(&fm_id, repo, &ents[i].oid, ents[i].name);
			if (error < 0)
				return error;
			v = fm_id ? numeric_id(fm_id) : 0;
			free(fm_id);
		}
		if (v > max)
			max = v;
	}
	*out = max + 1;
	return 0;
}

int gs_issue_next_id(int64_t *out, git_repository *repo, git_tree *tree, const char *issues_dir)
{
	git_tree *dir = NULL;
	gs_issue__ent *ents = NULL;
	size_t n = 0;
	int error;

	*out = 1;
	error = issues_tree(&dir, repo, tree, issues_dir);
	if (error == 0)
		error = gs_issue__ents_from_tree(&ents, &n, dir);
	if (error == 0)
		error = gs_issue__next_id(out, repo, ents, n);
	free(ents);
	git_tree_free(dir);
	return error;
}

/* --- template ---------------------------------------------------------- */

static int is_yaml_keyword(const char *s)
{
	static const char *const words[] = { "true", "false", "yes", "no", "on", "off", "null",
					     "y", "n" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return 1;
	return 0;
}

/* A title as a YAML scalar: plain when unmistakable, else double-quoted. */
static int yaml_scalar(gs_buf *out, const char *s)
{
	size_t n = strlen(s);
	int plain = n > 0 && isalpha((unsigned char)s[0]) && s[n - 1] != ' ' && !is_yaml_keyword(s);

	for (size_t i = 0; plain && i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(isalnum(c) || c >= 0x80 || strchr(" _.,()/+'-", c)))
			plain = 0;
	}
	if (plain)
		return gs_buf_puts(out, s);
	if (gs_buf_putc(out, '"') < 0)
		return GS_ERROR;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int rc;

		if (c == '"' || c == '\\')
			rc = gs_buf_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			rc = gs_buf_printf(out, "\\x%02x", c);
		else
			rc = gs_buf_putc(out, (char)c);
		if (rc < 0)
			return GS_ERROR;
	}
	return gs_buf_putc(out, '"');
}

static const char *template_path(void)
{
	struct stat st;
	const char *env = getenv("GIT_STATS_TEMPLATE_DIR");

	if (env && *env)
		return env;
#ifdef GS_TEMPLATE_DIR
	if (stat(GS_TEMPLATE_DIR "/issue.md", &st) == 0)
		return GS_TEMPLATE_DIR;
#endif
#ifdef GS_SOURCE_TEMPLATE_DIR
	(void)st;
	return GS_SOURCE_TEMPLATE_DIR;
#else
	(void)st;
	return "templates";
#endif
}

int gs_issue_render_template(gs_buf *out, const char *id, const char *title, const char *date)
{
	gs_buf tpl = GS_BUF_INIT, path = GS_BUF_INIT, yaml_title = GS_BUF_INIT;
	int error = GS_ERROR;
	const char *p;

	if (gs_buf_printf(&path, "%s/issue.md", template_path()) < 0)
		goto done;
	error = gs_file_read(&tpl, path.ptr, 1u << 20);
	if (error < 0) {
		gs_error_prefix("cannot read the issue template");
		goto done;
	}
	error = GS_ERROR;
	if (yaml_scalar(&yaml_title, title) < 0)
		goto done;
	for (p = tpl.ptr; *p;) {
		const char *open = strstr(p, "{{");
		const char *close;
		size_t n;

		if (!open) {
			if (gs_buf_puts(out, p) < 0)
				goto done;
			break;
		}
		if (gs_buf_put(out, p, (size_t)(open - p)) < 0)
			goto done;
		close = strstr(open, "}}");
		if (!close) {
			if (gs_buf_puts(out, open) < 0)
				goto done;
			break;
		}
		n = (size_t)(close - open - 2);
		if (n == 2 && !memcmp(open + 2, "id", 2))
			gs_buf_puts(out, id);
		else if (n == 5 && !memcmp(open + 2, "title", 5))
			gs_buf_puts(out, title);
		else if (n == 10 && !memcmp(open + 2, "title_yaml", 10))
			gs_buf_puts(out, yaml_title.ptr);
		else if (n == 4 && !memcmp(open + 2, "date", 4))
			gs_buf_puts(out, date);
		else
			gs_buf_put(out, open, n + 4);
		p = close + 2;
	}
	error = 0;
done:
	gs_buf_dispose(&tpl);
	gs_buf_dispose(&path);
	gs_buf_dispose(&yaml_title);
	return error;
}

/* --- set ------------------------------------------------------------- */

static const char *const managed_ints[] = { "run_count", "total_input_tokens",
					    "total_output_tokens", "total_cache_read_tokens",
					    "total_cache_write_tokens", "total_iterations" };
static const char *const managed_numbers[] = { "total_duration_seconds", "total_cost_usd" };
static const char *const managed_blocks[] = { "agents", "resume_attempts" };

static int in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(key, list[i]))
			return 1;
	return 0;
}

#define IN(key, list) in_list(key, list, sizeof(list) / sizeof(list[0]))

static int is_uint(const char *s)
{
	size_t n = digit_run(s);

	return n > 0 && !s[n];
}

/* A YAML 1.1/1.2 number as a plain scalar: -12, 3.5, 1e3 (no hex, no inf). */
static int is_number(const char *s)
{
	const char *p = s;
	size_t n;

	if (*p == '-' || *p == '+')
		p++;
	n = digit_run(p);
	p += n;
	if (*p == '.') {
		size_t m = digit_run(p + 1);

		if (!n && !m)
			return 0;
		p += 1 + m;
	} else if (!n) {
		return 0;
	}
	if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
					 ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2])))) {
		p += 2;
		p += digit_run(p);
	}
	return !*p;
}

int gs_issue_check_set(const char *key, const char *value)
{
	if (!*key) {
		gs_error_set("empty key in '=%s'", value);
		return GS_EUSAGE;
	}
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p)) {
			gs_error_set("invalid key '%s': use letters, digits, '_', '.', '-'", key);
			return GS_EUSAGE;
		}
	if (IN(key, managed_blocks)) {
		gs_error_set("'%s' is managed by 'git stats %s'; it cannot be set", key,
			     strcmp(key, "agents") ? "resume" : "attempt");
		return GS_EUSAGE;
	}
	if (IN(key, managed_ints)) {
		if (!is_uint(value) || digit_run(skip_zeros(value)) > 19 ||
		    (digit_run(skip_zeros(value)) == 19 && strcmp(skip_zeros(value), "9223372036854775807") > 0)) {
			gs_error_set("'%s' is a counter: expected a non-negative integer, got '%s'", key, value);
			return GS_EUSAGE;
		}
	} else if (IN(key, managed_numbers)) {
		if (!is_number(value) || value[0] == '-') {
			gs_error_set("'%s' expects a non-negative number, got '%s'", key, value);
			return GS_EUSAGE;
		}
	}
	return 0;
}

int gs_issue_edit_set(gs_buf *out, const char *path, const char *old, size_t old_len, void *payload)
{
	const gs_issue_set_args *args = payload;
	gs_fm *fm = NULL;
	const char *data;
	size_t len;
	int error;

	if (!old) {
		gs_error_set("'%s' does not exist", path);
		return GS_ENOTFOUND;
	}
	error = gs_fm_parse(&fm, old, old_len, path);
	if (error < 0)
		return error;
	for (size_t i = 0; i < args->count; i++) {
		const char *k = args->kv[i].key, *v = args->kv[i].value;

		if (is_number(v) || !strcmp(v, "true") || !strcmp(v, "false"))
			error = gs_fm_set_raw(fm, k, v);
		else
			error = gs_fm_set_str(fm, k, v);
		if (error < 0) {
			gs_error_prefix("cannot set '%s' in '%s'", k, path);
			goto done;
		}
	}
	gs_fm_bytes(&data, &len, fm);
	if (len == old_len && !memcmp(data, old, len)) {
		error = GS_STORE_NOCHANGE;
		goto done;
	}
	error = gs_buf_set(out, data, len);
done:
	gs_fm_free(fm);
	return error;
}

/* --- JSON view of a frontmatter ---------------------------------------- */

/* A plain scalar's JSON type, as YAML would read it. */
static cJSON *scalar_json(const char *s, size_t n, int plain)
{
	char *tmp;
	cJSON *v;

	tmp = malloc(n + 1);
	if (!tmp)
		return NULL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (plain && is_number(tmp) && strcmp(tmp, "-") && strcmp(tmp, "+"))
		v = cJSON_CreateNumber(strtod(tmp, NULL));
	else if (plain && (!strcmp(tmp, "true") || !strcmp(tmp, "True") || !strcmp(tmp, "TRUE")))
		v = cJSON_CreateTrue();
	else if (plain && (!strcmp(tmp, "false") || !strcmp(tmp, "False") || !strcmp(tmp, "FALSE")))
		v = cJSON_CreateFalse();
	else if (plain && (!n || !strcmp(tmp, "~") || !strcmp(tmp, "null") || !strcmp(tmp, "Null") ||
			   !strcmp(tmp, "NULL")))
		v = cJSON_CreateNull();
	else
		v = cJSON_CreateString(tmp);
	free(tmp);
	return v;
}

/* Convert the libyaml node `n` of `doc` (depth-limited against aliases). */
static cJSON *node_json(yaml_document_t *doc, yaml_node_t *n, int depth)
{
	cJSON *v = NULL;

	if (!n || depth > 64)
		return cJSON_CreateNull();
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return scalar_json((const char *)n->data.scalar.value, n->data.scalar.length,
				   n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
	case YAML_SEQUENCE_NODE:
		v = cJSON_CreateArray();
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     v && it < n->data.sequence.items.top; it++)
			cJSON_AddItemToArray(v, node_json(doc, yaml_document_get_node(doc, *it), depth + 1));
		return v;
	case YAML_MAPPING_NODE:
		v = cJSON_CreateObject();
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; v && p < n->data.mapping.pairs.top;
		     p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);

			if (!k || k->type != YAML_SCALAR_NODE)
				continue;
			yaml_node_t *val = yaml_document_get_node(doc, p->value);

			/* ids are names, not numbers: "012" must stay "012" */
			if (depth == 0 && !strcmp((const char *)k->data.scalar.value, "id") && val &&
			    val->type == YAML_SCALAR_NODE)
				cJSON_AddItemToObject(v, "id", scalar_json((const char *)val->data.scalar.value,
									   val->data.scalar.length, 0));
			else
				cJSON_AddItemToObject(v, (const char *)k->data.scalar.value,
						      node_json(doc, val, depth + 1));
		}
		return v;
	default:
		return cJSON_CreateNull();
	}
}

/* The YAML text between the delimiter lines (borrowed range of the document). */
static void fm_inner(const char **p, size_t *n, const gs_fm *fm)
{
	const char *data, *body;
	size_t len, body_len, head;
	const char *nl;

	gs_fm_bytes(&data, &len, fm);
	gs_fm_body(&body, &body_len, fm);
	head = len - body_len;
	nl = memchr(data, '\n', head);
	*p = nl ? nl + 1 : data + head;
	/* drop the closing delimiter line */
	{
		const char *end = data + head;

		if (end > *p && end[-1] == '\n')
			end--;
		while (end > *p && end[-1] != '\n')
			end--;
		*n = (size_t)(end - *p);
	}
}

int gs_issue_fm_json(cJSON **out, const gs_fm *fm)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	cJSON *obj = NULL;
	const char *p;
	size_t n;

	*out = NULL;
	if (gs_fm_dialect_of(fm) == GS_FM_YAML) {
		fm_inner(&p, &n, fm);
		if (!yaml_parser_initialize(&parser)) {
			gs_error_set("out of memory");
			return GS_ERROR;
		}
		yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);
		if (!yaml_parser_load(&parser, &doc)) {
			gs_error_set("cannot parse frontmatter: %s",
				     parser.problem ? parser.problem : "invalid YAML");
			yaml_parser_delete(&parser);
			return GS_EPARSE;
		}
		{
			yaml_node_t *root = yaml_document_get_root_node(&doc);

			if (root && root->type == YAML_MAPPING_NODE)
				obj = node_json(&doc, root, 0);
			else
				obj = cJSON_CreateObject();
		}
		yaml_document_delete(&doc);
		yaml_parser_delete(&parser);
	} else {
		obj = cJSON_CreateObject();
		for (size_t i = 0; obj && i < gs_fm_key_count(fm); i++) {
			const char *key = gs_fm_key_at(fm, i);
			char *val = NULL;

			if (gs_fm_get_str(&val, fm, key) < 0) {
				gs_error_clear();
				continue;
			}
			cJSON_AddItemToObject(obj, key, scalar_json(val, strlen(val), strcmp(key, "id") != 0));
			free(val);
		}
	}
	if (!obj) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	*out = obj;
	return 0;
}
