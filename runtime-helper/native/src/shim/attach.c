#include "shim/attach.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "shim/diag.h"
#include "shim/loop.h"
#include "shim/runtime.h"
#include "shim/stdin_sink.h"
#include "shim/unix_socket.h"

#define CLIENT_INPUT 4096

struct attach_client {
  struct watch w; /* first: epoll hands this back */
  int fd;
  unsigned id;
  struct attach_client *next;
  /* Output not yet taken by the socket: allocated only while some is queued. */
  uint8_t *out;
  size_t out_off, out_len;
  /* Input read but not yet consumed (held while stdin_buf is full). */
  uint8_t in[CLIENT_INPUT];
  size_t in_off, in_len;
  /* The frame being parsed. */
  uint8_t hdr[8];
  size_t hdr_len;
  uint8_t type;
  uint32_t left;
  uint8_t ctrl[4];
  size_t ctrl_len;
  bool read_closed, stdin_once, paused;
  bool interactive; /* frame 21: the process's output waits for this client rather than dropping it */
  bool dead; /* dropped; freed after the current epoll batch, which may still name it */
};

static struct watch listen_watch = {WATCH_LISTEN};
static unsigned next_client_id = 1;

int attach_listen(struct shim *s, const char *path, berth_error_t *err) {
  s->listen_fd = unix_socket_listen(path, 64, "attach socket", err);
  if (s->listen_fd < 0) return -1;
  if (shim_watch(s, EPOLL_CTL_ADD, s->listen_fd, EPOLLIN, &listen_watch) < 0) {
    close(s->listen_fd);
    s->listen_fd = -1;
    return berth_error_set(err, 0, "watch attach socket '%s'", path);
  }
  return 0;
}

static uint32_t client_events(const struct attach_client *c) {
  uint32_t ev = 0;
  if (!c->read_closed && !c->paused) ev |= EPOLLIN;
  if (c->out_len > 0) ev |= EPOLLOUT;
  return ev;
}

static void update_events(struct shim *s, struct attach_client *c) {
  shim_watch(s, EPOLL_CTL_MOD, c->fd, client_events(c), &c->w);
}

static void drop_client(struct shim *s, struct attach_client *c, const char *why) {
  if (why != NULL) shim_diag("attach client %u: %s; disconnecting it", c->id, why);
  if (c->stdin_once) stdin_sink_close(s);
  shim_watch(s, EPOLL_CTL_DEL, c->fd, 0, NULL);
  close(c->fd);
  if (s->listen_paused && s->listen_fd >= 0 &&
      shim_watch(s, EPOLL_CTL_ADD, s->listen_fd, EPOLLIN, &listen_watch) == 0)
    s->listen_paused = false;
  for (struct attach_client **p = &s->clients; *p != NULL; p = &(*p)->next) {
    if (*p == c) {
      *p = c->next;
      break;
    }
  }
  s->client_count--;
  free(c->out);
  c->out = NULL;
  c->out_len = 0;
  c->dead = true;
  c->next = s->dropped_clients;
  s->dropped_clients = c;
}

void attach_free_dropped(struct shim *s) {
  while (s->dropped_clients != NULL) {
    struct attach_client *c = s->dropped_clients;
    s->dropped_clients = c->next;
    free(c);
  }
}

void attach_accept(struct shim *s) {
  for (;;) {
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE) {
        /* The pending connection stays readable: stop watching the socket until a client
         * leaves, or the loop would spin on it. */
        shim_diag("accept on attach socket: %s; not accepting until a client leaves", strerror(errno));
        if (shim_watch(s, EPOLL_CTL_DEL, s->listen_fd, 0, NULL) == 0) s->listen_paused = true;
      } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        shim_diag("accept on attach socket: %s", strerror(errno));
      }
      return;
    }
    struct attach_client *c = calloc(1, sizeof *c);
    if (c == NULL) {
      shim_diag("attach client: out of memory");
      close(fd);
      continue;
    }
    c->w.kind = WATCH_CLIENT;
    c->fd = fd;
    c->id = next_client_id++;
    if (shim_watch(s, EPOLL_CTL_ADD, fd, EPOLLIN, &c->w) < 0) {
      close(fd);
      free(c);
      continue;
    }
    c->next = s->clients;
    s->clients = c;
    s->client_count++;
    shim_release_output(s);
  }
}

static void start_container(struct shim *s, struct attach_client *c);
static void send_mark(struct shim *s, struct attach_client *c);

static void control_frame(struct shim *s, struct attach_client *c) {
  switch (c->type) {
  case ATTACH_FRAME_RESIZE:
    if (c->ctrl_len == 4)
      stdin_sink_resize(s, (uint16_t)(c->ctrl[0] << 8 | c->ctrl[1]), (uint16_t)(c->ctrl[2] << 8 | c->ctrl[3]));
    else shim_diag("attach client %u: resize frame with %zu bytes, want 4", c->id, c->ctrl_len);
    break;
  case ATTACH_FRAME_CLOSE_STDIN: stdin_sink_close(s); break;
  case ATTACH_FRAME_STDIN_ONCE: c->stdin_once = true; break;
  case ATTACH_FRAME_START: start_container(s, c); break;
  case ATTACH_FRAME_INTERACTIVE:
    /* Turning it off lets the loop read again at once (it checks after every batch). */
    c->interactive = c->ctrl_len == 0 || c->ctrl[0] != 0;
    shim_diag("attach client %u: %s", c->id, c->interactive ? "interactive (output waits for it)" : "read-only (dropped when 1 MiB behind)");
    break;
  case ATTACH_FRAME_MARK: send_mark(s, c); break;
  default: shim_diag("attach client %u: ignoring frame type %u", c->id, c->type); break;
  }
}

/* Consumes buffered input frames; stops (paused) when stdin_buf is full. */
static void consume_input(struct shim *s, struct attach_client *c) {
  while (c->in_off < c->in_len) {
    size_t avail = c->in_len - c->in_off;
    if (c->hdr_len < 8) {
      size_t n = 8 - c->hdr_len < avail ? 8 - c->hdr_len : avail;
      memcpy(c->hdr + c->hdr_len, c->in + c->in_off, n);
      c->hdr_len += n;
      c->in_off += n;
      if (c->hdr_len < 8) break;
      c->type = c->hdr[0];
      c->left = (uint32_t)c->hdr[4] << 24 | (uint32_t)c->hdr[5] << 16 | (uint32_t)c->hdr[6] << 8 | c->hdr[7];
      c->ctrl_len = 0;
      if (c->left == 0) {
        if (c->type != ATTACH_FRAME_STDIN) control_frame(s, c);
        c->hdr_len = 0;
      }
      continue;
    }
    size_t n = c->left < avail ? c->left : avail;
    if (c->type == ATTACH_FRAME_STDIN) {
      size_t took = stdin_sink_write(s, c->in + c->in_off, n);
      c->in_off += took;
      c->left -= (uint32_t)took;
      if (took < n) {
        c->paused = true;
        s->clients_paused = true;
        return;
      }
    } else {
      size_t keep = sizeof c->ctrl - c->ctrl_len < n ? sizeof c->ctrl - c->ctrl_len : n;
      memcpy(c->ctrl + c->ctrl_len, c->in + c->in_off, keep);
      c->ctrl_len += keep;
      c->in_off += n;
      c->left -= (uint32_t)n;
    }
    if (c->left == 0) {
      if (c->type != ATTACH_FRAME_STDIN) control_frame(s, c);
      c->hdr_len = 0;
    }
  }
  c->in_off = c->in_len = 0;
  c->paused = false;
}

/* Reads and consumes input until the socket is empty, closed, or stdin_buf is full. */
static void read_input(struct shim *s, struct attach_client *c) {
  while (!c->paused && !c->read_closed) {
    ssize_t n = read(c->fd, c->in, sizeof c->in);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      /* EOF: the client closed its sending side. Output keeps flowing (Docker keeps writing
       * after a half-close); a stdin-once client's end of input ends the container's stdin. */
      c->read_closed = true;
      if (c->stdin_once) {
        stdin_sink_close(s);
        c->stdin_once = false;
      }
      return;
    }
    c->in_off = 0;
    c->in_len = (size_t)n;
    consume_input(s, c);
  }
}

/* Writes queued output; false when the client is gone. */
static bool flush_output(struct shim *s, struct attach_client *c) {
  (void)s;
  while (c->out_len > 0) {
    ssize_t n = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n < 0) return false;
    c->out_off += (size_t)n;
    c->out_len -= (size_t)n;
  }
  free(c->out); /* give the pages back while the client keeps up */
  c->out = NULL;
  c->out_off = 0;
  return true;
}

void attach_client_event(struct shim *s, struct watch *w, uint32_t events) {
  struct attach_client *c = (struct attach_client *)w;
  if (c->dead) return;
  bool had_out = c->out_len > 0;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_input(s, c);
  if (events & (EPOLLHUP | EPOLLERR)) {
    drop_client(s, c, NULL);
    return;
  }
  if ((events & EPOLLOUT) && !flush_output(s, c)) {
    drop_client(s, c, NULL);
    return;
  }
  if (had_out != (c->out_len > 0) || (events & EPOLLIN)) update_events(s, c);
}

/* Queues bytes the socket did not take; false when the client is too far behind. */
static bool queue_output(struct attach_client *c, const uint8_t *data, size_t len) {
  if (c->out == NULL) {
    c->out = malloc(ATTACH_CLIENT_BACKLOG);
    if (c->out == NULL) return false;
    c->out_off = c->out_len = 0;
  }
  if (c->out_len + len > ATTACH_CLIENT_BACKLOG) return false;
  if (c->out_off + c->out_len + len > ATTACH_CLIENT_BACKLOG) {
    memmove(c->out, c->out + c->out_off, c->out_len);
    c->out_off = 0;
  }
  memcpy(c->out + c->out_off + c->out_len, data, len);
  c->out_len += len;
  return true;
}

/* Sends one frame to one client, queueing what the socket does not take (never blocking). */
static void send_frame(struct shim *s, struct attach_client *c, uint8_t type, const uint8_t *data, size_t len) {
  uint8_t hdr[8] = {type, 0, 0, 0, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
  size_t sent = 0;
  if (c->out_len == 0) {
    struct iovec iov[2] = {{hdr, sizeof hdr}, {(void *)data, len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t n;
    do n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      drop_client(s, c, NULL);
      return;
    }
    sent = n < 0 ? 0 : (size_t)n;
    if (sent == sizeof hdr + len) return;
  }
  bool ok = true;
  if (sent < sizeof hdr) ok = queue_output(c, hdr + sent, sizeof hdr - sent);
  size_t data_sent = sent > sizeof hdr ? sent - sizeof hdr : 0;
  if (ok) ok = queue_output(c, data + data_sent, len - data_sent);
  if (!ok) {
    drop_client(s, c, "too slow (1 MiB of output unsent)");
    return;
  }
  update_events(s, c);
}

void attach_broadcast(struct shim *s, enum attach_frame_type type, const uint8_t *data, size_t len) {
  struct attach_client *next;
  for (struct attach_client *c = s->clients; c != NULL; c = next) {
    next = c->next;
    send_frame(s, c, (uint8_t)type, data, len);
  }
}

/* berthd starts the container through the shim once it attached: one process less for berthd to
 * spawn, and the start is ordered after the client's earlier frames (the resize of `run -it`). */
static void start_container(struct shim *s, struct attach_client *c) {
  static uint8_t reply[4 + 4096];
  int status = runtime_start(s->opts, (char *)reply + 4, sizeof reply - 4);
  if (status != 0) shim_diag("runtime start %s: status %d: %s", s->opts->id, status, (char *)reply + 4);
  uint32_t st = (uint32_t)status;
  reply[0] = (uint8_t)(st >> 24);
  reply[1] = (uint8_t)(st >> 16);
  reply[2] = (uint8_t)(st >> 8);
  reply[3] = (uint8_t)st;
  send_frame(s, c, ATTACH_FRAME_START_RESULT, reply, 4 + strlen((char *)reply + 4));
}

static size_t put_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
  return 4;
}

/* The seam for an attach with logs (berthd replays the log, then this client's live output).
 * Every read of output is logged before it is broadcast, so at this point the log file's first
 * `size` bytes hold all output sent to this client so far except each stream's unfinished line,
 * which is not logged until it ends: those bytes go along. Everything after this frame on the
 * connection is output the log (up to `size`) does not hold. Payload: log size (big-endian
 * uint64), then for stdout and stderr a big-endian uint32 length and that many bytes. */
static void send_mark(struct shim *s, struct attach_client *c) {
  static uint8_t mark[8 + 2 * (4 + JSON_LOG_LINE_MAX)];
  uint64_t size = s->log.fd >= 0 ? s->log.size : 0;
  size_t o = put_be32(mark, (uint32_t)(size >> 32));
  o += put_be32(mark + o, (uint32_t)size);
  for (int i = 0; i < 2; i++) {
    size_t len = s->log.fd >= 0 ? s->log.pending[i].len : 0;
    o += put_be32(mark + o, (uint32_t)len);
    memcpy(mark + o, s->log.pending[i].buf, len);
    o += len;
  }
  send_frame(s, c, ATTACH_FRAME_MARK, mark, o);
}

void attach_resume_input(struct shim *s) {
  s->clients_paused = false;
  struct attach_client *next;
  for (struct attach_client *c = s->clients; c != NULL; c = next) {
    next = c->next;
    if (!c->paused) continue;
    consume_input(s, c);
    if (c->paused) {
      s->clients_paused = true;
      continue;
    }
    read_input(s, c);
    update_events(s, c);
  }
}

size_t attach_pending_output(const struct shim *s) {
  size_t total = 0;
  for (const struct attach_client *c = s->clients; c != NULL; c = c->next) total += c->out_len;
  return total;
}

size_t attach_max_waited_output(const struct shim *s) {
  size_t most = 0;
  if (s->waits_released) return 0;
  for (const struct attach_client *c = s->clients; c != NULL; c = c->next)
    if ((c->interactive || s->opts->exec_mode) && c->out_len > most) most = c->out_len;
  return most;
}

void attach_linger(struct shim *s) {
  size_t n = (size_t)s->client_count;
  if (n == 0) return;
  struct pollfd *fds = calloc(n, sizeof *fds);
  if (fds == NULL) {
    shim_diag("attach linger: out of memory; closing %zu clients at once", n);
    return;
  }
  size_t open = 0;
  for (struct attach_client *c = s->clients; c != NULL && open < n; c = c->next) {
    /* The client reads every frame sent so far, then EOF. */
    if (shutdown(c->fd, SHUT_WR) < 0 && errno != ENOTCONN) shim_diag("attach client %u: shutdown: %s", c->id, strerror(errno));
    fds[open].fd = c->fd;
    fds[open].events = POLLIN;
    open++;
  }
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  size_t left = open;
  while (left > 0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (waited >= ATTACH_LINGER_MS) {
      shim_diag("%zu attach clients still open %d ms after the output ended; closing them", left, ATTACH_LINGER_MS);
      break;
    }
    int r = poll(fds, open, (int)(ATTACH_LINGER_MS - waited));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      shim_diag("poll attach clients: %s", strerror(errno));
      break;
    }
    for (size_t i = 0; i < open; i++) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      /* Input after the exit has nowhere to go: read it only so the socket closes empty. */
      uint8_t sink[4096];
      ssize_t got;
      do got = read(fds[i].fd, sink, sizeof sink);
      while (got > 0 || (got < 0 && errno == EINTR));
      if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        fds[i].fd = -1;
        left--;
      }
    }
  }
  free(fds);
}

void attach_close(struct shim *s) {
  while (s->clients != NULL) {
    s->clients->stdin_once = false;
    drop_client(s, s->clients, NULL);
  }
  attach_free_dropped(s);
  if (s->listen_fd >= 0) {
    if (!s->listen_paused) shim_watch(s, EPOLL_CTL_DEL, s->listen_fd, 0, NULL);
    close(s->listen_fd);
    s->listen_fd = -1;
  }
}
