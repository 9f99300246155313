#include "shim/console.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "shim/unix_socket.h"

int console_listen(const char *path, berth_error_t *err) {
  return unix_socket_listen(path, 1, "console socket", err);
}

int console_receive_master(int listen_fd, const char *path, int *master, berth_error_t *err) {
  int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (conn < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return berth_error_set(err, 0, "console socket '%s': the runtime exited without sending the terminal", path);
    return berth_error_errno(err, "accept on console socket '%s'", path);
  }
  char byte[256];
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = {.iov_base = byte, .iov_len = sizeof byte};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf};
  ssize_t n;
  do n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  int saved = errno;
  close(conn);
  if (n < 0) return berth_error_set(err, saved, "receive the terminal on console socket '%s'", path);
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
      c->cmsg_len != CMSG_LEN(sizeof(int)))
    return berth_error_set(err, 0, "console socket '%s': the message carried no terminal fd", path);
  memcpy(master, CMSG_DATA(c), sizeof(int));
  return 0;
}
