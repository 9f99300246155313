#include "shim/oom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shim/diag.h"

/* Finds the cgroup path of pid for the memory controller (v1) or the unified hierarchy (v2). */
static int cgroup_of(pid_t pid, bool v2, char *out, size_t cap) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    shim_diag("oom watch: open '%s': %s", path, strerror(errno));
    return -1;
  }
  char buf[4096];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) shim_diag("oom watch: read '%s': %s", path, strerror(errno));
    if (n <= 0) break;
    len += (size_t)n;
  }
  close(fd);
  buf[len] = '\0';
  for (char *line = buf, *next; line != NULL && *line != '\0'; line = next) {
    next = strchr(line, '\n');
    if (next != NULL) *next++ = '\0';
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2 == NULL) continue;
    *c1 = *c2 = '\0';
    bool match = false;
    if (v2) {
      match = strcmp(line, "0") == 0 && c1[1] == '\0';
    } else {
      for (char *ctl = c1 + 1, *comma; ctl != NULL; ctl = comma ? comma + 1 : NULL) {
        comma = strchr(ctl, ',');
        size_t n = comma ? (size_t)(comma - ctl) : strlen(ctl);
        if (n == 6 && strncmp(ctl, "memory", 6) == 0) match = true;
      }
    }
    if (match && strlen(c2 + 1) < cap) {
      strcpy(out, c2 + 1);
      return 0;
    }
  }
  shim_diag("oom watch: no %s cgroup in '%s'", v2 ? "unified" : "memory", path);
  return -1;
}

void oom_watch_start(struct oom_watch *w, pid_t pid) {
  berth_error_t err;
  struct cgroup_fs fs;
  char path[PATH_MAX];
  w->known = false;
  if (cgroup_detect(&fs, NULL, &err) < 0) {
    shim_diag("oom watch: %s", err.message);
    return;
  }
  if (cgroup_of(pid, fs.mode == CGROUP_MODE_V2, path, sizeof path) < 0) return;
  if (cgroup_oom_kill_count(&fs, path, &w->baseline, &err) < 0) {
    shim_diag("oom watch: %s", err.message);
    return;
  }
  w->path = strdup(path);
  if (w->path == NULL) {
    shim_diag("oom watch: allocate cgroup path '%s': %s", path, strerror(errno));
    return;
  }
  w->known = true;
}

bool oom_watch_killed(struct oom_watch *w) {
  if (!w->known) return false;
  uint64_t now = 0;
  berth_error_t err;
  struct cgroup_fs fs;
  if (cgroup_detect(&fs, NULL, &err) < 0 || cgroup_oom_kill_count(&fs, w->path, &now, &err) < 0) {
    shim_diag("oom watch: %s", err.message);
    return false;
  }
  return now > w->baseline;
}
