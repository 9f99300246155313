/* linux.resources parsed and validated once, so the v1 and v2 writers only decide file names and
 * formats. Integers keep the OCI meaning: -1 = unlimited; absent fields have set == false. */
#ifndef BERTH_CGROUPS_RESOURCES_H
#define BERTH_CGROUPS_RESOURCES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct cg_opt {
  bool set;
  int64_t v;
};

/* Access bits as the kernel's eBPF device context has them. */
enum { CG_DEV_MKNOD = 1, CG_DEV_READ = 2, CG_DEV_WRITE = 4, CG_DEV_ALL = 7 };

struct cg_dev_rule {
  bool allow;
  char type;            /* 'a', 'b' or 'c' */
  int64_t major, minor; /* -1 = any */
  unsigned access;      /* CG_DEV_* bits */
};

struct cg_dev_value { /* one blkio device line: "major:minor value" */
  int64_t major, minor;
  struct cg_opt weight, leaf_weight; /* weightDevice */
  uint64_t rate;                     /* throttle* */
};

enum { CG_THROTTLE_READ_BPS, CG_THROTTLE_WRITE_BPS, CG_THROTTLE_READ_IOPS, CG_THROTTLE_WRITE_IOPS,
       CG_THROTTLE_COUNT };

struct cg_hugepage {
  char page_size[16]; /* "2MB", "1GB" */
  uint64_t limit;
};

struct cg_resources {
  struct {
    struct cg_opt limit, reservation, swap, swappiness, disable_oom;
    bool check_before_update; /* refuse a limit below the current usage (runtime-spec 1.2) */
  } memory;
  struct {
    struct cg_opt shares, quota, period, burst, rt_runtime, rt_period, idle;
    const char *cpus, *mems; /* NULL = unset; point into the JSON */
  } cpu;
  struct cg_opt pids_limit;
  struct {
    struct cg_opt weight, leaf_weight;
    struct cg_dev_value *weight_device;
    size_t n_weight_device;
    struct cg_dev_value *throttle[CG_THROTTLE_COUNT];
    size_t n_throttle[CG_THROTTLE_COUNT];
  } blkio;
  bool has_devices; /* a devices list was given (even empty): the filter is (re)written */
  struct cg_dev_rule *devices;
  size_t n_devices;
  struct cg_hugepage *hugepages;
  size_t n_hugepages;
  json_t *unified; /* borrowed; NULL when absent */
};

/* Parses an OCI LinuxResources object. NULL or {} yields an empty (all unset) result. */
int cg_resources_parse(json_t *resources, struct cg_resources *r, berth_error_t *err);
void cg_resources_free(struct cg_resources *r);

/* The devices crun and runc always allow (null, zero, full, tty, random, urandom, ptmx, pts,
 * tun, and mknod of any char/block device), appended after the configured rules. */
extern const struct cg_dev_rule cg_default_device_rules[];
extern const size_t cg_default_device_rules_count;

/* v1 devices.allow / devices.deny line for a rule: "c 1:3 rwm", "a" (all). */
void cg_dev_rule_format(const struct cg_dev_rule *rule, char *buf, size_t size);

#endif
