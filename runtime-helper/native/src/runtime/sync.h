/* The create handshake between the runtime and the container's init over a SOCK_SEQPACKET
 * socketpair: each message is one record, and EOF means the other side died. */
#ifndef BERTH_RUNTIME_SYNC_H
#define BERTH_RUNTIME_SYNC_H

#include "common/error.h"

enum sync_type {
  SYNC_GO = 1,     /* runtime -> child: maps written, rlimits set / cgroup placed: continue */
  SYNC_PID,        /* intermediate child -> runtime: value = host pid of the init it forked */
  SYNC_HOOKS,      /* init -> runtime: rootfs mounted, run prestart and createRuntime hooks */
  SYNC_HOOKS_DONE, /* runtime -> init */
  SYNC_READY,      /* init -> runtime: set up; now waiting on exec.fifo */
  SYNC_ERROR,      /* child -> runtime: message holds the error */
};

struct sync_msg {
  int type;
  int value;
  int errno_value;
  char message[1024];
};

int sync_send(int fd, int type, int value, berth_error_t *err);
/* Sends err as SYNC_ERROR (best effort: the child is about to exit anyway). */
void sync_send_error(int fd, const berth_error_t *e);
/* Receives one message; a SYNC_ERROR from the child becomes *err and -1. */
int sync_recv(int fd, struct sync_msg *m, const char *who, berth_error_t *err);
/* Receives and requires a message of the given type. */
int sync_expect(int fd, int type, const char *who, struct sync_msg *m, berth_error_t *err);

#endif
