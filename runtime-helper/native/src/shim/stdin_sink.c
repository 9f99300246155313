#include "shim/stdin_sink.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "shim/attach.h"
#include "shim/diag.h"

static struct watch stdin_watch = {WATCH_STDIN};

static void stop_stdin(struct shim *s) {
  if (s->in_fd < 0) return;
  if (s->in_watched) shim_watch(s, EPOLL_CTL_DEL, s->in_fd, 0, NULL);
  close(s->in_fd);
  s->in_fd = -1;
  s->in_watched = false;
  s->stdin_len = 0;
}

/* Writes as much of the queue as the fd takes; then either waits for EPOLLOUT or is done. */
static void flush(struct shim *s) {
  while (s->in_fd >= 0 && s->stdin_len > 0) {
    ssize_t n = write(s->in_fd, s->stdin_buf, s->stdin_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) {
      /* EPIPE: the container closed its stdin; EIO: the terminal is gone. */
      if (errno != EPIPE && errno != EIO) shim_diag("write container stdin: %s", strerror(errno));
      stop_stdin(s);
      break;
    }
    memmove(s->stdin_buf, s->stdin_buf + n, s->stdin_len - (size_t)n);
    s->stdin_len -= (size_t)n;
  }
  if (s->in_fd < 0) return;
  if (s->stdin_len == 0 && s->stdin_closing) {
    if (s->opts->terminal) {
      s->stdin_closing = false;
      const char eof = 4; /* VEOF, what ^D on a keyboard sends */
      if (write(s->in_fd, &eof, 1) < 0 && errno != EAGAIN) shim_diag("write ^D to the terminal: %s", strerror(errno));
      if (s->in_watched) shim_watch(s, EPOLL_CTL_DEL, s->in_fd, 0, NULL);
      s->in_watched = false;
      return;
    }
    stop_stdin(s);
    return;
  }
  bool want = s->stdin_len > 0;
  if (want && !s->in_watched) {
    if (shim_watch(s, EPOLL_CTL_ADD, s->in_fd, EPOLLOUT, &stdin_watch) == 0) s->in_watched = true;
  } else if (!want && s->in_watched) {
    shim_watch(s, EPOLL_CTL_DEL, s->in_fd, 0, NULL);
    s->in_watched = false;
  }
}

size_t stdin_sink_write(struct shim *s, const uint8_t *data, size_t len) {
  if (s->in_fd < 0 || s->stdin_closing) return len;
  size_t room = sizeof s->stdin_buf - s->stdin_len;
  size_t take = len < room ? len : room;
  memcpy(s->stdin_buf + s->stdin_len, data, take);
  s->stdin_len += take;
  if (!s->in_watched) flush(s);
  return take;
}

void stdin_sink_writable(struct shim *s, uint32_t events) {
  if (events & EPOLLERR) {
    stop_stdin(s);
  } else {
    flush(s);
  }
  if (s->clients_paused && (s->in_fd < 0 || s->stdin_len < sizeof s->stdin_buf)) attach_resume_input(s);
}

void stdin_sink_close(struct shim *s) {
  if (s->in_fd < 0) return;
  s->stdin_closing = true;
  flush(s);
}

void stdin_sink_resize(struct shim *s, uint16_t rows, uint16_t cols) {
  if (!s->opts->terminal || s->out_fd[0] < 0) return;
  struct winsize ws = {.ws_row = rows, .ws_col = cols};
  if (ioctl(s->out_fd[0], TIOCSWINSZ, &ws) < 0) shim_diag("resize terminal to %ux%u: %s", rows, cols, strerror(errno));
}
