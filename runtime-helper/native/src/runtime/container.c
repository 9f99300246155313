/* `create`: the runtime's half of the handshake with the init (see init.c for the other half).
 *   [no user namespace: cgroup made and limited, the child will join it itself] -> clone (into
 *   the new user namespace, or with every new namespace when there is no user namespace and
 *   nothing to join) -> id maps, rlimits -> [staged: child joins/unshares, forks the init] ->
 *   [user namespace: cgroup placement and resources] -> oom_score_adj -> prestart/createRuntime hooks when the rootfs
 *   is mounted -> ready: state file, pid file. */
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "runtime/console.h"
#include "runtime/hooks.h"
#include "runtime/namespaces.h"
#include "runtime/rlimits.h"
#include "runtime/seccomp_cache.h"
#include "runtime/spawn.h"
#include "runtime/sync.h"
#include "runtime/trace.h"

char *container_hook_state(const char *id, pid_t pid, const char *status, const char *bundle, json_t *annotations) {
  json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:s}", "ociVersion", BERTH_OCI_VERSION, "id", id, "status", status,
                        "pid", (int)pid, "bundle", bundle);
  if (j == NULL) return NULL;
  if (annotations) json_object_set(j, "annotations", annotations);
  char *s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  return s;
}

static int run_hooks(const struct container_spec *spec, const char *id, pid_t pid, const char *kind, berth_error_t *err) {
  if (!hooks_present(spec->hooks, kind)) return 0;
  char *state = container_hook_state(id, pid, "creating", spec->bundle, spec->annotations);
  if (state == NULL) return berth_error_set(err, ENOMEM, "run %s hooks", kind);
  int r = hooks_run(spec->hooks, kind, state, err);
  free(state);
  return r;
}

static int write_pid_file(const char *path, pid_t pid, berth_error_t *err) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%d", (int)pid);
  return berth_write_file_atomic(path, buf, (size_t)n, 0644, err);
}

/* Gives the container's root the stdio pipes we pass on, so it can reopen them. */
static void chown_stdio(uid_t uid, gid_t gid) {
  for (int fd = 0; fd <= 2; fd++) {
    struct stat st;
    if (fstat(fd, &st) == 0 && !S_ISCHR(st.st_mode)) (void)!fchown(fd, uid, gid);
  }
}

/* From outside: the init is non-dumpable, so inside a user namespace it could not open its own. */
static int set_oom_score_adj(pid_t pid, int value, berth_error_t *err) {
  char path[64], buf[16];
  snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)pid);
  int n = snprintf(buf, sizeof buf, "%d", value);
  if (berth_write_file_at(AT_FDCWD, path, buf, (size_t)n, 0, err) < 0) return berth_error_wrap(err, "set oomScoreAdj %d", value);
  return 0;
}

struct create_run {
  struct container_spec spec;
  struct init_ctx ctx;
  struct cgroup_fs fs;
  char cgroup_path[PATH_MAX];
  bool state_created, cgroup_created;
  pid_t child, init;
  int sync_fd;
  int cgroup_fd; /* the cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
};

/* Without a user namespace, the cgroup is made and limited before the clone, with no process in
 * it yet; the child is born in its cgroup2 side and joins the v1 hierarchies itself (a staged
 * init inherits them), neither of which waits for the kernel's grace period the way moving it
 * from here would (see cgroups/self.c). A child in a new user namespace could not write the
 * host's cgroupfs, so there the runtime moves the init. */
static int prepare_cgroup(struct create_run *r, berth_error_t *err) {
  r->cgroup_created = true; /* also when creation fails halfway: destroy what exists */
  if (cgroup_create(&r->fs, r->cgroup_path, 0, err) < 0) return -1;
  if (cgroup_apply_resources(&r->fs, r->cgroup_path, r->spec.resources, err) < 0) return -1;
  if (cgroup_open_v2_dir(&r->fs, r->cgroup_path, &r->cgroup_fd, err) < 0) return -1;
  r->ctx.cgroup_self = true;
  r->ctx.fs = &r->fs;
  r->ctx.cgroup_path = r->cgroup_path;
  return 0;
}

static int handshake(const struct global_opts *g, const struct create_opts *o, struct create_run *r, berth_error_t *err) {
  struct container_spec *spec = &r->spec;
  const struct ns_spec *userns = spec_find_ns(spec, CLONE_NEWUSER);
  struct sync_msg m;
  if (userns && !userns->path && ns_write_id_maps(r->child, spec, err) < 0) return -1;
  if (spec->process.rlimits && rlimits_apply(r->child, spec->process.rlimits, err) < 0) return -1;
  if (sync_send(r->sync_fd, SYNC_GO, 0, err) < 0) return -1;
  if (r->ctx.staged) {
    if (sync_expect(r->sync_fd, SYNC_PID, "the container's init", &m, err) < 0) return -1;
    r->init = m.value;
    int status;
    waitpid(r->child, &status, 0);
    r->child = 0;
  } else {
    r->init = r->child;
    r->child = 0;
  }
  log_debug("container %s: init pid %d", o->id, (int)r->init);
  if (!r->ctx.cgroup_self) { /* else made before the clone, and the child joins it itself */
    r->cgroup_created = true; /* also when creation fails halfway: destroy what exists */
    if (cgroup_create(&r->fs, r->cgroup_path, r->init, err) < 0) return -1;
    if (cgroup_apply_resources(&r->fs, r->cgroup_path, spec->resources, err) < 0) return -1;
    trace_point("create: cgroup placed, resources applied");
  }
  if (spec->process.has_oom_score_adj && set_oom_score_adj(r->init, spec->process.oom_score_adj, err) < 0) return -1;
  if (sync_send(r->sync_fd, SYNC_GO, r->init, err) < 0) return -1;
  for (;;) {
    if (sync_recv(r->sync_fd, &m, "the container's init", err) < 0) return -1;
    if (m.type == SYNC_READY) break;
    if (m.type != SYNC_HOOKS) return berth_error_set(err, 0, "sync with the container's init: unexpected message %d", m.type);
    if (run_hooks(spec, o->id, r->init, "prestart", err) < 0 || run_hooks(spec, o->id, r->init, "createRuntime", err) < 0)
      return -1;
    if (sync_send(r->sync_fd, SYNC_HOOKS_DONE, 0, err) < 0) return -1;
  }
  trace_point("create: init ready");
  const struct ns_spec *pidns = spec_find_ns(spec, CLONE_NEWPID);
  struct container_state st = {.pid = r->init, .own_pidns = pidns && !pidns->path};
  snprintf(st.id, sizeof st.id, "%s", o->id);
  snprintf(st.bundle, sizeof st.bundle, "%s", spec->bundle);
  snprintf(st.rootfs, sizeof st.rootfs, "%s", spec->rootfs);
  snprintf(st.cgroup_path, sizeof st.cgroup_path, "%s", r->cgroup_path);
  state_now_rfc3339(st.created, sizeof st.created);
  st.pid_start = state_proc_start_time(r->init, NULL);
  st.annotations = json_is_object(spec->annotations) ? spec->annotations : NULL;
  if (state_save(g->root, &st, err) < 0) return -1;
  if (o->pid_file && write_pid_file(o->pid_file, r->init, err) < 0) return -1;
  trace_point("create: state saved");
  return 0;
}

/* exec's template, so exec need not parse the whole config.json (mostly the seccomp profile) */
static int save_process(int state_dirfd, const struct container_spec *spec, berth_error_t *err) {
  char *text = json_dumps(json_object_get(spec->json, "process"), JSON_COMPACT);
  if (text == NULL) return berth_error_set(err, ENOMEM, "save " PROCESS_FILE);
  int r = berth_write_file_at(state_dirfd, PROCESS_FILE, text, strlen(text), 0600, err);
  free(text);
  return r;
}

static int spawn_child(struct create_run *r, berth_error_t *err) {
  struct container_spec *spec = &r->spec;
  unsigned long flags = 0;
  for (size_t i = 0; i < spec->n_ns; i++) {
    if (spec->ns[i].path || spec->ns[i].flag == CLONE_NEWCGROUP) continue;
    if (!r->ctx.staged || spec->ns[i].flag == CLONE_NEWUSER) flags |= (unsigned long)spec->ns[i].flag;
  }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return berth_error_errno(err, "create sync socket");
  r->sync_fd = sv[0];
  r->ctx.sync_fd = sv[1];
  pid_t pid = spawn_clone(flags, r->cgroup_fd, &r->ctx.cgroup_v2_joined);
  if (pid < 0) {
    int e = errno;
    close(sv[1]);
    return berth_error_set(err, e, "clone the container's init (flags 0x%lx)", flags);
  }
  if (pid == 0) {
    close(sv[0]);
    init_main(&r->ctx);
  }
  close(sv[1]);
  r->child = pid;
  return 0;
}

static void cleanup_failed(const struct global_opts *g, const struct create_opts *o, struct create_run *r) {
  berth_error_t ignored;
  if (r->init > 0) kill(r->init, SIGKILL);
  if (r->child > 0) kill(r->child, SIGKILL);
  if (r->child > 0) waitpid(r->child, NULL, 0);
  /* a staged init is reparented to us (subreaper) once its parent is gone */
  if (r->init > 0) waitpid(r->init, NULL, 0);
  if (r->cgroup_created) cgroup_destroy(&r->fs, r->cgroup_path, &ignored);
  if (r->state_created) state_remove(g->root, o->id, &ignored);
}

int container_create(const struct global_opts *g, const struct create_opts *o, pid_t *init_pid, berth_error_t *err) {
  struct create_run r = {.sync_fd = -1, .cgroup_fd = -1,
                         .ctx = {.opts = o, .sync_fd = -1, .state_dirfd = -1, .console_fd = -1}};
  struct seccomp_prog seccomp = {0};
  r.ctx.seccomp = &seccomp;
  for (size_t i = 0; i < SPEC_MAX_NS; i++) r.ctx.ns_fds[i] = -1;
  r.ctx.spec = &r.spec;
  int rc = -1;
  pid_t primer = -1;
  if (state_check_id(o->id, err) < 0) return -1;
  if (cgroup_detect(&r.fs, NULL, err) < 0) return -1;
  if (spec_load(o->bundle, &r.spec, err) < 0) goto out;
  trace_point("create: config loaded");
  struct container_spec *spec = &r.spec;
  if (!spec_find_ns(spec, CLONE_NEWNS) || spec_find_ns(spec, CLONE_NEWNS)->path)
    { berth_error_set(err, 0, "check config: a new mount namespace is required"); goto out; }
  if (spec->process.rlimits && rlimits_check(spec->process.rlimits, err) < 0) goto out;
  if (spec->process.terminal && !o->console_socket && o->console_fd < 0)
    { berth_error_set(err, 0, "check config: process.terminal needs --console-socket"); goto out; }
  if (container_cgroup_path(g, spec->cgroups_path, o->id, r.cgroup_path, sizeof r.cgroup_path, err) < 0) goto out;
  /* compiled once here (or found compiled); exec loads the saved program (see seccomp.h) */
  if (seccomp_compile_cached(spec->seccomp, g->root, &seccomp, err) < 0) goto out;
  trace_point("create: seccomp compiled");
  /* Staged (ENGINE-NOTES order): clone into the user namespace, write its maps, then unshare the
   * rest and fork the init. Without a user namespace or paths to join there are no maps to wait
   * for, so one clone with every flag gives the same result with one fork fewer. */
  for (size_t i = 0; i < spec->n_ns; i++) r.ctx.staged |= spec->ns[i].path != NULL || spec->ns[i].flag == CLONE_NEWUSER;
  bool userns = spec_find_ns(spec, CLONE_NEWUSER) != NULL;
  /* with a user namespace the runtime moves the init into its cgroup: start that move's slow
   * part now */
  if (userns) primer = cgroup_prime_attach(&r.fs);
  r.ctx.hooks_sync = hooks_present(spec->hooks, "prestart") || hooks_present(spec->hooks, "createRuntime");
  if (ns_open_paths(spec, r.ctx.ns_fds, err) < 0) goto out;
  if (o->console_socket && console_connect(o->console_socket, &r.ctx.console_fd, err) < 0) goto out;
  if (!o->console_socket && o->console_fd >= 0 && spec->process.terminal) {
    r.ctx.console_fd = fcntl(o->console_fd, F_DUPFD_CLOEXEC, 3);
    if (r.ctx.console_fd < 0) { berth_error_errno(err, "dup console socket"); goto out; }
  }

  if (state_create_dir(g->root, o->id, err) < 0) goto out;
  r.state_created = true;
  char dir[PATH_MAX];
  if (state_dir(g->root, o->id, dir, sizeof dir, err) < 0) goto out;
  r.ctx.state_dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (r.ctx.state_dirfd < 0) { berth_error_errno(err, "open state dir '%s'", dir); goto out; }
  if (mkfifoat(r.ctx.state_dirfd, EXEC_FIFO, 0600) < 0) { berth_error_errno(err, "create '%s/" EXEC_FIFO "'", dir); goto out; }
  if (seccomp_save(r.ctx.state_dirfd, SECCOMP_FILE, &seccomp, err) < 0) goto out;
  if (save_process(r.ctx.state_dirfd, spec, err) < 0) goto out;
  uid_t ruid = ns_host_root_uid(spec);
  gid_t rgid = ns_host_root_gid(spec);
  if (ruid != 0 || rgid != 0) {
    if (fchownat(r.ctx.state_dirfd, EXEC_FIFO, ruid, rgid, 0) < 0) { berth_error_errno(err, "chown '%s/" EXEC_FIFO "'", dir); goto out; }
    chown_stdio(ruid, rgid);
    /* container root must be able to look up exec.fifo through our dir fd */
    if (chmod(dir, 0711) < 0) { berth_error_errno(err, "chmod '%s'", dir); goto out; }
  }
  /* a staged init is a grandchild: as subreaper we can still reap it if setup fails */
  if (r.ctx.staged && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) { berth_error_errno(err, "become subreaper"); goto out; }
  trace_point("create: state dir made");
  if (!userns && prepare_cgroup(&r, err) < 0) goto out;
  trace_point("create: cgroup ready");
  if (spawn_child(&r, err) < 0) goto out;
  trace_point("create: cloned");
  if (handshake(g, o, &r, err) < 0) goto out;
  *init_pid = r.init;
  rc = 0;
out:
  if (rc < 0) cleanup_failed(g, o, &r);
  if (r.sync_fd >= 0) close(r.sync_fd);
  if (r.ctx.state_dirfd >= 0) close(r.ctx.state_dirfd);
  if (r.cgroup_fd >= 0) close(r.cgroup_fd);
  if (r.ctx.console_fd >= 0) close(r.ctx.console_fd);
  for (size_t i = 0; i < SPEC_MAX_NS; i++)
    if (r.ctx.ns_fds[i] >= 0) close(r.ctx.ns_fds[i]);
  spec_free(&r.spec);
  seccomp_prog_free(&seccomp);
  cgroup_prime_reap(primer);
  return rc;
}
