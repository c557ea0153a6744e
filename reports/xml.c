/* xml.c — XML 1.0 escaping: the five specials, forbidden characters and broken UTF-8 made visible. */
#include "reports/xml.h"
#include "reports/yaml.h"

#include <string.h>

static void hex_bytes(FILE *out, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\\x%02x", s[i]);
}

static void ascii(FILE *out, unsigned char c, enum xml_context ctx)
{
	if (c == '&')
		fputs("&amp;", out);
	else if (c == '<')
		fputs("&lt;", out);
	else if (c == '>')
		fputs("&gt;", out);   /* also keeps "]]>" out of text */
	else if (c == '"' && ctx == XML_ATTR)
		fputs("&quot;", out);
	else if (c == '\r')
		fputs("&#13;", out);
	else if ((c == '\n' || c == '\t') && ctx == XML_ATTR)
		fprintf(out, "&#%d;", c);   /* attribute-value normalisation would turn them into spaces */
	else if (c < 0x20 && c != '\n' && c != '\t')
		hex_bytes(out, &c, 1);   /* forbidden in XML 1.0, even as &#N; */
	else
		fputc(c, out);
}

/* U+FFFE and U+FFFF: well-formed UTF-8, but not XML characters. */
static int noncharacter(const unsigned char *s, size_t n)
{
	return n == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe;
}

void xml_escape(FILE *out, const char *str, size_t len, enum xml_context ctx)
{
	const unsigned char *s = (const unsigned char *)str;

	while (len) {
		size_t n = utf8_seq_len(s, len);

		if (n == 1)
			ascii(out, *s, ctx);
		else if (n == 0)
			hex_bytes(out, s, n = 1);
		else if (noncharacter(s, n))
			hex_bytes(out, s, n);
		else
			fwrite(s, 1, n, out);
		s += n;
		len -= n;
	}
}

void xml_text(FILE *out, const char *s)
{
	xml_escape(out, s, strlen(s), XML_TEXT);
}

void xml_attr(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	xml_escape(out, value, strlen(value), XML_ATTR);
	fputc('"', out);
}
