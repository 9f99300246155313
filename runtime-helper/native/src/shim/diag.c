#include "shim/diag.h"

#include <stdarg.h>

#include "common/diag.h"

void shim_diag(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  berth_vdiag("berth-shim", fmt, ap);
  va_end(ap);
}
