/* update [--resources FILE|-] [--memory N] [--memory-reservation N] [--memory-swap N]
 *        [--cpu-shares N] [--cpu-quota N] [--cpu-period N] [--cpuset-cpus S] [--cpuset-mems S]
 *        [--pids-limit N] [--blkio-weight N] ID
 * Writes an OCI LinuxResources object to the running container's cgroup. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/jsonload.h"
#include "runtime/opts.h"

enum { F_RES = 1, F_MEM, F_MEMRES, F_SWAP, F_SHARES, F_QUOTA, F_PERIOD, F_CPUS, F_MEMS, F_PIDS, F_BLKIO, F_KMEM, F_KMEMTCP, F_RTPERIOD, F_RTRUNTIME, F_L3 };

static int parse_size(const char *flag, const char *v, json_int_t *out, berth_error_t *err) {
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (errno || end == v) return berth_error_set(err, 0, "update: %s '%s' is not a number", flag, v);
  long long mult = 1;
  switch (tolower((unsigned char)*end)) {
  case 'k': mult = 1LL << 10; end++; break;
  case 'm': mult = 1LL << 20; end++; break;
  case 'g': mult = 1LL << 30; end++; break;
  case 't': mult = 1LL << 40; end++; break;
  default: break;
  }
  if (tolower((unsigned char)*end) == 'b') end++;
  if (*end) return berth_error_set(err, 0, "update: %s '%s' is not a size", flag, v);
  *out = n == -1 ? -1 : n * mult;
  return 0;
}

static json_t *section(json_t *res, const char *name) {
  json_t *s = json_object_get(res, name);
  if (!s) {
    s = json_object();
    json_object_set_new(res, name, s);
  }
  return s;
}

static json_t *read_resources(const char *file, berth_error_t *err) {
  json_error_t jerr;
  json_t *j = json_load_oci(file, &jerr);
  if (j == NULL) {
    if (jerr.text[0] == '\0') berth_error_errno(err, "update: open resources '%s'", file);
    else berth_error_set(err, 0, "update: parse resources '%s': %s", file, jerr.text);
    return NULL;
  }
  if (!json_is_object(j)) {
    json_decref(j);
    berth_error_set(err, 0, "update: resources '%s' is not a JSON object", file);
    return NULL;
  }
  return j;
}

int cmd_update(const struct global_opts *g, int argc, char **argv) {
  static const struct opt table[] = {
      {"resources", 'r', true, F_RES},     {"memory", 'm', true, F_MEM},          {"memory-reservation", 0, true, F_MEMRES},
      {"memory-swap", 0, true, F_SWAP},    {"cpu-shares", 0, true, F_SHARES},     {"cpu-quota", 0, true, F_QUOTA},
      {"cpu-period", 0, true, F_PERIOD},   {"cpuset-cpus", 0, true, F_CPUS},      {"cpuset-mems", 0, true, F_MEMS},
      {"pids-limit", 0, true, F_PIDS},     {"blkio-weight", 0, true, F_BLKIO},    {"kernel-memory", 0, true, F_KMEM},
      {"kernel-memory-tcp", 0, true, F_KMEMTCP}, {"cpu-rt-period", 0, true, F_RTPERIOD},
      {"cpu-rt-runtime", 0, true, F_RTRUNTIME},  {"l3-cache-schema", 0, true, F_L3}, {NULL, 0, false, 0},
  };
  berth_error_t err = {0};
  struct opt_parser p;
  opt_init(&p, argc, argv, table);
  json_t *res = NULL, *flags = json_object();
  int rc = 1;
  for (int id; (id = opt_next(&p, &err)) != OPT_DONE;) {
    json_int_t v;
    unsigned long long u;
    switch (id) {
    case OPT_ERROR: goto out;
    case F_RES:
      if (res) json_decref(res);
      if ((res = read_resources(p.value, &err)) == NULL) goto out;
      break;
    case F_MEM: case F_MEMRES: case F_SWAP: {
      if (parse_size("memory value", p.value, &v, &err) < 0) goto out;
      const char *key = id == F_MEM ? "limit" : id == F_MEMRES ? "reservation" : "swap";
      json_object_set_new(section(flags, "memory"), key, json_integer(v));
      break;
    }
    case F_SHARES: case F_PERIOD:
      if (opt_uint(id == F_SHARES ? "--cpu-shares" : "--cpu-period", p.value, &u, &err) < 0) goto out;
      json_object_set_new(section(flags, "cpu"), id == F_SHARES ? "shares" : "period", json_integer((json_int_t)u));
      break;
    case F_QUOTA:
      if (parse_size("--cpu-quota", p.value, &v, &err) < 0) goto out;
      json_object_set_new(section(flags, "cpu"), "quota", json_integer(v));
      break;
    case F_CPUS: case F_MEMS:
      json_object_set_new(section(flags, "cpu"), id == F_CPUS ? "cpus" : "mems", json_string(p.value));
      break;
    case F_PIDS:
      if (parse_size("--pids-limit", p.value, &v, &err) < 0) goto out;
      json_object_set_new(section(flags, "pids"), "limit", json_integer(v));
      break;
    case F_BLKIO:
      if (opt_uint("--blkio-weight", p.value, &u, &err) < 0) goto out;
      json_object_set_new(section(flags, "blockIO"), "weight", json_integer((json_int_t)u));
      break;
    default: break; /* accepted for runc compatibility, not supported: ignored */
    }
  }
  if (need_args("update", argc, p.index, 1, 1, &err) < 0) goto out;
  if (res == NULL) res = json_object();
  /* flags override the file, section by section */
  const char *key;
  json_t *sec;
  json_object_foreach(flags, key, sec) json_object_update(section(res, key), sec);
  struct container_state st;
  struct cgroup_fs fs;
  const char *status;
  if (container_load(g, argv[p.index], &st, &fs, &status, &err) < 0) goto out;
  if (strcmp(status, "stopped") == 0) {
    berth_error_set(&err, 0, "update container '%s': it is stopped", argv[p.index]);
  } else if (cgroup_apply_resources(&fs, st.cgroup_path, res, &err) == 0) {
    rc = 0;
  }
  state_free(&st);
out:
  if (res) json_decref(res);
  json_decref(flags);
  if (rc != 0) fail(&err);
  return rc;
}
