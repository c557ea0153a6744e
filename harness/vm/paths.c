/* paths.c — path_of. */
#include "harness/vm/paths.h"

#include <stdarg.h>
#include <stdio.h>

int path_of(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
