/* xml.h — XML 1.0 text and attribute values from arbitrary bytes, for the JUnit writer. */
#ifndef NSH_XML_H
#define NSH_XML_H

#include <stddef.h>
#include <stdio.h>

enum xml_context {
	XML_TEXT,                 /* element content: & < > escaped; newlines and tabs kept */
	XML_ATTR,                 /* a double-quoted attribute value: also ", and \n \t \r as &#10; &#9; &#13; */
};

/* Writes len bytes of s escaped for ctx.  The output is always well-formed XML 1.0 in UTF-8 whatever s
 * holds: characters XML 1.0 forbids even as references (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F,
 * U+FFFE, U+FFFF) and bytes that are not valid UTF-8 become the visible text \xNN, one per byte; CR is
 * written as &#13; in both contexts so parsers do not turn it into a newline. */
void xml_escape(FILE *out, const char *s, size_t len, enum xml_context ctx);

/* The same for a NUL-terminated string, as element content. */
void xml_text(FILE *out, const char *s);

/* Writes ` name="value"`, value escaped (name is trusted: a literal from the writer). */
void xml_attr(FILE *out, const char *name, const char *value);

#endif
