#include "shim/unix_socket.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int unix_socket_listen(const char *path, int backlog, const char *what, berth_error_t *err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t len = strlen(path);
  if (len >= sizeof addr.sun_path)
    return berth_error_set(err, ENAMETOOLONG, "%s '%s' (%zu bytes, the limit is %zu)", what, path, len,
                           sizeof addr.sun_path - 1);
  memcpy(addr.sun_path, path, len + 1);
  if (unlink(path) < 0 && errno != ENOENT) return berth_error_errno(err, "remove stale %s '%s'", what, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return berth_error_errno(err, "socket for %s '%s'", what, path);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    berth_error_errno(err, "bind %s '%s'", what, path);
    close(fd);
    return -1;
  }
  if (chmod(path, 0600) < 0 || listen(fd, backlog) < 0) {
    berth_error_errno(err, "listen on %s '%s'", what, path);
    close(fd);
    unlink(path);
    return -1;
  }
  return fd;
}
