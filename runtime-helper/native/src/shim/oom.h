/* Whether the OOM killer acted on the container: the cgroup's oom_kill count (through the
 * cgroup library) when the shim starts watching and when the process exits. The cgroup is read
 * from /proc/PID/cgroup (the memory controller's on v1/hybrid, the unified one on v2), which
 * also covers configs without linux.cgroupsPath. */
#ifndef BERTH_SHIM_OOM_H
#define BERTH_SHIM_OOM_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"

struct oom_watch {
  bool known; /* false: no count could be read; the exit then says oomKilled false */
  /* Only the cgroup's path is kept (allocated to its length) and the layout is detected again at
   * the exit: a struct cgroup_fs and a PATH_MAX array would keep pages resident in an idle shim. */
  char *path;
  uint64_t baseline;
};

void oom_watch_start(struct oom_watch *w, pid_t pid);

bool oom_watch_killed(struct oom_watch *w);

#endif
