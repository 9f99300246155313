/* UDP: a flow per client address. Each flow has its own socket in the container's namespace,
 * connected to 127.0.0.1:<container port>; what comes back on it is sent to the client from the
 * host listener, so the client sees replies from the address it sent to. A flow idle for
 * UDP_IDLE_SECONDS is closed (docker-proxy's UDP conntrack does the same). */
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

#define UDP_IDLE_SECONDS 60
/* Per listener; a datagram from a new client beyond this is dropped. */
#define UDP_MAX_FLOWS 1024
#define DATAGRAMS_PER_WAKEUP 64

struct udp_listener;
struct udp_flow {
  struct pf_handler h;
  struct udp_listener *l;
  int fd;
  bool closed;
  struct sockaddr_storage client;
  socklen_t client_len;
  time_t last;
  struct udp_flow *next; /* the listener's flows, or the reap list once closed */
};

struct udp_listener {
  struct pf_handler h;
  struct pf_binding *b;
  struct udp_flow *flows;
  unsigned count;
  struct udp_listener *next;
};

static struct udp_listener *listeners;
static struct udp_flow *dead;
static char datagram[65536];

static time_t now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail with this clock */
  return ts.tv_sec;
}

static void flow_close(struct udp_flow *f) {
  if (f->closed) return;
  f->closed = true;
  close(f->fd);
  for (struct udp_flow **p = &f->l->flows; *p; p = &(*p)->next) {
    if (*p == f) {
      *p = f->next;
      break;
    }
  }
  f->l->count--;
  f->next = dead;
  dead = f;
}

void pf_udp_reap(void) {
  while (dead) {
    struct udp_flow *f = dead;
    dead = f->next;
    free(f);
  }
}

void pf_udp_sweep(void) {
  time_t now = now_seconds();
  for (struct udp_listener *l = listeners; l; l = l->next) {
    struct udp_flow *f = l->flows;
    while (f) {
      struct udp_flow *next = f->next;
      if (now - f->last >= UDP_IDLE_SECONDS) flow_close(f);
      f = next;
    }
  }
}

void pf_udp_close_all(void) {
  while (listeners) {
    struct udp_listener *l = listeners;
    while (l->flows) flow_close(l->flows);
    listeners = l->next;
    free(l);
  }
  pf_udp_reap();
}

static bool same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return false;
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
  return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

/* Replies from the container go back to the flow's client from the host listener. */
static void on_flow_event(struct pf_handler *h, uint32_t events) {
  (void)events;
  struct udp_flow *f = (struct udp_flow *)h;
  if (f->closed) return;
  for (int i = 0; i < DATAGRAMS_PER_WAKEUP; i++) {
    ssize_t n = recv(f->fd, datagram, sizeof datagram, 0);
    if (n < 0) {
      /* ECONNREFUSED: an ICMP "port unreachable" from nothing listening; the flow stays. */
      if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED) {
        pf_diag("recv from container port %u: %s", f->l->b->container_port, strerror(errno));
        flow_close(f);
      }
      return;
    }
    f->last = now_seconds();
    if (sendto(f->l->b->fd, datagram, (size_t)n, 0, (struct sockaddr *)&f->client, f->client_len) < 0 && errno != EAGAIN)
      pf_diag("send a reply from host port %u: %s", f->l->b->bound_port, strerror(errno));
  }
}

static struct udp_flow *flow_for(struct udp_listener *l, const struct sockaddr_storage *from, socklen_t from_len) {
  for (struct udp_flow *f = l->flows; f; f = f->next)
    if (same_address(&f->client, from)) return f;
  if (l->count >= UDP_MAX_FLOWS) return NULL;
  /* Made after setns: this socket lives in the container's namespace. */
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    pf_diag("socket for container port %u: %s", l->b->container_port, strerror(errno));
    return NULL;
  }
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(l->b->container_port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) {
    pf_diag("connect udp 127.0.0.1:%u in the container: %s", l->b->container_port, strerror(errno));
    close(fd);
    return NULL;
  }
  struct udp_flow *f = calloc(1, sizeof *f);
  if (f == NULL) {
    pf_diag("allocate a flow for host port %u: %s", l->b->bound_port, strerror(ENOMEM));
    close(fd);
    return NULL;
  }
  f->h.on_event = on_flow_event;
  f->l = l;
  f->fd = fd;
  memcpy(&f->client, from, from_len);
  f->client_len = from_len;
  berth_error_t err;
  if (pf_loop_add(fd, EPOLLIN, &f->h, &err) < 0) {
    pf_diag("%s", err.message);
    close(fd);
    free(f);
    return NULL;
  }
  f->next = l->flows;
  l->flows = f;
  l->count++;
  return f;
}

static void on_datagram(struct pf_handler *h, uint32_t events) {
  (void)events;
  struct udp_listener *l = (struct udp_listener *)h;
  for (int i = 0; i < DATAGRAMS_PER_WAKEUP; i++) {
    struct sockaddr_storage from;
    socklen_t from_len = sizeof from;
    ssize_t n = recvfrom(l->b->fd, datagram, sizeof datagram, 0, (struct sockaddr *)&from, &from_len);
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) pf_diag("recvfrom on host port %u: %s", l->b->bound_port, strerror(errno));
      return;
    }
    struct udp_flow *f = flow_for(l, &from, from_len);
    if (f == NULL) continue; /* dropped, as a full conntrack table drops */
    f->last = now_seconds();
    if (send(f->fd, datagram, (size_t)n, 0) < 0 && errno != EAGAIN && errno != ECONNREFUSED)
      pf_diag("send to container port %u: %s", l->b->container_port, strerror(errno));
  }
}

int pf_udp_listener_add(struct pf_binding *b, berth_error_t *err) {
  struct udp_listener *l = calloc(1, sizeof *l);
  if (l == NULL) return berth_error_set(err, ENOMEM, "allocate the listener of host port %u", b->bound_port);
  l->h.on_event = on_datagram;
  l->b = b;
  if (pf_loop_add(b->fd, EPOLLIN, &l->h, err) < 0) {
    free(l);
    return -1;
  }
  l->next = listeners;
  listeners = l;
  return 0;
}
