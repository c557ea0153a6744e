/* yaml.c — double-quoted YAML scalars and escaped TAP descriptions, from arbitrary bytes. */
#include "reports/yaml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4 || n > avail)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) || (s[0] == 0xf0 && s[1] < 0x90) ||
	    (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;   /* overlong, surrogate, or past U+10FFFF */
	return n;
}

/* The code point of a well-formed sequence of n bytes. */
static uint32_t utf8_decode(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead_mask[n];

	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

/* Valid, but trouble in a text line: C1 controls, what some readers take for a line break (NEL is one of
 * the C1; U+2028, U+2029), and the non-characters U+FFFE, U+FFFF. */
static int unusual(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfffe || cp == 0xffff;
}

void yaml_quote(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t left = strlen(str);

	fputc('"', out);
	while (left) {
		size_t n = utf8_seq_len(s, left);
		uint32_t cp = n ? utf8_decode(s, n) : *s;

		if (!n)
			fprintf(out, "\\x%02x", *s), n = 1;   /* YAML reads it as U+00NN: lossy, but well-formed */
		else if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (int)cp);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			fprintf(out, "\\x%02x", (unsigned)cp);   /* C0, DEL and C1 controls: not YAML-printable */
		else if (unusual(cp))
			fprintf(out, "\\u%04x", (unsigned)cp);   /* line breaks to YAML 1.1 readers; non-characters */
		else
			fwrite(s, 1, n, out);
		s += n;
		left -= n;
	}
	fputc('"', out);
}

void yaml_quote_item(FILE *out, const char *str)
{
	char *buf = NULL;
	size_t len = 0, word, colon;
	FILE *mem = open_memstream(&buf, &len);

	if (mem)
		yaml_quote(mem, str);
	if (!mem || fclose(mem) || !buf) {
		free(buf);
		yaml_quote(out, str);   /* out of memory: unpatched, still valid YAML */
		return;
	}
	/* The quoted text has no tab or newline left: words end at spaces. */
	word = strcspn(buf, " ");
	colon = word + strspn(buf + word, " ");
	if (word && buf[word - 1] == ':')
		colon = word - 1;
	else if (!(buf[colon] == ':' && buf[colon + 1] == ' '))
		colon = len;
	fwrite(buf, 1, colon, out);
	if (colon < len)
		fprintf(out, "\\x3a%s", buf + colon + 1);
	free(buf);
}

void tap_escape(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t left = strlen(str);

	while (left) {
		size_t n = utf8_seq_len(s, left);

		if (*s == '#' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (!n || *s < 0x20 || *s == 0x7f)
			fprintf(out, "\\x%02x", *s), n = 1;
		else if (n > 1 && unusual(utf8_decode(s, n)))
			for (size_t i = 0; i < n; i++)
				fprintf(out, "\\x%02x", s[i]);
		else
			fwrite(s, 1, n, out);
		s += n;
		left -= n;
	}
}
