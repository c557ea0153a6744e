/* yaml.h — escaping text for TAP: YAML scalars for diagnostic blocks, test point descriptions and directive
 * reasons; and the UTF-8 check every report writer shares. */
#ifndef NSH_YAML_H
#define NSH_YAML_H

#include <stddef.h>
#include <stdio.h>

/* Length of the well-formed UTF-8 sequence (1..4 bytes) at s, reading at most avail bytes; 0 when s does not
 * start one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, or cut short). */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

/* Writes s as a double-quoted YAML scalar: quotes, backslashes and control characters escaped, characters
 * YAML may not carry (C1 controls, U+2028/U+2029, U+FFFE/U+FFFF) as escapes, and bytes that are not valid
 * UTF-8 as \xNN, so any packet or program output stays well-formed. */
void yaml_quote(FILE *out, const char *s);

/* The same for a list item ("- ITEM"), except that a ':' ending the first word is written \x3a: prove's
 * YAMLish reader (Test::Harness 3.44) reads `- "host: forwarding off"` as a mapping and stops parsing. */
void yaml_quote_item(FILE *out, const char *s);

/* Writes s for a TAP test point's description or SKIP reason: '#' as \#, '\' as \\ (TAP 14), and control
 * characters and bytes that are not valid UTF-8 as \xNN (unambiguous, since a real backslash is doubled),
 * so the line stays one valid UTF-8 line whatever s holds. */
void tap_escape(FILE *out, const char *s);

#endif
