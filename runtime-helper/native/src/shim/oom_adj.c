#include "shim/oom_adj.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "shim/diag.h"

#define OOM_ADJ_PATH "/proc/self/oom_score_adj"

static char original[16];
static size_t original_len;

static int write_value(const char *value, size_t len) {
  int fd = open(OOM_ADJ_PATH, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = write(fd, value, len);
  int saved = errno;
  close(fd);
  errno = saved;
  return n == (ssize_t)len ? 0 : -1;
}

void oom_adj_protect_self(void) {
  int fd = open(OOM_ADJ_PATH, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    shim_diag("open '%s': %s", OOM_ADJ_PATH, strerror(errno));
    return;
  }
  ssize_t n = read(fd, original, sizeof original - 1);
  int saved = errno;
  close(fd);
  if (n <= 0) {
    shim_diag("read '%s': %s", OOM_ADJ_PATH, n < 0 ? strerror(saved) : "empty");
    return;
  }
  original_len = (size_t)n;
  if (write_value("-999", 4) < 0)
    shim_diag("write -999 to '%s': %s (the OOM killer may pick the shim)", OOM_ADJ_PATH, strerror(errno));
}

void oom_adj_restore_in_child(void) {
  if (original_len > 0) (void)write_value(original, original_len); /* raising needs no privilege */
}
