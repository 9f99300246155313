#include "common/fileutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/cleanup.h"

int berth_write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int berth_write_file_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                        berth_error_t *err) {
  cleanup_fd int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return berth_error_errno(err, "open '%s'", path);
  if (berth_write_all(fd, data, len) < 0) return berth_error_errno(err, "write '%s'", path);
  return 0;
}

int berth_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                            berth_error_t *err) {
  char tmp[PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return berth_error_set(err, ENAMETOOLONG, "write '%s'", path);
  if (berth_write_file_at(AT_FDCWD, tmp, data, len, mode, err) < 0) return -1;
  if (rename(tmp, path) < 0) {
    int e = errno;
    unlink(tmp);
    return berth_error_set(err, e, "rename '%s'", tmp);
  }
  return 0;
}

int berth_read_file(const char *path, size_t max, char **out, size_t *len, berth_error_t *err) {
  cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return berth_error_errno(err, "open '%s'", path);
  size_t cap = 4096, used = 0;
  char *buf = malloc(cap);
  if (buf == NULL) return berth_error_errno(err, "read '%s'", path);
  for (;;) {
    if (used + 1 >= cap) {
      if (cap >= max) {
        free(buf);
        return berth_error_set(err, EFBIG, "read '%s'", path);
      }
      cap *= 2;
      char *grown = realloc(buf, cap);
      if (grown == NULL) {
        free(buf);
        return berth_error_errno(err, "read '%s'", path);
      }
      buf = grown;
    }
    ssize_t n = read(fd, buf + used, cap - used - 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(buf);
      return berth_error_set(err, e, "read '%s'", path);
    }
    if (n == 0) break;
    used += (size_t)n;
  }
  buf[used] = '\0';
  *out = buf;
  if (len) *len = used;
  return 0;
}
