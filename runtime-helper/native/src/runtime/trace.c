#include "runtime/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

bool trace_enabled;
static struct timespec start;

void trace_init(void) {
  trace_enabled = getenv("BERTH_RUNTIME_TRACE") != NULL;
  if (trace_enabled) clock_gettime(CLOCK_MONOTONIC, &start);
}

void trace_write(const char *what) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double ms = (double)(now.tv_sec - start.tv_sec) * 1e3 + (double)(now.tv_nsec - start.tv_nsec) / 1e6;
  /* one write per line, so lines from the runtime and its children do not interleave */
  char line[256];
  int n = snprintf(line, sizeof line, "berth-runtime trace: pid %d +%.3f ms %s\n", (int)getpid(), ms, what);
  if (n > 0) (void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}
