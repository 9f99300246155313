#include "common/rfc3339.h"

#include <stdio.h>

size_t berth_rfc3339nano(char out[BERTH_RFC3339_MAX], const struct timespec *ts) {
  struct tm tm;
  time_t secs = ts->tv_sec;
  if (gmtime_r(&secs, &tm) == NULL) {
    /* Only for years past int range; keep the output well-formed. */
    secs = 0;
    gmtime_r(&secs, &tm);
  }
  int n = snprintf(out, BERTH_RFC3339_MAX, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  size_t len = n < 0 ? 0 : (size_t)n;
  long nsec = ts->tv_nsec;
  if (nsec > 0 && nsec < 1000000000L) {
    char frac[10];
    snprintf(frac, sizeof frac, "%09ld", nsec);
    int digits = 9;
    while (digits > 0 && frac[digits - 1] == '0') digits--;
    out[len++] = '.';
    for (int i = 0; i < digits; i++) out[len++] = frac[i];
  }
  out[len++] = 'Z';
  out[len] = '\0';
  return len;
}
