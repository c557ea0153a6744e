/* yaml.h — writing YAML scalars safely, for TAP diagnostic blocks. */
#ifndef NSH_YAML_H
#define NSH_YAML_H

#include <stdio.h>

/* Writes s as a double-quoted YAML scalar: quotes, backslashes and control characters escaped, and bytes
 * that are not valid UTF-8 written as \xNN, so any packet or program output stays well-formed. */
void yaml_quote(FILE *out, const char *s);

#endif
