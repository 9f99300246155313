/* Joining a cgroup without the kernel's grace-period wait. Moving a process through cgroup.procs
 * takes a global lock whose first writer after a quiet spell waits for an RCU grace period
 * (5-15 ms here, with the cgroup mutex held); a thread moving *itself* through v1's `tasks`
 * ("0") skips that lock, and a child cloned with CLONE_INTO_CGROUP is born in its cgroup2
 * cgroup without it. A single-threaded process moving its only thread moves entirely. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cgroups/internal.h"

int cgroup_open_v2_dir(const struct cgroup_fs *fs, const char *path, int *fd, berth_error_t *err) {
  *fd = -1;
  if (cg_check_path(path, err) < 0) return -1;
  char v2root[PATH_MAX], dir[PATH_MAX];
  if (fs->fake || !cg_v2_root(fs, v2root)) return 0;
  if (cg_join(dir, v2root, path, err) < 0) return -1;
  *fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd >= 0) return 0;
  /* hybrid: the optional cgroup2 side may not have been made */
  if (fs->mode == CGROUP_MODE_HYBRID && errno == ENOENT) return 0;
  return berth_error_errno(err, "open cgroup '%s'", dir);
}

int cgroup_enter_self(const struct cgroup_fs *fs, const char *path, bool v2_joined, berth_error_t *err) {
  if (cg_check_path(path, err) < 0) return -1;
  if (fs->mode != CGROUP_MODE_V2) {
    for (int c = 0; c < CG_V1_COUNT; c++) {
      char dir[PATH_MAX];
      int r = cg_v1_dir(fs, (enum cg_v1_controller)c, path, dir, err);
      if (r < 0) return -1;
      /* "0" is the writer; hierarchies shared by several controllers are simply written again */
      if (r > 0 && cg_write(fs, dir, "tasks", "0", err) < 0) return -1;
    }
  }
  if (v2_joined) return 0;
  /* no CLONE_INTO_CGROUP: the cgroup2 side the slow way */
  char v2root[PATH_MAX], dir[PATH_MAX];
  if (!cg_v2_root(fs, v2root)) return 0;
  if (fs->mode == CGROUP_MODE_HYBRID && (cg_join(dir, v2root, path, err) < 0 || access(dir, F_OK) < 0)) return 0;
  if (cg_v2_enter(fs, v2root, path, 0, err) < 0 &&
      !(fs->mode == CGROUP_MODE_HYBRID &&
        (err->errno_value == EROFS || err->errno_value == EACCES || err->errno_value == EPERM)))
    return -1;
  return 0;
}
