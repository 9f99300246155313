/* The container lifecycle as a sequence (policy); the kernel calls live in the mechanism files
 * (namespaces.c, mounts.c, devices.c, caps.c, seccomp.c, rlimits.c, console.c, hooks.c). */
#ifndef BERTH_RUNTIME_CONTAINER_H
#define BERTH_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "common/error.h"
#include "runtime/runtime.h"
#include "runtime/seccomp.h"
#include "runtime/spec.h"
#include "runtime/state.h"

struct create_opts {
  const char *id, *bundle, *pid_file, *console_socket;
  bool no_pivot, no_new_keyring;
  int preserve_fds;
  int console_fd; /* instead of console_socket: an already connected socket (run's relay), or -1 */
};

/* What the init process needs (it is forked from the runtime and shares this memory). */
struct init_ctx {
  const struct container_spec *spec;
  const struct create_opts *opts;
  int sync_fd;     /* the child end of the handshake socket */
  int state_dirfd; /* O_PATH of <root>/<id>, to open exec.fifo after the pivot */
  int console_fd;  /* connected --console-socket, or -1 */
  int ns_fds[SPEC_MAX_NS]; /* fds of namespaces joined by path, indexed like spec->ns */
  const struct seccomp_prog *seccomp; /* linux.seccomp compiled by the runtime (len 0: none) */
  bool staged;     /* namespaces are joined/unshared in the child, then it forks the init */
  bool hooks_sync; /* the runtime runs prestart/createRuntime hooks mid-setup */
  /* not staged: the runtime made the cgroup before the clone and the init joins it itself
   * (cgroup_enter_self), born in its cgroup2 side when cgroup_v2_joined */
  bool cgroup_self, cgroup_v2_joined;
  const struct cgroup_fs *fs;
  const char *cgroup_path;
};

/* Creates the container. On success the init waits on exec.fifo and *init_pid is its host pid.
 * On failure nothing is left behind: no process, cgroup, mount or state dir. */
int container_create(const struct global_opts *g, const struct create_opts *o, pid_t *init_pid, berth_error_t *err);

/* Lets a created container's init run its process; runs the poststart hooks. */
int container_start(const struct global_opts *g, const char *id, berth_error_t *err);

/* Removes a container: kills what is left when force (or when the container has stopped and
 * left processes behind), runs poststop hooks, destroys the cgroup and the state. */
int container_delete(const struct global_opts *g, const char *id, bool force, berth_error_t *err);

/* The cgroup path for a config's cgroupsPath ("/berth/<id>" when NULL); with --systemd-cgroup,
 * "slice:prefix:name" becomes "/<slice path>/<prefix>-<name>.scope" on cgroupfs. */
int container_cgroup_path(const struct global_opts *g, const char *cgroups_path, const char *id, char *out, size_t len,
                          berth_error_t *err);

/* Loads the state of id and its current status (cgroup fs detected into fs). */
int container_load(const struct global_opts *g, const char *id, struct container_state *st, struct cgroup_fs *fs,
                   const char **status, berth_error_t *err);

/* The OCI state as JSON text (malloc'ed) for hooks. */
char *container_hook_state(const char *id, pid_t pid, const char *status, const char *bundle, json_t *annotations);

/* In the child (init.c): never returns. */
_Noreturn void init_main(struct init_ctx *ctx);

#endif
