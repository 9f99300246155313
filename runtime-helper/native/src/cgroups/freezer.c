/* Pause and resume. v1: freezer.state goes FREEZING -> FROZEN; v2: cgroup.freeze, and
 * cgroup.events says "frozen 1" once every task stopped. Both are waited for. */
#include <errno.h>
#include <string.h>

#include "cgroups/internal.h"

enum { FREEZE_TRIES = 1000, FREEZE_SLEEP_MS = 5 }; /* about 5 s */

int cg_freezer_dir(const struct cgroup_fs *fs, const char *path, char out[PATH_MAX], bool *v2,
                   berth_error_t *err) {
  *v2 = false;
  if (cg_check_path(path, err) < 0) return -1;
  if (fs->mode != CGROUP_MODE_V2) {
    int found = cg_v1_dir(fs, CG_FREEZER, path, out, err);
    if (found != 0) return found < 0 ? -1 : 0;
  }
  char v2root[PATH_MAX];
  if (!cg_v2_root(fs, v2root))
    return berth_error_set(err, 0, "pause needs the cgroup controller 'freezer', which is not mounted under '%s'",
                           fs->root);
  *v2 = true;
  return cg_join(out, v2root, path, err);
}

static int read_state(const struct cgroup_fs *fs, const char *dir, bool v2, bool *frozen,
                      bool *settled, berth_error_t *err) {
  if (v2) {
    uint64_t v;
    bool found;
    if (cg_read_keyed(dir, "cgroup.events", "frozen", &v, &found, err) < 0) return -1;
    if (!found) { /* fake trees have no cgroup.events: the written value is the state */
      char buf[16];
      if (!fs->fake) return berth_error_set(err, ENOENT, "read '%s/cgroup.events': no 'frozen' key", dir);
      if (cg_read(dir, "cgroup.freeze", buf, sizeof buf, err) < 0) return -1;
      v = buf[0] == '1';
    }
    *frozen = v == 1;
    *settled = true;
    return 0;
  }
  char buf[32];
  if (cg_read(dir, "freezer.state", buf, sizeof buf, err) < 0) return -1;
  *frozen = strncmp(buf, "FROZEN", 6) == 0;
  *settled = strncmp(buf, "FREEZING", 8) != 0;
  return 0;
}

int cgroup_set_frozen(const struct cgroup_fs *fs, const char *path, bool frozen, berth_error_t *err) {
  char dir[PATH_MAX];
  bool v2;
  if (cg_freezer_dir(fs, path, dir, &v2, err) < 0) return -1;
  const char *file = v2 ? "cgroup.freeze" : "freezer.state";
  const char *value = v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");
  for (int i = 0; i < FREEZE_TRIES; i++) {
    /* v1 may stay in FREEZING when a task is in an uninterruptible sleep; writing again
     * retries the freeze, as runc does. */
    if ((i == 0 || (!v2 && i % 20 == 0)) && cg_write(fs, dir, file, value, err) < 0) return -1;
    bool now, settled;
    if (read_state(fs, dir, v2, &now, &settled, err) < 0) return -1;
    if (settled && now == frozen) return 0;
    cg_sleep_ms(FREEZE_SLEEP_MS);
  }
  if (frozen) { /* do not leave it half frozen */
    berth_error_t ignored;
    cg_write(fs, dir, file, v2 ? "0" : "THAWED", &ignored);
  }
  return berth_error_set(err, ETIMEDOUT, "%s '%s/%s'", frozen ? "freeze" : "thaw", dir, file);
}

int cgroup_is_frozen(const struct cgroup_fs *fs, const char *path, bool *frozen, berth_error_t *err) {
  char dir[PATH_MAX];
  bool v2, settled;
  *frozen = false;
  if (cg_freezer_dir(fs, path, dir, &v2, err) < 0) return -1;
  return read_state(fs, dir, v2, frozen, &settled, err);
}
