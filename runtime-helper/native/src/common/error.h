/* The error object every fallible function fills: which step failed, on which object, and the
 * errno. Functions return 0 on success and -1 on error (crun's convention, with a fixed buffer
 * instead of a heap object so error paths never allocate). Messages read like
 *   "open '/sys/fs/cgroup/memory/berth/x/memory.limit_in_bytes': Permission denied". */
#ifndef BERTH_COMMON_ERROR_H
#define BERTH_COMMON_ERROR_H

#include <stdarg.h>

typedef struct berth_error {
  int errno_value; /* 0 when the failure has no errno (bad input) */
  char message[1024];
} berth_error_t;

/* Formats the message, appends ": strerror(errno_value)" when errno_value != 0, returns -1. */
int berth_error_set(berth_error_t *err, int errno_value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes an existing message with more context ("create container 'x': ..."), returns -1. */
int berth_error_wrap(berth_error_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Same as berth_error_set(err, errno, ...): for use right after a failed syscall. */
#define berth_error_errno(err, ...) berth_error_set((err), errno, __VA_ARGS__)

#endif
