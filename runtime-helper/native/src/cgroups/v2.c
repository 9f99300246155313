/* cgroup v2: one tree. Controllers reach a cgroup only when every ancestor lists them in its
 * cgroup.subtree_control, so create switches on the ones we use on the way down. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroups/internal.h"

/* Whether name is on in a list like "cpu memory" or the fake tree's "+cpu\n-cpu\n" log. */
static bool list_has(const char *list, const char *name) {
  bool on = false;
  size_t len = strlen(name);
  const char *p = list;
  while (*p) {
    p += strspn(p, " \t\n");
    size_t tok = strcspn(p, " \t\n");
    if (tok == 0) break;
    bool plus = p[0] != '-';
    const char *word = (p[0] == '+' || p[0] == '-') ? p + 1 : p;
    size_t wlen = tok - (size_t)(word - p);
    if (wlen == len && strncmp(word, name, len) == 0) on = plus;
    p += tok;
  }
  return on;
}

bool cg_v2_has_controller(const char *dir, const char *name) {
  char buf[1024];
  berth_error_t ignored;
  return cg_read(dir, "cgroup.controllers", buf, sizeof buf, &ignored) >= 0 && list_has(buf, name);
}

/* A fake tree has no kernel to fill a child's cgroup.controllers; do what the kernel would. */
static int fake_controllers(const struct cgroup_fs *fs, const char *parent, const char *dir,
                            berth_error_t *err) {
  static const char *const all[] = {"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"};
  char enabled[1024], out[256] = "";
  berth_error_t ignored;
  if (cg_read(parent, "cgroup.subtree_control", enabled, sizeof enabled, &ignored) < 0)
    enabled[0] = '\0';
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    if (!list_has(enabled, all[i]) || !cg_v2_has_controller(parent, all[i])) continue;
    strcat(out, out[0] ? " " : "");
    strcat(out, all[i]);
  }
  return cg_write(fs, dir, "cgroup.controllers", out, err);
}

/* Switches on each wanted controller the parent offers. A controller the kernel refuses is left
 * off: a limit that needs it then fails naming it, and a container without limits still runs. */
static int enable_in(const struct cgroup_fs *fs, const char *dir, const char *const *enable,
                     berth_error_t *err) {
  char enabled[1024];
  if (cg_read(dir, "cgroup.subtree_control", enabled, sizeof enabled, err) < 0) {
    if (!(fs->fake && err->errno_value == ENOENT)) return -1;
    enabled[0] = '\0';
  }
  for (const char *const *c = enable; *c; c++) {
    if (list_has(enabled, *c) || !cg_v2_has_controller(dir, *c)) continue;
    berth_error_t ignored;
    cg_writef(fs, dir, "cgroup.subtree_control", &ignored, "+%s", *c);
  }
  return 0;
}

static int walk(const struct cgroup_fs *fs, const char *v2root, const char *path,
                const char *const *enable, bool create, berth_error_t *err) {
  char dir[PATH_MAX], parent[PATH_MAX];
  if (cg_join(dir, v2root, path, err) < 0) return -1;
  size_t start = strlen(v2root), len = strlen(dir);
  memcpy(parent, v2root, start + 1);
  for (size_t i = start + 1; i <= len; i++) {
    if (dir[i] != '/' && dir[i] != '\0') continue;
    char saved = dir[i];
    dir[i] = '\0';
    int rc = enable ? enable_in(fs, parent, enable, err) : 0;
    if (rc == 0 && create) rc = cg_mkdir(dir, err);
    if (rc == 0 && fs->fake) rc = fake_controllers(fs, parent, dir, err);
    memcpy(parent, dir, i + 1);
    dir[i] = saved;
    if (rc < 0) return -1;
  }
  return 0;
}

int cg_v2_create(const struct cgroup_fs *fs, const char *v2root, const char *path,
                 const char *const *enable, berth_error_t *err) {
  /* A shared parent removed mid-way by someone else (an older berth-runtime's destroy did):
   * start again from the top. */
  for (int tries = 0;; tries++) {
    if (walk(fs, v2root, path, enable, true, err) == 0) return 0;
    if ((err->errno_value != ENOENT && err->errno_value != ENODEV) || tries == 10) return -1;
  }
}

int cg_v2_enable(const struct cgroup_fs *fs, const char *v2root, const char *path,
                 const char *const *enable, berth_error_t *err) {
  return walk(fs, v2root, path, enable, false, err);
}

int cg_v2_enter(const struct cgroup_fs *fs, const char *v2root, const char *path, pid_t pid,
                berth_error_t *err) {
  char dir[PATH_MAX];
  if (cg_join(dir, v2root, path, err) < 0) return -1;
  return cg_writef(fs, dir, "cgroup.procs", err, "%d", (int)pid);
}

int cg_v2_destroy(const struct cgroup_fs *fs, const char *v2root, const char *path,
                  berth_error_t *err) {
  char dir[PATH_MAX];
  if (cg_join(dir, v2root, path, err) < 0) return -1;
  return cg_rmdir_tree(fs, dir, err);
}
