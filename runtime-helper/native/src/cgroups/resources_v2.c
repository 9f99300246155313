/* linux.resources -> cgroup v2 files in the container's one directory. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"

static int need(const char *dir, const char *controller, const char *why, berth_error_t *err) {
  if (cg_v2_has_controller(dir, controller)) return 0;
  return berth_error_set(err, 0, "%s needs the cgroup controller '%s', which is not enabled for '%s'",
                         why, controller, dir);
}

/* "max" for -1 (unlimited), the number otherwise. */
static void max_or(char *buf, size_t size, int64_t v) {
  if (v < 0)
    snprintf(buf, size, "max");
  else
    snprintf(buf, size, "%" PRId64, v);
}

static int apply_memory(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                        berth_error_t *err) {
  const struct cg_opt *limit = &r->memory.limit, *swap = &r->memory.swap;
  if (r->memory.disable_oom.set && r->memory.disable_oom.v)
    return berth_error_set(err, 0, "linux.resources.memory.disableOOMKiller is not supported on cgroup v2");
  /* v2 has no per-cgroup swappiness; the kernel's global one applies, as with runc. */
  if (!limit->set && !swap->set && !r->memory.reservation.set) return 0;
  if (need(dir, "memory", "linux.resources.memory", err) < 0) return -1;
  if (cg_check_memory_usage(dir, "memory.current", r, err) < 0) return -1;
  char value[32];
  if (limit->set) {
    max_or(value, sizeof value, limit->v);
    if (cg_write(fs, dir, "memory.max", value, err) < 0) return -1;
  }
  if (r->memory.reservation.set) {
    max_or(value, sizeof value, r->memory.reservation.v);
    if (cg_write(fs, dir, "memory.low", value, err) < 0) return -1;
  }
  if (swap->set) {
    /* OCI swap is memory+swap; v2 limits swap alone. */
    if (swap->v < 0) return cg_write(fs, dir, "memory.swap.max", "max", err);
    int64_t mem = limit->set ? limit->v : -1;
    if (!limit->set) {
      char cur[64];
      if (cg_read(dir, "memory.max", cur, sizeof cur, err) < 0) return -1;
      mem = strncmp(cur, "max", 3) == 0 ? -1 : (int64_t)strtoll(cur, NULL, 10);
    }
    if (mem < 0)
      return berth_error_set(err, 0, "linux.resources.memory.swap (%" PRId64 ") needs a memory limit", swap->v);
    if (swap->v < mem)
      return berth_error_set(err, 0, "linux.resources.memory.swap (%" PRId64 ") must be at least the memory "
                                     "limit (%" PRId64 "): it is memory plus swap", swap->v, mem);
    if (cg_writef(fs, dir, "memory.swap.max", err, "%" PRId64, swap->v - mem) < 0) return -1;
  }
  return 0;
}

/* cpu.max holds "quota period"; a request with one of them keeps the other. */
static int write_cpu_max(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                         berth_error_t *err) {
  char cur[64] = "max 100000", quota[32], period[32];
  berth_error_t ignored;
  if (cg_read(dir, "cpu.max", cur, sizeof cur, &ignored) < 0) snprintf(cur, sizeof cur, "max 100000");
  if (sscanf(cur, "%31s %31s", quota, period) != 2) {
    snprintf(quota, sizeof quota, "max");
    snprintf(period, sizeof period, "100000");
  }
  if (r->cpu.quota.set) max_or(quota, sizeof quota, r->cpu.quota.v);
  if (r->cpu.period.set) snprintf(period, sizeof period, "%" PRId64, r->cpu.period.v);
  return cg_writef(fs, dir, "cpu.max", err, "%s %s", quota, period);
}

static int apply_cpu(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                     berth_error_t *err) {
  if (r->cpu.rt_runtime.set || r->cpu.rt_period.set)
    return berth_error_set(err, 0, "linux.resources.cpu.realtimeRuntime/realtimePeriod are not supported on cgroup v2");
  if (r->cpu.shares.set || r->cpu.quota.set || r->cpu.period.set || r->cpu.burst.set || r->cpu.idle.set) {
    if (need(dir, "cpu", "linux.resources.cpu", err) < 0) return -1;
    if (r->cpu.shares.set && cg_writef(fs, dir, "cpu.weight", err, "%" PRIu64,
                                       cgroup_shares_to_weight((uint64_t)r->cpu.shares.v)) < 0)
      return -1;
    if ((r->cpu.quota.set || r->cpu.period.set) && write_cpu_max(fs, dir, r, err) < 0) return -1;
    if (r->cpu.burst.set && cg_writef(fs, dir, "cpu.max.burst", err, "%" PRId64, r->cpu.burst.v) < 0)
      return -1;
    if (r->cpu.idle.set && cg_writef(fs, dir, "cpu.idle", err, "%" PRId64, r->cpu.idle.v) < 0) return -1;
  }
  if (r->cpu.cpus || r->cpu.mems) {
    if (need(dir, "cpuset", "linux.resources.cpu.cpus/mems", err) < 0) return -1;
    if (r->cpu.cpus && cg_write(fs, dir, "cpuset.cpus", r->cpu.cpus, err) < 0) return -1;
    if (r->cpu.mems && cg_write(fs, dir, "cpuset.mems", r->cpu.mems, err) < 0) return -1;
  }
  return 0;
}

static int apply_io(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                    berth_error_t *err) {
  static const char *const keys[CG_THROTTLE_COUNT] = {"rbps", "wbps", "riops", "wiops"};
  size_t n_throttle = 0;
  for (int t = 0; t < CG_THROTTLE_COUNT; t++) n_throttle += r->blkio.n_throttle[t];
  if (!r->blkio.weight.set && r->blkio.n_weight_device == 0 && n_throttle == 0) return 0;
  if (need(dir, "io", "linux.resources.blockIO", err) < 0) return -1;
  /* BFQ takes the blkio weight as is; io.weight has the 1..10000 range. */
  bool bfq = cg_exists(dir, "io.bfq.weight");
  if (r->blkio.weight.set) {
    uint64_t w = (uint64_t)r->blkio.weight.v;
    int rc = bfq ? cg_writef(fs, dir, "io.bfq.weight", err, "%" PRIu64, w)
                 : cg_writef(fs, dir, "io.weight", err, "default %" PRIu64, cgroup_blkio_weight_to_io_weight(w));
    if (rc < 0) return -1;
  }
  for (size_t i = 0; i < r->blkio.n_weight_device; i++) {
    const struct cg_dev_value *d = &r->blkio.weight_device[i];
    if (!d->weight.set) continue;
    uint64_t w = bfq ? (uint64_t)d->weight.v : cgroup_blkio_weight_to_io_weight((uint64_t)d->weight.v);
    if (cg_writef(fs, dir, bfq ? "io.bfq.weight" : "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64,
                  d->major, d->minor, w) < 0)
      return -1;
  }
  for (int t = 0; t < CG_THROTTLE_COUNT; t++)
    for (size_t i = 0; i < r->blkio.n_throttle[t]; i++) {
      const struct cg_dev_value *d = &r->blkio.throttle[t][i];
      if (cg_writef(fs, dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major, d->minor,
                    keys[t], d->rate) < 0)
        return -1;
    }
  return 0;
}

int cg_apply_unified(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                     berth_error_t *err) {
  const char *key;
  json_t *value;
  json_object_foreach(r->unified, key, value) {
    if (cg_write(fs, dir, key, json_string_value(value), err) == 0) continue;
    /* A missing file usually means a missing controller: say which. */
    char controller[64];
    snprintf(controller, sizeof controller, "%.*s", (int)strcspn(key, "."), key);
    if (err->errno_value == ENOENT && strcmp(controller, "cgroup") != 0 &&
        !cg_v2_has_controller(dir, controller))
      return berth_error_set(err, 0, "linux.resources.unified.%s needs the cgroup controller '%s', "
                                     "which is not enabled for '%s'", key, controller, dir);
    return -1;
  }
  return 0;
}

int cg_v2_apply(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                berth_error_t *err) {
  if (apply_memory(fs, dir, r, err) < 0 || apply_cpu(fs, dir, r, err) < 0 || apply_io(fs, dir, r, err) < 0)
    return -1;
  if (r->pids_limit.set) {
    if (need(dir, "pids", "linux.resources.pids", err) < 0) return -1;
    char value[32];
    max_or(value, sizeof value, r->pids_limit.v <= 0 ? -1 : r->pids_limit.v);
    if (cg_write(fs, dir, "pids.max", value, err) < 0) return -1;
  }
  for (size_t i = 0; i < r->n_hugepages; i++) {
    char file[64];
    if (need(dir, "hugetlb", "linux.resources.hugepageLimits", err) < 0) return -1;
    snprintf(file, sizeof file, "hugetlb.%s.max", r->hugepages[i].page_size);
    if (cg_writef(fs, dir, file, err, "%" PRIu64, r->hugepages[i].limit) < 0) return -1;
  }
  if (r->has_devices && cg_bpf_apply_devices(fs, dir, r, err) < 0) return -1;
  if (r->unified && cg_apply_unified(fs, dir, r, err) < 0) return -1;
  return 0;
}
