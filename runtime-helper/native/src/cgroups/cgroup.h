/* One interface over cgroup v1, v2 and hybrid layouts. Every function takes the cgroupfs root it
 * works under, so unit tests point it at a fake tree in a temp dir and check what was written.
 *
 * Paths: `path` is the container's cgroup path as in the OCI config (linux.cgroupsPath), always
 * relative to each hierarchy's root, e.g. "/berth/<id>". The runtime picks "/berth/<id>" when the
 * config has none. Controllers that are missing are skipped unless the config asks for a limit
 * that needs them, which is an error naming the controller. */
#ifndef BERTH_CGROUPS_CGROUP_H
#define BERTH_CGROUPS_CGROUP_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

typedef enum {
  CGROUP_MODE_V1,     /* a tmpfs of per-controller cgroup (v1) mounts */
  CGROUP_MODE_HYBRID, /* v1 controllers plus a cgroup2 mount at <root>/unified: v1 is used; the
                       * cgroup is also made on the cgroup2 side (events, PSI, a cgroup2-only
                       * hugetlb) when that side can be written */
  CGROUP_MODE_V2,     /* <root> is itself a cgroup2 mount */
} cgroup_mode_t;

struct cgroup_fs {
  char root[PATH_MAX]; /* "/sys/fs/cgroup", or a fake tree in tests */
  cgroup_mode_t mode;
  bool fake; /* root is plain directories (tests): writes create files, nothing is attached */
};

/* Detects the layout under root (NULL means /sys/fs/cgroup). For a non-mounted fake tree the mode
 * is read from the tree's shape: a cgroup.controllers file at the root means v2, a `unified`
 * directory beside controller directories means hybrid, else v1. */
int cgroup_detect(struct cgroup_fs *fs, const char *root, berth_error_t *err);

/* Creates the cgroup in every hierarchy that has a controller we use, and moves pid into it
 * (pid <= 0: only create, so resources can be applied before the process joins). */
int cgroup_create(const struct cgroup_fs *fs, const char *path, pid_t pid, berth_error_t *err);

/* Starts the kernel's slow first step of a cgroup move (see prime.c) in a short-lived child, to
 * overlap it with other work before cgroup_create/cgroup_enter. Returns the child's pid for
 * cgroup_prime_reap, or -1 (nothing started: only an optimization, never an error). */
pid_t cgroup_prime_attach(const struct cgroup_fs *fs);
void cgroup_prime_reap(pid_t pid);
/* Opens the container's cgroup2 directory (v2, or the hybrid cgroup2 side) for clone3's
 * CLONE_INTO_CGROUP. *fd = -1 when there is none (v1, a fake tree, a hybrid side not made). */
int cgroup_open_v2_dir(const struct cgroup_fs *fs, const char *path, int *fd, berth_error_t *err);
/* Moves the calling single-threaded process into an existing cgroup without the grace-period
 * wait of cgroup_enter (see self.c): v1 through `tasks`; the cgroup2 side only when !v2_joined
 * (then the slow way), v2_joined meaning it was born there with CLONE_INTO_CGROUP. */
int cgroup_enter_self(const struct cgroup_fs *fs, const char *path, bool v2_joined, berth_error_t *err);
/* Moves pid into an existing cgroup (exec joins the container's cgroup this way). */
int cgroup_enter(const struct cgroup_fs *fs, const char *path, pid_t pid, berth_error_t *err);

/* Writes linux.resources (an OCI LinuxResources JSON object; NULL is a no-op) to the cgroup.
 * Used at create and by `update` on a running container. The JSON is validated before any file
 * is written. Devices: v1 writes devices.deny/allow in order; v2 attaches an eBPF filter. Both
 * append crun's default rules (null, zero, full, tty, random, urandom, console, ptmx, pts, tun,
 * and mknod of any node). */
int cgroup_apply_resources(const struct cgroup_fs *fs, const char *path, json_t *resources,
                           berth_error_t *err);

/* Freezes (pause) or thaws (resume) every process in the cgroup, waiting until the kernel says
 * the state was reached. */
int cgroup_set_frozen(const struct cgroup_fs *fs, const char *path, bool frozen, berth_error_t *err);

/* Reads whether the cgroup is frozen. */
int cgroup_is_frozen(const struct cgroup_fs *fs, const char *path, bool *frozen, berth_error_t *err);

/* Lists the pids in the cgroup (including descendants). *pids is malloc'ed; the caller frees. */
int cgroup_list_pids(const struct cgroup_fs *fs, const char *path, pid_t **pids, size_t *count,
                     berth_error_t *err);

/* Sends sig to every process of the cgroup and its descendants without racing their forks:
 * SIGKILL on v2 writes cgroup.kill (Linux 5.14+); otherwise, and where cgroup.kill is missing,
 * the cgroup is frozen while its pids are signalled, then thawed (left paused if it was paused,
 * unless sig is SIGKILL). */
int cgroup_kill(const struct cgroup_fs *fs, const char *path, int sig, berth_error_t *err);

/* Reads how many times the OOM killer killed a process in this cgroup (v1: oom_kill in
 * memory.oom_control; v2: oom_kill in memory.events). 0 when unknown. */
int cgroup_oom_kill_count(const struct cgroup_fs *fs, const char *path, uint64_t *count,
                          berth_error_t *err);

/* Removes the cgroup (and any child cgroups) from every hierarchy, retrying briefly while the
 * kernel still reports it busy; a cgroup that is already gone is not an error. Its ancestors are
 * left as they are, empty or not (as runc and crun do): a parent may be another tool's, or the
 * user's with limits of its own, and a shared one ("/berth") is reused by the next container. */
int cgroup_destroy(const struct cgroup_fs *fs, const char *path, berth_error_t *err);

/* Pure conversions shared with tests (crun's formulas). shares 0 means unset and gives 0. */
uint64_t cgroup_shares_to_weight(uint64_t shares);      /* 1024 -> 100, 2 -> 1, 262144 -> 10000 */
uint64_t cgroup_blkio_weight_to_io_weight(uint64_t w);  /* 1 + (w - 10) * 9999 / 990 */

#endif
