/* The epoll loop: listeners, relays, the container's init (a pidfd), stop signals (a signalfd)
 * and a timer for idle UDP flows. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/fileutil.h"
#include "common/rfc3339.h"
#include "portfwd/portfwd.h"

#define UDP_SWEEP_SECONDS 5

static int epfd = -1;

void pf_diag(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  berth_vdiag("berth-portfwd", fmt, ap);
  va_end(ap);
}

int pf_loop_init(berth_error_t *err) {
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return berth_error_errno(err, "epoll_create1");
  return 0;
}

int pf_loop_add(int fd, uint32_t events, struct pf_handler *h, berth_error_t *err) {
  struct epoll_event ev = {.events = events, .data.ptr = h};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) return berth_error_errno(err, "epoll_ctl add fd %d", fd);
  return 0;
}

int pf_loop_mod(int fd, uint32_t events, struct pf_handler *h) {
  struct epoll_event ev = {.events = events, .data.ptr = h};
  return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

void pf_loop_del(int fd) {
  (void)epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); /* closing the fd removes it anyway */
}

/* Markers for the loop's own fds (handlers are never at these addresses). */
static struct pf_handler stop_marker, init_marker, timer_marker;

int pf_loop_run(int pidfd, berth_error_t *err) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) return berth_error_errno(err, "sigprocmask");
  cleanup_fd int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sfd < 0) return berth_error_errno(err, "signalfd");
  cleanup_fd int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (tfd < 0) return berth_error_errno(err, "timerfd_create");
  struct itimerspec its = {.it_interval = {UDP_SWEEP_SECONDS, 0}, .it_value = {UDP_SWEEP_SECONDS, 0}};
  if (timerfd_settime(tfd, 0, &its, NULL) < 0) return berth_error_errno(err, "timerfd_settime");
  if (pf_loop_add(sfd, EPOLLIN, &stop_marker, err) < 0 || pf_loop_add(pidfd, EPOLLIN, &init_marker, err) < 0 ||
      pf_loop_add(tfd, EPOLLIN, &timer_marker, err) < 0)
    return -1;
  struct epoll_event events[64];
  for (;;) {
    int n = epoll_wait(epfd, events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return berth_error_errno(err, "epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      struct pf_handler *h = events[i].data.ptr;
      if (h == &stop_marker) {
        struct signalfd_siginfo si;
        if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) pf_diag("signal %u: stopping", si.ssi_signo);
        return 0;
      }
      if (h == &init_marker) {
        pf_diag("the container's init exited: stopping");
        return 0;
      }
      if (h == &timer_marker) {
        uint64_t ticks;
        if (read(tfd, &ticks, sizeof ticks) < 0 && errno != EAGAIN) pf_diag("read timerfd: %s", strerror(errno));
        pf_udp_sweep();
        continue;
      }
      h->on_event(h, events[i].events);
    }
    /* Objects closed during the batch are freed after it: a later event of the same batch may
     * still point at them. */
    pf_tcp_reap();
    pf_udp_reap();
  }
}
