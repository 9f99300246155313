/* The public interface: picks the driver for the layout. Hybrid uses the v1 controllers and also
 * places the container in the cgroup2 tree at <root>/unified (for cgroup.events, PSI and a
 * cgroup2-only hugetlb), like runc does. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"

static const char *const v2_controllers[] = {"cpuset", "cpu",  "io",   "memory",
                                             "hugetlb", "pids", "rdma", "misc", NULL};

/* The hybrid cgroup2 side is a convenience: a host where it cannot be written (read-only, or
 * not ours to change) still runs containers with the v1 controllers. */
static bool hybrid_side_optional(const struct cgroup_fs *fs, int errno_value) {
  return fs->mode == CGROUP_MODE_HYBRID &&
         (errno_value == EROFS || errno_value == EACCES || errno_value == EPERM);
}

int cgroup_enter(const struct cgroup_fs *fs, const char *path, pid_t pid, berth_error_t *err) {
  if (cg_check_path(path, err) < 0) return -1;
  char v2root[PATH_MAX], dir[PATH_MAX];
  if (fs->mode != CGROUP_MODE_V2 && cg_v1_enter(fs, path, pid, err) < 0) return -1;
  if (!cg_v2_root(fs, v2root)) return 0;
  if (fs->mode == CGROUP_MODE_HYBRID && (cg_join(dir, v2root, path, err) < 0 || access(dir, F_OK) < 0))
    return 0; /* the optional side was not made */
  if (cg_v2_enter(fs, v2root, path, pid, err) < 0 && !hybrid_side_optional(fs, err->errno_value)) return -1;
  return 0;
}

int cgroup_create(const struct cgroup_fs *fs, const char *path, pid_t pid, berth_error_t *err) {
  if (cg_check_path(path, err) < 0) return -1;
  char v2root[PATH_MAX];
  int rc = 0;
  if (fs->mode != CGROUP_MODE_V2) rc = cg_v1_create(fs, path, err);
  if (rc == 0 && cg_v2_root(fs, v2root)) {
    rc = cg_v2_create(fs, v2root, path, fs->mode == CGROUP_MODE_V2 ? v2_controllers : NULL, err);
    if (rc < 0 && hybrid_side_optional(fs, err->errno_value)) rc = 0;
  }
  if (rc == 0 && pid > 0) rc = cgroup_enter(fs, path, pid, err);
  if (rc < 0) {
    /* Leave no half-made cgroup behind; the first error is the one worth reporting. */
    berth_error_t ignored;
    cgroup_destroy(fs, path, &ignored);
  }
  return rc;
}

int cgroup_destroy(const struct cgroup_fs *fs, const char *path, berth_error_t *err) {
  if (cg_check_path(path, err) < 0) return -1;
  char v2root[PATH_MAX];
  int rc = 0;
  if (fs->mode != CGROUP_MODE_V2) rc = cg_v1_destroy(fs, path, err);
  berth_error_t v2err;
  if (cg_v2_root(fs, v2root) && cg_v2_destroy(fs, v2root, path, &v2err) < 0 && rc == 0) {
    *err = v2err;
    rc = -1;
  }
  return rc;
}

int cgroup_apply_resources(const struct cgroup_fs *fs, const char *path, json_t *resources,
                           berth_error_t *err) {
  if (resources == NULL) return 0;
  if (cg_check_path(path, err) < 0) return -1;
  struct cg_resources r;
  if (cg_resources_parse(resources, &r, err) < 0) return -1;
  int rc;
  if (fs->mode == CGROUP_MODE_V2) {
    char dir[PATH_MAX];
    rc = cg_join(dir, fs->root, path, err);
    if (rc == 0) rc = cg_v2_apply(fs, dir, &r, err);
  } else {
    rc = cg_v1_apply(fs, path, &r, err);
  }
  cg_resources_free(&r);
  return rc;
}

/* A directory that has every process of the container: any v1 hierarchy works. */
static int pids_dir(const struct cgroup_fs *fs, const char *path, char out[PATH_MAX],
                    berth_error_t *err) {
  static const enum cg_v1_controller order[] = {CG_PIDS, CG_MEMORY, CG_FREEZER, CG_CPU,
                                                CG_DEVICES, CG_SYSTEMD};
  if (fs->mode != CGROUP_MODE_V2) {
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
      int found = cg_v1_dir(fs, order[i], path, out, err);
      if (found != 0) return found < 0 ? -1 : 0;
    }
  }
  char v2root[PATH_MAX];
  if (!cg_v2_root(fs, v2root)) return berth_error_set(err, 0, "no cgroup hierarchy under '%s'", fs->root);
  return cg_join(out, v2root, path, err);
}

struct pid_list {
  pid_t *pids;
  size_t n, cap;
};

static int collect(const char *dir, struct pid_list *l, berth_error_t *err) {
  char *procs;
  if (cg_read_all(dir, "cgroup.procs", &procs, err) < 0) return -1;
  for (char *p = procs; *p;) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p) {
      p++;
      continue;
    }
    p = end;
    if (l->n == l->cap) {
      size_t cap = l->cap ? l->cap * 2 : 16;
      pid_t *bigger = realloc(l->pids, cap * sizeof *bigger);
      if (bigger == NULL) {
        free(procs);
        return berth_error_set(err, ENOMEM, "list pids of '%s'", dir);
      }
      l->pids = bigger;
      l->cap = cap;
    }
    l->pids[l->n++] = (pid_t)v;
  }
  free(procs);
  DIR *d = opendir(dir);
  if (d == NULL) return berth_error_errno(err, "opendir '%s'", dir);
  struct dirent *e;
  int rc = 0;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char child[PATH_MAX];
    rc = cg_join(child, dir, e->d_name, err);
    if (rc == 0) rc = collect(child, l, err);
  }
  closedir(d);
  return rc;
}

int cgroup_list_pids(const struct cgroup_fs *fs, const char *path, pid_t **pids, size_t *count,
                     berth_error_t *err) {
  *pids = NULL;
  *count = 0;
  char dir[PATH_MAX];
  if (cg_check_path(path, err) < 0 || pids_dir(fs, path, dir, err) < 0) return -1;
  struct pid_list l = {0};
  if (collect(dir, &l, err) < 0) {
    free(l.pids);
    return -1;
  }
  *pids = l.pids;
  *count = l.n;
  return 0;
}

int cgroup_oom_kill_count(const struct cgroup_fs *fs, const char *path, uint64_t *count,
                          berth_error_t *err) {
  *count = 0;
  if (cg_check_path(path, err) < 0) return -1;
  char dir[PATH_MAX];
  bool found;
  if (fs->mode == CGROUP_MODE_V2) {
    if (cg_join(dir, fs->root, path, err) < 0) return -1;
    return cg_read_keyed(dir, "memory.events", "oom_kill", count, &found, err);
  }
  int mounted = cg_v1_dir(fs, CG_MEMORY, path, dir, err);
  if (mounted <= 0) return mounted;
  return cg_read_keyed(dir, "memory.oom_control", "oom_kill", count, &found, err);
}
