/* berth-runtime's pure parts, without root: resolving paths inside a rootfs (symlinks stay in,
 * escapes are errors), the cgroupsPath rules, and runc-style flag parsing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/container.h"
#include "runtime/opts.h"
#include "runtime/pathres.h"

#include "tap.h"
#define ok tap_ok

static char root[PATH_MAX];

static void mk(const char *rel, bool dir) {
  char p[PATH_MAX * 2];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  if (dir ? mkdir(p, 0755) : close(open(p, O_CREAT | O_WRONLY, 0644))) {
    perror(p);
    exit(2);
  }
}

static void ln(const char *target, const char *rel) {
  char p[PATH_MAX * 2];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  if (symlink(target, p) < 0) {
    perror(p);
    exit(2);
  }
}

/* Resolves path in the fake root; returns the inode it reached (0 on error, errno in *e). */
static ino_t resolve(int rootfd, const char *path, int flags, int *e, char *msg, size_t len) {
  berth_error_t err = {0};
  int fd = -1;
  if (path_resolve_in_root(rootfd, path, flags, &fd, &err) < 0) {
    *e = err.errno_value;
    snprintf(msg, len, "%s", err.message);
    return 0;
  }
  struct stat st;
  fstat(fd, &st);
  close(fd);
  *e = 0;
  return st.st_ino;
}

static ino_t ino_of(const char *rel) {
  char p[PATH_MAX * 2];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", root, rel);
  return lstat(p, &st) == 0 ? st.st_ino : 0;
}

static void test_pathres(void) {
  snprintf(root, sizeof root, "/tmp/berth-unit-root-XXXXXX");
  if (!mkdtemp(root)) {
    perror("mkdtemp");
    exit(2);
  }
  mk("etc", true);
  mk("etc/passwd", false);
  mk("file", false);
  ln("/etc", "abs");
  mk("sub", true);
  ln("../etc", "sub/rel");
  ln("../../../../tmp", "escape");
  ln("/../etc", "absescape");
  ln("loop", "loop");
  int rootfd = open(root, O_PATH | O_DIRECTORY);
  int e;
  char msg[1100];
  ok(resolve(rootfd, "/etc/passwd", 0, &e, msg, sizeof msg) == ino_of("etc/passwd"), "a plain path resolves");
  ok(resolve(rootfd, "/abs/passwd", 0, &e, msg, sizeof msg) == ino_of("etc/passwd"),
     "an absolute symlink restarts at the rootfs, not the host /");
  ok(resolve(rootfd, "/sub/rel/passwd", 0, &e, msg, sizeof msg) == ino_of("etc/passwd"), "a relative symlink resolves");
  ok(resolve(rootfd, "/escape/x", RES_CREATE_DIR, &e, msg, sizeof msg) == 0 && e == EPERM && strstr(msg, "escapes the rootfs"),
     "a symlink climbing out of the rootfs is an error (%s)", msg);
  ok(resolve(rootfd, "/absescape/passwd", 0, &e, msg, sizeof msg) == 0 && e == EPERM, "'/..' in a symlink is an escape too");
  ok(resolve(rootfd, "/../etc", 0, &e, msg, sizeof msg) == 0 && e == EPERM, "a '..' above the root in the path is an error");
  ok(resolve(rootfd, "/loop", 0, &e, msg, sizeof msg) == 0 && e == ELOOP, "a symlink loop ends with ELOOP");
  ok(resolve(rootfd, "/file/x", 0, &e, msg, sizeof msg) == 0 && e == ENOTDIR, "a file in the middle is ENOTDIR");
  ok(resolve(rootfd, "/missing", 0, &e, msg, sizeof msg) == 0 && e == ENOENT, "a missing path is ENOENT without create flags");
  ok(resolve(rootfd, "/abs/new/dir", RES_CREATE_DIR, &e, msg, sizeof msg) != 0 && ino_of("etc/new/dir") != 0,
     "missing directories are created inside the rootfs, through symlinks");
  ok(resolve(rootfd, "/a/b/f", RES_CREATE_FILE, &e, msg, sizeof msg) != 0 && ino_of("a/b/f") != 0,
     "RES_CREATE_FILE makes parents and an empty file");
  struct stat st;
  ok(lstat("/tmp/x", &st) < 0, "nothing was created outside the rootfs");
  close(rootfd);
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) fprintf(stderr, "# could not remove %s\n", root);
}

static void test_cgroup_paths(void) {
  struct global_opts g = {.root = "/tmp"};
  berth_error_t err = {0};
  char out[PATH_MAX];
  ok(container_cgroup_path(&g, NULL, "abc", out, sizeof out, &err) == 0 && strcmp(out, "/berth/abc") == 0,
     "no cgroupsPath: /berth/<id> (%s)", out);
  ok(container_cgroup_path(&g, "rel/x", "abc", out, sizeof out, &err) == 0 && strcmp(out, "/rel/x") == 0,
     "a relative cgroupsPath gets a leading slash (%s)", out);
  g.systemd_cgroup = true;
  ok(container_cgroup_path(&g, "system.slice:docker:abc", "abc", out, sizeof out, &err) == 0 &&
         strcmp(out, "/system.slice/docker-abc.scope") == 0,
     "systemd slice:prefix:name (%s)", out);
  ok(container_cgroup_path(&g, "machine-libpod.slice:libpod:x1", "x1", out, sizeof out, &err) == 0 &&
         strcmp(out, "/machine.slice/machine-libpod.slice/libpod-x1.scope") == 0,
     "nested slices expand (%s)", out);
  ok(container_cgroup_path(&g, "/plain/path", "x", out, sizeof out, &err) == 0 && strcmp(out, "/plain/path") == 0,
     "a plain path stays with --systemd-cgroup (%s)", out);
  g.systemd_cgroup = false;
  ok(container_cgroup_path(&g, "/a/../../etc", "x", out, sizeof out, &err) < 0, "'..' in cgroupsPath is refused");
}

static void test_opts(void) {
  enum { A = 1, B, C };
  static const struct opt table[] = {{"bundle", 'b', true, A}, {"detach", 'd', false, B}, {"pid-file", 0, true, C}, {NULL, 0, false, 0}};
  char *argv[] = {"create", "--bundle=/x", "-d", "-pid-file", "/p", "--detach=false", "id", "--bundle", NULL};
  struct opt_parser p;
  berth_error_t err = {0};
  opt_init(&p, 8, argv, table);
  int id;
  const char *bundle = NULL, *pid = NULL;
  bool detach = false;
  int seen_detach = 0;
  while ((id = opt_next(&p, &err)) > 0) {
    if (id == A) bundle = p.value;
    if (id == B) detach = opt_bool(&p), seen_detach++;
    if (id == C) pid = p.value;
  }
  ok(id == OPT_DONE && bundle && strcmp(bundle, "/x") == 0, "--name=value");
  ok(pid && strcmp(pid, "/p") == 0, "-name value (Go flag style)");
  ok(seen_detach == 2 && !detach, "-d then --detach=false");
  ok(p.index == 6 && strcmp(argv[p.index], "id") == 0, "flags stop at the first positional argument");
  char *bad[] = {"create", "--nope", NULL};
  opt_init(&p, 2, bad, table);
  ok(opt_next(&p, &err) == OPT_ERROR && strstr(err.message, "unknown flag '--nope'"), "an unknown flag is named");
  char *missing[] = {"create", "--bundle", NULL};
  opt_init(&p, 2, missing, table);
  ok(opt_next(&p, &err) == OPT_ERROR && strstr(err.message, "needs a value"), "a flag without its value is an error");
}

int main(void) {
  test_pathres();
  test_cgroup_paths();
  test_opts();
  return tap_done();
}
