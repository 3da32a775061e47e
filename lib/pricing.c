/*
 * Model prices (SPEC §6). The built-in table is checked against LiteLLM's
 * figures by tests/unit/test_pricing.c; a repository overrides or extends
 * it with a YAML file because prices change faster than releases.
 */
#include "gs/pricing.h"
#include "gs/frontmatter.h"

#include <git2.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct gs_pricing {
	gs_price *rows;
	size_t count;
	size_t alloc;
	char **owned; /* strings of file rows */
	size_t nowned;
};

/*
 * USD per million tokens: input, output, cache read, cache write (5 min),
 * cache write (1 h). Anthropic: cache read 0.1x input, 5-minute write
 * 1.25x, 1-hour write 2x. OpenAI and Google charge no cache-write premium
 * (a cached prompt is billed as input when written), so their write rates
 * equal the input rate. Google's tiered prices (prompts above 200k
 * tokens) are not modelled: the table holds the base tier.
 */
static const gs_price builtin[] = {
	/* Anthropic */
	{ "claude-opus-5", "anthropic", 5, 25, 0.5, 6.25, 10, GS_PRICE_BUILTIN },
	{ "claude-opus-4-8", "anthropic", 5, 25, 0.5, 6.25, 10, GS_PRICE_BUILTIN },
	{ "claude-opus-4-7", "anthropic", 5, 25, 0.5, 6.25, 10, GS_PRICE_BUILTIN },
	{ "claude-opus-4-6", "anthropic", 5, 25, 0.5, 6.25, 10, GS_PRICE_BUILTIN },
	{ "claude-opus-4-5", "anthropic", 5, 25, 0.5, 6.25, 10, GS_PRICE_BUILTIN },
	{ "claude-opus-4-1", "anthropic", 15, 75, 1.5, 18.75, 30, GS_PRICE_BUILTIN },
	{ "claude-opus-4", "anthropic", 15, 75, 1.5, 18.75, 30, GS_PRICE_BUILTIN },
	{ "claude-sonnet-5", "anthropic", 2, 10, 0.2, 2.5, 4, GS_PRICE_BUILTIN },
	{ "claude-sonnet-4-6", "anthropic", 3, 15, 0.3, 3.75, 6, GS_PRICE_BUILTIN },
	{ "claude-sonnet-4-5", "anthropic", 3, 15, 0.3, 3.75, 6, GS_PRICE_BUILTIN },
	{ "claude-sonnet-4", "anthropic", 3, 15, 0.3, 3.75, 6, GS_PRICE_BUILTIN },
	{ "claude-haiku-4-5", "anthropic", 1, 5, 0.1, 1.25, 2, GS_PRICE_BUILTIN },
	{ "claude-3-7-sonnet", "anthropic", 3, 15, 0.3, 3.75, 6, GS_PRICE_BUILTIN },
	{ "claude-3-5-sonnet", "anthropic", 3, 15, 0.3, 3.75, 6, GS_PRICE_BUILTIN },
	{ "claude-3-5-haiku", "anthropic", 0.8, 4, 0.08, 1, 1.6, GS_PRICE_BUILTIN },
	{ "claude-3-opus", "anthropic", 15, 75, 1.5, 18.75, 30, GS_PRICE_BUILTIN },
	{ "claude-3-haiku", "anthropic", 0.25, 1.25, 0.03, 0.3, 0.5, GS_PRICE_BUILTIN },
	/* OpenAI */
	{ "gpt-4o", "openai", 2.5, 10, 1.25, 2.5, 2.5, GS_PRICE_BUILTIN },
	{ "gpt-4o-mini", "openai", 0.15, 0.6, 0.075, 0.15, 0.15, GS_PRICE_BUILTIN },
	{ "gpt-4.1", "openai", 2, 8, 0.5, 2, 2, GS_PRICE_BUILTIN },
	{ "gpt-4.1-mini", "openai", 0.4, 1.6, 0.1, 0.4, 0.4, GS_PRICE_BUILTIN },
	{ "gpt-4.1-nano", "openai", 0.1, 0.4, 0.025, 0.1, 0.1, GS_PRICE_BUILTIN },
	{ "gpt-5", "openai", 1.25, 10, 0.125, 1.25, 1.25, GS_PRICE_BUILTIN },
	{ "gpt-5-codex", "openai", 1.25, 10, 0.125, 1.25, 1.25, GS_PRICE_BUILTIN },
	{ "gpt-5-mini", "openai", 0.25, 2, 0.025, 0.25, 0.25, GS_PRICE_BUILTIN },
	{ "gpt-5-nano", "openai", 0.05, 0.4, 0.005, 0.05, 0.05, GS_PRICE_BUILTIN },
	{ "gpt-5.1", "openai", 1.25, 10, 0.125, 1.25, 1.25, GS_PRICE_BUILTIN },
	{ "gpt-5.1-codex", "openai", 1.25, 10, 0.125, 1.25, 1.25, GS_PRICE_BUILTIN },
	{ "gpt-5.2", "openai", 1.75, 14, 0.175, 1.75, 1.75, GS_PRICE_BUILTIN },
	{ "gpt-5.2-codex", "openai", 1.75, 14, 0.175, 1.75, 1.75, GS_PRICE_BUILTIN },
	{ "gpt-5.3-codex", "openai", 1.75, 14, 0.175, 1.75, 1.75, GS_PRICE_BUILTIN },
	{ "gpt-5.4", "openai", 2.5, 15, 0.25, 2.5, 2.5, GS_PRICE_BUILTIN },
	{ "gpt-5.4-mini", "openai", 0.75, 4.5, 0.075, 0.75, 0.75, GS_PRICE_BUILTIN },
	{ "gpt-5.4-nano", "openai", 0.2, 1.25, 0.02, 0.2, 0.2, GS_PRICE_BUILTIN },
	{ "gpt-5.5", "openai", 5, 30, 0.5, 5, 5, GS_PRICE_BUILTIN },
	{ "gpt-5.6", "openai", 5, 30, 0.5, 6.25, 6.25, GS_PRICE_BUILTIN },
	{ "o1", "openai", 15, 60, 7.5, 15, 15, GS_PRICE_BUILTIN },
	{ "o3", "openai", 2, 8, 0.5, 2, 2, GS_PRICE_BUILTIN },
	{ "o3-mini", "openai", 1.1, 4.4, 0.55, 1.1, 1.1, GS_PRICE_BUILTIN },
	{ "o3-pro", "openai", 20, 80, 20, 20, 20, GS_PRICE_BUILTIN },
	{ "o4-mini", "openai", 1.1, 4.4, 0.275, 1.1, 1.1, GS_PRICE_BUILTIN },
	/* Google */
	{ "gemini-2.5-pro", "google", 1.25, 10, 0.125, 1.25, 1.25, GS_PRICE_BUILTIN },
	{ "gemini-2.5-flash", "google", 0.3, 2.5, 0.03, 0.3, 0.3, GS_PRICE_BUILTIN },
	{ "gemini-2.5-flash-lite", "google", 0.1, 0.4, 0.01, 0.1, 0.1, GS_PRICE_BUILTIN },
	{ "gemini-2.0-flash", "google", 0.1, 0.4, 0.025, 0.1, 0.1, GS_PRICE_BUILTIN },
	{ "gemini-2.0-flash-lite", "google", 0.075, 0.3, 0.01875, 0.075, 0.075, GS_PRICE_BUILTIN },
};

static int row_cmp(const void *a, const void *b)
{
	const gs_price *x = a, *y = b;
	int c = strcmp(x->provider, y->provider);

	return c ? c : strcmp(x->model, y->model);
}

int gs_pricing_new(gs_pricing **out)
{
	gs_pricing *p;
	size_t n = sizeof(builtin) / sizeof(builtin[0]);

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->rows = malloc(n * sizeof(*p->rows)))) {
		free(p);
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	memcpy(p->rows, builtin, sizeof(builtin));
	p->count = p->alloc = n;
	qsort(p->rows, p->count, sizeof(*p->rows), row_cmp);
	*out = p;
	return 0;
}

void gs_pricing_free(gs_pricing *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->rows);
	free(p);
}

size_t gs_pricing_count(const gs_pricing *p)
{
	return p->count;
}

const gs_price *gs_pricing_at(const gs_pricing *p, size_t i)
{
	return i < p->count ? &p->rows[i] : NULL;
}

static const gs_price *find_exact(const gs_pricing *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		if (!strcmp(p->rows[i].model, name))
			return &p->rows[i];
	return NULL;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * One normalization step on `b` (lowercase already): strip the first
 * suffix or prefix that applies. Returns 1 when something was stripped.
 * Steps are tried in a fixed order so the lookup below can test the
 * table after each one.
 */
static int strip_once(gs_buf *b)
{
	static const char *prefixes[] = { "anthropic/", "openai/", "google/", "gemini/",
					  "models/", "vertex_ai/" };
	size_t i, n = b->size;
	char *s = b->ptr;
	char *at;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);
		if (n > pl && !strncmp(s, prefixes[i], pl)) {
			gs_buf_splice(b, 0, pl, "", 0);
			return 1;
		}
	}
	if ((at = strchr(s, '@')) != NULL && at > s) {
		gs_buf_truncate(b, (size_t)(at - s));
		return 1;
	}
	if (n > 7 && !strcmp(s + n - 7, "-latest")) {
		gs_buf_truncate(b, n - 7);
		return 1;
	}
	/* -YYYYMMDD */
	if (n > 9 && s[n - 9] == '-' && all_digits(s + n - 8, 8) && s[n - 8] == '2') {
		gs_buf_truncate(b, n - 9);
		return 1;
	}
	/* -YYYY-MM-DD */
	if (n > 11 && s[n - 11] == '-' && all_digits(s + n - 10, 4) && s[n - 6] == '-' &&
	    all_digits(s + n - 5, 2) && s[n - 3] == '-' && all_digits(s + n - 2, 2)) {
		gs_buf_truncate(b, n - 11);
		return 1;
	}
	/* Gemini's stable versions: -001 */
	if (n > 4 && s[n - 4] == '-' && all_digits(s + n - 3, 3)) {
		gs_buf_truncate(b, n - 4);
		return 1;
	}
	return 0;
}

static int lower_copy(gs_buf *out, const char *model)
{
	size_t i;

	gs_buf_clear(out);
	for (i = 0; model[i]; i++)
		if (gs_buf_putc(out, (char)tolower((unsigned char)model[i])) < 0)
			return GS_ERROR;
	return 0;
}

int gs_pricing_normalize(gs_buf *out, const char *model)
{
	if (lower_copy(out, model) < 0)
		return GS_ERROR;
	while (strip_once(out))
		;
	return 0;
}

const gs_price *gs_pricing_lookup(const gs_pricing *p, const char *model)
{
	gs_buf b = GS_BUF_INIT;
	const gs_price *found = NULL;

	if (!model || !*model || lower_copy(&b, model) < 0)
		goto done;
	do {
		if ((found = find_exact(p, b.ptr)) != NULL)
			break;
	} while (strip_once(&b));
done:
	gs_buf_dispose(&b);
	return found;
}

const char *gs_pricing_provider(const gs_pricing *p, const char *model)
{
	const gs_price *row = p ? gs_pricing_lookup(p, model) : NULL;
	gs_buf b = GS_BUF_INIT;
	const char *guess = "unknown";

	if (row)
		return row->provider;
	if (!model || gs_pricing_normalize(&b, model) < 0)
		return guess;
	if (!strncmp(b.ptr, "claude", 6))
		guess = "anthropic";
	else if (!strncmp(b.ptr, "gpt-", 4) || !strncmp(b.ptr, "chatgpt", 7) ||
		 !strncmp(b.ptr, "codex", 5) ||
		 (b.ptr[0] == 'o' && isdigit((unsigned char)b.ptr[1])))
		guess = "openai";
	else if (!strncmp(b.ptr, "gemini", 6))
		guess = "google";
	gs_buf_dispose(&b);
	return guess;
}

double gs_pricing_cost(const gs_price *price, int64_t input, int64_t cache_read,
		       int64_t cache_write, int64_t cache_write_1h, int64_t output)
{
	int64_t short_writes = cache_write - cache_write_1h;

	if (short_writes < 0)
		short_writes = 0;
	return ((double)input * price->input + (double)cache_read * price->cache_read +
		(double)short_writes * price->cache_write +
		(double)cache_write_1h * price->cache_write_1h + (double)output * price->output) /
	       1e6;
}

/* --- the override file ------------------------------------------------- */

static char *own(gs_pricing *p, const char *s)
{
	char **grown;
	char *copy = strdup(s);

	if (!copy)
		return NULL;
	grown = realloc(p->owned, (p->nowned + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return NULL;
	}
	p->owned = grown;
	p->owned[p->nowned++] = copy;
	return copy;
}

static int scalar_is(yaml_node_t *n, const char *s)
{
	return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(s) &&
	       !memcmp(n->data.scalar.value, s, n->data.scalar.length);
}

static int parse_price(double *out, yaml_node_t *n, const char *name, const char *model,
		       const char *field)
{
	char *end;
	const char *text;

	if (n->type != YAML_SCALAR_NODE) {
		gs_error_set("cannot parse '%s' at line %lu: '%s.%s' is not a number", name,
			     (unsigned long)n->start_mark.line + 1, model, field);
		return GS_EPARSE;
	}
	text = (const char *)n->data.scalar.value;
	errno = 0;
	*out = strtod(text, &end);
	if (!*text || *end || errno == ERANGE || !isfinite(*out) || *out < 0) {
		gs_error_set("cannot parse '%s' at line %lu: '%s.%s' must be a non-negative number, "
			     "got '%s'",
			     name, (unsigned long)n->start_mark.line + 1, model, field, text);
		return GS_EPARSE;
	}
	return 0;
}

static int add_row(gs_pricing *p, const gs_price *row)
{
	gs_price *existing = (gs_price *)find_exact(p, row->model);

	if (existing) {
		*existing = *row;
		return 0;
	}
	if (p->count == p->alloc) {
		size_t na = p->alloc ? p->alloc * 2 : 16;
		gs_price *grown = realloc(p->rows, na * sizeof(*grown));
		if (!grown) {
			gs_error_set("out of memory");
			return GS_ERROR;
		}
		p->rows = grown;
		p->alloc = na;
	}
	p->rows[p->count++] = *row;
	return 0;
}

static int load_model(gs_pricing *p, yaml_document_t *doc, yaml_node_t *key, yaml_node_t *val,
		      const char *name)
{
	gs_buf norm = GS_BUF_INIT;
	gs_price row;
	const gs_price *base;
	yaml_node_pair_t *pair;
	int have_in = 0, have_out = 0, have_cr = 0, have_cw = 0, have_cw1 = 0;
	const char *provider = NULL;
	int error = GS_EPARSE;

	if (key->type != YAML_SCALAR_NODE || !key->data.scalar.length) {
		gs_error_set("cannot parse '%s' at line %lu: a model name must be a string", name,
			     (unsigned long)key->start_mark.line + 1);
		goto done;
	}
	if (val->type != YAML_MAPPING_NODE) {
		gs_error_set("cannot parse '%s' at line %lu: model '%s' must be a mapping of prices",
			     name, (unsigned long)val->start_mark.line + 1,
			     (const char *)key->data.scalar.value);
		goto done;
	}
	memset(&row, 0, sizeof(row));
	if (gs_pricing_normalize(&norm, (const char *)key->data.scalar.value) < 0) {
		error = GS_ERROR;
		goto done;
	}
	for (pair = val->data.mapping.pairs.start; pair < val->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(doc, pair->value);
		const char *model = (const char *)key->data.scalar.value;

		if (!k || !v)
			continue;
		if (scalar_is(k, "provider") && v->type == YAML_SCALAR_NODE) {
			provider = (const char *)v->data.scalar.value;
		} else if (scalar_is(k, "input")) {
			if ((error = parse_price(&row.input, v, name, model, "input")) < 0)
				goto done;
			have_in = 1;
		} else if (scalar_is(k, "output")) {
			if ((error = parse_price(&row.output, v, name, model, "output")) < 0)
				goto done;
			have_out = 1;
		} else if (scalar_is(k, "cache_read")) {
			if ((error = parse_price(&row.cache_read, v, name, model, "cache_read")) < 0)
				goto done;
			have_cr = 1;
		} else if (scalar_is(k, "cache_write")) {
			if ((error = parse_price(&row.cache_write, v, name, model, "cache_write")) < 0)
				goto done;
			have_cw = 1;
		} else if (scalar_is(k, "cache_write_1h")) {
			if ((error = parse_price(&row.cache_write_1h, v, name, model,
						 "cache_write_1h")) < 0)
				goto done;
			have_cw1 = 1;
		} else {
			error = GS_EPARSE;
			gs_error_set("cannot parse '%s' at line %lu: unknown field '%s' of model '%s' "
				     "(expected provider, input, output, cache_read, cache_write, "
				     "cache_write_1h)",
				     name, (unsigned long)k->start_mark.line + 1,
				     k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?",
				     model);
			goto done;
		}
	}
	if (!have_in || !have_out) {
		error = GS_EPARSE;
		gs_error_set("cannot parse '%s' at line %lu: model '%s' needs 'input' and 'output'",
			     name, (unsigned long)val->start_mark.line + 1,
			     (const char *)key->data.scalar.value);
		goto done;
	}
	if (!have_cr)
		row.cache_read = row.input;
	if (!have_cw)
		row.cache_write = row.input;
	if (!have_cw1)
		row.cache_write_1h = row.cache_write;
	base = find_exact(p, norm.ptr);
	if (!provider)
		provider = base ? base->provider : gs_pricing_provider(NULL, norm.ptr);
	row.model = own(p, norm.ptr);
	row.provider = own(p, provider);
	if (!row.model || !row.provider) {
		error = GS_ERROR;
		gs_error_set("out of memory");
		goto done;
	}
	row.source = GS_PRICE_FILE;
	error = add_row(p, &row);
done:
	gs_buf_dispose(&norm);
	return error;
}

int gs_pricing_load_yaml(gs_pricing *p, const char *data, size_t len, const char *name)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *models = NULL;
	yaml_node_pair_t *pair;
	int have_doc = 0, error = GS_EPARSE;

	if (!yaml_parser_initialize(&parser)) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		gs_error_set("cannot parse '%s' at line %lu: %s", name,
			     (unsigned long)parser.problem_mark.line + 1,
			     parser.problem ? parser.problem : "invalid YAML");
		goto done;
	}
	have_doc = 1;
	root = yaml_document_get_root_node(&doc);
	if (!root) { /* empty file: nothing to override */
		error = 0;
		goto done;
	}
	if (root->type != YAML_MAPPING_NODE) {
		gs_error_set("cannot parse '%s' at line %lu: expected a mapping with 'models'", name,
			     (unsigned long)root->start_mark.line + 1);
		goto done;
	}
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pair->key);
		if (scalar_is(k, "models")) {
			models = yaml_document_get_node(&doc, pair->value);
			continue;
		}
		/* a misspelt `models:` would silently drop every override */
		gs_error_set("cannot parse '%s' at line %lu: unknown key '%s' (expected models)",
			     name, k ? (unsigned long)k->start_mark.line + 1 : 0UL,
			     k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value
							      : "?");
		goto done;
	}
	if (!models || (models->type == YAML_SCALAR_NODE && !models->data.scalar.length)) {
		error = 0;
		goto done;
	}
	if (models->type != YAML_MAPPING_NODE) {
		gs_error_set("cannot parse '%s' at line %lu: 'models' must be a mapping", name,
			     (unsigned long)models->start_mark.line + 1);
		goto done;
	}
	for (pair = models->data.mapping.pairs.start; pair < models->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(&doc, pair->value);
		if (!k || !v)
			continue;
		if ((error = load_model(p, &doc, k, v, name)) < 0)
			goto done;
	}
	qsort(p->rows, p->count, sizeof(*p->rows), row_cmp);
	error = 0;
done:
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return error;
}

/* --- the repository's table ------------------------------------------- */

/* The file at the target ref's tree; GS_ENOTFOUND when it is not there. */
static int read_at_ref(gs_buf *out, const char **refname, gs_repo *r, const char *path)
{
	git_repository *git = gs_repo_git(r);
	git_reference *ref = NULL;
	git_object *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int error = GS_ENOTFOUND;

	if (gs_repo_target_ref(refname, r) < 0 || git_reference_lookup(&ref, git, *refname) < 0)
		goto done; /* detached or unborn: nothing committed to read */
	if (git_reference_peel(&tree, ref, GIT_OBJECT_TREE) < 0) {
		error = gs_repo_git_error("cannot read '%s'", *refname);
		goto done;
	}
	if (git_tree_entry_bypath(&e, (git_tree *)tree, path) < 0)
		goto done;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    git_blob_lookup(&blob, git, git_tree_entry_id(e)) < 0) {
		gs_error_set("cannot read '%s' at '%s': not a file", path, *refname);
		error = GS_ERROR;
		goto done;
	}
	error = gs_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
done:
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_object_free(tree);
	git_reference_free(ref);
	if (error == GS_ENOTFOUND)
		gs_error_clear();
	return error;
}

int gs_pricing_load_repo(gs_pricing **out, gs_buf *source, gs_repo *r)
{
	gs_pricing *p = NULL;
	gs_buf data = GS_BUF_INIT, full = GS_BUF_INIT, desc = GS_BUF_INIT;
	char *conf = NULL;
	const char *path = GS_PRICING_DEFAULT_FILE, *refname = NULL;
	int error, found = 0;

	*out = NULL;
	if ((error = gs_pricing_new(&p)) < 0)
		goto done;
	error = gs_repo_config_str(&conf, r, "stats.pricingFile");
	if (error < 0 && error != GS_ENOTFOUND)
		goto done;
	if (error == 0 && *conf)
		path = conf;
	if (path[0] == '/') {
		error = gs_file_read(&data, path, GS_FM_MAX_SIZE);
		found = error == 0;
		gs_buf_printf(&desc, "'%s'", path);
	} else {
		if (gs_repo_workdir(r)) {
			gs_buf_printf(&full, "%s%s", gs_repo_workdir(r), path);
			error = gs_file_read(&data, full.ptr, GS_FM_MAX_SIZE);
			found = error == 0;
			if (found)
				gs_buf_printf(&desc, "'%s' in the work tree", path);
		}
		if (!found) {
			gs_buf_clear(&data);
			error = read_at_ref(&data, &refname, r, path);
			found = error == 0;
			if (found)
				gs_buf_printf(&desc, "'%s' at %s", path, refname);
		}
	}
	if (!found && error != GS_ENOTFOUND)
		goto done;
	if (found && (error = gs_pricing_load_yaml(p, data.ptr, data.size, path)) < 0)
		goto done;
	if (source && found)
		gs_buf_puts(source, desc.ptr);
	*out = p;
	p = NULL;
	error = 0;
done:
	gs_pricing_free(p);
	free(conf);
	gs_buf_dispose(&data);
	gs_buf_dispose(&full);
	gs_buf_dispose(&desc);
	return error;
}
