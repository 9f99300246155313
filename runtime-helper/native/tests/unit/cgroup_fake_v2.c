/* The v2 driver against a fake cgroup2 tree: controllers switched on down the path, the files
 * and formats v2 wants, and the eBPF device filter compiled and verified by the kernel. */
#include "cgroup_test.h"

static char *v2_tree(const char *controllers) {
  char *root = make_tree();
  put_file(root, "cgroup.controllers", controllers);
  put_file(root, "cgroup.subtree_control", "");
  return root;
}

static void test_v2_lifecycle(void) {
  char *root = v2_tree("cpuset cpu io memory hugetlb pids\n");
  struct cgroup_fs fs;
  berth_error_t err;
  OK_CALL(cgroup_detect(&fs, root, &err), &err, "v2: detect");
  tap_ok(fs.mode == CGROUP_MODE_V2 && fs.fake, "v2: tree shape reads as v2 (mode %d)", fs.mode);
  OK_CALL(cgroup_create(&fs, "/berth/c1", 42, &err), &err, "v2: create /berth/c1 with pid 42");
  expect_file(root, "berth/c1/cgroup.procs", "42\n");
  expect_file(root, "cgroup.subtree_control", "+cpuset\n+cpu\n+io\n+memory\n+hugetlb\n+pids\n");
  expect_file(root, "berth/cgroup.subtree_control", "+cpuset\n+cpu\n+io\n+memory\n+hugetlb\n+pids\n");
  tap_ok(!path_exists(root, "berth/c1/cgroup.subtree_control"), "v2: the leaf keeps its controllers to itself");

  OK_CALL(apply_text(&fs, "/berth/c1",
                     "{\"memory\":{\"limit\":16777216,\"reservation\":8388608,\"swap\":33554432,\"swappiness\":60},"
                     " \"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"},"
                     " \"pids\":{\"limit\":100}, \"blockIO\":{\"weight\":500,"
                     "   \"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":200}]},"
                     " \"hugepageLimits\":[{\"pageSize\":\"1GB\",\"limit\":0}],"
                     " \"unified\":{\"memory.high\":\"12582912\"}}",
                     &err),
          &err, "v2: apply resources");
  expect_file(root, "berth/c1/memory.max", "16777216");
  expect_file(root, "berth/c1/memory.low", "8388608");
  expect_file(root, "berth/c1/memory.swap.max", "16777216");
  tap_ok(!path_exists(root, "berth/c1/memory.swappiness"), "v2: no swappiness file invented");
  expect_file(root, "berth/c1/cpu.weight", "100");
  expect_file(root, "berth/c1/cpu.max", "50000 100000");
  expect_file(root, "berth/c1/cpuset.cpus", "0-1");
  expect_file(root, "berth/c1/cpuset.mems", "0");
  expect_file(root, "berth/c1/pids.max", "100");
  expect_file(root, "berth/c1/io.weight", "default 4950");
  expect_file(root, "berth/c1/io.max", "8:16 wiops=200");
  expect_file(root, "berth/c1/hugetlb.1GB.max", "0");
  expect_file(root, "berth/c1/memory.high", "12582912");

  /* Updates: a period alone keeps the quota; -1 quota is "max"; BFQ takes the raw weight. */
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"cpu\":{\"period\":200000,\"shares\":2}}", &err), &err, "v2: period only");
  expect_file(root, "berth/c1/cpu.max", "50000 200000");
  expect_file(root, "berth/c1/cpu.weight", "1");
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"cpu\":{\"quota\":-1}}", &err), &err, "v2: unlimited quota");
  expect_file(root, "berth/c1/cpu.max", "max 200000");
  put_file(root, "berth/c1/io.bfq.weight", "");
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"blockIO\":{\"weight\":700}}", &err), &err, "v2: io weight with BFQ");
  expect_file(root, "berth/c1/io.bfq.weight", "700");
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"memory\":{\"swap\":50331648}}", &err), &err, "v2: swap alone uses the current limit");
  expect_file(root, "berth/c1/memory.swap.max", "33554432");
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"memory\":{\"limit\":-1,\"swap\":-1},\"pids\":{\"limit\":-1}}", &err), &err,
          "v2: unlimited");
  expect_file(root, "berth/c1/memory.max", "max");
  expect_file(root, "berth/c1/memory.swap.max", "max");
  expect_file(root, "berth/c1/pids.max", "max");
  int rc = apply_text(&fs, "/berth/c1", "{\"memory\":{\"swap\":1048576}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "needs a memory limit"), "v2: swap without a memory limit is refused (%s)",
         err.message);
  rc = apply_text(&fs, "/berth/c1", "{\"memory\":{\"disableOOMKiller\":true}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "disableOOMKiller"), "v2: disableOOMKiller is refused (%s)", err.message);
  rc = apply_text(&fs, "/berth/c1", "{\"unified\":{\"../../etc/passwd\":\"x\"}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "not a cgroup file name"), "v2: unified key with a path is refused (%s)",
         err.message);

  put_file(root, "berth/c1/memory.current", "50000000\n");
  rc = apply_text(&fs, "/berth/c1", "{\"memory\":{\"limit\":16777216,\"checkBeforeUpdate\":true}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "below the current usage 50000000"), "v2: checkBeforeUpdate refuses (%s)", err.message);
  expect_file(root, "berth/c1/memory.max", "max");

  /* The filter compiles and passes the kernel's verifier (attaching needs a real cgroup). */
  OK_CALL(apply_text(&fs, "/berth/c1",
                     "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":11,\"access\":\"r\"},"
                     "{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"rw\"},"
                     "{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"w\"}]}",
                     &err),
          &err, "v2: device filter loads");
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}", &err), &err,
          "v2: allow-all device filter loads (nothing unreachable)");
  OK_CALL(apply_text(&fs, "/berth/c1", "{\"devices\":[]}", &err), &err, "v2: defaults-only device filter loads");

  OK_CALL(cgroup_set_frozen(&fs, "/berth/c1", true, &err), &err, "v2: freeze");
  expect_file(root, "berth/c1/cgroup.freeze", "1");
  bool frozen = false;
  OK_CALL(cgroup_is_frozen(&fs, "/berth/c1", &frozen, &err), &err, "v2: is_frozen");
  tap_ok(frozen, "v2: reads frozen");
  OK_CALL(cgroup_set_frozen(&fs, "/berth/c1", false, &err), &err, "v2: thaw");
  expect_file(root, "berth/c1/cgroup.freeze", "0");

  put_file(root, "berth/c1/memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\noom_group_kill 0\n");
  uint64_t ooms = 0;
  OK_CALL(cgroup_oom_kill_count(&fs, "/berth/c1", &ooms, &err), &err, "v2: oom count");
  tap_ok(ooms == 2, "v2: oom_kill 2 read (%lu)", (unsigned long)ooms);

  pid_t *pids = NULL;
  size_t n = 0;
  OK_CALL(cgroup_list_pids(&fs, "/berth/c1", &pids, &n, &err), &err, "v2: list pids");
  tap_ok(n == 1 && pids[0] == 42, "v2: pid 42 listed (%zu)", n);
  free(pids);

  OK_CALL(cgroup_destroy(&fs, "/berth/c1", &err), &err, "v2: destroy");
  tap_ok(!path_exists(root, "berth/c1"), "v2: /berth/c1 removed");
  tap_ok(path_exists(root, "berth"), "v2: the empty parent /berth is kept");
  tap_ok(path_exists(root, "cgroup.controllers"), "v2: the root stays");
  remove_tree(root);
}

/* Only memory is offered: cpu and pids limits must fail naming the controller. */
static void test_v2_missing(void) {
  char *root = v2_tree("memory\n");
  struct cgroup_fs fs;
  berth_error_t err;
  OK_CALL(cgroup_detect(&fs, root, &err), &err, "v2 missing: detect");
  OK_CALL(cgroup_create(&fs, "/c2", 0, &err), &err, "v2 missing: create");
  expect_file(root, "c2/cgroup.controllers", "memory");
  int rc = apply_text(&fs, "/c2", "{\"pids\":{\"limit\":10}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "'pids'"), "v2 missing: pids names the controller (%s)", err.message);
  rc = apply_text(&fs, "/c2", "{\"cpu\":{\"shares\":512}}", &err);
  tap_ok(rc < 0 && strstr(err.message, "'cpu'"), "v2 missing: cpu names the controller (%s)", err.message);
  OK_CALL(apply_text(&fs, "/c2", "{\"memory\":{\"limit\":1048576}}", &err), &err, "v2 missing: memory applies");
  expect_file(root, "c2/memory.max", "1048576");
  OK_CALL(cgroup_destroy(&fs, "/c2", &err), &err, "v2 missing: destroy");
  remove_tree(root);
}

int main(void) {
  test_v2_lifecycle();
  test_v2_missing();
  return tap_done();
}
