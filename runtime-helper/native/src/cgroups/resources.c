/* Parses and validates linux.resources. Bad input fails here, before any file is written, with
 * the JSON field named: "linux.resources.memory.limit: expected an integer". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/resources.h"

static int get_int(json_t *obj, const char *where, const char *key, int64_t min, int64_t max,
                   struct cg_opt *out, berth_error_t *err) {
  json_t *v = obj ? json_object_get(obj, key) : NULL;
  out->set = false;
  if (v == NULL || json_is_null(v)) return 0;
  int64_t n;
  if (json_is_integer(v))
    n = json_integer_value(v);
  else if (json_is_true(v) || json_is_false(v))
    n = json_is_true(v);
  else
    return berth_error_set(err, 0, "linux.resources.%s.%s: expected an integer", where, key);
  if (n < min || n > max)
    return berth_error_set(err, 0, "linux.resources.%s.%s: %lld is out of range [%lld, %lld]", where,
                           key, (long long)n, (long long)min, (long long)max);
  out->set = true;
  out->v = n;
  return 0;
}

static int get_object(json_t *parent, const char *key, json_t **out, berth_error_t *err) {
  json_t *v = json_object_get(parent, key);
  *out = NULL;
  if (v == NULL || json_is_null(v)) return 0;
  if (!json_is_object(v)) return berth_error_set(err, 0, "linux.resources.%s: expected an object", key);
  *out = v;
  return 0;
}

static int get_string(json_t *obj, const char *where, const char *key, const char **out,
                      berth_error_t *err) {
  json_t *v = obj ? json_object_get(obj, key) : NULL;
  *out = NULL;
  if (v == NULL || json_is_null(v)) return 0;
  if (!json_is_string(v))
    return berth_error_set(err, 0, "linux.resources.%s.%s: expected a string", where, key);
  const char *s = json_string_value(v);
  /* cpu lists are digits, ',' and '-' only; anything else would be a second line in the file. */
  if (s[strspn(s, "0123456789,- ")] != '\0')
    return berth_error_set(err, 0, "linux.resources.%s.%s: '%s' is not a cpu/node list", where, key, s);
  *out = s;
  return 0;
}

static int parse_memory(json_t *res, struct cg_resources *r, berth_error_t *err) {
  json_t *m;
  if (get_object(res, "memory", &m, err) < 0) return -1;
  if (m == NULL) return 0;
  if (get_int(m, "memory", "limit", -1, INT64_MAX, &r->memory.limit, err) < 0 ||
      get_int(m, "memory", "reservation", -1, INT64_MAX, &r->memory.reservation, err) < 0 ||
      get_int(m, "memory", "swap", -1, INT64_MAX, &r->memory.swap, err) < 0 ||
      get_int(m, "memory", "swappiness", 0, 100, &r->memory.swappiness, err) < 0 ||
      get_int(m, "memory", "disableOOMKiller", 0, 1, &r->memory.disable_oom, err) < 0)
    return -1;
  json_t *check = json_object_get(m, "checkBeforeUpdate");
  if (check && !json_is_boolean(check) && !json_is_null(check))
    return berth_error_set(err, 0, "linux.resources.memory.checkBeforeUpdate: expected a boolean");
  r->memory.check_before_update = json_is_true(check);
  /* 0 is how Docker says "not set". */
  if (r->memory.limit.set && r->memory.limit.v == 0) r->memory.limit.set = false;
  if (r->memory.reservation.set && r->memory.reservation.v == 0) r->memory.reservation.set = false;
  if (r->memory.swap.set && r->memory.swap.v == 0) r->memory.swap.set = false;
  if (r->memory.limit.set && r->memory.swap.set && r->memory.limit.v > 0 && r->memory.swap.v > 0 &&
      r->memory.swap.v < r->memory.limit.v)
    return berth_error_set(err, 0,
                           "linux.resources.memory.swap (%lld) must be at least memory.limit (%lld): "
                           "it is memory plus swap",
                           (long long)r->memory.swap.v, (long long)r->memory.limit.v);
  return 0;
}

static int parse_cpu(json_t *res, struct cg_resources *r, berth_error_t *err) {
  json_t *c;
  if (get_object(res, "cpu", &c, err) < 0) return -1;
  if (c == NULL) return 0;
  if (get_int(c, "cpu", "shares", 0, INT64_MAX, &r->cpu.shares, err) < 0 ||
      get_int(c, "cpu", "quota", -1, INT64_MAX, &r->cpu.quota, err) < 0 ||
      get_int(c, "cpu", "period", 0, INT64_MAX, &r->cpu.period, err) < 0 ||
      get_int(c, "cpu", "burst", 0, INT64_MAX, &r->cpu.burst, err) < 0 ||
      get_int(c, "cpu", "realtimeRuntime", -1, INT64_MAX, &r->cpu.rt_runtime, err) < 0 ||
      get_int(c, "cpu", "realtimePeriod", 0, INT64_MAX, &r->cpu.rt_period, err) < 0 ||
      get_int(c, "cpu", "idle", 0, 1, &r->cpu.idle, err) < 0 ||
      get_string(c, "cpu", "cpus", &r->cpu.cpus, err) < 0 ||
      get_string(c, "cpu", "mems", &r->cpu.mems, err) < 0)
    return -1;
  if (r->cpu.shares.set && r->cpu.shares.v == 0) r->cpu.shares.set = false;
  if (r->cpu.quota.set && r->cpu.quota.v == 0) r->cpu.quota.set = false;
  if (r->cpu.period.set && r->cpu.period.v == 0) r->cpu.period.set = false;
  if (r->cpu.cpus && r->cpu.cpus[0] == '\0') r->cpu.cpus = NULL;
  if (r->cpu.mems && r->cpu.mems[0] == '\0') r->cpu.mems = NULL;
  return 0;
}

static int parse_dev_values(json_t *blk, const char *key, bool weights, struct cg_dev_value **out,
                            size_t *n, berth_error_t *err) {
  json_t *arr = json_object_get(blk, key);
  *out = NULL;
  *n = 0;
  if (arr == NULL || json_is_null(arr)) return 0;
  if (!json_is_array(arr)) return berth_error_set(err, 0, "linux.resources.blockIO.%s: expected an array", key);
  if (json_array_size(arr) == 0) return 0;
  *out = calloc(json_array_size(arr), sizeof **out);
  if (*out == NULL) return berth_error_set(err, ENOMEM, "parse linux.resources.blockIO.%s", key);
  size_t i;
  json_t *e;
  json_array_foreach(arr, i, e) {
    char where[64];
    snprintf(where, sizeof where, "blockIO.%s[%zu]", key, i);
    struct cg_dev_value *d = &(*out)[i];
    struct cg_opt major, minor, rate = {0};
    if (!json_is_object(e)) return berth_error_set(err, 0, "linux.resources.%s: expected an object", where);
    if (get_int(e, where, "major", 0, 0xfffffff, &major, err) < 0 ||
        get_int(e, where, "minor", 0, 0xfffffff, &minor, err) < 0)
      return -1;
    if (!major.set || !minor.set)
      return berth_error_set(err, 0, "linux.resources.%s: major and minor are required", where);
    d->major = major.v;
    d->minor = minor.v;
    if (weights) {
      if (get_int(e, where, "weight", 0, 1000, &d->weight, err) < 0 ||
          get_int(e, where, "leafWeight", 0, 1000, &d->leaf_weight, err) < 0)
        return -1;
    } else {
      if (get_int(e, where, "rate", 0, INT64_MAX, &rate, err) < 0) return -1;
      d->rate = (uint64_t)rate.v;
    }
    (*n)++;
  }
  return 0;
}

static int parse_blkio(json_t *res, struct cg_resources *r, berth_error_t *err) {
  static const char *const throttle[CG_THROTTLE_COUNT] = {
      "throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice",
      "throttleWriteIOPSDevice"};
  json_t *b;
  if (get_object(res, "blockIO", &b, err) < 0) return -1;
  if (b == NULL) return 0;
  if (get_int(b, "blockIO", "weight", 0, 1000, &r->blkio.weight, err) < 0 ||
      get_int(b, "blockIO", "leafWeight", 0, 1000, &r->blkio.leaf_weight, err) < 0)
    return -1;
  if (r->blkio.weight.set && r->blkio.weight.v == 0) r->blkio.weight.set = false;
  if (r->blkio.weight.set && r->blkio.weight.v < 10)
    return berth_error_set(err, 0, "linux.resources.blockIO.weight: %lld is out of range [10, 1000]",
                           (long long)r->blkio.weight.v);
  if (parse_dev_values(b, "weightDevice", true, &r->blkio.weight_device, &r->blkio.n_weight_device, err) < 0)
    return -1;
  for (int t = 0; t < CG_THROTTLE_COUNT; t++)
    if (parse_dev_values(b, throttle[t], false, &r->blkio.throttle[t], &r->blkio.n_throttle[t], err) < 0)
      return -1;
  return 0;
}

static int parse_devices(json_t *res, struct cg_resources *r, berth_error_t *err) {
  json_t *arr = json_object_get(res, "devices");
  if (arr == NULL || json_is_null(arr)) return 0;
  if (!json_is_array(arr)) return berth_error_set(err, 0, "linux.resources.devices: expected an array");
  r->has_devices = true;
  if (json_array_size(arr) == 0) return 0;
  r->devices = calloc(json_array_size(arr), sizeof *r->devices);
  if (r->devices == NULL) return berth_error_set(err, ENOMEM, "parse linux.resources.devices");
  size_t i;
  json_t *e;
  json_array_foreach(arr, i, e) {
    char where[32];
    snprintf(where, sizeof where, "devices[%zu]", i);
    if (!json_is_object(e)) return berth_error_set(err, 0, "linux.resources.%s: expected an object", where);
    struct cg_dev_rule *d = &r->devices[i];
    json_t *allow = json_object_get(e, "allow");
    if (!json_is_boolean(allow)) return berth_error_set(err, 0, "linux.resources.%s.allow: expected a boolean", where);
    d->allow = json_is_true(allow);
    json_t *type = json_object_get(e, "type");
    const char *t = type == NULL || json_is_null(type) ? "a" : json_string_value(type);
    if (t == NULL || strlen(t) != 1 || strchr("abc", t[0]) == NULL)
      return berth_error_set(err, 0, "linux.resources.%s.type: expected \"a\", \"b\" or \"c\"", where);
    d->type = t[0];
    struct cg_opt major, minor;
    if (get_int(e, where, "major", -1, 0xfffffff, &major, err) < 0 ||
        get_int(e, where, "minor", -1, 0xfffffff, &minor, err) < 0)
      return -1;
    d->major = major.set ? major.v : -1;
    d->minor = minor.set ? minor.v : -1;
    json_t *access = json_object_get(e, "access");
    const char *a = access == NULL || json_is_null(access) ? "rwm" : json_string_value(access);
    if (a == NULL || a[0] == '\0' || a[strspn(a, "rwm")] != '\0')
      return berth_error_set(err, 0, "linux.resources.%s.access: expected letters from \"rwm\"", where);
    d->access = (strchr(a, 'r') ? CG_DEV_READ : 0) | (strchr(a, 'w') ? CG_DEV_WRITE : 0) |
                (strchr(a, 'm') ? CG_DEV_MKNOD : 0);
    r->n_devices++;
  }
  return 0;
}

static int parse_hugepages(json_t *res, struct cg_resources *r, berth_error_t *err) {
  json_t *arr = json_object_get(res, "hugepageLimits");
  if (arr == NULL || json_is_null(arr)) return 0;
  if (!json_is_array(arr)) return berth_error_set(err, 0, "linux.resources.hugepageLimits: expected an array");
  if (json_array_size(arr) == 0) return 0;
  r->hugepages = calloc(json_array_size(arr), sizeof *r->hugepages);
  if (r->hugepages == NULL) return berth_error_set(err, ENOMEM, "parse linux.resources.hugepageLimits");
  size_t i;
  json_t *e;
  json_array_foreach(arr, i, e) {
    char where[40];
    snprintf(where, sizeof where, "hugepageLimits[%zu]", i);
    const char *size = json_string_value(json_object_get(e, "pageSize"));
    struct cg_opt limit;
    if (size == NULL || strlen(size) >= sizeof r->hugepages[i].page_size || strchr(size, '/') ||
        size[strspn(size, "0123456789KMGB")] != '\0')
      return berth_error_set(err, 0, "linux.resources.%s.pageSize: expected a size like \"2MB\"", where);
    if (get_int(e, where, "limit", 0, INT64_MAX, &limit, err) < 0) return -1;
    snprintf(r->hugepages[i].page_size, sizeof r->hugepages[i].page_size, "%s", size);
    r->hugepages[i].limit = (uint64_t)(limit.set ? limit.v : 0);
    r->n_hugepages++;
  }
  return 0;
}

int cg_resources_parse(json_t *res, struct cg_resources *r, berth_error_t *err) {
  memset(r, 0, sizeof *r);
  if (res == NULL || json_is_null(res)) return 0;
  if (!json_is_object(res)) return berth_error_set(err, 0, "linux.resources: expected an object");
  json_t *pids, *network, *unified;
  int rc = parse_memory(res, r, err);
  if (rc == 0) rc = parse_cpu(res, r, err);
  if (rc == 0) rc = get_object(res, "pids", &pids, err);
  if (rc == 0 && pids) rc = get_int(pids, "pids", "limit", INT64_MIN, INT64_MAX, &r->pids_limit, err);
  if (rc == 0) rc = parse_blkio(res, r, err);
  if (rc == 0) rc = parse_devices(res, r, err);
  if (rc == 0) rc = parse_hugepages(res, r, err);
  if (rc == 0) rc = get_object(res, "network", &network, err);
  if (rc == 0 && network && json_object_size(network) > 0)
    rc = berth_error_set(err, 0, "linux.resources.network needs the cgroup controllers 'net_cls' and "
                                 "'net_prio', which berth does not manage");
  if (rc == 0) rc = get_object(res, "unified", &unified, err);
  if (rc == 0 && unified) {
    const char *key;
    json_t *value;
    json_object_foreach(unified, key, value) {
      if (!json_is_string(value))
        return cg_resources_free(r), berth_error_set(err, 0, "linux.resources.unified.%s: expected a string", key);
      if (strchr(key, '/') || key[0] == '.' || strchr(key, '.') == NULL)
        return cg_resources_free(r), berth_error_set(err, 0, "linux.resources.unified: '%s' is not a cgroup file name", key);
    }
    r->unified = json_object_size(unified) ? unified : NULL;
  }
  if (rc < 0) cg_resources_free(r);
  return rc;
}

void cg_resources_free(struct cg_resources *r) {
  free(r->blkio.weight_device);
  for (int t = 0; t < CG_THROTTLE_COUNT; t++) free(r->blkio.throttle[t]);
  free(r->devices);
  free(r->hugepages);
  memset(r, 0, sizeof *r);
}
