/* yaml.c — double-quoted YAML scalars. */
#include "reports/yaml.h"

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence starting at s (1..4), or 0 if s does not start one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) || (s[0] == 0xf0 && s[1] < 0x90) ||
	    (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;   /* overlong, surrogate, or past U+10FFFF */
	return n;
}

void yaml_quote(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (*s) {
		size_t n;

		if (*s == '"' || *s == '\\') {
			fprintf(out, "\\%c", *s++);
		} else if (*s == '\n') {
			fputs("\\n", out), s++;
		} else if (*s == '\t') {
			fputs("\\t", out), s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(out, "\\x%02x", *s++);
		} else if (*s < 0x80) {
			fputc(*s++, out);
		} else if ((n = utf8_len(s)) > 0) {
			fwrite(s, 1, n, out);
			s += n;
		} else {
			fprintf(out, "\\x%02x", *s++);
		}
	}
	fputc('"', out);
}
