/* process.rlimits: parsed up front, applied with prlimit before the process enters its user
 * namespace (where raising a hard limit is impossible). */
#ifndef BERTH_RUNTIME_RLIMITS_H
#define BERTH_RUNTIME_RLIMITS_H

#include <jansson.h>
#include <sys/types.h>

#include "common/error.h"

/* Applies every rlimit of the JSON array to pid (0 = ourselves). An unknown type, or a limit above
 * the hard limit the process holds when we cannot raise it, is an error naming the rlimit. */
int rlimits_apply(pid_t pid, json_t *rlimits, berth_error_t *err);
/* Only validates the names and values (for early errors). */
int rlimits_check(json_t *rlimits, berth_error_t *err);

#endif
