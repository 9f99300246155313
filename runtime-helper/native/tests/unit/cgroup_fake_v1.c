/* The v1 and hybrid drivers against fake cgroupfs trees (plain directories in a temp dir). */
#include "cgroup_test.h"

static const char *const controllers[] = {"cpu", "cpuacct", "cpuset", "memory", "pids",
                                          "blkio", "devices", "freezer", "systemd"};

static char *v1_tree(bool unified) {
  char *root = make_tree();
  for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++) put_dir(root, controllers[i]);
  put_file(root, "cpuset/cpuset.cpus", "0-1\n");
  put_file(root, "cpuset/cpuset.mems", "0\n");
  if (unified) {
    put_dir(root, "unified");
    put_file(root, "unified/cgroup.controllers", "\n");
  }
  return root;
}

static const char *const full_resources =
    "{\"memory\":{\"limit\":16777216,\"reservation\":8388608,\"swap\":33554432,\"swappiness\":10},"
    " \"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0\",\"mems\":\"0\"},"
    " \"pids\":{\"limit\":64}, \"blockIO\":{\"weight\":500,"
    "   \"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}]},"
    " \"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
    "   {\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}]}";

static void test_v1_lifecycle(void) {
  char *root = v1_tree(false);
  struct cgroup_fs fs;
  berth_error_t err;
  OK_CALL(cgroup_detect(&fs, root, &err), &err, "v1: detect");
  tap_ok(fs.mode == CGROUP_MODE_V1 && fs.fake, "v1: tree shape reads as v1 (mode %d)", fs.mode);

  OK_CALL(cgroup_create(&fs, "/berth/c1", 1234, &err), &err, "v1: create /berth/c1 with pid 1234");
  for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "%s/berth/c1/cgroup.procs", controllers[i]);
    expect_file(root, rel, "1234\n");
  }
  expect_file(root, "cpuset/berth/cpuset.cpus", "0-1");
  expect_file(root, "cpuset/berth/c1/cpuset.mems", "0");

  OK_CALL(apply_text(&fs, "/berth/c1", full_resources, &err), &err, "v1: apply resources");
  expect_file(root, "memory/berth/c1/memory.limit_in_bytes", "16777216");
  expect_file(root, "memory/berth/c1/memory.soft_limit_in_bytes", "8388608");
  expect_file(root, "memory/berth/c1/memory.memsw.limit_in_bytes", "33554432");
  expect_file(root, "memory/berth/c1/memory.swappiness", "10");
  expect_file(root, "cpu/berth/c1/cpu.shares", "512");
  expect_file(root, "cpu/berth/c1/cpu.cfs_quota_us", "50000");
  expect_file(root, "cpu/berth/c1/cpu.cfs_period_us", "100000");
  expect_file(root, "cpuset/berth/c1/cpuset.cpus", "0");
  expect_file(root, "pids/berth/c1/pids.max", "64");
  expect_file(root, "blkio/berth/c1/blkio.weight", "500");
  expect_file(root, "blkio/berth/c1/blkio.throttle.read_bps_device", "8:0 1048576");
  expect_file(root, "devices/berth/c1/devices.deny", "a\n");
  const char *allow = file_text(root, "devices/berth/c1/devices.allow");
  tap_ok(strncmp(allow, "c 1:3 rw\nc *:* m\nb *:* m\nc 1:3 rwm\n", 35) == 0 &&
             strstr(allow, "c 136:* rwm\n") != NULL,
         "v1: devices.allow has the rule, then the defaults");

  /* BFQ's file wins when it is the one the kernel offers. */
  put_file(root, "blkio/berth/c1/blkio.bfq.weight", "");
  unlink(strcat(strcpy((char[PATH_MAX]){0}, root), "/blkio/berth/c1/blkio.weight"));
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"blockIO\":{\"weight\":300}}", &err), &err, "v1: blkio weight with BFQ");
  expect_file(root, "blkio/berth/c1/blkio.bfq.weight", "300");
  tap_ok(!path_exists(root, "blkio/berth/c1/blkio.weight"), "v1: blkio.weight not created when BFQ is there");

  OK_CALL(apply_text(&fs, "/berth/c1", "{\"pids\":{\"limit\":-1}}", &err), &err, "v1: pids -1");
  expect_file(root, "pids/berth/c1/pids.max", "max");
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"pids\":{\"limit\":0}}", &err), &err, "v1: pids 0");
  expect_file(root, "pids/berth/c1/pids.max", "max");
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"memory\":{\"limit\":-1,\"swap\":-1},\"cpu\":{\"quota\":-1}}", &err),
          &err, "v1: unlimited memory, swap and quota");
  expect_file(root, "memory/berth/c1/memory.limit_in_bytes", "-1");
  expect_file(root, "memory/berth/c1/memory.memsw.limit_in_bytes", "-1");
  expect_file(root, "cpu/berth/c1/cpu.cfs_quota_us", "-1");

  /* Bad input fails before anything is written. */
  int rc = apply_text(&fs, "/berth/c1", "{\"memory\":{\"limit\":\"lots\"}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "linux.resources.memory.limit: expected an integer"),
         "v1: a string memory limit is refused (%s)", err.message);
  rc = apply_text(&fs, "/berth/c1", "{\"pids\":{\"limit\":5},\"memory\":{\"limit\":100,\"swap\":50}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "must be at least memory.limit"), "v1: swap below limit is refused (%s)",
         err.message);
  expect_file(root, "pids/berth/c1/pids.max", "max");
  rc = apply_text(&fs, "/berth/c1", "{\"memory\":{\"limit\":-7}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "out of range"), "v1: a negative limit is refused (%s)", err.message);
  rc = apply_text(&fs, "/berth/c1", "{\"cpu\":{\"cpus\":\"0\\n1\"}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "cpu/node list"), "v1: a cpuset with a newline is refused (%s)", err.message);
  rc = apply_text(&fs, "/berth/c1", "{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}", &err);
  tap_ok(rc < 0 && strstr(err.message, "devices[0].type"), "v1: an unknown device type is refused (%s)", err.message);
  rc = apply_text(&fs, "/berth/c1", "{\"unified\":{\"memory.high\":\"1\"}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "needs cgroup v2"), "v1: unified map is refused (%s)", err.message);
  rc = cgroup_create(&fs, "/berth/../../etc", 1, &err);
  tap_ok(rc < 0 && strstr(err.message, ".."), "v1: a path with '..' is refused (%s)", err.message);

  /* memory.checkBeforeUpdate refuses a limit below the usage; without it the kernel decides. */
  put_file(root, "memory/berth/c1/memory.usage_in_bytes", "50000000\n");
  rc = apply_text(&fs, "/berth/c1", "{\"memory\":{\"limit\":16777216,\"checkBeforeUpdate\":true}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "below the current usage 50000000"), "v1: checkBeforeUpdate refuses (%s)", err.message);
  expect_file(root, "memory/berth/c1/memory.limit_in_bytes", "-1");
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"memory\":{\"limit\":67108864,\"checkBeforeUpdate\":true}}", &err), &err,
          "v1: checkBeforeUpdate lets a limit above the usage through");
  expect_file(root, "memory/berth/c1/memory.limit_in_bytes", "67108864");

  OK_CALL(cgroup_set_frozen(&fs, "/berth/c1", true, &err), &err, "v1: freeze");
  expect_file(root, "freezer/berth/c1/freezer.state", "FROZEN");
  bool frozen = false;
  OK_CALL(cgroup_is_frozen(&fs, "/berth/c1", &frozen, &err), &err, "v1: is_frozen");
  tap_ok(frozen, "v1: reads frozen");
  OK_CALL(cgroup_set_frozen(&fs, "/berth/c1", false, &err), &err, "v1: thaw");
  expect_file(root, "freezer/berth/c1/freezer.state", "THAWED");

  put_dir(root, "pids/berth/c1/sub");
  put_file(root, "pids/berth/c1/sub/cgroup.procs", "5678\n5679\n");
  pid_t *pids = NULL;
  size_t n = 0;
  OK_CALL(cgroup_list_pids(&fs, "/berth/c1", &pids, &n, &err), &err, "v1: list pids");
  tap_ok(n == 3 && pids[0] == 1234 && pids[1] == 5678 && pids[2] == 5679, "v1: pids include children (%zu)", n);
  free(pids);

  put_file(root, "memory/berth/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
  uint64_t ooms = 0;
  OK_CALL(cgroup_oom_kill_count(&fs, "/berth/c1", &ooms, &err), &err, "v1: oom count");
  tap_ok(ooms == 3, "v1: oom_kill 3 read (%lu)", (unsigned long)ooms);

  OK_CALL(cgroup_enter(&fs, "/berth/c1", 999, &err), &err, "v1: enter");
  expect_file(root, "memory/berth/c1/cgroup.procs", "1234\n999\n");

  OK_CALL(cgroup_destroy(&fs, "/berth/c1", &err), &err, "v1: destroy");
  bool gone = true, parents_kept = true;
  for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "%s/berth/c1", controllers[i]);
    gone &= !path_exists(root, rel);
    snprintf(rel, sizeof rel, "%s/berth", controllers[i]);
    parents_kept &= path_exists(root, rel);
  }
  tap_ok(gone, "v1: destroy removed /berth/c1 everywhere");
  tap_ok(parents_kept, "v1: the empty parent /berth is kept (only the container's own cgroup goes)");
  OK_CALL(cgroup_destroy(&fs, "/berth/c1", &err), &err, "v1: destroying again is fine");
  remove_tree(root);
}

/* The pids hierarchy is not mounted: a pids limit must fail naming it; other limits still work. */
static void test_missing_controller(void) {
  char *root = make_tree();
  put_dir(root, "memory");
  put_dir(root, "cpu");
  struct cgroup_fs fs;
  berth_error_t err;
  OK_CALL(cgroup_detect(&fs, root, &err), &err, "missing: detect");
  OK_CALL(cgroup_create(&fs, "/c2", 0, &err), &err, "missing: create without pid");
  tap_ok(!path_exists(root, "memory/c2/cgroup.procs"), "missing: no pid written when pid is 0");
  int rc = apply_text(&fs, "/c2", "{\"pids\":{\"limit\":10}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "'pids'"), "missing: pids limit names the controller (%s)", err.message);
  OK_CALL(apply_text(&fs, "/c2", "{\"memory\":{\"limit\":1048576}}", &err), &err, "missing: memory still applies");
  OK_CALL(cgroup_destroy(&fs, "/c2", &err), &err, "missing: destroy");
  remove_tree(root);
}

/* cpu and cpuacct co-mounted, with and without the usual symlinks. */
static void test_combined_cpu(bool symlinks) {
  char *root = make_tree();
  put_dir(root, "cpu,cpuacct");
  put_dir(root, "memory");
  if (symlinks) {
    char a[PATH_MAX], b[PATH_MAX];
    snprintf(a, sizeof a, "%s/cpu", root);
    snprintf(b, sizeof b, "%s/cpuacct", root);
    if (symlink("cpu,cpuacct", a) < 0 || symlink("cpu,cpuacct", b) < 0) perror("symlink");
  }
  struct cgroup_fs fs;
  berth_error_t err;
  OK_CALL(cgroup_detect(&fs, root, &err), &err, "cpu,cpuacct%s: detect", symlinks ? " (symlinks)" : "");
  OK_CALL(cgroup_create(&fs, "/berth/c3", 77, &err), &err, "cpu,cpuacct: create");
  expect_file(root, "cpu,cpuacct/berth/c3/cgroup.procs", "77\n");
  OK_CALL(apply_text(&fs, "/berth/c3", "{\"cpu\":{\"shares\":2048}}", &err), &err, "cpu,cpuacct: apply shares");
  expect_file(root, "cpu,cpuacct/berth/c3/cpu.shares", "2048");
  OK_CALL(cgroup_destroy(&fs, "/berth/c3", &err), &err, "cpu,cpuacct: destroy");
  tap_ok(!path_exists(root, "cpu,cpuacct/berth/c3") && path_exists(root, "cpu,cpuacct/berth"),
         "cpu,cpuacct: removed, the parent kept");
  remove_tree(root);
}

/* Hybrid: v1 controllers plus the cgroup2 tree at unified/ (where hugetlb may live). */
static void test_hybrid(void) {
  char *root = v1_tree(true);
  put_file(root, "unified/cgroup.controllers", "hugetlb\n");
  struct cgroup_fs fs;
  berth_error_t err;
  OK_CALL(cgroup_detect(&fs, root, &err), &err, "hybrid: detect");
  tap_ok(fs.mode == CGROUP_MODE_HYBRID, "hybrid: tree shape reads as hybrid (mode %d)", fs.mode);
  OK_CALL(cgroup_create(&fs, "/berth/h1", 4321, &err), &err, "hybrid: create");
  expect_file(root, "memory/berth/h1/cgroup.procs", "4321\n");
  expect_file(root, "unified/berth/h1/cgroup.procs", "4321\n");
  tap_ok(!path_exists(root, "unified/cgroup.subtree_control"), "hybrid: no controller switched on by create");
  OK_CALL(apply_text(&fs, "/berth/h1",
                     "{\"memory\":{\"limit\":33554432},\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
                     "\"unified\":{\"cgroup.max.depth\":\"3\"}}",
                     &err),
          &err, "hybrid: apply memory, cgroup2-side hugetlb and unified map");
  expect_file(root, "memory/berth/h1/memory.limit_in_bytes", "33554432");
  expect_file(root, "unified/cgroup.subtree_control", "+hugetlb\n");
  expect_file(root, "unified/berth/h1/hugetlb.2MB.max", "4194304");
  expect_file(root, "unified/berth/h1/cgroup.max.depth", "3");
  OK_CALL(cgroup_set_frozen(&fs, "/berth/h1", true, &err), &err, "hybrid: freeze uses v1 freezer");
  expect_file(root, "freezer/berth/h1/freezer.state", "FROZEN");
  tap_ok(!path_exists(root, "unified/berth/h1/cgroup.freeze"), "hybrid: cgroup.freeze untouched");
  OK_CALL(cgroup_destroy(&fs, "/berth/h1", &err), &err, "hybrid: destroy");
  tap_ok(!path_exists(root, "memory/berth/h1") && !path_exists(root, "unified/berth/h1"), "hybrid: removed on both sides");
  tap_ok(path_exists(root, "memory/berth") && path_exists(root, "unified/berth"), "hybrid: the parents kept on both sides");
  remove_tree(root);
}

int main(void) {
  test_v1_lifecycle();
  test_missing_controller();
  test_combined_cpu(true);
  test_combined_cpu(false);
  test_hybrid();
  return tap_done();
}
