/* Process creation as fork(2) with clone flags, optionally straight into a cgroup2 cgroup. */
#ifndef BERTH_RUNTIME_SPAWN_H
#define BERTH_RUNTIME_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/* Returns like fork (0 in the child). With cgroup_fd >= 0 the child is first cloned with
 * CLONE_INTO_CGROUP; when the kernel refuses that (a cgroup2 side we may not write, an old
 * kernel), it is cloned without, and *in_cgroup says which happened. */
pid_t spawn_clone(unsigned long flags, int cgroup_fd, bool *in_cgroup);

#endif
