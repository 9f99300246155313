/* The v1 driver on this machine's real hierarchies (v1 or hybrid): a real child process is put
 * in /berth-unit-<pid>, limits are written and read back from the kernel, the freezer stops it,
 * an OOM kill is counted, and everything is removed. Needs root. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "cgroup_test.h"

static char path[64];

static void expect_real(const char *hierarchy, const char *file, const char *want) {
  char rel[PATH_MAX];
  snprintf(rel, sizeof rel, "%s%s/%s", hierarchy, path, file);
  expect_file("/sys/fs/cgroup", rel, want);
}

static pid_t spawn_sleeper(void) {
  pid_t pid = fork();
  if (pid == 0) {
    for (;;) pause();
  }
  return pid;
}

static void reap(pid_t pid) {
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

static void test_limits(struct cgroup_fs *fs) {
  berth_error_t err;
  pid_t child = spawn_sleeper();
  OK_CALL(cgroup_create(fs, path, child, &err), &err, "real v1: create %s with a child", path);
  char proc[64], rel[PATH_MAX];
  snprintf(proc, sizeof proc, "/proc/%d/cgroup", (int)child);
  const char *cg = file_text("/", proc);
  snprintf(rel, sizeof rel, ":memory:%s\n", path);
  tap_ok(strstr(cg, rel) != NULL, "real v1: the child is in the memory cgroup");
  snprintf(rel, sizeof rel, ":pids:%s\n", path);
  tap_ok(strstr(cg, rel) != NULL, "real v1: the child is in the pids cgroup");
  if (fs->mode == CGROUP_MODE_HYBRID) {
    snprintf(rel, sizeof rel, "0::%s\n", path);
    tap_ok(strstr(cg, rel) != NULL, "real hybrid: the child is in the cgroup2 tree too");
  }

  OK_CALL(apply_text(fs, path,
                     "{\"memory\":{\"limit\":33554432,\"reservation\":16777216,\"swap\":67108864,\"swappiness\":20},"
                     " \"cpu\":{\"shares\":512,\"quota\":20000,\"period\":100000,\"cpus\":\"0\",\"mems\":\"0\"},"
                     " \"pids\":{\"limit\":10}, \"blockIO\":{\"weight\":300},"
                     " \"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}",
                     &err),
          &err, "real v1: apply resources");
  expect_real("memory", "memory.limit_in_bytes", "33554432\n");
  expect_real("memory", "memory.soft_limit_in_bytes", "16777216\n");
  expect_real("memory", "memory.memsw.limit_in_bytes", "67108864\n");
  expect_real("memory", "memory.swappiness", "20\n");
  expect_real("cpu", "cpu.shares", "512\n");
  expect_real("cpu", "cpu.cfs_quota_us", "20000\n");
  expect_real("cpu", "cpu.cfs_period_us", "100000\n");
  expect_real("cpuset", "cpuset.cpus", "0\n");
  expect_real("pids", "pids.max", "10\n");
  snprintf(rel, sizeof rel, "blkio%s/blkio.bfq.weight", path);
  if (path_exists("/sys/fs/cgroup", rel))
    expect_real("blkio", "blkio.bfq.weight", "300\n");
  else
    expect_real("blkio", "blkio.weight", "300\n");
  snprintf(rel, sizeof rel, "devices%s/devices.list", path);
  const char *list = file_text("/sys/fs/cgroup", rel);
  tap_ok(strstr(list, "c 1:3 rwm\n") && strstr(list, "c 136:* rwm\n") && !strstr(list, "a *:* rwm"),
         "real v1: devices.list is the default allow list");

  /* memory.limit <= memsw.limit at every step: raising both and lowering both must work. */
  OK_CALL(apply_text(fs, path, "{\"memory\":{\"limit\":134217728,\"swap\":268435456}}", &err), &err,
          "real v1: raise memory above the old memsw limit");
  expect_real("memory", "memory.limit_in_bytes", "134217728\n");
  expect_real("memory", "memory.memsw.limit_in_bytes", "268435456\n");
  OK_CALL(apply_text(fs, path, "{\"memory\":{\"limit\":16777216,\"swap\":16777216}}", &err), &err,
          "real v1: lower memory and memsw below the old limit");
  expect_real("memory", "memory.limit_in_bytes", "16777216\n");
  expect_real("memory", "memory.memsw.limit_in_bytes", "16777216\n");
  OK_CALL(apply_text(fs, path, "{\"memory\":{\"limit\":20971520,\"swap\":-1}}", &err), &err,
          "real v1: unlimited swap with a larger limit");
  expect_real("memory", "memory.limit_in_bytes", "20971520\n");
  OK_CALL(apply_text(fs, path, "{\"cpu\":{\"quota\":50000,\"period\":10000}}", &err), &err,
          "real v1: a shorter period with a new quota");
  expect_real("cpu", "cpu.cfs_period_us", "10000\n");
  expect_real("cpu", "cpu.cfs_quota_us", "50000\n");

  int rc = apply_text(fs, path, "{\"cpu\":{\"quota\":500}}", &err);
  snprintf(rel, sizeof rel, "write '/sys/fs/cgroup/cpu%s/cpu.cfs_quota_us' (500): Invalid argument", path);
  tap_ok(rc < 0 && strcmp(err.message, rel) == 0, "real v1: the kernel's refusal names file and value (%s)", err.message);

  pid_t *pids = NULL;
  size_t n = 0;
  OK_CALL(cgroup_list_pids(fs, path, &pids, &n, &err), &err, "real v1: list pids");
  tap_ok(n == 1 && pids[0] == child, "real v1: the child is the one pid (%zu)", n);
  free(pids);

  OK_CALL(cgroup_set_frozen(fs, path, true, &err), &err, "real v1: freeze");
  bool frozen = false;
  OK_CALL(cgroup_is_frozen(fs, path, &frozen, &err), &err, "real v1: is_frozen");
  tap_ok(frozen, "real v1: frozen");
  expect_real("freezer", "freezer.state", "FROZEN\n");
  OK_CALL(cgroup_set_frozen(fs, path, false, &err), &err, "real v1: thaw");
  expect_real("freezer", "freezer.state", "THAWED\n");

  reap(child);
  OK_CALL(cgroup_destroy(fs, path, &err), &err, "real v1: destroy");
  static const char *const hierarchies[] = {"memory", "cpu", "cpuacct", "cpuset", "pids", "blkio",
                                            "devices", "freezer", "unified"};
  bool gone = true;
  for (size_t i = 0; i < sizeof hierarchies / sizeof hierarchies[0]; i++) {
    snprintf(rel, sizeof rel, "%s%s", hierarchies[i], path);
    gone &= !path_exists("/sys/fs/cgroup", rel);
  }
  tap_ok(gone, "real v1: no cgroup left in any hierarchy");
}

/* A process that touches more memory than its limit is OOM-killed and the kill is counted. */
static void test_oom(struct cgroup_fs *fs) {
  berth_error_t err;
  OK_CALL(cgroup_create(fs, path, 0, &err), &err, "real oom: create");
  OK_CALL(apply_text(fs, path, "{\"memory\":{\"limit\":8388608,\"swap\":8388608}}", &err), &err,
          "real oom: 8 MiB without swap");
  int ready[2];
  if (pipe(ready) < 0) perror("pipe");
  pid_t child = fork();
  if (child == 0) {
    char c;
    close(ready[1]);
    if (read(ready[0], &c, 1) != 1) _exit(3);
    size_t size = 64 << 20;
    char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) _exit(4);
    for (size_t i = 0; i < size; i += 4096) p[i] = 1;
    _exit(0);
  }
  close(ready[0]);
  OK_CALL(cgroup_enter(fs, path, child, &err), &err, "real oom: enter the hog");
  if (write(ready[1], "x", 1) != 1) perror("write");
  close(ready[1]);
  int status = 0;
  waitpid(child, &status, 0);
  tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "real oom: the hog was killed (status %#x)", status);
  uint64_t ooms = 0;
  OK_CALL(cgroup_oom_kill_count(fs, path, &ooms, &err), &err, "real oom: read the count");
  tap_ok(ooms == 1, "real oom: oom_kill is 1 (%lu)", (unsigned long)ooms);
  OK_CALL(cgroup_destroy(fs, path, &err), &err, "real oom: destroy");
}

/* Containers come and go in parallel under one shared parent, which stays when the last one
 * goes (only a container's own cgroup is removed). */
static void test_parallel(struct cgroup_fs *fs) {
  enum { WORKERS = 4, ROUNDS = 30 };
  pid_t workers[WORKERS];
  for (int w = 0; w < WORKERS; w++) {
    workers[w] = fork();
    if (workers[w] == 0) {
      char leaf[128];
      snprintf(leaf, sizeof leaf, "%s-shared/c%d", path, w);
      for (int i = 0; i < ROUNDS; i++) {
        berth_error_t werr;
        if (cgroup_create(fs, leaf, 0, &werr) < 0 || cgroup_destroy(fs, leaf, &werr) < 0) {
          fprintf(stderr, "# worker %d round %d: %s\n", w, i, werr.message);
          _exit(1);
        }
      }
      _exit(0);
    }
  }
  int failed = 0;
  for (int w = 0; w < WORKERS; w++) {
    int status = 0;
    waitpid(workers[w], &status, 0);
    failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  tap_ok(failed == 0, "real v1: %d workers x %d create/destroy under one parent (%d failed)", WORKERS, ROUNDS, failed);
  char rel[PATH_MAX];
  snprintf(rel, sizeof rel, "memory%s-shared", path);
  tap_ok(path_exists("/sys/fs/cgroup", rel), "real v1: the shared parent is kept at the end");
  snprintf(rel, sizeof rel, "memory%s-shared/c0", path);
  tap_ok(!path_exists("/sys/fs/cgroup", rel), "real v1: the containers' own cgroups are gone");
  char shared[128];
  snprintf(shared, sizeof shared, "%s-shared", path);
  berth_error_t err;
  OK_CALL(cgroup_destroy(fs, shared, &err), &err, "real v1: the test removes the shared parent");
}

int main(void) {
  struct cgroup_fs fs;
  berth_error_t err;
  if (geteuid() != 0 || cgroup_detect(&fs, NULL, &err) < 0 || fs.mode == CGROUP_MODE_V2) {
    printf("1..0 # SKIP needs root on a cgroup v1 or hybrid host\n");
    return 0;
  }
  tap_ok(!fs.fake, "real: /sys/fs/cgroup is mounted cgroupfs (mode %d)", fs.mode);
  snprintf(path, sizeof path, "/berth-unit-%d", (int)getpid());
  test_limits(&fs);
  test_oom(&fs);
  test_parallel(&fs);
  berth_error_t ignored;
  cgroup_destroy(&fs, path, &ignored); /* after a failed check too */
  return tap_done();
}
