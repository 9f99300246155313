/* OCI hooks: each gets the state JSON on stdin; a timeout kills it. */
#ifndef BERTH_RUNTIME_HOOKS_H
#define BERTH_RUNTIME_HOOKS_H

#include <jansson.h>
#include <stdbool.h>

#include "common/error.h"

/* Whether hooks.<kind> has at least one entry. */
bool hooks_present(json_t *hooks, const char *kind);
/* Runs hooks.<kind> in order; the first failure stops and is returned. */
int hooks_run(json_t *hooks, const char *kind, const char *state_json, berth_error_t *err);

#endif
