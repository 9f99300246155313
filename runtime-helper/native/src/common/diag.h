/* A long-lived helper's diagnostics (berth-shim, berth-portfwd): one line per event on fd 2,
 * "<RFC 3339 time> <who>[<pid>]: <message>", with plain write(2) (no stdio buffers), so nothing
 * is lost when the process exits. */
#ifndef BERTH_COMMON_DIAG_H
#define BERTH_COMMON_DIAG_H

#include <stdarg.h>

void berth_vdiag(const char *who, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
