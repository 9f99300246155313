/* Removing cgroup directories: children first, retrying while the kernel still counts exiting
 * tasks (EBUSY). Only the container's own cgroup goes; its ancestors stay (see cgroup_destroy). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"

enum { RMDIR_TRIES = 100, RMDIR_SLEEP_MS = 20 }; /* about 2 s before giving up */

/* Fake trees hold regular files, which must go before rmdir can work. */
static int unlink_files(const char *dir, berth_error_t *err) {
  DIR *d = opendir(dir);
  if (d == NULL) return errno == ENOENT ? 0 : berth_error_errno(err, "opendir '%s'", dir);
  struct dirent *e;
  int rc = 0;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (e->d_type == DT_DIR) continue;
    if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT)
      rc = berth_error_errno(err, "unlink '%s/%s'", dir, e->d_name);
  }
  closedir(d);
  return rc;
}

int cg_rmdir_tree(const struct cgroup_fs *fs, const char *dir, berth_error_t *err) {
  DIR *d = opendir(dir);
  if (d == NULL) return errno == ENOENT ? 0 : berth_error_errno(err, "opendir '%s'", dir);
  struct dirent *e;
  int rc = 0;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char child[PATH_MAX];
    rc = cg_join(child, dir, e->d_name, err);
    if (rc == 0) rc = cg_rmdir_tree(fs, child, err);
  }
  closedir(d);
  if (rc < 0) return -1;
  if (fs->fake && unlink_files(dir, err) < 0) return -1;
  for (int i = 0;; i++) {
    if (rmdir(dir) == 0 || errno == ENOENT) return 0;
    if (errno != EBUSY || i == RMDIR_TRIES) return berth_error_errno(err, "rmdir '%s'", dir);
    cg_sleep_ms(RMDIR_SLEEP_MS);
  }
}
