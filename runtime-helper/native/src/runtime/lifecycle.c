/* start, delete and the helpers every verb shares to find a container and its cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/jsonload.h"

int container_cgroup_path(const struct global_opts *g, const char *cgroups_path, const char *id, char *out, size_t len,
                          berth_error_t *err) {
  int n;
  if (cgroups_path == NULL) {
    n = snprintf(out, len, "/berth/%s", id);
  } else if (g->systemd_cgroup && cgroups_path[0] != '/' && strchr(cgroups_path, ':')) {
    char slice[256] = "", prefix[256] = "", name[256] = "";
    if (sscanf(cgroups_path, "%255[^:]:%255[^:]:%255s", slice, prefix, name) < 2 && sscanf(cgroups_path, ":%255[^:]:%255s", prefix, name) < 1)
      return berth_error_set(err, 0, "parse cgroupsPath '%s': expected slice:prefix:name", cgroups_path);
    if (name[0] == '\0') return berth_error_set(err, 0, "parse cgroupsPath '%s': expected slice:prefix:name", cgroups_path);
    if (slice[0] == '\0') snprintf(slice, sizeof slice, "system.slice");
    /* "a-b-c.slice" lives at /a.slice/a-b.slice/a-b-c.slice */
    char slice_path[1024] = "";
    size_t used = 0;
    if (strcmp(slice, "-.slice") != 0) {
      char stem[256];
      snprintf(stem, sizeof stem, "%.*s", (int)(strlen(slice) > 6 ? strlen(slice) - 6 : strlen(slice)), slice);
      for (char *dash = stem;; dash++) {
        dash = strchr(dash, '-');
        int upto = dash ? (int)(dash - stem) : (int)strlen(stem);
        used += (size_t)snprintf(slice_path + used, sizeof slice_path - used, "/%.*s.slice", upto, stem);
        if (!dash || used >= sizeof slice_path) break;
      }
    }
    if (strstr(name, ".slice")) n = snprintf(out, len, "%s/%s", slice_path, name);
    else n = snprintf(out, len, "%s/%s%s%s.scope", slice_path, prefix, prefix[0] ? "-" : "", name);
  } else {
    n = snprintf(out, len, "%s%s", cgroups_path[0] == '/' ? "" : "/", cgroups_path);
  }
  if (n < 0 || (size_t)n >= len) return berth_error_set(err, ENAMETOOLONG, "cgroupsPath '%s'", cgroups_path ? cgroups_path : id);
  if (strstr(out, "/../") || (strlen(out) >= 3 && strcmp(out + strlen(out) - 3, "/..") == 0))
    return berth_error_set(err, EINVAL, "cgroupsPath '%s'", out);
  return 0;
}

int container_load(const struct global_opts *g, const char *id, struct container_state *st, struct cgroup_fs *fs,
                   const char **status, berth_error_t *err) {
  if (state_load(g->root, id, st, err) < 0) return -1;
  if (cgroup_detect(fs, NULL, err) < 0) {
    state_free(st);
    return -1;
  }
  *status = state_status(g->root, st, fs);
  return 0;
}

static void run_hooks_warn(const char *bundle, const char *kind, const struct container_state *st, const char *status) {
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/config.json", bundle);
  json_error_t jerr;
  json_t *cfg = json_load_oci(path, &jerr);
  if (cfg == NULL) return;
  json_t *hooks = json_object_get(cfg, "hooks");
  if (hooks_present(hooks, kind)) {
    char *state = container_hook_state(st->id, st->pid, status, st->bundle, st->annotations);
    berth_error_t err;
    if (state && hooks_run(hooks, kind, state, &err) < 0) log_error(err.message); /* a warning: not fatal */
    free(state);
  }
  json_decref(cfg);
}

/* Waits until pid has exited (it may not be our child: pidfd). */
static int wait_gone(pid_t pid, int timeout_ms) {
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) return errno == ESRCH ? 0 : -1;
  struct pollfd p = {.fd = pidfd, .events = POLLIN};
  int r;
  do r = poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  close(pidfd);
  return r > 0 ? 0 : -1;
}

int container_start(const struct global_opts *g, const char *id, berth_error_t *err) {
  struct container_state st;
  struct cgroup_fs fs;
  const char *status;
  if (container_load(g, id, &st, &fs, &status, err) < 0) return -1;
  int rc = -1;
  cleanup_fd int fifo = -1;
  cleanup_fd int pidfd = -1;
  if (strcmp(status, "created") != 0) {
    berth_error_set(err, 0, "start container '%s': it is %s, not created", id, status);
    goto out;
  }
  /* Take the pidfd before opening the fifo: opening it releases the init, and an init that exits
   * at once may already be reaped by its subreaper (the shim) when pidfd_open runs (ESRCH). */
  pidfd = (int)syscall(SYS_pidfd_open, st.pid, 0);
  if (pidfd < 0) {
    berth_error_errno(err, "start container '%s': watch init pid %d", id, (int)st.pid);
    goto out;
  }
  char fifo_path[PATH_MAX + 300];
  snprintf(fifo_path, sizeof fifo_path, "%s/%s/" EXEC_FIFO, g->root, id);
  fifo = open(fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0) {
    berth_error_errno(err, "start container '%s': open '%s'", id, fifo_path);
    goto out;
  }
  /* the init opens the write side once we hold the read side, writes one byte, and goes on */
  for (;;) {
    struct pollfd p[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      berth_error_errno(err, "start container '%s': wait for init", id);
      goto out;
    }
    if (p[0].revents & POLLIN) {
      char b;
      ssize_t n = read(fifo, &b, 1);
      if (n == 1) break;
      if (n < 0 && errno == EAGAIN) continue;
    }
    if (p[1].revents & POLLIN) {
      berth_error_set(err, 0, "start container '%s': its init exited before it started", id);
      goto out;
    }
  }
  unlink(fifo_path);
  run_hooks_warn(st.bundle, "poststart", &st, "running");
  rc = 0;
out:
  state_free(&st);
  return rc;
}

/* Best effort: delete goes on to remove what it can. */
static void kill_cgroup(const struct cgroup_fs *fs, const char *path, int sig) {
  berth_error_t ignored;
  cgroup_kill(fs, path, sig, &ignored);
}

int container_delete(const struct global_opts *g, const char *id, bool force, berth_error_t *err) {
  struct container_state st;
  struct cgroup_fs fs;
  const char *status;
  if (container_load(g, id, &st, &fs, &status, err) < 0) {
    /* a state dir without a state file is a create that died halfway: remove it when forced */
    char dir[PATH_MAX];
    if (!force) return -1;
    berth_error_t path_err;
    if (state_dir(g->root, id, dir, sizeof dir, &path_err) < 0) return -1; /* an invalid id stays an error */
    if (access(dir, F_OK) == 0) return state_remove(g->root, id, err);
    /* runc and crun: a forced delete of a container that does not exist succeeds; engines rely on it */
    return errno == ENOENT ? 0 : -1;
  }
  int rc = -1;
  bool alive = strcmp(status, "stopped") != 0;
  if (alive && !force && strcmp(status, "created") != 0) {
    berth_error_set(err, 0, "delete container '%s': it is %s (stop it first or use --force)", id, status);
    goto out;
  }
  if (alive) {
    kill(st.pid, SIGKILL);
    kill_cgroup(&fs, st.cgroup_path, SIGKILL);
    if (strcmp(status, "paused") == 0) cgroup_set_frozen(&fs, st.cgroup_path, false, err);
    if (wait_gone(st.pid, 10000) < 0) {
      berth_error_set(err, 0, "delete container '%s': init %d did not exit after SIGKILL", id, (int)st.pid);
      goto out;
    }
  }
  /* without its own pid namespace, processes can outlive the init */
  if (!st.own_pidns || alive) {
    bool frozen = false;
    if (cgroup_is_frozen(&fs, st.cgroup_path, &frozen, err) == 0 && frozen) {
      kill_cgroup(&fs, st.cgroup_path, SIGKILL);
      cgroup_set_frozen(&fs, st.cgroup_path, false, err);
    }
    kill_cgroup(&fs, st.cgroup_path, SIGKILL);
  }
  run_hooks_warn(st.bundle, "poststop", &st, "stopped");
  if (cgroup_destroy(&fs, st.cgroup_path, err) < 0) goto out;
  if (state_remove(g->root, id, err) < 0) goto out;
  rc = 0;
out:
  state_free(&st);
  return rc;
}
