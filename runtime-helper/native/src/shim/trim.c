#include "shim/trim.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shim/diag.h"

void shim_trim_text(void) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    shim_diag("trim: open '/proc/self/maps': %s", strerror(errno));
    return;
  }
  /* Small static buffer: the shim has a few dozen mappings at most. */
  static char maps[16384];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, maps + len, sizeof maps - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) shim_diag("trim: read '/proc/self/maps': %s", strerror(errno));
    if (n <= 0) break;
    len += (size_t)n;
  }
  close(fd);
  maps[len] = '\0';
  for (char *line = maps, *next; line != NULL && *line != '\0'; line = next) {
    next = strchr(line, '\n');
    if (next != NULL) *next++ = '\0';
    uintptr_t start, end;
    char perms[5];
    int path_at = 0;
    if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3) continue;
    if (strcmp(perms, "r-xp") != 0 || path_at == 0 || line[path_at] != '/') continue;
    if (madvise((void *)start, end - start, MADV_DONTNEED) < 0)
      shim_diag("trim: madvise %s: %s", line + path_at, strerror(errno));
  }
}
