/* TAP output for the C unit tests: each program prints "ok N - what" / "not ok N - what" lines,
 * then the plan, and exits 1 if any check failed. */
#ifndef BERTH_TESTS_TAP_H
#define BERTH_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count, tap_failures;

static inline bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline bool tap_ok(bool cond, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%s %d - ", cond ? "ok" : "not ok", ++tap_count);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  fflush(stdout);
  if (!cond) tap_failures++;
  return cond;
}

static inline int tap_done(void) {
  printf("1..%d\n", tap_count);
  if (tap_failures) printf("# %d of %d failed\n", tap_failures, tap_count);
  return tap_failures ? 1 : 0;
}

#endif
