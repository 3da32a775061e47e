/*
 * Model prices: built-in table plus the repository's override file (SPEC §6).
 * Prices are USD per million tokens, one row per model base name; dated
 * and aliased names (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`,
 * `claude-sonnet-4-5@20250929`, `claude-3-5-haiku-latest`,
 * `anthropic/claude-opus-4-1`) find the row of their base name.
 */
#ifndef GS_PRICING_H
#define GS_PRICING_H

#include "gs/common.h"
#include "gs/repo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default path of the override file, relative to the repository root. */
#define GS_PRICING_DEFAULT_FILE ".gitstats/pricing.yml"

typedef enum {
	GS_PRICE_BUILTIN = 0, /* compiled into git-stats */
	GS_PRICE_FILE = 1     /* from the override file */
} gs_price_source;

typedef struct {
	const char *model;     /* base name, lowercase ("claude-sonnet-4-5") */
	const char *provider;  /* "anthropic", "openai", "google", or the file's */
	double input;          /* base (uncached) input */
	double output;
	double cache_read;
	double cache_write;    /* 5-minute cache write (the only kind elsewhere) */
	double cache_write_1h; /* 1-hour cache write; equals cache_write when the
				* provider has no separate rate */
	gs_price_source source;
} gs_price;

typedef struct gs_pricing gs_pricing;

/* A table holding the built-in rows. Free with gs_pricing_free. */
int gs_pricing_new(gs_pricing **out);
void gs_pricing_free(gs_pricing *p);

/*
 * Apply an override file's bytes (`name` is used in messages):
 *
 *   models:
 *     my-model: {provider: acme, input: 1, output: 2, cache_read: 0.1,
 *                cache_write: 1.25, cache_write_1h: 2}
 *
 * A row replaces the built-in row of the same (normalized) name or is
 * added. `input` and `output` are required; cache_read and cache_write
 * default to `input`, cache_write_1h to cache_write, provider to the
 * built-in row's or "unknown". GS_EPARSE naming file, line and field on
 * bad YAML, unknown fields, negative or non-numeric prices.
 */
int gs_pricing_load_yaml(gs_pricing *p, const char *data, size_t len, const char *name);

/*
 * The effective table of a repository: built-in rows overridden by the
 * file named by git config stats.pricingFile (default
 * GS_PRICING_DEFAULT_FILE; relative to the repository root, or
 * absolute). The file is read from the work tree when the repository has
 * one and the file exists there (so edits apply before they are
 * committed), else from the target ref's tree, else there is none.
 * `source` (may be NULL) receives where it was read ("'.gitstats/pricing.yml'
 * in the work tree", "... at refs/heads/issues") or stays empty.
 */
int gs_pricing_load_repo(gs_pricing **out, gs_buf *source, gs_repo *r);

/* Number of rows and the i-th row, sorted by provider then model (borrowed). */
size_t gs_pricing_count(const gs_pricing *p);
const gs_price *gs_pricing_at(const gs_pricing *p, size_t i);

/*
 * The row for `model` (borrowed), or NULL when the model is unknown, in
 * which case its cost is unknown (never 0). Lookup is case-insensitive;
 * after the exact name it tries the name without a provider prefix
 * ("anthropic/", "openai/", "google/", "gemini/", "models/"), without an
 * "@version" suffix, a "-latest" suffix, a date suffix ("-20250929",
 * "-2024-08-06") or a Gemini version suffix ("-001"). There is no
 * arbitrary prefix matching: `gpt-5-pro` is not `gpt-5`.
 */
const gs_price *gs_pricing_lookup(const gs_pricing *p, const char *model);

/*
 * The base name `model` normalizes to (see gs_pricing_lookup), lowercase,
 * into `out` (replaced).
 */
int gs_pricing_normalize(gs_buf *out, const char *model);

/* The provider of a known model, else a guess from its name, else "unknown". */
const char *gs_pricing_provider(const gs_pricing *p, const char *model);

/*
 * Cost in USD: (input*in + cache_read*cr + (cache_write-cache_write_1h)*cw
 * + cache_write_1h*cw1h + output*out) / 1e6. `cache_write` counts all
 * cache writes; `cache_write_1h` is the part of them written with a
 * 1-hour lifetime (0 when not known).
 */
double gs_pricing_cost(const gs_price *price, int64_t input, int64_t cache_read,
		       int64_t cache_write, int64_t cache_write_1h, int64_t output);

#ifdef __cplusplus
}
#endif

#endif
