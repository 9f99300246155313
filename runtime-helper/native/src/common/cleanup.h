/* GCC cleanup attributes, so error paths can `return -1` without leaking fds or memory. */
#ifndef BERTH_COMMON_CLEANUP_H
#define BERTH_COMMON_CLEANUP_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static inline void berth_close_fdp(int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}
static inline void berth_freep(void *p) {
  int saved = errno;
  free(*(void **)p);
  errno = saved;
}

#define cleanup_fd __attribute__((cleanup(berth_close_fdp)))
#define cleanup_free __attribute__((cleanup(berth_freep)))

#endif
