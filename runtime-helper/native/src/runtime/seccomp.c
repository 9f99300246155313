#include "runtime/seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileutil.h"

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

/* The profile as a libseccomp context (NULL config: *out = NULL). */
static int build_ctx(json_t *config, scmp_filter_ctx *out, berth_error_t *err) {
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
  /* A binary tree of syscall numbers instead of a linear list: the kernel's seccomp cache runs the
   * filter for every syscall number when it is loaded, which took 1.2 ms per exec and run with
   * Docker's profile as a list. Libraries without the attribute keep the list. */
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
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

/* Reads a whole program from fd (from offset 0) and checks its size. */
static int read_prog(int fd, const char *what, struct seccomp_prog *out, berth_error_t *err) {
  struct stat st;
  if (fstat(fd, &st) < 0) return berth_error_errno(err, "stat seccomp program %s", what);
  size_t size = (size_t)st.st_size;
  if (size % sizeof(struct sock_filter) != 0 || size / sizeof(struct sock_filter) > BPF_MAXINSNS)
    return berth_error_set(err, EINVAL, "read seccomp program %s: %zu bytes is not a BPF program", what, size);
  out->len = (unsigned short)(size / sizeof(struct sock_filter));
  out->insns = NULL;
  if (out->len == 0) return 0;
  out->insns = malloc(size);
  if (out->insns == NULL) return berth_error_set(err, ENOMEM, "read seccomp program %s", what);
  for (size_t done = 0; done < size;) {
    ssize_t n = pread(fd, (char *)out->insns + done, size - done, (off_t)done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      seccomp_prog_free(out);
      return berth_error_set(err, e, "read seccomp program %s", what);
    }
    done += (size_t)n;
  }
  return 0;
}

int seccomp_compile(json_t *config, struct seccomp_prog *out, berth_error_t *err) {
  *out = (struct seccomp_prog){0};
  scmp_filter_ctx ctx;
  if (build_ctx(config, &ctx, err) < 0) return -1;
  if (ctx == NULL) return 0;
  /* libseccomp 2.5 exports only to an fd: a memfd, read back */
  cleanup_fd int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
  if (fd < 0) {
    seccomp_release(ctx);
    return berth_error_errno(err, "compile seccomp filter: memfd");
  }
  int r = seccomp_export_bpf(ctx, fd);
  seccomp_release(ctx);
  if (r < 0) return berth_error_set(err, -r, "compile seccomp filter");
  return read_prog(fd, "(compiled)", out, err);
}

int seccomp_save(int dirfd, const char *name, const struct seccomp_prog *p, berth_error_t *err) {
  cleanup_fd int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return berth_error_errno(err, "create seccomp program '%s'", name);
  if (p->len && berth_write_all(fd, p->insns, p->len * sizeof *p->insns) < 0)
    return berth_error_errno(err, "write seccomp program '%s'", name);
  return 0;
}

int seccomp_load_saved(int dirfd, const char *name, struct seccomp_prog *out, berth_error_t *err) {
  *out = (struct seccomp_prog){0};
  cleanup_fd int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) return 0;
  if (fd < 0) return berth_error_errno(err, "open seccomp program '%s'", name);
  char what[300];
  snprintf(what, sizeof what, "'%s'", name);
  if (read_prog(fd, what, out, err) < 0) return -1;
  return 1;
}

int seccomp_install(const struct seccomp_prog *p, berth_error_t *err) {
  if (p->len == 0) return 0;
  /* as libseccomp's seccomp_load with our attributes: no flags, no_new_privs left to us */
  struct sock_fprog prog = {.len = p->len, .filter = p->insns};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) return berth_error_errno(err, "load seccomp filter");
  return 0;
}

void seccomp_prog_free(struct seccomp_prog *p) {
  free(p->insns);
  *p = (struct seccomp_prog){0};
}
