/* TCP: accept on the host listener, connect to 127.0.0.1:<container port> in the container's
 * namespace, relay both ways through bounded buffers. A half-close is passed on (shutdown of
 * the write side once a side's EOF and the bytes before it are delivered); an error or a refused
 * connect closes both (as docker-proxy does). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "portfwd/portfwd.h"

#define TCP_BUF_SIZE (64 * 1024)
/* At most this many connections (2 x 64 KiB of buffers each); more are accepted and closed. */
#define TCP_MAX_CONNS 1024
#define ACCEPTS_PER_WAKEUP 64

struct tcp_listener {
  struct pf_handler h;
  struct pf_binding *b;
  struct tcp_listener *next;
};

static struct tcp_listener *listeners; /* kept for the process's life */

struct buffer {
  size_t start, len;
  char data[TCP_BUF_SIZE];
};

struct tcp_conn;
struct side {
  struct pf_handler h;
  struct tcp_conn *conn;
  int fd;
  bool read_eof;   /* EOF read from this fd */
  bool write_shut; /* our write side of this fd is shut */
  bool parked;     /* out of epoll (hung up with nothing to wait for) */
  uint32_t mask;   /* what epoll watches now */
};

struct tcp_conn {
  struct side client, upstream;
  struct buffer to_upstream, to_client;
  bool connecting, closed;
  uint16_t container_port;
  struct tcp_conn *next; /* live list, or the reap list once closed */
};

static struct tcp_conn *live, *dead;
static unsigned live_count;

/* Refused connects are logged at most once a second (with how many were not), so a client
 * hammering a port nothing listens on cannot fill the diag file. */
static void log_refused(uint16_t port, int error) {
  static struct timespec last;
  static unsigned quiet;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now); /* cannot fail with this clock */
  if (last.tv_sec != 0 && now.tv_sec == last.tv_sec) {
    quiet++;
    return;
  }
  last = now;
  if (quiet > 0) pf_diag("connect 127.0.0.1:%u in the container: %s (and %u more in the last second)", port, strerror(error), quiet);
  else pf_diag("connect 127.0.0.1:%u in the container: %s", port, strerror(error));
  quiet = 0;
}

static void conn_close(struct tcp_conn *c) {
  if (c->closed) return;
  c->closed = true;
  close(c->client.fd); /* closing removes the fds from epoll */
  close(c->upstream.fd);
  for (struct tcp_conn **p = &live; *p; p = &(*p)->next) {
    if (*p == c) {
      *p = c->next;
      break;
    }
  }
  live_count--;
  c->next = dead;
  dead = c;
}

void pf_tcp_reap(void) {
  while (dead) {
    struct tcp_conn *c = dead;
    dead = c->next;
    free(c);
  }
}

void pf_tcp_close_all(void) {
  while (live) conn_close(live);
  pf_tcp_reap();
  while (listeners) {
    struct tcp_listener *l = listeners;
    listeners = l->next;
    free(l);
  }
}

/* Moves bytes from src to dst through buf; passes src's EOF on as a shutdown of dst's write side.
 * Returns -1 when the connection must close. */
static int pump(struct side *src, struct side *dst, struct buffer *buf) {
  for (;;) {
    if (buf->len > 0) {
      ssize_t n = send(dst->fd, buf->data + buf->start, buf->len, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return 0;
        return -1; /* EPIPE, ECONNRESET: the peer is gone */
      }
      buf->start += (size_t)n;
      buf->len -= (size_t)n;
      if (buf->len > 0) continue;
      buf->start = 0;
    }
    if (src->read_eof) {
      if (!dst->write_shut) {
        dst->write_shut = true;
        if (shutdown(dst->fd, SHUT_WR) < 0 && errno != ENOTCONN) return -1;
      }
      return 0;
    }
    ssize_t n = recv(src->fd, buf->data, sizeof buf->data, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return 0;
      return -1;
    }
    if (n == 0) src->read_eof = true;
    buf->len = (size_t)n;
  }
}

static uint32_t wanted(const struct side *s, const struct buffer *in, const struct buffer *out) {
  uint32_t m = 0;
  if (!s->read_eof && in->len == 0) m |= EPOLLIN;
  if (out->len > 0) m |= EPOLLOUT;
  return m;
}

/* A side that hung up (both directions shut at the socket: a clean close, since a reset comes
 * as EPOLLERR) and waits for nothing reports EPOLLHUP on every wait: it leaves epoll until it
 * wants something again. What it still has to read never blocks (its FIN is in), so the other
 * side's events drive that. */
static void update_mask(struct side *s, uint32_t m, bool hung_up) {
  if (s->parked) {
    if (m == 0) return;
    berth_error_t err;
    if (pf_loop_add(s->fd, m, &s->h, &err) < 0) pf_diag("%s", err.message);
    s->parked = false;
    s->mask = m;
    return;
  }
  if (m == 0 && hung_up) {
    pf_loop_del(s->fd);
    s->parked = true;
    return;
  }
  if (s->mask == m) return;
  s->mask = m;
  if (pf_loop_mod(s->fd, m, &s->h) < 0) pf_diag("epoll_ctl mod fd %d: %s", s->fd, strerror(errno));
}

static void relay(struct tcp_conn *c, uint32_t events, struct side *from) {
  if (pump(&c->client, &c->upstream, &c->to_upstream) < 0 || pump(&c->upstream, &c->client, &c->to_client) < 0) {
    conn_close(c);
    return;
  }
  if (c->client.read_eof && c->upstream.read_eof && c->to_client.len == 0 && c->to_upstream.len == 0) {
    conn_close(c);
    return;
  }
  bool hup = (events & EPOLLHUP) != 0;
  update_mask(&c->client, wanted(&c->client, &c->to_upstream, &c->to_client), hup && from == &c->client);
  update_mask(&c->upstream, wanted(&c->upstream, &c->to_client, &c->to_upstream), hup && from == &c->upstream);
}

static void on_side_event(struct pf_handler *h, uint32_t events) {
  struct side *s = (struct side *)h;
  struct tcp_conn *c = s->conn;
  if (c->closed) return;
  if (c->connecting) {
    if (s == &c->client) {
      if (events & (EPOLLHUP | EPOLLERR)) conn_close(c); /* the client left before the container answered */
      return;
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) soerr = errno;
    if (soerr != 0) {
      /* Nothing listens on the port in the container: the client's connection is closed. */
      log_refused(c->container_port, soerr);
      conn_close(c);
      return;
    }
    c->connecting = false;
    relay(c, 0, NULL);
    return;
  }
  if (events & EPOLLERR) {
    conn_close(c);
    return;
  }
  relay(c, events, s);
}

static void on_accept(struct pf_handler *h, uint32_t events) {
  (void)events;
  struct tcp_listener *l = (struct tcp_listener *)h;
  for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
    int cfd = accept4(l->b->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) pf_diag("accept on host port %u: %s", l->b->bound_port, strerror(errno));
      return;
    }
    if (live_count >= TCP_MAX_CONNS) {
      pf_diag("host port %u: %d connections already: closing a new one", l->b->bound_port, TCP_MAX_CONNS);
      close(cfd);
      continue;
    }
    /* Made after setns: this socket lives in the container's namespace. */
    int ufd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (ufd < 0) {
      pf_diag("socket for container port %u: %s", l->b->container_port, strerror(errno));
      close(cfd);
      continue;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(l->b->container_port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(ufd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS) {
      log_refused(l->b->container_port, errno);
      close(cfd);
      close(ufd);
      continue;
    }
    struct tcp_conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
      pf_diag("allocate a connection for host port %u: %s", l->b->bound_port, strerror(ENOMEM));
      close(cfd);
      close(ufd);
      continue;
    }
    c->client = (struct side){.h = {on_side_event}, .conn = c, .fd = cfd, .mask = 0};
    c->upstream = (struct side){.h = {on_side_event}, .conn = c, .fd = ufd, .mask = EPOLLOUT};
    c->connecting = true;
    c->container_port = l->b->container_port;
    c->next = live;
    live = c;
    live_count++;
    berth_error_t err;
    if (pf_loop_add(cfd, 0, &c->client.h, &err) < 0 || pf_loop_add(ufd, EPOLLOUT, &c->upstream.h, &err) < 0) {
      pf_diag("%s", err.message);
      conn_close(c);
    }
  }
}

int pf_tcp_listener_add(struct pf_binding *b, berth_error_t *err) {
  struct tcp_listener *l = calloc(1, sizeof *l);
  if (l == NULL) return berth_error_set(err, ENOMEM, "allocate the listener of host port %u", b->bound_port);
  l->h.on_event = on_accept;
  l->b = b;
  if (pf_loop_add(b->fd, EPOLLIN, &l->h, err) < 0) {
    free(l);
    return -1;
  }
  l->next = listeners;
  listeners = l;
  return 0;
}
