/* lexer.h — a scenario buffer cut into lines, and each line into words, with the lexical rules enforced.
 *
 * A line ends at LF (a CR just before it is dropped).  '#' starts a comment to the end of the line, except
 * inside a quoted string.  Words are separated by spaces and tabs.  A word that starts with '"' is a quoted
 * string running to the next unescaped '"' (escapes: \" and \\); it may hold tabs and UTF-8, nothing else
 * below 0x20.  Outside comments and strings only printable ASCII, spaces and tabs may appear; a NUL byte is
 * an error anywhere.  A line holds at most LEX_MAX_LINE bytes and LEX_MAX_TOKENS words. */
#ifndef NSH_LEXER_H
#define NSH_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#define LEX_MAX_LINE 4096
#define LEX_MAX_TOKENS 256

struct token {
	const char *s;            /* NUL-terminated text, inside its lex_line (a string without quotes, unescaped) */
	unsigned col;             /* 1-based byte column of its first byte (a string's opening quote) */
	unsigned len;             /* bytes as written, quotes included: col + len is the column just after it */
	bool quoted;
};

struct lex_line {
	unsigned lineno;          /* 1-based */
	unsigned ntok;
	struct token tok[LEX_MAX_TOKENS];
	char text[LEX_MAX_LINE + 2];   /* the words' texts, each NUL-terminated (never longer than the line) */
};

struct lex_error {
	unsigned line, col;
	char msg[160];
};

struct lexer {
	const char *buf;
	size_t len, pos;
	unsigned lineno;          /* the last line read */
};

/* buf need not be NUL-terminated and may hold any bytes; it must outlive the lexer (not the lines). */
void lexer_init(struct lexer *lx, const char *buf, size_t len);

/* Reads the next line into *out.  Returns 1 (the line may have no words), 0 at the end of the input, or
 * -1 when the line breaks a lexical rule: *err says where and why, and the whole line is skipped. */
int lexer_next(struct lexer *lx, struct lex_line *out, struct lex_error *err);

#endif
