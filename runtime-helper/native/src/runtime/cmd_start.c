/* start ID: releases a created container's init. */
#include "runtime/cmd_common.h"
#include "runtime/container.h"

int cmd_start(const struct global_opts *g, int argc, char **argv) {
  berth_error_t err = {0};
  const char *id;
  if (parse_id_only(argc, argv, &id, &err) < 0) return fail(&err);
  if (container_start(g, id, &err) < 0) return fail(&err);
  return 0;
}
