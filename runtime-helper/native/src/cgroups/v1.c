/* cgroup v1 (and the v1 side of hybrid): one directory per hierarchy. cpu and cpuacct may be one
 * hierarchy ("cpu,cpuacct") or two; each distinct mount is handled once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroups/internal.h"

struct hierarchies {
  size_t n;
  struct {
    enum cg_v1_controller c;
    char dir[PATH_MAX];
  } h[CG_V1_COUNT];
};

static int list_hierarchies(const struct cgroup_fs *fs, struct hierarchies **out, berth_error_t *err) {
  struct hierarchies *l = calloc(1, sizeof *l);
  if (l == NULL) return berth_error_set(err, ENOMEM, "list cgroup hierarchies");
  dev_t devs[CG_V1_COUNT];
  ino_t inos[CG_V1_COUNT];
  for (int c = 0; c < CG_V1_COUNT; c++) {
    char dir[PATH_MAX];
    struct stat st;
    if (!cg_v1_hierarchy(fs, (enum cg_v1_controller)c, dir) || stat(dir, &st) < 0) continue;
    bool seen = false;
    for (size_t i = 0; i < l->n; i++) seen |= devs[i] == st.st_dev && inos[i] == st.st_ino;
    if (seen) continue;
    devs[l->n] = st.st_dev;
    inos[l->n] = st.st_ino;
    l->h[l->n].c = (enum cg_v1_controller)c;
    memcpy(l->h[l->n].dir, dir, PATH_MAX);
    l->n++;
  }
  *out = l;
  return 0;
}

static bool blank(const char *s) {
  for (; *s; s++)
    if (*s != ' ' && *s != '\n' && *s != '\t') return false;
  return true;
}

/* A new v1 cpuset has empty cpus and mems, and no task can join it until they are set. */
static int cpuset_inherit(const struct cgroup_fs *fs, const char *parent, const char *dir,
                          berth_error_t *err) {
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  for (size_t i = 0; i < 2; i++) {
    char cur[4096], up[4096];
    if (cg_read(dir, files[i], cur, sizeof cur, err) < 0) {
      if (!(fs->fake && err->errno_value == ENOENT)) return -1;
      cur[0] = '\0';
    }
    if (!blank(cur)) continue;
    if (cg_read(parent, files[i], up, sizeof up, err) < 0) return -1;
    up[strcspn(up, "\n")] = '\0';
    if (cg_write(fs, dir, files[i], up, err) < 0) return -1;
  }
  return 0;
}

/* mkdir -p of path below base; for cpuset each level gets its parent's cpus and mems. */
static int make_levels_once(const struct cgroup_fs *fs, const char *base, const char *path, bool cpuset,
                            berth_error_t *err) {
  char dir[PATH_MAX], parent[PATH_MAX];
  if (cg_join(dir, base, path, err) < 0) return -1;
  size_t start = strlen(base);
  memcpy(parent, base, start + 1);
  for (size_t i = start + 1; i <= strlen(dir); i++) {
    if (dir[i] != '/' && dir[i] != '\0') continue;
    char saved = dir[i];
    dir[i] = '\0';
    int rc = cg_mkdir(dir, err);
    if (rc == 0 && cpuset) rc = cpuset_inherit(fs, parent, dir, err);
    memcpy(parent, dir, i + 1);
    dir[i] = saved;
    if (rc < 0) return -1;
  }
  return 0;
}

/* Someone else may remove an empty shared parent ("/berth") between our mkdirs (an older
 * berth-runtime's destroy did, an admin tidying up may): start again from the top. */
static int make_levels(const struct cgroup_fs *fs, const char *base, const char *path, bool cpuset,
                       berth_error_t *err) {
  for (int tries = 0;; tries++) {
    if (make_levels_once(fs, base, path, cpuset, err) == 0) return 0;
    if ((err->errno_value != ENOENT && err->errno_value != ENODEV) || tries == 10) return -1;
  }
}

int cg_v1_create(const struct cgroup_fs *fs, const char *path, berth_error_t *err) {
  struct hierarchies *l;
  if (list_hierarchies(fs, &l, err) < 0) return -1;
  int rc = 0;
  if (l->n == 0) rc = berth_error_set(err, 0, "no cgroup v1 hierarchy mounted under '%s'", fs->root);
  for (size_t i = 0; rc == 0 && i < l->n; i++) {
    /* cpuset may share a mount with others; check the files, not the name. */
    bool cpuset = l->h[i].c == CG_CPUSET || cg_exists(l->h[i].dir, "cpuset.cpus");
    rc = make_levels(fs, l->h[i].dir, path, cpuset, err);
  }
  free(l);
  return rc;
}

int cg_v1_enter(const struct cgroup_fs *fs, const char *path, pid_t pid, berth_error_t *err) {
  struct hierarchies *l;
  if (list_hierarchies(fs, &l, err) < 0) return -1;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < l->n; i++) {
    char dir[PATH_MAX];
    rc = cg_join(dir, l->h[i].dir, path, err);
    if (rc == 0) rc = cg_writef(fs, dir, "cgroup.procs", err, "%d", (int)pid);
  }
  free(l);
  return rc;
}

int cg_v1_destroy(const struct cgroup_fs *fs, const char *path, berth_error_t *err) {
  struct hierarchies *l;
  if (list_hierarchies(fs, &l, err) < 0) return -1;
  int rc = 0;
  for (size_t i = 0; i < l->n; i++) {
    char dir[PATH_MAX];
    berth_error_t one;
    if (cg_join(dir, l->h[i].dir, path, &one) < 0 || cg_rmdir_tree(fs, dir, &one) < 0) {
      /* Keep going so one busy hierarchy does not leave the others behind; report the first. */
      if (rc == 0) *err = one;
      rc = -1;
    }
  }
  free(l);
  return rc;
}
