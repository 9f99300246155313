#include "runtime/rlimits.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

static const struct {
  const char *name;
  int resource;
} names[] = {
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
};

static int parse(json_t *r, const char **name, int *resource, struct rlimit *lim, berth_error_t *err) {
  *name = json_string_value(json_object_get(r, "type"));
  if (*name == NULL) return berth_error_set(err, 0, "parse config: an rlimit has no type");
  *resource = -1;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i].name, *name) == 0) *resource = names[i].resource;
  if (*resource < 0) return berth_error_set(err, 0, "parse config: rlimit type '%s': unknown", *name);
  json_t *soft = json_object_get(r, "soft"), *hard = json_object_get(r, "hard");
  /* jansson reads 2^64-1 (RLIM_INFINITY) as a real or fails; treat huge or negative as infinity */
  lim->rlim_cur = json_is_integer(soft) && json_integer_value(soft) >= 0 ? (rlim_t)json_integer_value(soft) : RLIM_INFINITY;
  lim->rlim_max = json_is_integer(hard) && json_integer_value(hard) >= 0 ? (rlim_t)json_integer_value(hard) : RLIM_INFINITY;
  if (lim->rlim_cur > lim->rlim_max)
    return berth_error_set(err, 0, "parse config: rlimit %s: soft limit above hard limit", *name);
  return 0;
}

int rlimits_check(json_t *rlimits, berth_error_t *err) {
  size_t i;
  json_t *r;
  json_array_foreach(rlimits, i, r) {
    const char *name;
    int res;
    struct rlimit lim;
    if (parse(r, &name, &res, &lim, err) < 0) return -1;
  }
  return 0;
}

int rlimits_apply(pid_t pid, json_t *rlimits, berth_error_t *err) {
  size_t i;
  json_t *r;
  json_array_foreach(rlimits, i, r) {
    const char *name;
    int res;
    struct rlimit lim;
    if (parse(r, &name, &res, &lim, err) < 0) return -1;
    if (prlimit(pid, (__rlimit_resource_t)res, &lim, NULL) < 0) {
      int e = errno;
      struct rlimit cur;
      if (e == EPERM && prlimit(pid, (__rlimit_resource_t)res, NULL, &cur) == 0 && lim.rlim_max > cur.rlim_max)
        return berth_error_set(err, e, "set rlimit %s to soft %llu hard %llu (above the hard limit %llu)", name,
                               (unsigned long long)lim.rlim_cur, (unsigned long long)lim.rlim_max,
                               (unsigned long long)cur.rlim_max);
      return berth_error_set(err, e, "set rlimit %s to soft %llu hard %llu", name, (unsigned long long)lim.rlim_cur,
                             (unsigned long long)lim.rlim_max);
    }
  }
  return 0;
}
