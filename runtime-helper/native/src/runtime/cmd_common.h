/* Flag tables and argument checks shared by the verbs. */
#ifndef BERTH_RUNTIME_CMD_COMMON_H
#define BERTH_RUNTIME_CMD_COMMON_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/container.h"

/* create's flags (and run's, with detach non-NULL); sets o->id from the one positional arg. */
int parse_create_flags(int argc, char **argv, struct create_opts *o, bool *detach, berth_error_t *err);

/* For verbs that take only "ID": parses no flags but rejects unknown ones. */
int parse_id_only(int argc, char **argv, const char **id, berth_error_t *err);

/* Exactly n positional arguments from index i of argv. */
int need_args(const char *verb, int argc, int i, int min, int max, berth_error_t *err);

#endif
