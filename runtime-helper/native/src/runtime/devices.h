/* /dev inside the rootfs: the default nodes, linux.devices, and the standard symlinks. */
#ifndef BERTH_RUNTIME_DEVICES_H
#define BERTH_RUNTIME_DEVICES_H

#include <jansson.h>
#include <stdbool.h>

#include "common/error.h"

/* Creates the devices under rootfd (before the pivot). mknod normally; inside a user namespace,
 * where mknod is not allowed, a bind mount of the host's node. */
int devices_create(int rootfd, json_t *devices, bool in_userns, berth_error_t *err);

/* /dev/fd, stdin, stdout, stderr, ptmx -> pts/ptmx, and the /dev/shm directory. */
int devices_symlinks(int rootfd, berth_error_t *err);

#endif
