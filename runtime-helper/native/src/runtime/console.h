/* Terminals with runc's --console-socket convention: the pty is opened inside the container's
 * own devpts, and its master is sent to the socket with SCM_RIGHTS. */
#ifndef BERTH_RUNTIME_CONSOLE_H
#define BERTH_RUNTIME_CONSOLE_H

#include <sys/types.h>

#include "common/error.h"

/* Connects to the console socket path; a path that is not a socket is an error. */
int console_connect(const char *path, int *fd, berth_error_t *err);

/* In the container (after the pivot, or after joining its mount namespace): opens
 * /dev/pts/ptmx, sizes the pty, chowns the slave to uid:gid, sends the master over sock, makes
 * the slave our controlling terminal and stdio. With bind_console, also binds the slave over
 * /dev/console. Closes sock. */
int console_setup(int sock, unsigned short rows, unsigned short cols, uid_t uid, gid_t gid, int bind_console,
                  berth_error_t *err);

#endif
