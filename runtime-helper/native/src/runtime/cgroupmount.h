/* The config's "cgroup" mount: the container sees only its own cgroup directories, read-only.
 * v1/hybrid: a tmpfs with one bind per hierarchy (as runc does); v2: a cgroup2 mount inside a
 * cgroup namespace, else a bind of the container's directory. */
#ifndef BERTH_RUNTIME_CGROUPMOUNT_H
#define BERTH_RUNTIME_CGROUPMOUNT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "runtime/spec.h"

#define CGMOUNT_MAX 24

struct cgmount_hierarchy {
  char name[64];           /* where it goes under the mount: "memory", "unified", "" for pure v2 */
  char source[PATH_MAX];   /* the host directory of the container's cgroup in it */
  bool v2;
};

struct cgmount_info {
  struct cgmount_hierarchy h[CGMOUNT_MAX];
  size_t n;
};

/* Reads /proc/self/cgroup and /proc/self/mountinfo; call after the cgroup placement and before
 * the cgroup namespace is created (which hides the real paths). */
int cgmount_collect(struct cgmount_info *info, berth_error_t *err);

/* Mounts it at m->destination (already resolved to destfd) under rootfd. */
int cgmount_mount(int rootfd, int destfd, const struct mount_spec *m, const struct cgmount_info *info,
                  bool cgroupns, berth_error_t *err);

#endif
