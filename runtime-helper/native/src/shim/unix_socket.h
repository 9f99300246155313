/* Listening unix stream sockets for the console and attach ends. */
#ifndef BERTH_SHIM_UNIX_SOCKET_H
#define BERTH_SHIM_UNIX_SOCKET_H

#include "common/error.h"

/* Non-blocking, close-on-exec, mode 0600; a stale file at path is removed first. `what` names
 * the socket in errors. A path longer than sun_path (107 bytes) is an error. */
int unix_socket_listen(const char *path, int backlog, const char *what, berth_error_t *err)
    __attribute__((nonnull(1, 3)));

#endif
