/* cgroup_kill against processes that keep forking: "walkers" (each forks a child and exits at
 * once, so any pid read a moment ago is gone and a new one runs) and a spawner that keeps adding
 * children. Killed in one call, the cgroup must end empty and be removable: on the real v1
 * hierarchies of this host (freezer, then signal, then thaw) and on the real cgroup2 tree
 * (cgroup.kill). A fake v2 tree shows which way was taken: cgroup.kill when the file is there,
 * the freezer around the pid list when not, and a paused cgroup left paused for SIGTERM.
 * The test process is a subreaper and reaps every walker, so no zombies pile up. Needs root. */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "cgroup_test.h"

enum { WALKERS = 4, SPAWNED_MAX = 200 };

static void reap_all(void) {
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_reaping(int ms) {
  for (long end = now_ms() + ms; now_ms() < end;) {
    reap_all();
    usleep(1000);
  }
}

static size_t count_pids(const struct cgroup_fs *fs, const char *path) {
  pid_t *pids = NULL;
  size_t n = 0;
  berth_error_t err;
  if (cgroup_list_pids(fs, path, &pids, &n, &err) < 0) return (size_t)-1;
  free(pids);
  return n;
}

/* Never returns: steps on by forking and leaving, a few hundred times a second. */
static void walk(void) {
  for (;;) {
    usleep(2000);
    pid_t p = fork();
    if (p > 0) _exit(0);
    if (p < 0) usleep(20000);
  }
}

/* A process in path that starts the walkers, then spawns sleeping children until killed. */
static pid_t start_forkers(const struct cgroup_fs *fs, const char *path) {
  pid_t p = fork();
  if (p != 0) return p;
  berth_error_t err;
  if (cgroup_enter(fs, path, getpid(), &err) < 0) {
    fprintf(stderr, "# enter: %s\n", err.message);
    _exit(3);
  }
  for (int i = 0; i < WALKERS; i++)
    if (fork() == 0) walk();
  for (int i = 0;; i++) {
    if (i < SPAWNED_MAX && fork() == 0) {
      pause();
      _exit(0);
    }
    usleep(2000);
  }
}

/* Kills a cgroup full of forkers with one cgroup_kill and checks it empties and goes. */
static void kill_forkers(const struct cgroup_fs *fs, const char *path, const char *what) {
  berth_error_t err;
  OK_CALL(cgroup_create(fs, path, 0, &err), &err, "%s: create %s", what, path);
  pid_t first = start_forkers(fs, path);
  size_t n = 0;
  for (long end = now_ms() + 5000; now_ms() < end && (n = count_pids(fs, path)) < 30;) sleep_reaping(5);
  tap_ok(n >= 30 && n != (size_t)-1, "%s: the forkers run (%zu processes)", what, n);
  sleep_reaping(100); /* walkers stepping on, the spawner adding */
  OK_CALL(cgroup_kill(fs, path, SIGKILL, &err), &err, "%s: kill with one call", what);
  long end = now_ms() + 5000;
  while (now_ms() < end && (n = count_pids(fs, path)) != 0) sleep_reaping(5);
  tap_ok(n == 0, "%s: the cgroup is empty (%zu left)", what, n);
  if (n != 0) cgroup_kill(fs, path, SIGKILL, &err); /* no runaway after a failure */
  sleep_reaping(20);
  kill(first, SIGKILL);
  reap_all();
  OK_CALL(cgroup_destroy(fs, path, &err), &err, "%s: destroy", what);
}

static pid_t sleeper(void) {
  pid_t p = fork();
  if (p == 0) {
    pause();
    _exit(0);
  }
  return p;
}

static int dies_of(pid_t p) {
  int status = 0;
  if (waitpid(p, &status, 0) != p) return -1;
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void test_fake_v2(void) {
  char *root = make_tree();
  put_file(root, "cgroup.controllers", "");
  struct cgroup_fs fs;
  berth_error_t err;
  OK_CALL(cgroup_detect(&fs, root, &err), &err, "fake v2: detect");
  OK_CALL(cgroup_create(&fs, "/k1", 0, &err), &err, "fake v2: create");

  put_file(root, "k1/cgroup.kill", "");
  OK_CALL(cgroup_kill(&fs, "/k1", SIGKILL, &err), &err, "fake v2: SIGKILL with cgroup.kill");
  expect_file(root, "k1/cgroup.kill", "1");
  tap_ok(!path_exists(root, "k1/cgroup.freeze"), "fake v2: no freeze when cgroup.kill did it");

  char rel[64], pid_text[32];
  unlink(strcat(strcpy(rel, root), "/k1/cgroup.kill"));
  pid_t p = sleeper();
  snprintf(pid_text, sizeof pid_text, "%d\n", (int)p);
  put_file(root, "k1/cgroup.procs", pid_text);
  put_file(root, "k1/cgroup.freeze", "0");
  OK_CALL(cgroup_kill(&fs, "/k1", SIGKILL, &err), &err, "fake v2: SIGKILL without cgroup.kill");
  tap_ok(dies_of(p) == SIGKILL, "fake v2: the listed pid got SIGKILL");
  expect_file(root, "k1/cgroup.freeze", "0"); /* frozen around the signal, thawed after */

  p = sleeper();
  snprintf(pid_text, sizeof pid_text, "%d\n", (int)p);
  put_file(root, "k1/cgroup.procs", pid_text);
  put_file(root, "k1/cgroup.freeze", "1"); /* paused */
  OK_CALL(cgroup_kill(&fs, "/k1", SIGTERM, &err), &err, "fake v2: SIGTERM to a paused cgroup");
  tap_ok(dies_of(p) == SIGTERM, "fake v2: the listed pid got SIGTERM");
  expect_file(root, "k1/cgroup.freeze", "1"); /* still paused */

  tap_ok(cgroup_kill(&fs, "/../x", SIGKILL, &err) < 0 && strstr(err.message, "'..'"), "fake v2: a path with '..' is refused (%s)",
         err.message);
  remove_tree(root);
}

int main(void) {
  if (geteuid() != 0) {
    printf("1..0 # SKIP needs root\n");
    return 0;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) perror("prctl");
  test_fake_v2();
  char path[64];
  struct cgroup_fs fs;
  berth_error_t err;
  if (cgroup_detect(&fs, NULL, &err) == 0 && fs.mode != CGROUP_MODE_V2 && !fs.fake) {
    snprintf(path, sizeof path, "/berth-unit-kill-%d", (int)getpid());
    kill_forkers(&fs, path, "real v1 (freezer)");
  }
  const char *v2roots[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
  for (size_t i = 0; i < 2; i++) {
    if (cgroup_detect(&fs, v2roots[i], &err) < 0 || fs.mode != CGROUP_MODE_V2 || fs.fake) continue;
    snprintf(path, sizeof path, "/berth-unit-kill-v2-%d", (int)getpid());
    kill_forkers(&fs, path, "real v2 (cgroup.kill)");
    break;
  }
  return tap_done();
}
