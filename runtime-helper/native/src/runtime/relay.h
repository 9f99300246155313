/* `run` and `exec` with a terminal but no --console-socket (runc's foreground mode): a
 * socketpair stands in for the console socket, the pty master comes back to us, and we relay it
 * to our own stdio until the process exits. */
#ifndef BERTH_RUNTIME_RELAY_H
#define BERTH_RUNTIME_RELAY_H

#include <sys/types.h>

#include "common/error.h"

/* *ours receives the master; *theirs goes where a connected console socket would. */
int relay_socketpair(int *ours, int *theirs, berth_error_t *err);

/* Takes the master if one was sent (it was, before create/exec returned), else *master = -1. */
int relay_take_master(int sock, int *master, berth_error_t *err);

/* Relays stdin -> master and master -> stdout (stdin raw while it is a tty), keeps the pty size
 * in step with ours, forwards signals to pid; returns pid's exit code once it is reaped. */
int relay_until_exit(int master, pid_t pid);

#endif
