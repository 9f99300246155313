/* The last steps before a container process runs, shared by the init and by exec: user,
 * capabilities, no_new_privs, seccomp, cwd, fds, execve. And waiting for it in the foreground. */
#ifndef BERTH_RUNTIME_PROCESS_H
#define BERTH_RUNTIME_PROCESS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "runtime/caps.h"
#include "runtime/seccomp.h"
#include "runtime/spec.h"

struct exec_plan {
  bool has_caps;
  struct caps_sets caps;
  const struct seccomp_prog *filter; /* compiled before the fork, not owned */
  char path[PATH_MAX]; /* args[0] resolved against the process's PATH */
};

/* chdir to cwd (creating it when create_cwd), resolve args[0] and parse the capabilities:
 * everything that can fail for a bad config, before the process waits. The seccomp program
 * (may be NULL) was compiled by the runtime; it is loaded in process_exec. */
int process_prepare(const struct process_spec *p, const struct seccomp_prog *seccomp, bool create_cwd,
                    struct exec_plan *plan, berth_error_t *err);

/* Applies the plan and execve()s. Returns only on failure. */
int process_exec(const struct process_spec *p, struct exec_plan *plan, int preserve_fds, berth_error_t *err);

/* Waits for pid (our child, or reparented to us as subreaper) while forwarding SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH to it. Returns its exit code (128+signal). */
int process_wait_forward(pid_t pid);

/* The exit code for a wait status: the code, or 128 + the signal. */
int process_exit_code(int status);

#endif
