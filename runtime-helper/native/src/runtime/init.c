/* The container's init, from clone to execve. The order matters:
 *   [no user namespace: join the cgroup the runtime made] -> [staged: join namespaces by path
 *   (user first), unshare the rest, fork the real init] -> wait for the cgroup (with a user
 *   namespace the runtime moves us) and oom_score_adj -> cgroup
 *   namespace (last, so its root is our cgroup) -> hostname, keyring, sysctl -> rootfs, mounts, devices -> prestart and
 *   createRuntime hooks (run by the runtime) -> createContainer hooks -> pivot_root ->
 *   masked/read-only paths -> console -> cwd, executable -> ready -> block on exec.fifo until
 *   `start` -> startContainer hooks -> user, caps, seccomp (compiled by the runtime), execve. */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileutil.h"
#include "runtime/cgroupmount.h"
#include "runtime/console.h"
#include "runtime/container.h"
#include "runtime/devices.h"
#include "runtime/hooks.h"
#include "runtime/mounts.h"
#include "runtime/namespaces.h"
#include "runtime/process.h"
#include "runtime/sync.h"
#include "runtime/trace.h"

static int ns_index(const struct container_spec *spec, int flag) {
  for (size_t i = 0; i < spec->n_ns; i++)
    if (spec->ns[i].flag == flag) return (int)i;
  return -1;
}

/* Joins the namespaces given by path (user first), unshares the other new ones, and forks the
 * init so it is inside the pid namespace. Returns in the init; the intermediate child exits. */
static int staged_namespaces(struct init_ctx *c, berth_error_t *err) {
  const struct container_spec *spec = c->spec;
  int u = ns_index(spec, CLONE_NEWUSER);
  if (u >= 0 && spec->ns[u].path && ns_join(c->ns_fds[u], CLONE_NEWUSER, spec->ns[u].path, err) < 0) return -1;
  if (u >= 0 && ns_become_root(err) < 0) return -1;
  int unshare_flags = 0;
  for (size_t k = 0; k < SPEC_MAX_NS; k++) {
    int flag = ns_join_order[k];
    int i = ns_index(spec, flag);
    if (i < 0 || flag == CLONE_NEWUSER || flag == CLONE_NEWCGROUP) continue;
    if (spec->ns[i].path) {
      if (ns_join(c->ns_fds[i], flag, spec->ns[i].path, err) < 0) return -1;
    } else {
      unshare_flags |= flag;
    }
  }
  if (unshare_flags && unshare(unshare_flags) < 0) return berth_error_errno(err, "unshare namespaces 0x%x", unshare_flags);
  pid_t pid = fork();
  if (pid < 0) return berth_error_errno(err, "fork the container's init");
  if (pid > 0) {
    sync_send(c->sync_fd, SYNC_PID, pid, err);
    _exit(0);
  }
  return 0;
}

static int set_sysctls(json_t *sysctl, berth_error_t *err) {
  const char *key;
  json_t *v;
  json_object_foreach(sysctl, key, v) {
    const char *value = json_string_value(v);
    if (value == NULL || strstr(key, "..") || strchr(key, '/'))
      return berth_error_set(err, EINVAL, "set sysctl '%s'", key);
    char path[512];
    snprintf(path, sizeof path, "/proc/sys/%s", key);
    for (char *p = path + 10; *p; p++)
      if (*p == '.') *p = '/';
    if (berth_write_file_at(AT_FDCWD, path, value, strlen(value), 0, err) < 0)
      return berth_error_wrap(err, "set sysctl '%s'", key);
  }
  return 0;
}

static bool has_cgroup_mount(const struct container_spec *spec) {
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (strcmp(spec->mounts[i].type, "cgroup") == 0 || strcmp(spec->mounts[i].type, "cgroup2") == 0) return true;
  return false;
}

static int container_hooks(struct init_ctx *c, const char *kind, pid_t host_pid, const char *status, berth_error_t *err) {
  if (!hooks_present(c->spec->hooks, kind)) return 0;
  char *state = container_hook_state(c->opts->id, host_pid, status, c->spec->bundle, c->spec->annotations);
  if (state == NULL) return berth_error_set(err, ENOMEM, "run %s hooks", kind);
  int r = hooks_run(c->spec->hooks, kind, state, err);
  free(state);
  return r;
}

/* Everything up to READY; errors go back to the runtime. */
static int setup(struct init_ctx *c, pid_t host_pid, struct exec_plan *plan, berth_error_t *err) {
  const struct container_spec *spec = c->spec;
  if (setsid() < 0) return berth_error_errno(err, "setsid");
  static struct cgmount_info cg;
  if (has_cgroup_mount(spec) && cgmount_collect(&cg, err) < 0) return -1;
  int ci = ns_index(spec, CLONE_NEWCGROUP);
  if (ci >= 0 && spec->ns[ci].path && ns_join(c->ns_fds[ci], CLONE_NEWCGROUP, spec->ns[ci].path, err) < 0) return -1;
  if (ci >= 0 && !spec->ns[ci].path && unshare(CLONE_NEWCGROUP) < 0) return berth_error_errno(err, "unshare cgroup namespace");
  if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
    return berth_error_errno(err, "set hostname '%s'", spec->hostname);
  if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
    return berth_error_errno(err, "set domainname '%s'", spec->domainname);
  if (!c->opts->no_new_keyring) (void)syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL); /* best effort, as runc */
  if (spec->sysctl && set_sysctls(spec->sysctl, err) < 0) return -1;
  umask(0); /* device and directory modes exactly as configured */
  bool userns = ns_index(spec, CLONE_NEWUSER) >= 0;
  cleanup_fd int rootfd = -1;
  trace_point("init: in the cgroup, hostname set");
  if (mounts_prepare_root(spec, &rootfd, err) < 0) return -1;
  if (mounts_apply(rootfd, spec, &cg, ci >= 0, userns, err) < 0) return -1;
  if (devices_create(rootfd, spec->devices, userns, err) < 0) return -1;
  if (devices_symlinks(rootfd, err) < 0) return -1;
  trace_point("init: mounts and devices made");
  if (c->hooks_sync) {
    struct sync_msg m;
    if (sync_send(c->sync_fd, SYNC_HOOKS, 0, err) < 0) return -1;
    if (sync_expect(c->sync_fd, SYNC_HOOKS_DONE, "the runtime", &m, err) < 0) return -1;
  }
  if (container_hooks(c, "createContainer", host_pid, "creating", err) < 0) return -1;
  if (mounts_pivot(spec->rootfs, c->opts->no_pivot, err) < 0) return -1;
  if (mounts_finish(spec, err) < 0) return -1;
  trace_point("init: pivoted, paths masked");
  if (spec->process.terminal) {
    int sock = c->console_fd;
    c->console_fd = -1;
    if (console_setup(sock, spec->process.console_rows, spec->process.console_cols, spec->process.uid,
                      spec->process.gid, 1, err) < 0)
      return -1;
  }
  return process_prepare(&spec->process, c->seccomp, true, plan, err);
}

_Noreturn void init_main(struct init_ctx *c) {
  berth_error_t err = {0};
  struct sync_msg m;
  struct exec_plan plan;
  /* Until execve we are the berth-runtime binary: keep the container's processes (a joined pid
   * namespace) from opening /proc/<us>/exe to overwrite it (CVE-2019-5736). execve resets it. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
    berth_error_errno(&err, "set the init non-dumpable");
    goto fail;
  }
  if (sync_expect(c->sync_fd, SYNC_GO, "the runtime", &m, &err) < 0) _exit(1);
  /* still in the host's namespaces (no user namespace here): a staged init inherits it */
  if (c->cgroup_self && cgroup_enter_self(c->fs, c->cgroup_path, c->cgroup_v2_joined, &err) < 0) goto fail;
  if (c->staged) {
    if (staged_namespaces(c, &err) < 0) goto fail;
  } else if (ns_index(c->spec, CLONE_NEWUSER) >= 0 && ns_become_root(&err) < 0) {
    goto fail;
  }
  if (sync_expect(c->sync_fd, SYNC_GO, "the runtime", &m, &err) < 0) _exit(1);
  pid_t host_pid = m.value;
  if (setup(c, host_pid, &plan, &err) < 0) goto fail;
  if (sync_send(c->sync_fd, SYNC_READY, 0, &err) < 0) _exit(1);
  close(c->sync_fd);
  if (c->console_fd >= 0) close(c->console_fd);
  /* blocks until `start` opens the read side */
  int fifo = openat(c->state_dirfd, EXEC_FIFO, O_WRONLY | O_CLOEXEC);
  if (fifo < 0 || berth_write_all(fifo, "0", 1) < 0) {
    berth_error_errno(&err, "open exec fifo");
    goto late_fail;
  }
  close(fifo);
  close(c->state_dirfd);
  trace_point("init: started");
  if (container_hooks(c, "startContainer", host_pid, "created", &err) < 0) goto late_fail;
  process_exec(&c->spec->process, &plan, c->opts->preserve_fds, &err);
late_fail:
  /* the runtime is gone: the container's stderr is the only place left to tell */
  log_error(err.message);
  _exit(127);
fail:
  sync_send_error(c->sync_fd, &err);
  _exit(1);
}
