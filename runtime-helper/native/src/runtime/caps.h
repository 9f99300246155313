/* process.capabilities with libcap. Names the kernel or the host's bounding set lacks are
 * dropped silently (as runc does with unknown capabilities): this host has no CAP_SYS_RESOURCE. */
#ifndef BERTH_RUNTIME_CAPS_H
#define BERTH_RUNTIME_CAPS_H

#include <jansson.h>
#include <stdint.h>

#include "common/error.h"

struct caps_sets {
  uint64_t bounding, effective, permitted, inheritable, ambient;
};

/* Parses the capabilities object into bit sets, keeping only caps in our permitted set. */
int caps_parse(json_t *caps, struct caps_sets *out, berth_error_t *err);
/* Drops every capability outside the bounding set (needs CAP_SETPCAP: call before setuid). */
int caps_drop_bounding(const struct caps_sets *c, berth_error_t *err);
/* Sets effective, permitted, inheritable, then the ambient set (after setuid with KEEPCAPS). */
int caps_apply(const struct caps_sets *c, berth_error_t *err);

#endif
