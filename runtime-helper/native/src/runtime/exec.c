#include "runtime/exec.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "runtime/console.h"
#include "runtime/namespaces.h"
#include "runtime/process.h"
#include "runtime/relay.h"
#include "runtime/rlimits.h"
#include "runtime/runtime.h"
#include "runtime/spawn.h"
#include "runtime/spec.h"
#include "runtime/sync.h"
#include "runtime/trace.h"

_Noreturn static void run_process(int sync, int console, const struct process_spec *p, const struct seccomp_prog *seccomp,
                                  int preserve_fds) {
  berth_error_t err = {0};
  struct exec_plan plan;
  if (setsid() < 0) {
    berth_error_errno(&err, "setsid");
    goto fail;
  }
  if (p->terminal && console_setup(console, p->console_rows, p->console_cols, p->uid, p->gid, 0, &err) < 0) goto fail;
  if (process_prepare(p, seccomp, false, &plan, &err) < 0) goto fail;
  process_exec(p, &plan, preserve_fds, &err);
fail:
  sync_send_error(sync, &err);
  _exit(127);
}

/* The helper that joins the container and forks the process. It is itself born in the cgroup2
 * cgroup (v2_joined) or joins the cgroup first thing, while it still has the host's credentials:
 * once in a user namespace it may no longer write the host's cgroupfs, so neither a
 * CLONE_INTO_CGROUP nor a cgroup.procs write from there would work (as crun does it). */
_Noreturn static void enter_container(int sync, int console, const struct container_state *st,
                                      const struct cgroup_fs *fs, bool v2_joined, const struct process_spec *p,
                                      const struct seccomp_prog *seccomp, int ns_fds[SPEC_MAX_NS], int preserve_fds) {
  berth_error_t err = {0};
  /* the container's processes must not reach /proc/<us>/exe, the runtime binary (CVE-2019-5736);
   * the process's execve makes it dumpable again */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
    berth_error_errno(&err, "set the exec process non-dumpable");
    goto fail;
  }
  /* rlimits before the user namespace; the cgroup before any of the process's own code */
  if (p->rlimits && rlimits_apply(0, p->rlimits, &err) < 0) goto fail;
  /* v1 by moving ourselves, the cgroup2 side by being cloned into it: neither waits for the
   * kernel's grace period as moving a pid does (see cgroups/self.c) */
  if (cgroup_enter_self(fs, st->cgroup_path, v2_joined, &err) < 0) goto fail;
  trace_point("exec: in the cgroup");
  if (ns_join_all(ns_fds, &err) < 0) goto fail;
  trace_point("exec: namespaces joined");
  bool unused;
  pid_t pid = spawn_clone(0, -1, &unused); /* joining a pid namespace only applies to children */
  if (pid < 0) {
    berth_error_errno(&err, "fork the exec process");
    goto fail;
  }
  if (pid == 0) run_process(sync, console, p, seccomp, preserve_fds);
  sync_send(sync, SYNC_PID, pid, &err);
  _exit(0);
fail:
  sync_send_error(sync, &err);
  _exit(1);
}

int exec_in_container(const struct container_state *st, const struct cgroup_fs *fs, json_t *process,
                      const struct seccomp_prog *seccomp,
                      const struct exec_opts *o, int *exit_code, berth_error_t *err) {
  struct process_spec p;
  int rc = -1, console = -1, relay = -1, master = -1, sv[2] = {-1, -1}, cgroup_fd = -1;
  int ns_fds[SPEC_MAX_NS];
  for (size_t i = 0; i < SPEC_MAX_NS; i++) ns_fds[i] = -1;
  if (spec_parse_process(process, &p, err) < 0) return berth_error_wrap(err, "exec in '%s'", st->id);
  if (p.rlimits && rlimits_check(p.rlimits, err) < 0) goto out;
  if (p.terminal && !o->console_socket && o->detach) {
    berth_error_set(err, 0, "exec in '%s': a detached terminal needs --console-socket", st->id);
    goto out;
  }
  if (p.terminal && o->console_socket && console_connect(o->console_socket, &console, err) < 0) goto out;
  /* a terminal in the foreground without a console socket: relay it ourselves */
  if (p.terminal && !o->console_socket && relay_socketpair(&relay, &console, err) < 0) goto out;
  if (ns_open_of_pid(st->pid, ns_fds, err) < 0) goto out;
  if (cgroup_open_v2_dir(fs, st->cgroup_path, &cgroup_fd, err) < 0) goto out;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    berth_error_errno(err, "exec in '%s': sync socket", st->id);
    goto out;
  }
  /* the process is our grandchild: as subreaper it comes back to us when its parent exits */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
    berth_error_errno(err, "become subreaper");
    goto out;
  }
  bool v2_joined;
  pid_t child = spawn_clone(0, cgroup_fd, &v2_joined);
  if (child < 0) {
    berth_error_errno(err, "exec in '%s': fork", st->id);
    goto out;
  }
  if (child == 0) {
    close(sv[0]);
    enter_container(sv[1], console, st, fs, v2_joined, &p, seccomp, ns_fds, o->preserve_fds);
  }
  close(sv[1]);
  sv[1] = -1;
  struct sync_msg m;
  int r = sync_expect(sv[0], SYNC_PID, "the exec process", &m, err);
  trace_point("exec: got the process pid");
  waitpid(child, NULL, 0);
  if (r < 0) goto out;
  pid_t pid = m.value;
  /* EOF: the socket was close-on-exec, so the process exec'd; otherwise it says why not */
  if (sync_recv(sv[0], &m, "the exec process", err) < 0 && m.type == SYNC_ERROR) {
    waitpid(pid, NULL, 0);
    goto out;
  }
  trace_point("exec: the process exec'd");
  if (o->pid_file) {
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", (int)pid);
    if (berth_write_file_atomic(o->pid_file, buf, (size_t)n, 0644, err) < 0) {
      kill(pid, SIGKILL);
      goto out;
    }
  }
  close(console);
  console = -1;
  if (relay >= 0 && relay_take_master(relay, &master, err) < 0) {
    kill(pid, SIGKILL);
    goto out;
  }
  if (o->detach) *exit_code = 0;
  else *exit_code = master >= 0 ? relay_until_exit(master, pid) : process_wait_forward(pid);
  trace_point("exec: done");
  rc = 0;
out:
  if (console >= 0) close(console);
  if (cgroup_fd >= 0) close(cgroup_fd);
  if (relay >= 0) close(relay);
  if (master >= 0) close(master);
  for (size_t i = 0; i < 2; i++)
    if (sv[i] >= 0) close(sv[i]);
  for (size_t i = 0; i < SPEC_MAX_NS; i++)
    if (ns_fds[i] >= 0) close(ns_fds[i]);
  spec_free_process(&p);
  return rc;
}
