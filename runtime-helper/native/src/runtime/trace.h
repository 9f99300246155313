/* Timestamps for profiling, off unless BERTH_RUNTIME_TRACE is set in the environment:
 * trace_point("what") then writes "berth-runtime trace: pid N +T ms what" to stderr, T counted
 * from main() (forked children keep the parent's start). Costs one branch when off. */
#ifndef BERTH_RUNTIME_TRACE_H
#define BERTH_RUNTIME_TRACE_H

#include <stdbool.h>

extern bool trace_enabled;

void trace_init(void);
void trace_write(const char *what);

static inline void trace_point(const char *what) {
  if (trace_enabled) trace_write(what);
}

#endif
