/* Running a new process inside a running container (the mechanism behind `exec`). */
#ifndef BERTH_RUNTIME_EXEC_H
#define BERTH_RUNTIME_EXEC_H

#include <jansson.h>
#include <stdbool.h>

#include "cgroups/cgroup.h"
#include "common/error.h"
#include "runtime/seccomp.h"
#include "runtime/state.h"

struct exec_opts {
  const char *pid_file, *console_socket;
  bool detach;
  int preserve_fds;
};

/* Forks a child that enters the container's cgroup, sets the rlimits, joins its namespaces
 * (user first) and forks the process, which sets up its terminal, user, caps and seccomp and
 * execs. Returns once it has exec'd (detach; *exit_code = 0) or exited (*exit_code). */
int exec_in_container(const struct container_state *st, const struct cgroup_fs *fs, json_t *process,
                      const struct seccomp_prog *seccomp, const struct exec_opts *o, int *exit_code,
                      berth_error_t *err);

#endif
