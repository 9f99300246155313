/* berth-portfwd: a container's published ports without a bridge. Host listeners are bound in the
 * host's network namespace; the process then joins the container's namespace, where every new
 * socket it makes lives, and relays each TCP connection or UDP flow to 127.0.0.1:<container
 * port> there (the userspace way of rootlesskit's "builtin" driver and docker-proxy). */
#ifndef BERTH_PORTFWD_H
#define BERTH_PORTFWD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/error.h"

enum pf_proto { PF_TCP, PF_UDP };

/* One host listener and where it leads. */
struct pf_binding {
  enum pf_proto proto;
  int family;            /* AF_INET or AF_INET6, from the host IP */
  char host_ip[64];      /* as given, without brackets */
  uint16_t port_lo, port_hi; /* the host port or range; 0-0 = any free port */
  uint16_t bound_port;   /* the port actually bound */
  uint16_t container_port;
  int fd;
};

/* What epoll hands back: every registered object starts with one. */
struct pf_handler {
  void (*on_event)(struct pf_handler *self, uint32_t events);
};

/* Parses "tcp|udp:HOSTIP:PORT[-PORT]:CPORT" (an IPv6 host IP in brackets). */
int pf_binding_parse(const char *spec, struct pf_binding *b, berth_error_t *err);

/* Binds (and for TCP listens on) the host side, non-blocking; fills fd and bound_port. The error
 * reads as Go's net.Listen does ("listen tcp4 127.0.0.1:80: bind: Address already in use"). */
int pf_binding_listen(struct pf_binding *b, berth_error_t *err);

/* Opens the namespace file, joins it and brings its loopback up (a runtime may leave it down). */
int pf_join_netns(int netns_fd, const char *path, berth_error_t *err);

/* The event loop's registry. */
int pf_loop_init(berth_error_t *err);
int pf_loop_add(int fd, uint32_t events, struct pf_handler *h, berth_error_t *err);
int pf_loop_mod(int fd, uint32_t events, struct pf_handler *h);
void pf_loop_del(int fd);
/* Runs until the container's init exits or a stop signal arrives; returns the reason's code. */
int pf_loop_run(int pidfd, berth_error_t *err);

/* Diagnostics to stderr (the diag file once detached), one timestamped line each. */
void pf_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Relays; each registers its listener with the loop. */
int pf_tcp_listener_add(struct pf_binding *b, berth_error_t *err);
int pf_udp_listener_add(struct pf_binding *b, berth_error_t *err);
/* Called about every UDP_SWEEP_SECONDS: ends idle UDP flows. */
void pf_udp_sweep(void);
/* Frees what was closed during the last batch of events. */
void pf_tcp_reap(void);
void pf_udp_reap(void);
/* Closes every connection and flow (at exit, so leak checkers see a clean end). */
void pf_tcp_close_all(void);
void pf_udp_close_all(void);

#endif
