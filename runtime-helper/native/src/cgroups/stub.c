/* Temporary stubs so other parts link while the real implementation lands. */
#include <errno.h>

#include "cgroups/cgroup.h"

#define STUB(name) berth_error_set(err, ENOSYS, "%s: not implemented yet", name)

int cgroup_detect(struct cgroup_fs *fs, const char *root, berth_error_t *err) {
  (void)fs; (void)root;
  return STUB("cgroup_detect");
}
int cgroup_create(const struct cgroup_fs *fs, const char *path, pid_t pid, berth_error_t *err) {
  (void)fs; (void)path; (void)pid;
  return STUB("cgroup_create");
}
int cgroup_enter(const struct cgroup_fs *fs, const char *path, pid_t pid, berth_error_t *err) {
  (void)fs; (void)path; (void)pid;
  return STUB("cgroup_enter");
}
int cgroup_apply_resources(const struct cgroup_fs *fs, const char *path, json_t *resources,
                           berth_error_t *err) {
  (void)fs; (void)path; (void)resources;
  return STUB("cgroup_apply_resources");
}
int cgroup_set_frozen(const struct cgroup_fs *fs, const char *path, bool frozen, berth_error_t *err) {
  (void)fs; (void)path; (void)frozen;
  return STUB("cgroup_set_frozen");
}
int cgroup_is_frozen(const struct cgroup_fs *fs, const char *path, bool *frozen, berth_error_t *err) {
  (void)fs; (void)path; (void)frozen;
  return STUB("cgroup_is_frozen");
}
int cgroup_list_pids(const struct cgroup_fs *fs, const char *path, pid_t **pids, size_t *count,
                     berth_error_t *err) {
  (void)fs; (void)path; (void)pids; (void)count;
  return STUB("cgroup_list_pids");
}
int cgroup_oom_kill_count(const struct cgroup_fs *fs, const char *path, uint64_t *count,
                          berth_error_t *err) {
  (void)fs; (void)path; (void)count;
  return STUB("cgroup_oom_kill_count");
}
int cgroup_destroy(const struct cgroup_fs *fs, const char *path, berth_error_t *err) {
  (void)fs; (void)path;
  return STUB("cgroup_destroy");
}
uint64_t cgroup_shares_to_weight(uint64_t shares) { return shares; }
uint64_t cgroup_blkio_weight_to_io_weight(uint64_t w) { return w; }
