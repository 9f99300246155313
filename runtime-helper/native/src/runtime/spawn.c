#include "runtime/spawn.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t spawn_clone(unsigned long flags, int cgroup_fd, bool *in_cgroup) {
  *in_cgroup = false;
  if (cgroup_fd >= 0) {
    struct clone_args args = {
        .flags = flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)cgroup_fd};
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (pid >= 0) {
      *in_cgroup = true;
      return pid;
    }
  }
  return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}
