/* Resolving a path inside a container's root without ever leaving it. Symlinks are followed as
 * the container would see them (absolute ones restart at the root), one component at a time with
 * O_NOFOLLOW, so an image cannot redirect a mount or a device onto the host. A ".." or symlink
 * that would climb above the root is an escape attempt and an error, not silently clamped. */
#ifndef BERTH_RUNTIME_PATHRES_H
#define BERTH_RUNTIME_PATHRES_H

#include <stdbool.h>

#include "common/error.h"

enum {
  RES_CREATE_DIR = 1,  /* create missing components as directories (all, including the last) */
  RES_CREATE_FILE = 2, /* create missing parents as directories and the last as an empty file */
};

/* Opens path (absolute or relative, taken relative to rootfd) as an O_PATH fd in *out. */
int path_resolve_in_root(int rootfd, const char *path, int flags, int *out, berth_error_t *err);

/* "/proc/self/fd/N": mount(2) and friends follow this magic link to the fd's file. */
void path_fd_link(int fd, char *buf, unsigned long len);

#endif
