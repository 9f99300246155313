/* linux.resources -> cgroup v1 files, one hierarchy per concern. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"

/* -1 (unlimited) compares above every real limit. */
static uint64_t as_limit(int64_t v) { return v < 0 ? UINT64_MAX : (uint64_t)v; }

static int apply_memory(const struct cgroup_fs *fs, const char *path, const struct cg_resources *r,
                        berth_error_t *err) {
  const struct cg_opt *limit = &r->memory.limit, *swap = &r->memory.swap;
  if (!limit->set && !swap->set && !r->memory.reservation.set && !r->memory.swappiness.set &&
      !r->memory.disable_oom.set)
    return 0;
  char dir[PATH_MAX];
  if (cg_v1_need(fs, CG_MEMORY, path, "linux.resources.memory", dir, err) < 0) return -1;
  if (cg_check_memory_usage(dir, "memory.usage_in_bytes", r, err) < 0) return -1;
  if (r->memory.swappiness.set &&
      cg_writef(fs, dir, "memory.swappiness", err, "%" PRId64, r->memory.swappiness.v) < 0)
    return -1;
  if (r->memory.reservation.set &&
      cg_writef(fs, dir, "memory.soft_limit_in_bytes", err, "%" PRId64, r->memory.reservation.v) < 0)
    return -1;
  bool swap_first = false;
  if (swap->set) {
    if (!fs->fake && !cg_exists(dir, "memory.memsw.limit_in_bytes"))
      return berth_error_set(err, ENOENT, "linux.resources.memory.swap needs '%s/memory.memsw.limit_in_bytes' "
                                          "(swap accounting is off in this kernel)", dir);
    /* The kernel keeps memory.limit <= memsw.limit at every step, so raise the larger first. */
    char cur[64];
    berth_error_t ignored;
    uint64_t cur_memsw = UINT64_MAX;
    if (cg_read(dir, "memory.memsw.limit_in_bytes", cur, sizeof cur, &ignored) > 0)
      cur_memsw = cur[0] == '-' ? UINT64_MAX : strtoull(cur, NULL, 10);
    swap_first = limit->set && as_limit(limit->v) > cur_memsw;
  }
  if (swap_first &&
      cg_writef(fs, dir, "memory.memsw.limit_in_bytes", err, "%" PRId64, swap->v) < 0)
    return -1;
  if (limit->set && cg_writef(fs, dir, "memory.limit_in_bytes", err, "%" PRId64, limit->v) < 0)
    return -1;
  if (swap->set && !swap_first &&
      cg_writef(fs, dir, "memory.memsw.limit_in_bytes", err, "%" PRId64, swap->v) < 0)
    return -1;
  if (r->memory.disable_oom.set &&
      cg_writef(fs, dir, "memory.oom_control", err, "%d", (int)r->memory.disable_oom.v) < 0)
    return -1;
  return 0;
}

static int apply_cpu(const struct cgroup_fs *fs, const char *path, const struct cg_resources *r,
                     berth_error_t *err) {
  const struct cg_opt *quota = &r->cpu.quota, *period = &r->cpu.period;
  if (r->cpu.shares.set || quota->set || period->set || r->cpu.burst.set || r->cpu.rt_runtime.set ||
      r->cpu.rt_period.set || r->cpu.idle.set) {
    char dir[PATH_MAX];
    if (cg_v1_need(fs, CG_CPU, path, "linux.resources.cpu", dir, err) < 0) return -1;
    if (r->cpu.shares.set && cg_writef(fs, dir, "cpu.shares", err, "%" PRId64, r->cpu.shares.v) < 0)
      return -1;
    bool quota_done = false;
    if (period->set && cg_writef(fs, dir, "cpu.cfs_period_us", err, "%" PRId64, period->v) < 0) {
      /* A shorter period can be refused while the old quota is larger: set the quota first. */
      if (!quota->set || cg_writef(fs, dir, "cpu.cfs_quota_us", err, "%" PRId64, quota->v) < 0 ||
          cg_writef(fs, dir, "cpu.cfs_period_us", err, "%" PRId64, period->v) < 0)
        return -1;
      quota_done = true;
    }
    if (quota->set && !quota_done &&
        cg_writef(fs, dir, "cpu.cfs_quota_us", err, "%" PRId64, quota->v) < 0)
      return -1;
    if (r->cpu.burst.set && cg_writef(fs, dir, "cpu.cfs_burst_us", err, "%" PRId64, r->cpu.burst.v) < 0)
      return -1;
    if (r->cpu.rt_period.set &&
        cg_writef(fs, dir, "cpu.rt_period_us", err, "%" PRId64, r->cpu.rt_period.v) < 0)
      return -1;
    if (r->cpu.rt_runtime.set &&
        cg_writef(fs, dir, "cpu.rt_runtime_us", err, "%" PRId64, r->cpu.rt_runtime.v) < 0)
      return -1;
    if (r->cpu.idle.set && cg_writef(fs, dir, "cpu.idle", err, "%" PRId64, r->cpu.idle.v) < 0)
      return -1;
  }
  if (r->cpu.cpus || r->cpu.mems) {
    char dir[PATH_MAX];
    if (cg_v1_need(fs, CG_CPUSET, path, "linux.resources.cpu.cpus/mems", dir, err) < 0) return -1;
    if (r->cpu.cpus && cg_write(fs, dir, "cpuset.cpus", r->cpu.cpus, err) < 0) return -1;
    if (r->cpu.mems && cg_write(fs, dir, "cpuset.mems", r->cpu.mems, err) < 0) return -1;
  }
  return 0;
}

static int apply_pids(const struct cgroup_fs *fs, const char *path, const struct cg_resources *r,
                      berth_error_t *err) {
  if (!r->pids_limit.set) return 0;
  char dir[PATH_MAX];
  if (cg_v1_need(fs, CG_PIDS, path, "linux.resources.pids", dir, err) < 0) return -1;
  if (r->pids_limit.v <= 0) return cg_write(fs, dir, "pids.max", "max", err);
  return cg_writef(fs, dir, "pids.max", err, "%" PRId64, r->pids_limit.v);
}

static int apply_blkio(const struct cgroup_fs *fs, const char *path, const struct cg_resources *r,
                       berth_error_t *err) {
  static const char *const throttle_files[CG_THROTTLE_COUNT] = {
      "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
      "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
  size_t n_throttle = 0;
  for (int t = 0; t < CG_THROTTLE_COUNT; t++) n_throttle += r->blkio.n_throttle[t];
  if (!r->blkio.weight.set && !r->blkio.leaf_weight.set && r->blkio.n_weight_device == 0 && n_throttle == 0)
    return 0;
  char dir[PATH_MAX];
  if (cg_v1_need(fs, CG_BLKIO, path, "linux.resources.blockIO", dir, err) < 0) return -1;
  if (r->blkio.weight.set || r->blkio.n_weight_device) {
    /* CFQ's blkio.weight is gone from modern kernels; BFQ offers blkio.bfq.weight. */
    bool bfq;
    if (cg_exists(dir, "blkio.weight") || (fs->fake && !cg_exists(dir, "blkio.bfq.weight")))
      bfq = false;
    else if (cg_exists(dir, "blkio.bfq.weight"))
      bfq = true;
    else
      return berth_error_set(err, ENOENT, "linux.resources.blockIO.weight needs blkio.weight or "
                                          "blkio.bfq.weight in '%s' (no proportional I/O scheduler)", dir);
    const char *wfile = bfq ? "blkio.bfq.weight" : "blkio.weight";
    const char *dfile = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
    if (r->blkio.weight.set && cg_writef(fs, dir, wfile, err, "%" PRId64, r->blkio.weight.v) < 0)
      return -1;
    for (size_t i = 0; i < r->blkio.n_weight_device; i++) {
      const struct cg_dev_value *d = &r->blkio.weight_device[i];
      if (d->weight.set && cg_writef(fs, dir, dfile, err, "%" PRId64 ":%" PRId64 " %" PRId64,
                                     d->major, d->minor, d->weight.v) < 0)
        return -1;
    }
  }
  if (r->blkio.leaf_weight.set &&
      cg_writef(fs, dir, "blkio.leaf_weight", err, "%" PRId64, r->blkio.leaf_weight.v) < 0)
    return -1;
  for (int t = 0; t < CG_THROTTLE_COUNT; t++)
    for (size_t i = 0; i < r->blkio.n_throttle[t]; i++) {
      const struct cg_dev_value *d = &r->blkio.throttle[t][i];
      if (cg_writef(fs, dir, throttle_files[t], err, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
                    d->minor, d->rate) < 0)
        return -1;
    }
  return 0;
}

/* hugetlb is a v1 hierarchy here, or (on some hybrid hosts) only on the cgroup2 side. */
static int apply_hugepages(const struct cgroup_fs *fs, const char *path, const struct cg_resources *r,
                           berth_error_t *err) {
  if (r->n_hugepages == 0) return 0;
  char dir[PATH_MAX], v2root[PATH_MAX];
  int found = cg_v1_dir(fs, CG_HUGETLB, path, dir, err);
  if (found < 0) return -1;
  bool v2 = false;
  if (found == 0) {
    static const char *const hugetlb[] = {"hugetlb", NULL};
    if (!cg_v2_root(fs, v2root) || !cg_v2_has_controller(v2root, "hugetlb"))
      return berth_error_set(err, 0, "linux.resources.hugepageLimits needs the cgroup controller "
                                     "'hugetlb', which is not mounted under '%s'", fs->root);
    if (cg_v2_enable(fs, v2root, path, hugetlb, err) < 0 || cg_join(dir, v2root, path, err) < 0)
      return -1;
    if (!cg_v2_has_controller(dir, "hugetlb"))
      return berth_error_set(err, 0, "linux.resources.hugepageLimits needs the cgroup controller "
                                     "'hugetlb', which could not be enabled for '%s'", dir);
    v2 = true;
  }
  for (size_t i = 0; i < r->n_hugepages; i++) {
    char file[64];
    snprintf(file, sizeof file, v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes",
             r->hugepages[i].page_size);
    if (cg_writef(fs, dir, file, err, "%" PRIu64, r->hugepages[i].limit) < 0) return -1;
  }
  return 0;
}

int cg_v1_apply(const struct cgroup_fs *fs, const char *path, const struct cg_resources *r,
                berth_error_t *err) {
  if (apply_memory(fs, path, r, err) < 0 || apply_cpu(fs, path, r, err) < 0 ||
      apply_pids(fs, path, r, err) < 0 || apply_blkio(fs, path, r, err) < 0 ||
      apply_hugepages(fs, path, r, err) < 0)
    return -1;
  if (r->has_devices) {
    char dir[PATH_MAX];
    if (cg_v1_need(fs, CG_DEVICES, path, "linux.resources.devices", dir, err) < 0 ||
        cg_v1_apply_devices(fs, dir, r, err) < 0)
      return -1;
  }
  if (r->unified) {
    char v2root[PATH_MAX], dir[PATH_MAX];
    if (fs->mode != CGROUP_MODE_HYBRID || !cg_v2_root(fs, v2root))
      return berth_error_set(err, 0, "linux.resources.unified needs cgroup v2, and '%s' is cgroup v1", fs->root);
    if (cg_join(dir, v2root, path, err) < 0 || cg_apply_unified(fs, dir, r, err) < 0) return -1;
  }
  return 0;
}
