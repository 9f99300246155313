#include "shim/loop.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shim/attach.h"
#include "shim/diag.h"
#include "shim/stdin_sink.h"
#include "shim/trim.h"

/* Idle this long (no event, nothing pending), the shim drops the pages it does not need while it
 * waits (trim.h). Short enough that a freshly started container is trimmed within a second,
 * long enough that a chatty one is not trimmed between two lines. */
#define SHIM_IDLE_TRIM_MS 500

static struct watch signal_watch = {WATCH_SIGNAL};
static struct watch output_watch[2] = {{WATCH_STDOUT}, {WATCH_STDERR}};
static uint8_t read_buf[16384];

int shim_watch(struct shim *s, int op, int fd, uint32_t events, struct watch *w) {
  struct epoll_event ev = {.events = events, .data.ptr = w};
  if (epoll_ctl(s->epfd, op, fd, &ev) < 0) {
    const char *name = op == EPOLL_CTL_ADD ? "add" : op == EPOLL_CTL_MOD ? "modify" : "remove";
    shim_diag("epoll %s fd %d: %s", name, fd, strerror(errno));
    return -1;
  }
  return 0;
}

static void reap(struct shim *s) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid <= 0) return; /* 0: children left, none exited; ECHILD: none left */
    if (pid == s->container_pid && !s->exited) {
      s->exited = true;
      s->wait_status = status;
      if (clock_gettime(CLOCK_REALTIME, &s->finished_at) < 0) shim_diag("clock_gettime: %s", strerror(errno));
    }
  }
}

static void on_signal(struct shim *s) {
  struct signalfd_siginfo si;
  for (;;) {
    ssize_t n = read(s->signal_fd, &si, sizeof si);
    if (n < 0 && errno == EINTR) continue;
    if (n != (ssize_t)sizeof si) break;
  }
  reap(s);
}

/* Adds or removes the output fds in the epoll set. An fd that cannot be watched is dropped:
 * unreadable output would otherwise hold the drain until the deadline. */
static void watch_output(struct shim *s, bool on) {
  for (int i = 0; i < 2; i++) {
    if (s->out_fd[i] < 0) continue;
    if (on && shim_watch(s, EPOLL_CTL_ADD, s->out_fd[i], EPOLLIN, &output_watch[i]) < 0) {
      close(s->out_fd[i]);
      s->out_fd[i] = -1;
    }
    if (!on) shim_watch(s, EPOLL_CTL_DEL, s->out_fd[i], 0, NULL);
  }
}

static void pause_output(struct shim *s) {
  if (s->output_paused || s->output_held) return;
  s->output_paused = true;
  watch_output(s, false);
}

static void resume_output_if_drained(struct shim *s) {
  if (!s->output_paused || attach_max_waited_output(s) > ATTACH_OUTPUT_LOW_WATER) return;
  s->output_paused = false;
  watch_output(s, true);
}

static void end_output(struct shim *s, int i) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  json_log_finish_stream(&s->log, (enum shim_stream)i, &now);
  if (!s->output_paused) shim_watch(s, EPOLL_CTL_DEL, s->out_fd[i], 0, NULL);
  close(s->out_fd[i]);
  s->out_fd[i] = -1;
}

static void on_output(struct shim *s, int i) {
  /* A few reads per wakeup, then back to epoll, so one busy stream cannot starve the rest. */
  for (int round = 0; round < 4 && s->out_fd[i] >= 0; round++) {
    ssize_t n = read(s->out_fd[i], read_buf, sizeof read_buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      /* EOF; EIO is how a pty master says the last slave closed. */
      if (n < 0 && errno != EIO) shim_diag("read container %s: %s", i ? "stderr" : "stdout", strerror(errno));
      end_output(s, i);
      return;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    json_log_append(&s->log, (enum shim_stream)i, read_buf, (size_t)n, &now);
    attach_broadcast(s, i ? ATTACH_FRAME_STDERR : ATTACH_FRAME_STDOUT, read_buf, (size_t)n);
    if (attach_max_waited_output(s) > ATTACH_OUTPUT_HIGH_WATER) {
      pause_output(s);
      return;
    }
  }
}

void shim_release_output(struct shim *s) {
  if (!s->output_held) return;
  s->output_held = false;
  watch_output(s, true);
}

static long ms_until(const struct timespec *deadline) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
  return ms < 0 ? 0 : ms;
}

int shim_run(struct shim *s) {
  if (shim_watch(s, EPOLL_CTL_ADD, s->signal_fd, EPOLLIN, &signal_watch) < 0) return -1;
  s->output_held = s->opts->hold_output && s->client_count == 0;
  if (!s->output_held)
    for (int i = 0; i < 2; i++)
      if (s->out_fd[i] >= 0 && shim_watch(s, EPOLL_CTL_ADD, s->out_fd[i], EPOLLIN, &output_watch[i]) < 0) return -1;
  reap(s);
  shim_idle_scratch(read_buf, sizeof read_buf);
  json_log_idle_scratch();

  bool trimmed = false;
  struct timespec deadline = {0, 0};
  struct epoll_event events[16];
  for (;;) {
    int timeout = -1;
    if (s->output_paused && s->exited && !s->opts->exec_mode) {
      /* The container is gone and an interactive client lags: wait for it at most SHIM_DRAIN_MS
       * (dockerd, too, waits for attached streams only briefly after the exit), then wait for no
       * one, so the rest of the output still reaches the log and the exit gets recorded. */
      if (deadline.tv_sec == 0) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += SHIM_DRAIN_MS / 1000;
      }
      timeout = (int)ms_until(&deadline);
      if (timeout == 0) {
        shim_diag("an interactive client still lags %d ms after the exit; no longer waiting for it", SHIM_DRAIN_MS);
        s->waits_released = true;
        deadline.tv_sec = 0;
        resume_output_if_drained(s);
        continue;
      }
    } else if (s->output_paused) {
      /* A client is taking queued output, however slowly: the drain clock starts after it. */
      deadline.tv_sec = 0;
    } else if (s->exited) {
      if (s->out_fd[0] < 0 && s->out_fd[1] < 0 && attach_pending_output(s) == 0) return 0;
      if (deadline.tv_sec == 0) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += SHIM_DRAIN_MS / 1000;
      }
      timeout = (int)ms_until(&deadline);
      if (timeout == 0) {
        shim_diag("gave up draining output %d ms after the exit (a process still holds the container's stdio?)", SHIM_DRAIN_MS);
        return 0;
      }
    }
    int n;
    if (timeout < 0 && !trimmed) {
      n = epoll_wait(s->epfd, events, 16, SHIM_IDLE_TRIM_MS);
      if (n == 0) {
        trimmed = true;
        n = shim_idle_wait(s->epfd, events, 16);
      }
    } else {
      n = epoll_wait(s->epfd, events, 16, timeout);
    }
    if (n > 0) trimmed = false;
    if (n < 0) {
      if (errno == EINTR) continue;
      shim_diag("epoll_wait: %s", strerror(errno));
      return -1;
    }
    for (int e = 0; e < n; e++) {
      struct watch *w = events[e].data.ptr;
      switch (w->kind) {
      case WATCH_SIGNAL: on_signal(s); break;
      case WATCH_STDOUT: on_output(s, 0); break;
      case WATCH_STDERR: on_output(s, 1); break;
      case WATCH_STDIN: stdin_sink_writable(s, events[e].events); break;
      case WATCH_LISTEN: attach_accept(s); break;
      case WATCH_CLIENT: attach_client_event(s, w, events[e].events); break;
      }
    }
    attach_free_dropped(s);
    resume_output_if_drained(s);
  }
}
