#include "common/error.h"

#include <stdio.h>
#include <string.h>

int berth_error_set(berth_error_t *err, int errno_value, const char *fmt, ...) {
  if (err == NULL) return -1;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  if (errno_value != 0 && n >= 0 && (size_t)n < sizeof err->message)
    snprintf(err->message + n, sizeof err->message - (size_t)n, ": %s", strerror(errno_value));
  err->errno_value = errno_value;
  return -1;
}

int berth_error_wrap(berth_error_t *err, const char *fmt, ...) {
  if (err == NULL) return -1;
  char prefix[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  char joined[sizeof err->message];
  /* Truncation is acceptable here: the message stays a bounded, readable line. */
  if (snprintf(joined, sizeof joined, "%s: %s", prefix, err->message) < 0) joined[0] = '\0';
  memcpy(err->message, joined, sizeof err->message);
  return -1;
}
