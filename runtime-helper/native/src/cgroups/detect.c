/* Which layout the cgroupfs root has, and where each hierarchy lives in it. */
#include <dirent.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "cgroups/internal.h"

const char *const cg_v1_names[CG_V1_COUNT] = {
    [CG_CPU] = "cpu",         [CG_CPUACCT] = "cpuacct", [CG_CPUSET] = "cpuset",
    [CG_MEMORY] = "memory",   [CG_PIDS] = "pids",       [CG_BLKIO] = "blkio",
    [CG_DEVICES] = "devices", [CG_FREEZER] = "freezer", [CG_HUGETLB] = "hugetlb",
    [CG_SYSTEMD] = "name=systemd",
};

static bool fs_type_is(const char *path, long magic) {
  struct statfs st;
  return statfs(path, &st) == 0 && (long)st.f_type == magic;
}

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A real v1 layout has at least one cgroup (v1) mount below the root. */
static bool has_v1_mount(const char *root) {
  DIR *d = opendir(root);
  if (d == NULL) return false;
  bool found = false;
  struct dirent *e;
  while (!found && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", root, e->d_name) >= (int)sizeof path) continue;
    found = fs_type_is(path, CGROUP_SUPER_MAGIC);
  }
  closedir(d);
  return found;
}

static bool has_controller_dir(const char *root) {
  for (int c = 0; c < CG_V1_COUNT; c++) {
    char path[PATH_MAX];
    const char *name = c == CG_SYSTEMD ? "systemd" : cg_v1_names[c];
    if (snprintf(path, sizeof path, "%s/%s", root, name) < (int)sizeof path && is_dir(path))
      return true;
  }
  return false;
}

int cgroup_detect(struct cgroup_fs *fs, const char *root, berth_error_t *err) {
  memset(fs, 0, sizeof *fs);
  if (root == NULL) root = "/sys/fs/cgroup";
  int n = snprintf(fs->root, sizeof fs->root, "%s", root);
  if (n < 0 || (size_t)n >= sizeof fs->root)
    return berth_error_set(err, ENAMETOOLONG, "cgroup root '%s'", root);
  while (n > 1 && fs->root[n - 1] == '/') fs->root[--n] = '\0';

  struct statfs st;
  if (statfs(fs->root, &st) < 0) return berth_error_errno(err, "statfs '%s'", fs->root);
  if ((long)st.f_type == CGROUP2_SUPER_MAGIC) {
    fs->mode = CGROUP_MODE_V2;
    return 0;
  }
  char unified[PATH_MAX];
  if (cg_join(unified, fs->root, "unified", err) < 0) return -1;
  if (fs_type_is(unified, CGROUP2_SUPER_MAGIC)) {
    fs->mode = CGROUP_MODE_HYBRID;
    return 0;
  }
  if (has_v1_mount(fs->root)) {
    fs->mode = CGROUP_MODE_V1;
    return 0;
  }
  /* Nothing mounted: a fake tree for tests, read from its shape. */
  fs->fake = true;
  bool controllers = has_controller_dir(fs->root);
  if (cg_exists(fs->root, "cgroup.controllers") && !controllers)
    fs->mode = CGROUP_MODE_V2;
  else if (controllers && is_dir(unified))
    fs->mode = CGROUP_MODE_HYBRID;
  else if (controllers)
    fs->mode = CGROUP_MODE_V1;
  else
    return berth_error_set(err, 0, "no cgroup hierarchy found under '%s'", fs->root);
  return 0;
}

/* Looks for a directory whose comma-separated name lists the controller ("cpu,cpuacct"). */
static bool find_combined(const char *root, const char *name, char dir[PATH_MAX]) {
  DIR *d = opendir(root);
  if (d == NULL) return false;
  bool found = false;
  size_t len = strlen(name);
  struct dirent *e;
  while (!found && (e = readdir(d)) != NULL) {
    if (strchr(e->d_name, ',') == NULL) continue;
    for (const char *p = e->d_name; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
      if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0')) {
        found = snprintf(dir, PATH_MAX, "%s/%s", root, e->d_name) < PATH_MAX && is_dir(dir);
        break;
      }
    }
  }
  closedir(d);
  return found;
}

int cg_v1_hierarchy(const struct cgroup_fs *fs, enum cg_v1_controller c, char dir[PATH_MAX]) {
  if (fs->mode == CGROUP_MODE_V2) return 0;
  const char *name = c == CG_SYSTEMD ? "systemd" : cg_v1_names[c];
  bool found = snprintf(dir, PATH_MAX, "%s/%s", fs->root, name) < PATH_MAX && is_dir(dir);
  if (!found) found = find_combined(fs->root, name, dir);
  /* An empty directory on the tmpfs is not a mount (hugetlb may live on the cgroup2 side). */
  if (found && !fs->fake && !fs_type_is(dir, CGROUP_SUPER_MAGIC)) found = false;
  return found ? 1 : 0;
}

int cg_v1_dir(const struct cgroup_fs *fs, enum cg_v1_controller c, const char *path,
              char out[PATH_MAX], berth_error_t *err) {
  char base[PATH_MAX];
  if (!cg_v1_hierarchy(fs, c, base)) return 0;
  return cg_join(out, base, path, err) < 0 ? -1 : 1;
}

int cg_v1_need(const struct cgroup_fs *fs, enum cg_v1_controller c, const char *path,
               const char *why, char out[PATH_MAX], berth_error_t *err) {
  int found = cg_v1_dir(fs, c, path, out, err);
  if (found == 0)
    return berth_error_set(err, 0, "%s needs the cgroup controller '%s', which is not mounted under '%s'",
                           why, cg_v1_names[c], fs->root);
  return found < 0 ? -1 : 0;
}

int cg_v2_root(const struct cgroup_fs *fs, char out[PATH_MAX]) {
  if (fs->mode == CGROUP_MODE_V1) return 0;
  int n = fs->mode == CGROUP_MODE_V2 ? snprintf(out, PATH_MAX, "%s", fs->root)
                                     : snprintf(out, PATH_MAX, "%s/unified", fs->root);
  return n > 0 && n < PATH_MAX ? 1 : 0;
}
