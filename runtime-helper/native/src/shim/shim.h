/* The running shim's state, shared by the event loop, the attach server and the stdin sink.
 * One instance, static, so an idle shim owns no heap. */
#ifndef BERTH_SHIM_SHIM_H
#define BERTH_SHIM_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shim/json_log.h"
#include "shim/options.h"

/* What an epoll event points at. */
enum watch_kind { WATCH_SIGNAL, WATCH_STDOUT, WATCH_STDERR, WATCH_STDIN, WATCH_LISTEN, WATCH_CLIENT };
struct watch {
  enum watch_kind kind;
};

#define STDIN_BUFFER_SIZE 65536

struct attach_client;

struct shim {
  const struct shim_options *opts;
  int epfd;
  int signal_fd;
  pid_t container_pid;
  bool exited;
  int wait_status;
  struct timespec finished_at;

  /* Output: the pty master, or the read ends of the stdout/stderr pipes; -1 once at EOF. */
  int out_fd[2];
  /* --hold-output: out_fd are not in the epoll set yet (no attach client came so far). */
  bool output_held;
  /* out_fd are out of the epoll set while a waited-for client (interactive, or any in exec mode)
   * has too much output queued. */
  bool output_paused;
  /* The process exited and interactive clients lagged for SHIM_DRAIN_MS since: nobody is waited
   * for any more (the rest goes to the log; laggards are dropped like read-only clients). */
  bool waits_released;
  /* Input: the stdin pipe's write end, or a dup of the pty master; -1 when there is none. */
  int in_fd;
  bool in_watched;      /* in_fd is in the epoll set (waiting for EPOLLOUT) */
  bool stdin_closing;   /* close in_fd once the buffer is written */
  size_t stdin_len;
  uint8_t stdin_buf[STDIN_BUFFER_SIZE];

  int listen_fd;
  bool listen_paused; /* out of fds: listen_fd is out of the epoll set until a client leaves */
  struct attach_client *clients;
  struct attach_client *dropped_clients; /* freed after each epoll batch */
  size_t client_count;
  bool clients_paused; /* some client waits for room in stdin_buf */

  struct json_log log;
};

/* Adds, changes or removes an fd in the epoll set; failures are logged (never fatal for one
 * client). Return 0 or -1. */
int shim_watch(struct shim *s, int op, int fd, uint32_t events, struct watch *w);

#endif
