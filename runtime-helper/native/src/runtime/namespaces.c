#include "runtime/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileutil.h"

const int ns_join_order[SPEC_MAX_NS] = {CLONE_NEWUSER, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET,
                                        CLONE_NEWPID,  CLONE_NEWTIME, CLONE_NEWNS, CLONE_NEWCGROUP};

static int write_map(pid_t pid, const char *file, const struct id_map *maps, size_t n, berth_error_t *err) {
  char buf[4096], path[64];
  size_t off = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(buf + off, sizeof buf - off, "%u %u %u\n", maps[i].container, maps[i].host, maps[i].size);
    if (w < 0 || (size_t)w >= sizeof buf - off) return berth_error_set(err, E2BIG, "write %s of pid %d", file, (int)pid);
    off += (size_t)w;
  }
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
  return berth_write_file_at(AT_FDCWD, path, buf, off, 0, err);
}

int ns_write_id_maps(pid_t pid, const struct container_spec *spec, berth_error_t *err) {
  if (geteuid() != 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
    if (berth_write_file_at(AT_FDCWD, path, "deny", 4, 0, err) < 0) return -1;
  }
  if (write_map(pid, "gid_map", spec->gid_maps, spec->n_gid_maps, err) < 0) return -1;
  return write_map(pid, "uid_map", spec->uid_maps, spec->n_uid_maps, err);
}

int ns_open_paths(const struct container_spec *spec, int fds[SPEC_MAX_NS], berth_error_t *err) {
  for (size_t i = 0; i < SPEC_MAX_NS; i++) fds[i] = -1;
  for (size_t i = 0; i < spec->n_ns; i++) {
    if (!spec->ns[i].path) continue;
    fds[i] = open(spec->ns[i].path, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) return berth_error_errno(err, "open %s namespace '%s'", spec->ns[i].type, spec->ns[i].path);
  }
  return 0;
}

int ns_join(int fd, int flag, const char *what, berth_error_t *err) {
  if (setns(fd, flag) < 0) return berth_error_errno(err, "join %s namespace %s", spec_ns_proc_name(flag), what);
  return 0;
}

int ns_become_root(berth_error_t *err) {
  if (setresgid(0, 0, 0) < 0) return berth_error_errno(err, "setresgid 0 in the user namespace");
  if (setresuid(0, 0, 0) < 0) return berth_error_errno(err, "setresuid 0 in the user namespace");
  return 0;
}

int ns_open_of_pid(pid_t pid, int fds[SPEC_MAX_NS], berth_error_t *err) {
  for (size_t i = 0; i < SPEC_MAX_NS; i++) {
    fds[i] = -1;
    char theirs[64], ours[64];
    const char *name = spec_ns_proc_name(ns_join_order[i]);
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, name);
    snprintf(ours, sizeof ours, "/proc/self/ns/%s", name);
    struct stat a, b;
    if (stat(theirs, &a) < 0) {
      if (errno == ENOENT && ns_join_order[i] == CLONE_NEWTIME) continue;
      return berth_error_errno(err, "open namespace '%s'", theirs);
    }
    if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) continue;
    fds[i] = open(theirs, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) return berth_error_errno(err, "open namespace '%s'", theirs);
  }
  return 0;
}

int ns_join_all(int fds[SPEC_MAX_NS], berth_error_t *err) {
  int r = 0;
  for (size_t i = 0; i < SPEC_MAX_NS; i++) {
    if (fds[i] < 0) continue;
    if (r == 0) {
      char what[32];
      snprintf(what, sizeof what, "(fd %d)", fds[i]);
      r = ns_join(fds[i], ns_join_order[i], what, err);
      if (r == 0 && ns_join_order[i] == CLONE_NEWUSER) r = ns_become_root(err);
    }
    close(fds[i]);
    fds[i] = -1;
  }
  return r;
}

static uint32_t map_root(const struct id_map *maps, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (maps[i].container == 0) return maps[i].host;
  return 0;
}

uid_t ns_host_root_uid(const struct container_spec *spec) {
  return spec_find_ns(spec, CLONE_NEWUSER) ? map_root(spec->uid_maps, spec->n_uid_maps) : 0;
}

gid_t ns_host_root_gid(const struct container_spec *spec) {
  return spec_find_ns(spec, CLONE_NEWUSER) ? map_root(spec->gid_maps, spec->n_gid_maps) : 0;
}
