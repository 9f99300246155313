/* The v2 driver on the real cgroup2 mount (/sys/fs/cgroup/unified here; it has no controllers,
 * but cgroup.freeze and eBPF device filters work): a real child is frozen and thawed, and a
 * process inside a filtered cgroup can open /dev/null but not a denied device. Needs root. */
#include <linux/bpf.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "cgroup_test.h"

static char v2root[PATH_MAX], path[64];

static void test_freeze(struct cgroup_fs *fs) {
  berth_error_t err;
  OK_CALL(cgroup_create(fs, path, 0, &err), &err, "real v2: create %s", path);
  volatile unsigned long *counter =
      mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (counter == MAP_FAILED) perror("mmap");
  *counter = 0;
  pid_t child = fork();
  if (child == 0) {
    berth_error_t cerr;
    if (cgroup_enter(fs, path, getpid(), &cerr) < 0) _exit(3);
    for (;;) (*counter)++;
  }
  for (int i = 0; i < 1000 && *counter == 0; i++) usleep(1000);
  tap_ok(*counter > 0, "real v2: the child runs");
  OK_CALL(cgroup_set_frozen(fs, path, true, &err), &err, "real v2: freeze");
  char rel[PATH_MAX];
  snprintf(rel, sizeof rel, "%s/cgroup.events", path + 1);
  tap_ok(strstr(file_text(v2root, rel), "frozen 1\n") != NULL, "real v2: cgroup.events says frozen 1");
  unsigned long before = *counter;
  usleep(100000);
  tap_ok(*counter == before, "real v2: a frozen child makes no progress");
  bool frozen = false;
  OK_CALL(cgroup_is_frozen(fs, path, &frozen, &err), &err, "real v2: is_frozen");
  tap_ok(frozen, "real v2: reads frozen");
  OK_CALL(cgroup_set_frozen(fs, path, false, &err), &err, "real v2: thaw");
  for (int i = 0; i < 2000 && *counter == before; i++) usleep(1000); /* a busy host may be slow to run it */
  tap_ok(*counter > before, "real v2: a thawed child runs again");
  pid_t *pids = NULL;
  size_t n = 0;
  OK_CALL(cgroup_list_pids(fs, path, &pids, &n, &err), &err, "real v2: list pids");
  tap_ok(n == 1 && pids[0] == child, "real v2: the child is listed (%zu)", n);
  free(pids);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  munmap((void *)counter, 4096);
  OK_CALL(cgroup_destroy(fs, path, &err), &err, "real v2: destroy");
  snprintf(rel, sizeof rel, "%s", path + 1);
  tap_ok(!path_exists(v2root, rel), "real v2: the cgroup is gone");
}

/* A cgroup2 tree whose root offers no controllers (every controller bound to v1, as on this
 * hybrid VM): the files of the core stay usable, the OOM count reads 0 without an error (no
 * memory.events), and each limit fails naming its controller and the cgroup. */
static void test_no_controllers(struct cgroup_fs *fs) {
  berth_error_t err;
  const char *controllers = file_text(v2root, "cgroup.controllers");
  if (controllers[strspn(controllers, " \n")] != '\0') {
    printf("# controllers offered at %s: the no-controller cases do not apply\n", v2root);
    return;
  }
  OK_CALL(cgroup_create(fs, path, 0, &err), &err, "no controllers: create %s", path);
  char dir[PATH_MAX + 64], rel[128];
  snprintf(dir, sizeof dir, "%s%s", v2root, path);
  bool has[3];
  static const char *const files[] = {"cgroup.events", "cgroup.freeze", "memory.events"};
  for (size_t i = 0; i < 3; i++) {
    snprintf(rel, sizeof rel, "%s/%s", path + 1, files[i]);
    has[i] = path_exists(v2root, rel);
  }
  tap_ok(has[0] && has[1] && !has[2],
         "no controllers: cgroup.events and cgroup.freeze exist, memory.events does not");
  uint64_t count = 99;
  OK_CALL(cgroup_oom_kill_count(fs, path, &count, &err), &err, "no controllers: oom kill count");
  tap_ok(count == 0, "no controllers: the OOM kill count is 0 (%llu)", (unsigned long long)count);
  static const struct {
    const char *json, *controller;
  } limits[] = {
      {"{\"memory\":{\"limit\":67108864}}", "'memory'"}, {"{\"pids\":{\"limit\":10}}", "'pids'"},
      {"{\"cpu\":{\"shares\":512}}", "'cpu'"},        {"{\"cpu\":{\"cpus\":\"0\"}}", "'cpuset'"},
      {"{\"blockIO\":{\"weight\":300}}", "'io'"},      {"{\"unified\":{\"memory.high\":\"1000000\"}}", "'memory'"},
  };
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
    json_t *res = json_loads(limits[i].json, 0, NULL);
    berth_error_t lerr = {0};
    int rc = cgroup_apply_resources(fs, path, res, &lerr);
    json_decref(res);
    tap_ok(rc < 0 && strstr(lerr.message, limits[i].controller) && strstr(lerr.message, dir),
           "no controllers: %s fails naming %s and the cgroup (%s)", limits[i].json, limits[i].controller,
           lerr.message);
  }
  OK_CALL(cgroup_destroy(fs, path, &err), &err, "no controllers: destroy");
}

/* Runs the probe in a child that first joins the cgroup; returns the errno of each open (0 =
 * opened) packed one byte each: /dev/null rw, /dev/kmsg r, /dev/kmsg w, then in byte 4 the open
 * of a fresh node for 1:1 (/dev/mem) and in byte 5 its mknod. */
static unsigned long probe(struct cgroup_fs *fs) {
  unsigned long *out = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  *out = ~0UL;
  pid_t child = fork();
  if (child == 0) {
    berth_error_t cerr;
    if (cgroup_enter(fs, path, getpid(), &cerr) < 0) _exit(3);
    static const struct {
      const char *file;
      int flags;
    } opens[] = {{"/dev/null", O_RDWR}, {"/dev/kmsg", O_RDONLY}, {"/dev/kmsg", O_WRONLY}};
    unsigned long r = 0;
    for (size_t i = 0; i < 3; i++) {
      int fd = open(opens[i].file, opens[i].flags | O_CLOEXEC | O_NONBLOCK);
      r |= (unsigned long)(fd >= 0 ? 0 : (errno & 0xff)) << (8 * i);
      if (fd >= 0) close(fd);
    }
    char node[64];
    snprintf(node, sizeof node, "/tmp/berth-unit-mem-%d", (int)getpid());
    int mk = mknod(node, S_IFCHR | 0600, makedev(1, 1));
    r |= (unsigned long)(mk == 0 ? 0 : (errno & 0xff)) << 40;
    int fd = mk == 0 ? open(node, O_RDONLY | O_CLOEXEC) : -1;
    r |= (unsigned long)(fd >= 0 ? 0 : (errno & 0xff)) << 32;
    if (fd >= 0) close(fd);
    unlink(node);
    *out = r;
    _exit(0);
  }
  waitpid(child, NULL, 0);
  unsigned long r = *out;
  munmap(out, 4096);
  return r;
}

static int attached_programs(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  uint32_t ids[16];
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t)fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = 16;
  int rc = (int)syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof attr);
  close(fd);
  return rc < 0 ? -1 : (int)attr.query.prog_cnt;
}

#define BYTE(r, i) ((int)(((r) >> (8 * (i))) & 0xff))

static void test_devices(struct cgroup_fs *fs) {
  berth_error_t err;
  OK_CALL(cgroup_create(fs, path, 0, &err), &err, "real bpf: create %s", path);
  char dir[PATH_MAX + 64];
  snprintf(dir, sizeof dir, "%s%s", v2root, path);
  unsigned long before = probe(fs);
  tap_ok(BYTE(before, 1) == 0 && BYTE(before, 2) == 0 && BYTE(before, 4) != EPERM,
         "real bpf: without a filter /dev/kmsg opens both ways and a 1:1 node is not EPERM");

  OK_CALL(apply_text(fs, path,
                     "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":11,\"access\":\"r\"}]}",
                     &err),
          &err, "real bpf: attach deny-all + kmsg read");
  tap_ok(attached_programs(dir) == 1, "real bpf: one program attached (%d)", attached_programs(dir));
  unsigned long r = probe(fs);
  tap_ok(BYTE(r, 0) == 0, "real bpf: /dev/null opens read-write (errno %d)", BYTE(r, 0));
  tap_ok(BYTE(r, 1) == 0, "real bpf: /dev/kmsg opens read-only (errno %d)", BYTE(r, 1));
  tap_ok(BYTE(r, 2) == EPERM, "real bpf: /dev/kmsg write is EPERM (errno %d)", BYTE(r, 2));
  tap_ok(BYTE(r, 5) == 0, "real bpf: mknod is allowed, as in crun's defaults (errno %d)", BYTE(r, 5));
  tap_ok(BYTE(r, 4) == EPERM, "real bpf: opening a new 1:1 node is EPERM (errno %d)", BYTE(r, 4));

  OK_CALL(apply_text(fs, path, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}", &err), &err,
          "real bpf: update to deny-all");
  tap_ok(attached_programs(dir) == 1, "real bpf: the old program was replaced (%d)", attached_programs(dir));
  r = probe(fs);
  tap_ok(BYTE(r, 0) == 0 && BYTE(r, 1) == EPERM, "real bpf: after the update /dev/null opens, /dev/kmsg is EPERM");

  OK_CALL(cgroup_destroy(fs, path, &err), &err, "real bpf: destroy");
}

int main(void) {
  struct cgroup_fs fs;
  berth_error_t err;
  const char *candidates[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
  bool found = false;
  for (size_t i = 0; i < 2 && !found; i++)
    found = geteuid() == 0 && cgroup_detect(&fs, candidates[i], &err) == 0 && fs.mode == CGROUP_MODE_V2 && !fs.fake;
  if (!found) {
    printf("1..0 # SKIP needs root and a cgroup2 mount\n");
    return 0;
  }
  snprintf(v2root, sizeof v2root, "%s", fs.root);
  snprintf(path, sizeof path, "/berth-unit-v2-%d", (int)getpid());
  printf("# cgroup2 mounted at %s\n", v2root);
  test_freeze(&fs);
  test_no_controllers(&fs);
  test_devices(&fs);
  berth_error_t ignored;
  cgroup_destroy(&fs, path, &ignored);
  return tap_done();
}
