/* Helpers shared by the cgroup drivers: file access under a (possibly fake) root, the v1
 * hierarchy table, the parsed resources, and the per-driver entry points cgroup.c dispatches to. */
#ifndef BERTH_CGROUPS_INTERNAL_H
#define BERTH_CGROUPS_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups/cgroup.h"
#include "cgroups/resources.h"

/* v1 hierarchies we create cgroups in. hugetlb and name=systemd are used when mounted. */
enum cg_v1_controller {
  CG_CPU,
  CG_CPUACCT,
  CG_CPUSET,
  CG_MEMORY,
  CG_PIDS,
  CG_BLKIO,
  CG_DEVICES,
  CG_FREEZER,
  CG_HUGETLB,
  CG_SYSTEMD,
  CG_V1_COUNT
};
extern const char *const cg_v1_names[CG_V1_COUNT];

/* ---- util.c: paths and files ---- */

/* Rejects cgroup paths that are empty, too long or climb out with "..". */
int cg_check_path(const char *path, berth_error_t *err);
/* out = a + "/" + b (b may start with '/'), failing with ENAMETOOLONG. */
int cg_join(char out[PATH_MAX], const char *a, const char *b, berth_error_t *err);
/* Writes value to dir/file. Real cgroupfs: the file must exist. Fake trees: the file is created;
 * files the kernel treats as event streams (cgroup.procs, devices.allow, ...) are appended to,
 * one value a line, so tests see every write. */
int cg_write(const struct cgroup_fs *fs, const char *dir, const char *file, const char *value,
             berth_error_t *err);
int cg_writef(const struct cgroup_fs *fs, const char *dir, const char *file, berth_error_t *err,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Reads dir/file into buf (NUL-terminated, trailing newline kept). Returns the length or -1. */
ssize_t cg_read(const char *dir, const char *file, char *buf, size_t size, berth_error_t *err);
/* Reads a malloc'ed copy of a file of any size. */
int cg_read_all(const char *dir, const char *file, char **out, berth_error_t *err);
bool cg_exists(const char *dir, const char *file);
/* Finds "key N" in a flat-keyed file (memory.events, memory.oom_control, cgroup.events).
 * *found is false (and 0 returned) when the file or the key is missing. */
int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *value, bool *found,
                  berth_error_t *err);
/* mkdir that accepts EEXIST. */
int cg_mkdir(const char *dir, berth_error_t *err);
/* Sleeps for ms milliseconds (poll loops). */
void cg_sleep_ms(unsigned ms);

/* ---- detect.c: where each hierarchy is ---- */

/* Fills dir with the mount of v1 controller c (following "cpu" -> "cpu,cpuacct" symlinks or
 * finding a combined "cpu,cpuacct" directory). Returns 1 found, 0 not mounted. */
int cg_v1_hierarchy(const struct cgroup_fs *fs, enum cg_v1_controller c, char dir[PATH_MAX]);
/* The container cgroup's directory in controller c: 1 found, 0 not mounted, -1 error. */
int cg_v1_dir(const struct cgroup_fs *fs, enum cg_v1_controller c, const char *path,
              char out[PATH_MAX], berth_error_t *err);
/* Same, but a missing controller is an error naming it and what needed it. */
int cg_v1_need(const struct cgroup_fs *fs, enum cg_v1_controller c, const char *path,
               const char *why, char out[PATH_MAX], berth_error_t *err);
/* The cgroup2 tree: root itself (v2) or root/unified (hybrid). Returns 1, or 0 when there is
 * none (pure v1). */
int cg_v2_root(const struct cgroup_fs *fs, char out[PATH_MAX]);

/* ---- v1.c / v2.c: the cgroup directories ---- */
int cg_v1_create(const struct cgroup_fs *fs, const char *path, berth_error_t *err);
int cg_v1_enter(const struct cgroup_fs *fs, const char *path, pid_t pid, berth_error_t *err);
int cg_v1_destroy(const struct cgroup_fs *fs, const char *path, berth_error_t *err);
/* v2 functions take the cgroup2 root so hybrid mode can use them on root/unified. `enable`
 * lists the controllers to switch on in the ancestors' cgroup.subtree_control (NULL = none). */
int cg_v2_create(const struct cgroup_fs *fs, const char *v2root, const char *path,
                 const char *const *enable, berth_error_t *err);
int cg_v2_enable(const struct cgroup_fs *fs, const char *v2root, const char *path,
                 const char *const *enable, berth_error_t *err);
int cg_v2_enter(const struct cgroup_fs *fs, const char *v2root, const char *path, pid_t pid,
                berth_error_t *err);
int cg_v2_destroy(const struct cgroup_fs *fs, const char *v2root, const char *path,
                  berth_error_t *err);
/* Whether controller name is listed in dir/cgroup.controllers. */
bool cg_v2_has_controller(const char *dir, const char *name);
/* Removes dir and every cgroup below it, retrying while busy; ENOENT is fine. */
int cg_rmdir_tree(const struct cgroup_fs *fs, const char *dir, berth_error_t *err);

/* ---- resources_v1.c / resources_v2.c / devices ---- */
int cg_v1_apply(const struct cgroup_fs *fs, const char *path, const struct cg_resources *r,
                berth_error_t *err);
int cg_v2_apply(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                berth_error_t *err);
int cg_v1_apply_devices(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                        berth_error_t *err);
/* Loads an eBPF device program for the rules and attaches it to the cgroup dir (replacing the
 * ones we attached before). On a fake tree the program is only loaded (the kernel verifies it). */
int cg_bpf_apply_devices(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                         berth_error_t *err);
/* Writes the `unified` map raw into dir (v2 or the hybrid unified side). */
int cg_apply_unified(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                     berth_error_t *err);

/* With memory.checkBeforeUpdate, refuses a limit below what the cgroup uses now (usage_file is
 * memory.usage_in_bytes on v1, memory.current on v2). */
int cg_check_memory_usage(const char *dir, const char *usage_file, const struct cg_resources *r,
                          berth_error_t *err);

/* ---- freezer.c ---- */
/* Directory holding the freezer for path: v1 freezer, or the cgroup2 directory (v2, or hybrid
 * without a v1 freezer). *v2 says which interface it uses. */
int cg_freezer_dir(const struct cgroup_fs *fs, const char *path, char out[PATH_MAX], bool *v2,
                   berth_error_t *err);

#endif
