/* cgroup v2 has no devices files: access is decided by an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. We compile the rule list (configured rules,
 * then the defaults) into one, with v1's meaning: for each access bit asked for (mknod, read,
 * write) the last rule that matches the device and that bit decides; no match denies. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/internal.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JNE_IMM(d, i) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, 0, i)
#define JEQ_IMM(d, i) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, 0, i)
#define JA() INSN(BPF_JMP | BPF_JA, 0, 0, 0, 0)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R0, R1, R2, R3, R4, R5, R6 }; /* R1 ctx, R2 type, R3 access, R4 major, R5 minor */

struct prog {
  struct bpf_insn *insns;
  size_t n, cap;
  bool failed;
};

static size_t emit(struct prog *p, struct bpf_insn insn) {
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 128;
    struct bpf_insn *bigger = realloc(p->insns, cap * sizeof *bigger);
    if (bigger == NULL) {
      p->failed = true;
      return p->n;
    }
    p->insns = bigger;
    p->cap = cap;
  }
  p->insns[p->n] = insn;
  return p->n++;
}

/* Points the jump at index from to the next instruction to be emitted. */
static void land_here(struct prog *p, size_t from) {
  if (!p->failed) p->insns[from].off = (int16_t)(p->n - from - 1);
}

static const struct cg_dev_rule *rule_at(const struct cg_resources *r, size_t i) {
  return i < r->n_devices ? &r->devices[i] : &cg_default_device_rules[i - r->n_devices];
}

static void emit_bit(struct prog *p, const struct cg_resources *r, unsigned bit, size_t *to_end,
                     size_t *n_to_end) {
  emit(p, MOV64_REG(R6, R3));
  emit(p, ALU32_IMM(BPF_AND, R6, (int32_t)bit));
  to_end[(*n_to_end)++] = emit(p, JEQ_IMM(R6, 0)); /* this bit not asked for */
  size_t total = r->n_devices + cg_default_device_rules_count;
  for (size_t i = total; i-- > 0;) {
    const struct cg_dev_rule *rule = rule_at(r, i);
    if (!(rule->access & bit)) continue;
    size_t to_next[3], n_next = 0;
    if (rule->type != 'a') to_next[n_next++] = emit(p, JNE_IMM(R2, rule->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
    if (rule->major >= 0) to_next[n_next++] = emit(p, JNE_IMM(R4, (int32_t)rule->major));
    if (rule->minor >= 0) to_next[n_next++] = emit(p, JNE_IMM(R5, (int32_t)rule->minor));
    if (rule->allow) {
      to_end[(*n_to_end)++] = emit(p, JA());
    } else {
      emit(p, MOV64_IMM(R0, 0));
      emit(p, EXIT());
    }
    /* A rule matching every device ends the search: code after it would be unreachable, which
     * the verifier rejects. */
    if (n_next == 0) return;
    for (size_t j = 0; j < n_next; j++) land_here(p, to_next[j]);
  }
  emit(p, MOV64_IMM(R0, 0));
  emit(p, EXIT());
}

static int build(const struct cg_resources *r, struct prog *p, berth_error_t *err) {
  size_t total = r->n_devices + cg_default_device_rules_count;
  emit(p, LDX_W(R2, R1, 0)); /* access_type = (access << 16) | type */
  emit(p, ALU32_IMM(BPF_AND, R2, 0xffff));
  emit(p, LDX_W(R3, R1, 0));
  emit(p, ALU32_IMM(BPF_RSH, R3, 16));
  emit(p, LDX_W(R4, R1, 4));
  emit(p, LDX_W(R5, R1, 8));
  static const unsigned bits[] = {BPF_DEVCG_ACC_MKNOD, BPF_DEVCG_ACC_READ, BPF_DEVCG_ACC_WRITE};
  for (size_t b = 0; b < 3; b++) {
    size_t *to_end = malloc((total + 1) * sizeof *to_end), n_to_end = 0;
    if (to_end == NULL) return berth_error_set(err, ENOMEM, "build eBPF device filter");
    emit_bit(p, r, bits[b], to_end, &n_to_end);
    for (size_t j = 0; j < n_to_end; j++) land_here(p, to_end[j]);
    free(to_end);
  }
  emit(p, MOV64_IMM(R0, 1));
  emit(p, EXIT());
  if (p->failed) return berth_error_set(err, ENOMEM, "build eBPF device filter");
  if (p->n > 30000) return berth_error_set(err, E2BIG, "eBPF device filter for %zu rules", total);
  return 0;
}

static int bpf(int cmd, union bpf_attr *attr) { return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr); }

static int load(const struct prog *p, const char *dir, berth_error_t *err) {
  static char log[8192];
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)p->insns;
  attr.insn_cnt = (uint32_t)p->n;
  attr.license = (uint64_t)(uintptr_t) "Apache";
  int fd = bpf(BPF_PROG_LOAD, &attr);
  if (fd >= 0) return fd;
  int saved = errno;
  if (saved == EINVAL || saved == EACCES) { /* again with the verifier's log, for the message */
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = sizeof log;
    attr.log_level = 1;
    log[0] = '\0';
    fd = bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0) return fd;
    size_t len = strlen(log);
    const char *tail = len > 200 ? log + len - 200 : log;
    return berth_error_set(err, saved, "load eBPF device filter for '%s' (%zu insns; verifier: %s)", dir,
                           p->n, tail);
  }
  return berth_error_set(err, saved, "load eBPF device filter for '%s'", dir);
}

/* Attaches fd and then detaches the filters that were there before, so an update never leaves
 * the cgroup without one. */
static int attach(int cgfd, int progfd, const char *dir, berth_error_t *err) {
  uint32_t ids[64], flags = 0;
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t)cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = 64;
  if (bpf(BPF_PROG_QUERY, &attr) < 0) return berth_error_errno(err, "query eBPF device filters of '%s'", dir);
  uint32_t old = attr.query.prog_cnt;
  flags = attr.query.attach_flags;

  memset(&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)cgfd;
  attr.attach_bpf_fd = (uint32_t)progfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  /* A single filter attached without ALLOW_MULTI is replaced by attaching the same way. */
  bool replace = old > 0 && !(flags & BPF_F_ALLOW_MULTI);
  attr.attach_flags = replace ? 0 : BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, &attr) < 0) return berth_error_errno(err, "attach eBPF device filter to '%s'", dir);
  if (replace) return 0;
  for (uint32_t i = 0; i < old && i < 64; i++) {
    memset(&attr, 0, sizeof attr);
    attr.prog_id = ids[i];
    int oldfd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
    if (oldfd < 0) continue; /* already gone */
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cgfd;
    attr.attach_bpf_fd = (uint32_t)oldfd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    int rc = bpf(BPF_PROG_DETACH, &attr);
    int saved = errno;
    close(oldfd);
    if (rc < 0 && saved != ENOENT)
      return berth_error_set(err, saved, "detach old eBPF device filter %u from '%s'", ids[i], dir);
  }
  return 0;
}

int cg_bpf_apply_devices(const struct cgroup_fs *fs, const char *dir, const struct cg_resources *r,
                         berth_error_t *err) {
  struct prog p = {0};
  if (build(r, &p, err) < 0) {
    free(p.insns);
    return -1;
  }
  int progfd = load(&p, dir, err);
  free(p.insns);
  if (progfd < 0) return -1;
  int rc = 0;
  if (!fs->fake) {
    int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgfd < 0)
      rc = berth_error_errno(err, "open '%s'", dir);
    else {
      rc = attach(cgfd, progfd, dir, err);
      close(cgfd);
    }
  }
  close(progfd);
  return rc;
}
