/* The --console-socket end: a unix socket the runtime connects to and sends the pty master over
 * (SCM_RIGHTS), the runc convention. */
#ifndef BERTH_SHIM_CONSOLE_H
#define BERTH_SHIM_CONSOLE_H

#include "common/error.h"

/* Binds and listens on path (removing a stale socket first). Returns the fd or -1. */
int console_listen(const char *path, berth_error_t *err);

/* After the runtime exited: takes its queued connection and the master fd it carried. */
int console_receive_master(int listen_fd, const char *path, int *master, berth_error_t *err);

#endif
