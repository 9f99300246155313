#include "common/diag.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "common/rfc3339.h"

void berth_vdiag(const char *who, const char *fmt, va_list ap) {
  char line[1536];
  struct timespec now;
  size_t len = 0;
  if (clock_gettime(CLOCK_REALTIME, &now) == 0) {
    len = berth_rfc3339nano(line, &now);
    line[len++] = ' ';
  }
  int n = snprintf(line + len, sizeof line - len, "%s[%d]: ", who, (int)getpid());
  if (n > 0) len += (size_t)n < sizeof line - len ? (size_t)n : sizeof line - len - 1;
  n = vsnprintf(line + len, sizeof line - len - 1, fmt, ap);
  if (n > 0) len += (size_t)n < sizeof line - len - 1 ? (size_t)n : sizeof line - len - 2;
  line[len++] = '\n';
  (void)berth_write_all(2, line, len); /* nowhere left to report a failed diagnostic */
}
