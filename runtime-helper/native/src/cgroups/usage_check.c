/* runtime-spec's memory.checkBeforeUpdate: an update must not set a memory limit below what the
 * cgroup already uses (the kernel would reclaim hard or OOM-kill at once). */
#include <inttypes.h>
#include <stdlib.h>

#include "cgroups/internal.h"

int cg_check_memory_usage(const char *dir, const char *usage_file, const struct cg_resources *r,
                          berth_error_t *err) {
  if (!r->memory.check_before_update || !r->memory.limit.set || r->memory.limit.v < 0) return 0;
  char buf[64];
  berth_error_t ignored;
  if (cg_read(dir, usage_file, buf, sizeof buf, &ignored) <= 0) return 0; /* nothing to compare */
  uint64_t usage = strtoull(buf, NULL, 10);
  if (usage > (uint64_t)r->memory.limit.v)
    return berth_error_set(err, 0, "memory limit %" PRId64 " is below the current usage %" PRIu64 " of '%s'",
                           r->memory.limit.v, usage, dir);
  return 0;
}
