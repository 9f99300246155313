/* v1 -> v2 value conversions, the same formulas crun and runc use so that a container gets the
 * same weights whichever runtime started it. */
#include <math.h>

#include "cgroups/cgroup.h"

uint64_t cgroup_shares_to_weight(uint64_t shares) {
  if (shares == 0) return 0; /* unset */
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  /* A quadratic in log2(shares) through (2, 1), (1024, 100) and (262144, 10000), so the default
   * share maps to the default weight (the old linear formula gave 39). */
  double l = log2((double)shares);
  double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return (uint64_t)ceil(pow(10, exponent));
}

uint64_t cgroup_blkio_weight_to_io_weight(uint64_t w) {
  if (w == 0) return 0; /* unset */
  if (w <= 10) return 1;
  if (w >= 1000) return 10000;
  return 1 + (w - 10) * 9999 / 990;
}
