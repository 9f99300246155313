#include "runtime/seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int parse_action(const char *name, json_t *errno_ret, uint32_t default_errno, uint32_t *out,
                        berth_error_t *err) {
  uint32_t e = json_is_integer(errno_ret) ? (uint32_t)json_integer_value(errno_ret) : default_errno;
  if (strcmp(name, "SCMP_ACT_ALLOW") == 0) *out = SCMP_ACT_ALLOW;
  else if (strcmp(name, "SCMP_ACT_ERRNO") == 0) *out = SCMP_ACT_ERRNO(e);
  else if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0) *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0) *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp(name, "SCMP_ACT_TRAP") == 0) *out = SCMP_ACT_TRAP;
  else if (strcmp(name, "SCMP_ACT_TRACE") == 0) *out = SCMP_ACT_TRACE(e);
  else if (strcmp(name, "SCMP_ACT_LOG") == 0) *out = SCMP_ACT_LOG;
  else return berth_error_set(err, 0, "parse seccomp: action '%s': unsupported", name);
  return 0;
}

static int parse_op(const char *name, enum scmp_compare *out) {
  static const struct {
    const char *n;
    enum scmp_compare op;
  } ops[] = {{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
             {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
             {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(ops[i].n, name) == 0) {
      *out = ops[i].op;
      return 0;
    }
  return -1;
}

static int add_arches(scmp_filter_ctx ctx, json_t *arches, berth_error_t *err) {
  size_t i;
  json_t *a;
  json_array_foreach(arches, i, a) {
    const char *name = json_string_value(a);
    if (name == NULL) continue;
    char lower[32];
    const char *p = strncmp(name, "SCMP_ARCH_", 10) == 0 ? name + 10 : name;
    size_t k = 0;
    for (; p[k] && k < sizeof lower - 1; k++) lower[k] = (char)tolower((unsigned char)p[k]);
    lower[k] = '\0';
    uint32_t arch = seccomp_arch_resolve_name(lower);
    if (arch == 0) continue; /* an arch libseccomp does not know cannot run here either */
    int r = seccomp_arch_add(ctx, arch);
    if (r < 0 && r != -EEXIST) return berth_error_set(err, -r, "add seccomp architecture '%s'", name);
  }
  return 0;
}

static int add_rule(scmp_filter_ctx ctx, int nr, uint32_t action, json_t *args, const char *name, berth_error_t *err) {
  struct scmp_arg_cmp cmps[6];
  unsigned n = 0;
  bool same_index = false;
  size_t i;
  json_t *a;
  json_array_foreach(args, i, a) {
    if (n == 6) return berth_error_set(err, 0, "parse seccomp: syscall '%s' has more than 6 arg rules", name);
    enum scmp_compare op;
    if (parse_op(json_string_value(json_object_get(a, "op")) ? json_string_value(json_object_get(a, "op")) : "", &op) < 0)
      return berth_error_set(err, 0, "parse seccomp: syscall '%s': unknown op", name);
    unsigned idx = (unsigned)json_integer_value(json_object_get(a, "index"));
    for (unsigned k = 0; k < n; k++) same_index |= cmps[k].arg == idx;
    cmps[n++] = (struct scmp_arg_cmp){.arg = idx, .op = op,
                                      .datum_a = (scmp_datum_t)json_integer_value(json_object_get(a, "value")),
                                      .datum_b = (scmp_datum_t)json_integer_value(json_object_get(a, "valueTwo"))};
  }
  int r;
  if (same_index) { /* conditions on one argument are alternatives: one rule each (as runc does) */
    for (unsigned k = 0; k < n; k++)
      if ((r = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[k])) < 0)
        return berth_error_set(err, -r, "add seccomp rule for '%s'", name);
    return 0;
  }
  if ((r = seccomp_rule_add_array(ctx, action, nr, n, cmps)) < 0)
    return berth_error_set(err, -r, "add seccomp rule for '%s'", name);
  return 0;
}

int seccomp_build(json_t *config, seccomp_filter_t *out, berth_error_t *err) {
  *out = NULL;
  if (!json_is_object(config)) return 0;
  if (json_object_get(config, "listenerPath"))
    return berth_error_set(err, 0, "parse seccomp: listenerPath is not supported");
  json_t *derr = json_object_get(config, "defaultErrnoRet");
  uint32_t default_errno = json_is_integer(derr) ? (uint32_t)json_integer_value(derr) : EPERM;
  const char *dname = json_string_value(json_object_get(config, "defaultAction"));
  uint32_t def;
  if (parse_action(dname ? dname : "SCMP_ACT_ALLOW", derr, EPERM, &def, err) < 0) return -1;
  scmp_filter_ctx ctx = seccomp_init(def);
  if (ctx == NULL) return berth_error_set(err, EINVAL, "init seccomp filter");
  /* We set no_new_privs ourselves, at the right moment. */
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (add_arches(ctx, json_object_get(config, "architectures"), err) < 0) goto fail;
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(config, "syscalls"), i, s) {
    const char *aname = json_string_value(json_object_get(s, "action"));
    uint32_t action;
    if (parse_action(aname ? aname : "", json_object_get(s, "errnoRet"), default_errno, &action, err) < 0) goto fail;
    if (action == def) continue; /* libseccomp rejects rules that repeat the default */
    size_t k;
    json_t *n;
    json_array_foreach(json_object_get(s, "names"), k, n) {
      const char *name = json_string_value(n);
      if (name == NULL) continue;
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR) continue; /* unknown on this kernel/arch: skipped */
      if (add_rule(ctx, nr, action, json_object_get(s, "args"), name, err) < 0) goto fail;
    }
  }
  *out = ctx;
  return 0;
fail:
  seccomp_release(ctx);
  return -1;
}

int seccomp_install(seccomp_filter_t filter, berth_error_t *err) {
  if (filter == NULL) return 0;
  int r = seccomp_load(filter);
  seccomp_release(filter);
  if (r < 0) return berth_error_set(err, -r, "load seccomp filter");
  return 0;
}

void seccomp_free(seccomp_filter_t filter) {
  if (filter) seccomp_release(filter);
}
