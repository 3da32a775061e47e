/*
 * Human output: aligned tables, thousands separators, dollars, durations,
 * bars, CSV fields. Every report command renders through here so numbers
 * read the same everywhere.
 */
#ifndef GS_REPORT_H
#define GS_REPORT_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Formatters append to `out` and return 0, or GS_ERROR when out of memory.
 *
 * gs_report_fmt_int: `12,345`, `-7`.
 * gs_report_fmt_usd: dollars with cents, `$1,234.56`; a cost that is
 *   nonzero but rounds to zero cents reads `<$0.01`, never `$0.00`.
 * gs_report_fmt_duration: `0s`, `4.2s` (under a minute), `3m 05s` (under
 *   an hour), `1h 02m` (under a day), `2d 03h`. Negative reads as 0s.
 * gs_report_fmt_percent: a ratio in [0, 1] as `87.5%`.
 * gs_report_fmt_rate: a number with one decimal and separators, `1,234.5`.
 */
int gs_report_fmt_int(gs_buf *out, int64_t v);
int gs_report_fmt_usd(gs_buf *out, double usd);
int gs_report_fmt_duration(gs_buf *out, int64_t ms);
int gs_report_fmt_percent(gs_buf *out, double ratio);
int gs_report_fmt_rate(gs_buf *out, double v);

/*
 * A bar of at most `width` cells for `value` on a scale whose largest
 * value `max` fills all of them. Unicode eighth blocks (`█▏▎▍▌▋▊▉`), or
 * `#` per whole cell with `ascii`. A nonzero value always shows at least
 * the thinnest mark, so small days do not look empty.
 */
int gs_report_bar(gs_buf *out, double value, double max, int width, int ascii);

/* One CSV field (RFC 4180): quoted when it holds `,`, `"`, CR, LF or
 * surrounding spaces, with `"` doubled. */
int gs_report_csv_field(gs_buf *out, const char *s);

/*
 * Whether to colour output going to file descriptor `fd`: only when it is
 * a terminal and NO_COLOR is unset or empty (https://no-color.org).
 */
int gs_report_color_wanted(int fd);

/* Display width of UTF-8 text in terminal cells (one per code point;
 * everything we print is narrow). */
size_t gs_report_text_width(const char *s);

/*
 * An aligned text table. Columns are sized to their widest cell, separated
 * by two spaces; right-aligned columns suit numbers. Rows added after
 * gs_report_table_rule are set apart by a line (the totals row).
 *
 *   gs_report_table *t;
 *   gs_report_table_new(&t, 3);
 *   gs_report_table_column(t, 0, "model", GS_ALIGN_LEFT);
 *   ...
 *   gs_report_table_row(t); gs_report_table_cell(t, "gpt-4.1"); ...
 *   gs_report_table_render(&buf, t, color);
 *   gs_report_table_free(t);
 */
typedef enum { GS_ALIGN_LEFT = 0, GS_ALIGN_RIGHT = 1 } gs_report_align;

typedef struct gs_report_table gs_report_table;

int gs_report_table_new(gs_report_table **out, size_t ncols);
void gs_report_table_free(gs_report_table *t);

/* Header text and alignment of column `col`. */
int gs_report_table_column(gs_report_table *t, size_t col, const char *title,
			   gs_report_align align);

/* Start a new row; cells then fill it left to right. */
int gs_report_table_row(gs_report_table *t);

/* A separator line before the next row (used before the totals row, which
 * is also drawn bold when colouring). */
int gs_report_table_rule(gs_report_table *t);

/* The next cell of the current row (copied). GS_EUSAGE past the last
 * column or before any row. */
int gs_report_table_cell(gs_report_table *t, const char *text);
int gs_report_table_cellf(gs_report_table *t, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Take ownership of a gs_buf's bytes as the next cell (the buffer is reset). */
int gs_report_table_cell_buf(gs_report_table *t, gs_buf *text);
/* The next cell: `ms` as gs_report_fmt_duration() words it. */
int gs_report_table_cell_duration(gs_report_table *t, int64_t ms);

/*
 * Append the table to `out`: header, rows, rule and totals. With `color`
 * the header and totals are bold and the rule dim (ANSI SGR). Trailing
 * spaces are never written. Missing cells render empty.
 */
int gs_report_table_render(gs_buf *out, const gs_report_table *t, int color);

#ifdef __cplusplus
}
#endif

#endif
