/* The container's filesystem: rootfs bind, config mounts (every destination resolved inside the
 * rootfs), the root switch, masked and read-only paths. */
#ifndef BERTH_RUNTIME_MOUNTS_H
#define BERTH_RUNTIME_MOUNTS_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/cgroupmount.h"
#include "runtime/spec.h"

/* Sets the propagation of "/" (rootfsPropagation, default rslave) so nothing leaks to the host,
 * and binds the rootfs onto itself; *rootfd is an O_PATH fd of that bind. */
int mounts_prepare_root(const struct container_spec *spec, int *rootfd, berth_error_t *err);

/* Mounts spec->mounts in order under rootfd. */
int mounts_apply(int rootfd, const struct container_spec *spec, const struct cgmount_info *cg, bool cgroupns,
                 bool userns, berth_error_t *err);

/* pivot_root(".", ".") and a detached unmount of the old root (or MS_MOVE + chroot). */
int mounts_pivot(const char *rootfs, bool no_pivot, berth_error_t *err);

/* After the pivot: rootfs propagation, maskedPaths, readonlyPaths, root.readonly. */
int mounts_finish(const struct container_spec *spec, berth_error_t *err);

#endif
