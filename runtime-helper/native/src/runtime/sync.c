#include "runtime/sync.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int sync_send(int fd, int type, int value, berth_error_t *err) {
  struct sync_msg m = {.type = type, .value = value};
  ssize_t n;
  do n = send(fd, &m, offsetof(struct sync_msg, message), MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return berth_error_errno(err, "sync with container process");
  return 0;
}

void sync_send_error(int fd, const berth_error_t *e) {
  struct sync_msg m = {.type = SYNC_ERROR, .errno_value = e->errno_value};
  snprintf(m.message, sizeof m.message, "%s", e->message);
  ssize_t n;
  do n = send(fd, &m, sizeof m, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
}

int sync_recv(int fd, struct sync_msg *m, const char *who, berth_error_t *err) {
  ssize_t n;
  memset(m, 0, sizeof *m);
  do n = recv(fd, m, sizeof *m, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return berth_error_errno(err, "sync with %s", who);
  if (n == 0) return berth_error_set(err, 0, "sync with %s: it exited before it was set up", who);
  if (m->type == SYNC_ERROR) {
    m->message[sizeof m->message - 1] = '\0';
    memcpy(err->message, m->message, sizeof m->message);
    err->errno_value = m->errno_value;
    return -1;
  }
  return 0;
}

int sync_expect(int fd, int type, const char *who, struct sync_msg *m, berth_error_t *err) {
  if (sync_recv(fd, m, who, err) < 0) return -1;
  if (m->type != type) return berth_error_set(err, 0, "sync with %s: unexpected message %d (wanted %d)", who, m->type, type);
  return 0;
}
