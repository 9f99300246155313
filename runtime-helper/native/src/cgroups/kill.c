/* Signalling every process of a cgroup without racing its forks. A pid list read and then
 * signalled one by one misses the children forked in between, so a fork loop survives it.
 * v2 with SIGKILL: one write of "1" to cgroup.kill (Linux 5.14+), which kills the whole subtree
 * and fails forks into it while it runs. Otherwise (v1, hybrid, another signal, an older kernel)
 * the cgroup is frozen first, so nothing forks while its pids are listed and signalled, and
 * thawed after: a frozen v1 task acts on no signal, SIGKILL included, until it is thawed. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "cgroups/internal.h"

/* 1 done, 0 not possible here (no cgroup.kill: fall back), -1 error. */
static int write_cgroup_kill(const struct cgroup_fs *fs, const char *path, berth_error_t *err) {
  if (fs->mode != CGROUP_MODE_V2) return 0;
  char dir[PATH_MAX];
  if (cg_join(dir, fs->root, path, err) < 0) return -1;
  /* A fake tree says whether the kernel has it by having the file. */
  if (fs->fake && !cg_exists(dir, "cgroup.kill")) return 0;
  if (cg_write(fs, dir, "cgroup.kill", "1", err) == 0) return 1;
  /* ENOENT: a kernel before 5.14 (or the cgroup is gone, which the pid list then reports). */
  return err->errno_value == ENOENT ? 0 : -1;
}

static int signal_listed(const struct cgroup_fs *fs, const char *path, int sig, berth_error_t *err) {
  pid_t *pids = NULL;
  size_t n = 0;
  if (cgroup_list_pids(fs, path, &pids, &n, err) < 0) return -1;
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    /* ESRCH: exited since the list was read (only possible when the freeze failed). */
    if (kill(pids[i], sig) < 0 && errno != ESRCH && rc == 0)
      rc = berth_error_errno(err, "signal %d to pid %d of cgroup '%s'", sig, (int)pids[i], path);
  }
  free(pids);
  return rc;
}

int cgroup_kill(const struct cgroup_fs *fs, const char *path, int sig, berth_error_t *err) {
  if (cg_check_path(path, err) < 0) return -1;
  if (sig == SIGKILL) {
    int done = write_cgroup_kill(fs, path, err);
    if (done != 0) return done < 0 ? -1 : 0;
  }
  bool was_frozen = false, froze = false;
  berth_error_t freeze_err;
  /* No freezer, or a task stuck in an uninterruptible sleep keeps it FREEZING: signal anyway,
   * as well as a pid list can. */
  if (cgroup_is_frozen(fs, path, &was_frozen, &freeze_err) == 0 && !was_frozen)
    froze = cgroup_set_frozen(fs, path, true, &freeze_err) == 0;
  int rc = signal_listed(fs, path, sig, err);
  /* A paused cgroup stays paused for other signals; a killed one is thawed so it can die. */
  if (froze || (was_frozen && sig == SIGKILL)) {
    berth_error_t thaw_err;
    if (cgroup_set_frozen(fs, path, false, &thaw_err) < 0 && rc == 0) {
      *err = thaw_err;
      rc = -1;
    }
  }
  return rc;
}
