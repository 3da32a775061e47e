/*
 * Number formatting and the aligned table renderer shared by show, list
 * and usage. Everything writes into a gs_buf; the caller prints.
 */
#include "gs/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int gs_report_fmt_int(gs_buf *out, int64_t v)
{
	char digits[32];
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, i;

	do {
		digits[n++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	if (v < 0 && gs_buf_putc(out, '-') < 0)
		return GS_ERROR;
	for (i = n; i > 0; i--) {
		if (gs_buf_putc(out, digits[i - 1]) < 0)
			return GS_ERROR;
		if (i > 1 && (i - 1) % 3 == 0 && gs_buf_putc(out, ',') < 0)
			return GS_ERROR;
	}
	return 0;
}

int gs_report_fmt_usd(gs_buf *out, double usd)
{
	double cents_f;
	int64_t cents;

	if (isnan(usd))
		return gs_buf_puts(out, "unknown");
	if (usd < 0) {
		if (gs_buf_putc(out, '-') < 0)
			return GS_ERROR;
		usd = -usd;
	}
	cents_f = round(usd * 100.0);
	/* Beyond 2^62 cents the integer path would overflow; nobody spends that. */
	if (!(cents_f < 4.6e18))
		return gs_buf_printf(out, "$%.2f", usd);
	cents = (int64_t)cents_f;
	if (cents == 0 && usd > 0)
		return gs_buf_puts(out, "<$0.01");
	if (gs_buf_putc(out, '$') < 0 || gs_report_fmt_int(out, cents / 100) < 0)
		return GS_ERROR;
	return gs_buf_printf(out, ".%02d", (int)(cents % 100));
}

int gs_report_fmt_duration(gs_buf *out, int64_t ms)
{
	int64_t tenths, secs, mins, hours;

	if (ms <= 0)
		return gs_buf_puts(out, "0s");
	tenths = (ms + 50) / 100;
	if (tenths < 600)
		return gs_buf_printf(out, "%d.%ds", (int)(tenths / 10), (int)(tenths % 10));
	secs = (ms + 500) / 1000;
	if (secs < 3600)
		return gs_buf_printf(out, "%dm %02ds", (int)(secs / 60), (int)(secs % 60));
	mins = (ms + 30000) / 60000;
	if (mins < 1440)
		return gs_buf_printf(out, "%dh %02dm", (int)(mins / 60), (int)(mins % 60));
	hours = (ms + 1800000) / 3600000;
	return gs_buf_printf(out, "%lldd %02dh", (long long)(hours / 24), (int)(hours % 24));
}

int gs_report_fmt_percent(gs_buf *out, double ratio)
{
	if (isnan(ratio))
		return gs_buf_putc(out, '-');
	return gs_buf_printf(out, "%.1f%%", ratio * 100.0);
}

int gs_report_fmt_rate(gs_buf *out, double v)
{
	double tenths_f;
	int64_t tenths;

	if (isnan(v))
		return gs_buf_putc(out, '-');
	tenths_f = round(fabs(v) * 10.0);
	if (!(tenths_f < 9.2e18))
		return gs_buf_printf(out, "%.1f", v);
	tenths = (int64_t)tenths_f;
	if (v < 0 && tenths && gs_buf_putc(out, '-') < 0)
		return GS_ERROR;
	if (gs_report_fmt_int(out, tenths / 10) < 0)
		return GS_ERROR;
	return gs_buf_printf(out, ".%d", (int)(tenths % 10));
}

int gs_report_bar(gs_buf *out, double value, double max, int width, int ascii)
{
	/* Eighth blocks from 1/8 to 7/8 (U+258F down to U+2589). */
	static const char *const part[8] = { "", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
					     "\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a",
					     "\xe2\x96\x89" };
	static const char full[] = "\xe2\x96\x88";
	double frac;
	int64_t units, i;

	if (!(value > 0) || !(max > 0) || width <= 0)
		return 0;
	frac = value >= max ? 1.0 : value / max;
	units = (int64_t)llround(frac * width * (ascii ? 1 : 8));
	if (units == 0)
		units = 1;
	if (ascii) {
		for (i = 0; i < units; i++)
			if (gs_buf_putc(out, '#') < 0)
				return GS_ERROR;
		return 0;
	}
	for (i = 0; i < units / 8; i++)
		if (gs_buf_puts(out, full) < 0)
			return GS_ERROR;
	return gs_buf_puts(out, part[units % 8]);
}

int gs_report_csv_field(gs_buf *out, const char *s)
{
	size_t len = strlen(s);
	int quote = len && (s[0] == ' ' || s[len - 1] == ' ');

	if (!quote && !strpbrk(s, ",\"\r\n"))
		return gs_buf_put(out, s, len);
	if (gs_buf_putc(out, '"') < 0)
		return GS_ERROR;
	for (; *s; s++) {
		if (*s == '"' && gs_buf_putc(out, '"') < 0)
			return GS_ERROR;
		if (gs_buf_putc(out, *s) < 0)
			return GS_ERROR;
	}
	return gs_buf_putc(out, '"');
}

int gs_report_color_wanted(int fd)
{
	const char *no = getenv("NO_COLOR");

	if (no && *no)
		return 0;
	return isatty(fd) == 1;
}

size_t gs_report_text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* --- tables ---------------------------------------------------------- */

struct row {
	char **cells; /* ncols slots, NULL for a missing cell */
	size_t filled;
	int rule_before;
};

struct gs_report_table {
	size_t ncols;
	char **titles;
	gs_report_align *align;
	struct row *rows;
	size_t nrows, arows;
	int pending_rule;
};

int gs_report_table_new(gs_report_table **out, size_t ncols)
{
	gs_report_table *t;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t || !ncols || !(t->titles = calloc(ncols, sizeof(char *))) ||
	    !(t->align = calloc(ncols, sizeof(gs_report_align)))) {
		gs_report_table_free(t);
		gs_error_set(ncols ? "out of memory" : "a table needs at least one column");
		return ncols ? GS_ERROR : GS_EUSAGE;
	}
	t->ncols = ncols;
	*out = t;
	return 0;
}

void gs_report_table_free(gs_report_table *t)
{
	size_t i, j;

	if (!t)
		return;
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->ncols; j++)
			free(t->rows[i].cells[j]);
		free(t->rows[i].cells);
	}
	free(t->rows);
	if (t->titles)
		for (j = 0; j < t->ncols; j++)
			free(t->titles[j]);
	free(t->titles);
	free(t->align);
	free(t);
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	else
		gs_error_set("out of memory");
	return p;
}

int gs_report_table_column(gs_report_table *t, size_t col, const char *title,
			   gs_report_align align)
{
	char *copy;

	if (col >= t->ncols) {
		gs_error_set("table column %zu out of range", col);
		return GS_EUSAGE;
	}
	if (!(copy = dup_str(title)))
		return GS_ERROR;
	free(t->titles[col]);
	t->titles[col] = copy;
	t->align[col] = align;
	return 0;
}

int gs_report_table_row(gs_report_table *t)
{
	struct row *r;

	if (t->nrows == t->arows) {
		size_t n = t->arows ? t->arows * 2 : 16;
		struct row *p = realloc(t->rows, n * sizeof(*p));

		if (!p) {
			gs_error_set("out of memory");
			return GS_ERROR;
		}
		t->rows = p;
		t->arows = n;
	}
	r = &t->rows[t->nrows];
	if (!(r->cells = calloc(t->ncols, sizeof(char *)))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	r->filled = 0;
	r->rule_before = t->pending_rule;
	t->pending_rule = 0;
	t->nrows++;
	return 0;
}

int gs_report_table_rule(gs_report_table *t)
{
	t->pending_rule = 1;
	return 0;
}

/* Store `text` (owned) as the next cell of the current row. */
static int put_cell(gs_report_table *t, char *text)
{
	struct row *r;

	if (!t->nrows || t->rows[t->nrows - 1].filled >= t->ncols) {
		free(text);
		gs_error_set(t->nrows ? "table row has more than %zu cells" : "table cell before any row",
			     t->ncols);
		return GS_EUSAGE;
	}
	r = &t->rows[t->nrows - 1];
	r->cells[r->filled++] = text;
	return 0;
}

int gs_report_table_cell(gs_report_table *t, const char *text)
{
	char *copy = dup_str(text ? text : "");

	return copy ? put_cell(t, copy) : GS_ERROR;
}

int gs_report_table_cellf(gs_report_table *t, const char *fmt, ...)
{
	gs_buf b = GS_BUF_INIT;
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = gs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (error < 0) {
		gs_buf_dispose(&b);
		return error;
	}
	return gs_report_table_cell_buf(t, &b);
}

int gs_report_table_cell_buf(gs_report_table *t, gs_buf *text)
{
	char *p;

	if (!text->asize)
		return gs_report_table_cell(t, text->ptr);
	p = gs_buf_detach(text);
	return put_cell(t, p);
}

int gs_report_table_cell_duration(gs_report_table *t, int64_t ms)
{
	gs_buf b = GS_BUF_INIT;

	if (gs_report_fmt_duration(&b, ms) < 0) {
		gs_buf_dispose(&b);
		return GS_ERROR;
	}
	return gs_report_table_cell_buf(t, &b);
}

static int pad(gs_buf *out, size_t n)
{
	while (n--)
		if (gs_buf_putc(out, ' ') < 0)
			return GS_ERROR;
	return 0;
}

/* One line of cells, padded to `widths`, without trailing spaces. */
static int render_line(gs_buf *out, const gs_report_table *t, char *const *cells,
		       const size_t *widths, const char *sgr)
{
	size_t start = out->size, j;

	if (sgr && gs_buf_puts(out, sgr) < 0)
		return GS_ERROR;
	start = out->size;
	for (j = 0; j < t->ncols; j++) {
		const char *c = cells[j] ? cells[j] : "";
		size_t w = gs_report_text_width(c);

		if (j && pad(out, 2) < 0)
			return GS_ERROR;
		if (t->align[j] == GS_ALIGN_RIGHT && pad(out, widths[j] - w) < 0)
			return GS_ERROR;
		if (gs_buf_puts(out, c) < 0)
			return GS_ERROR;
		if (t->align[j] == GS_ALIGN_LEFT && pad(out, widths[j] - w) < 0)
			return GS_ERROR;
	}
	while (out->size > start && out->ptr[out->size - 1] == ' ')
		gs_buf_truncate(out, out->size - 1);
	if (sgr && gs_buf_puts(out, "\033[0m") < 0)
		return GS_ERROR;
	return gs_buf_putc(out, '\n');
}

int gs_report_table_render(gs_buf *out, const gs_report_table *t, int color)
{
	size_t *widths, i, j, total = 0;
	int error = GS_ERROR;

	if (!(widths = calloc(t->ncols, sizeof(size_t)))) {
		gs_error_set("out of memory");
		return GS_ERROR;
	}
	for (j = 0; j < t->ncols; j++) {
		widths[j] = t->titles[j] ? gs_report_text_width(t->titles[j]) : 0;
		for (i = 0; i < t->nrows; i++) {
			const char *c = t->rows[i].cells[j];
			size_t w = c ? gs_report_text_width(c) : 0;

			if (w > widths[j])
				widths[j] = w;
		}
		total += widths[j] + (j ? 2 : 0);
	}
	if (render_line(out, t, t->titles, widths, color ? "\033[1m" : NULL) < 0)
		goto done;
	for (i = 0; i < t->nrows; i++) {
		if (t->rows[i].rule_before) {
			if (color && gs_buf_puts(out, "\033[2m") < 0)
				goto done;
			for (j = 0; j < total; j++)
				if (gs_buf_putc(out, '-') < 0)
					goto done;
			if (color && gs_buf_puts(out, "\033[0m") < 0)
				goto done;
			if (gs_buf_putc(out, '\n') < 0)
				goto done;
		}
		if (render_line(out, t, t->rows[i].cells, widths,
				color && t->rows[i].rule_before ? "\033[1m" : NULL) < 0)
			goto done;
	}
	error = 0;
done:
	free(widths);
	return error;
}
