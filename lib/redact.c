/*
 * Secret redaction for session exports: session logs hold whole prompts and
 * tool outputs, which routinely contain API keys pasted by users or printed
 * by tools. Hand-written matchers (no regex engine): each is a literal
 * prefix plus a character class and a minimum length.
 */
#include "gs/session.h"

#include <string.h>

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_upper_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_key_char(char c)
{
	return is_alnum(c) || c == '_' || c == '-';
}

static int is_token68(char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' ||
	       c == '-';
}

static int starts_with(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}

static int starts_with_icase(const char *p, const char *end, const char *lit)
{
	size_t i, n = strlen(lit);

	if ((size_t)(end - p) < n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lit[i])
			return 0;
	}
	return 1;
}

static size_t run_of(const char *p, const char *end, int (*cls)(char))
{
	const char *q = p;

	while (q < end && cls(*q))
		q++;
	return (size_t)(q - p);
}

static const char *find(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	for (; (size_t)(end - p) >= n; p++)
		if (*p == lit[0] && !memcmp(p, lit, n))
			return p;
	return NULL;
}

/*
 * If a secret starts at `p`, return its length and set `*kind` and
 * `*keep` (bytes at the start that stay visible, e.g. "Bearer ").
 */
static size_t match_secret(const char *start, const char *p, const char *end, const char **kind,
			   size_t *keep)
{
	static const char *const gh[] = { "ghp_", "gho_", "ghu_", "ghs_", "ghr_" };
	int boundary = p == start || !is_alnum(p[-1]);
	size_t i, n;

	*keep = 0;
	if (!boundary)
		return 0;
	switch (*p) {
	case 's':
		if (starts_with(p, end, "sk-") && (n = run_of(p + 3, end, is_key_char)) >= 16) {
			*kind = "api-key";
			return 3 + n;
		}
		break;
	case 'g':
		for (i = 0; i < sizeof(gh) / sizeof(gh[0]); i++)
			if (starts_with(p, end, gh[i]) && (n = run_of(p + 4, end, is_alnum)) >= 20) {
				*kind = "github-token";
				return 4 + n;
			}
		if (starts_with(p, end, "github_pat_") && (n = run_of(p + 11, end, is_key_char)) >= 20) {
			*kind = "github-token";
			return 11 + n;
		}
		break;
	case 'A':
		if ((starts_with(p, end, "AKIA") || starts_with(p, end, "ASIA")) &&
		    (n = run_of(p + 4, end, is_upper_alnum)) >= 16) {
			*kind = "aws-key";
			return 4 + n;
		}
		break;
	case 'x':
		if (end - p > 5 && starts_with(p, end, "xox") && strchr("abprs", p[3]) && p[3] &&
		    p[4] == '-' && (n = run_of(p + 5, end, is_key_char)) >= 10) {
			*kind = "slack-token";
			return 5 + n;
		}
		break;
	case 'b':
	case 'B':
		if (starts_with_icase(p, end, "bearer") && p + 6 < end && (p[6] == ' ' || p[6] == '\t')) {
			const char *q = p + 6;

			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if ((n = run_of(q, end, is_token68)) >= 8) {
				*kind = "bearer";
				*keep = (size_t)(q - p);
				return (size_t)(q - p) + n;
			}
		}
		break;
	case '-':
		if (starts_with(p, end, "-----BEGIN ")) {
			const char *eol = p + 11, *tail;

			while (eol < end && *eol != '\n' && *eol != '\\')
				eol++;
			tail = find(p + 11, eol, "PRIVATE KEY-----");
			if (tail) {
				/* Until the END line, or the end of the text when the
				 * block was cut: a partial key is still a key. */
				const char *e = find(tail, end, "-----END ");
				const char *close = e ? find(e, end, "KEY-----") : NULL;

				*kind = "private-key";
				return close ? (size_t)(close + 8 - p) : (size_t)(end - p);
			}
		}
		break;
	default:
		break;
	}
	return 0;
}

int gs_session_redact(gs_buf *out, const char *text, size_t len, size_t *out_count)
{
	const char *p = text, *end = text + len, *copied = text;
	size_t count = 0;

	while (p < end) {
		const char *kind = NULL;
		size_t keep, n = match_secret(text, p, end, &kind, &keep);

		if (!n) {
			p++;
			continue;
		}
		if (gs_buf_put(out, copied, (size_t)(p - copied) + keep) < 0 ||
		    gs_buf_printf(out, "[REDACTED:%s]", kind) < 0)
			return GS_ERROR;
		count++;
		p += n;
		copied = p;
	}
	if (gs_buf_put(out, copied, (size_t)(end - copied)) < 0)
		return GS_ERROR;
	if (out_count)
		*out_count = count;
	return 0;
}

int gs_session_preview(gs_buf *out, const char *text, size_t len, size_t max_chars)
{
	gs_buf red = GS_BUF_INIT;
	size_t i, chars = 0, window = max_chars * 8 + 4096, end;
	int space = 0, cut = 0, error = GS_ERROR;

	/* Only a prefix can show, so only a prefix is redacted: long prompts
	 * cost the same as short ones. The last bytes of that prefix are then
	 * dropped, so a secret cut by the window's edge cannot show either. */
	if (len > window) {
		len = window;
		cut = 1;
	}
	if (gs_session_redact(&red, text, len, NULL) < 0)
		goto done;
	end = cut ? red.size - 64 : red.size;
	/* Room for everything up front; bytes then go in directly. */
	if (gs_buf_grow(out, end + 4) < 0)
		goto done;
	for (i = 0; i < end; i++) {
		unsigned char c = (unsigned char)red.ptr[i];

		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			space = 1;
			continue;
		}
		/* Count characters at UTF-8 lead bytes only, so a cut never
		 * splits a multi-byte character. */
		if ((c & 0xc0) != 0x80) {
			if (chars + (space && chars) >= max_chars) {
				cut = 1;
				break;
			}
			if (space && chars) {
				out->ptr[out->size++] = ' ';
				chars++;
			}
			chars++;
			space = 0;
		}
		out->ptr[out->size++] = (char)c;
	}
	out->ptr[out->size] = '\0';
	if (cut && gs_buf_puts(out, "...") < 0)
		goto done;
	error = 0;
done:
	gs_buf_dispose(&red);
	return error;
}
