/* lexer.c — cuts a scenario into lines and words, and rejects bytes that have no business in one. */
#include "harness/scenario/lexer.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* One line being cut: its bytes, the read position, and where the next word's text is written. */
struct cut {
	const unsigned char *p;
	size_t n, i;
	char *w;
	struct lex_line *out;
	struct lex_error *err;
};

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Printable ASCII other than the space; '#' ends a word (a comment may follow it directly). */
static bool is_word_byte(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '#';
}

__attribute__((format(printf, 3, 4)))
static int fail(struct cut *c, size_t at, const char *fmt, ...)
{
	va_list ap;

	c->err->col = (unsigned)at + 1;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int bad_byte(struct cut *c, size_t at)
{
	if (c->p[at] == '\0')
		return fail(c, at, "NUL byte: a scenario must be a text file");
	return fail(c, at, "unexpected byte 0x%02x: only printable ASCII, spaces and tabs may appear outside "
		    "comments and the about string", c->p[at]);
}

/* The length of the well-formed UTF-8 sequence at s (n bytes available), or 0: overlong forms, surrogates
 * and code points above U+10FFFF are refused. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	static const uint32_t min[] = { 0, 0x80, 0x800, 0x10000 };
	size_t need;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		need = 1, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		need = 2, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		need = 3, cp = s[0] & 0x07;
	else
		return 0;
	if (n < need + 1)
		return 0;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min[need] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

/* One byte (or escape, or UTF-8 sequence) of a quoted string at c->i.  Returns 1 at the closing quote,
 * 0 to go on, -1 on error (open is the opening quote's offset). */
static int string_byte(struct cut *c, size_t open)
{
	unsigned char b = c->p[c->i];
	size_t k;

	if (b == '"') {
		c->i++;
		return 1;
	}
	if (b == '\\') {
		if (c->i + 1 == c->n)
			return fail(c, open, "unterminated string: missing the closing '\"'");
		if (c->p[c->i + 1] != '"' && c->p[c->i + 1] != '\\')
			return fail(c, c->i, "unknown escape in string: only \\\" and \\\\ are allowed");
		*c->w++ = (char)c->p[c->i + 1];
		c->i += 2;
		return 0;
	}
	if (b == '\0')
		return bad_byte(c, c->i);
	if ((b < ' ' && b != '\t') || b == 0x7f)
		return fail(c, c->i, "control byte 0x%02x in string", b);
	k = utf8_len(c->p + c->i, c->n - c->i);
	if (k == 0)
		return fail(c, c->i, "invalid UTF-8 in string");
	memcpy(c->w, c->p + c->i, k);
	c->w += k;
	c->i += k;
	return 0;
}

static int cut_string(struct cut *c)
{
	size_t open = c->i++;
	int r;

	do {
		if (c->i == c->n)
			return fail(c, open, "unterminated string: missing the closing '\"'");
		r = string_byte(c, open);
	} while (r == 0);
	if (r < 0)
		return -1;
	if (c->i < c->n && !is_blank(c->p[c->i]) && c->p[c->i] != '#')
		return fail(c, c->i, "expected a space after the closing '\"'");
	return 0;
}

static void cut_word(struct cut *c)
{
	while (c->i < c->n && is_word_byte(c->p[c->i]))
		*c->w++ = (char)c->p[c->i++];
}

static int cut_token(struct cut *c)
{
	struct lex_line *l = c->out;
	struct token *t;
	size_t start = c->i;

	if (l->ntok == LEX_MAX_TOKENS)
		return fail(c, start, "more than %d words on one line", LEX_MAX_TOKENS);
	t = &l->tok[l->ntok++];
	t->s = c->w;
	t->col = (unsigned)start + 1;
	t->quoted = c->p[start] == '"';
	if (t->quoted) {
		if (cut_string(c))
			return -1;
	} else {
		cut_word(c);
	}
	*c->w++ = '\0';
	t->len = (unsigned)(c->i - start);
	return 0;
}

static int cut_line(struct cut *c)
{
	while (c->i < c->n) {
		unsigned char b = c->p[c->i];

		if (is_blank(b)) {
			c->i++;
		} else if (b == '#') {
			const unsigned char *nul = memchr(c->p + c->i, '\0', c->n - c->i);

			return nul ? bad_byte(c, (size_t)(nul - c->p)) : 0;
		} else if (!is_word_byte(b)) {
			return bad_byte(c, c->i);
		} else if (cut_token(c)) {
			return -1;
		}
	}
	return 0;
}

void lexer_init(struct lexer *lx, const char *buf, size_t len)
{
	lx->buf = buf;
	lx->len = len;
	lx->pos = 0;
	lx->lineno = 0;
}

int lexer_next(struct lexer *lx, struct lex_line *out, struct lex_error *err)
{
	const char *start = lx->buf + lx->pos;
	const char *nl;
	struct cut c = { .p = (const unsigned char *)start, .w = out->text, .out = out, .err = err };

	if (lx->pos >= lx->len)
		return 0;
	nl = memchr(start, '\n', lx->len - lx->pos);
	c.n = nl ? (size_t)(nl - start) : lx->len - lx->pos;
	lx->pos += c.n + (nl != NULL);
	out->lineno = err->line = ++lx->lineno;
	out->ntok = 0;
	if (c.n > 0 && start[c.n - 1] == '\r')
		c.n--;
	if (c.n > LEX_MAX_LINE) {
		/* A binary file is told it is not text, rather than that its first "line" is long. */
		const char *nul = memchr(start, '\0', c.n);

		if (nul)
			return bad_byte(&c, (size_t)(nul - start));
		return fail(&c, LEX_MAX_LINE, "line longer than %d bytes", LEX_MAX_LINE);
	}
	return cut_line(&c) ? -1 : 1;
}
