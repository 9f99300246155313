/* state ID: prints the OCI state JSON. */
#include <stdio.h>
#include <stdlib.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"

int cmd_state(const struct global_opts *g, int argc, char **argv) {
  berth_error_t err = {0};
  const char *id;
  if (parse_id_only(argc, argv, &id, &err) < 0) return fail(&err);
  struct container_state st;
  struct cgroup_fs fs;
  const char *status;
  if (container_load(g, id, &st, &fs, &status, &err) < 0) return fail(&err);
  json_t *j = state_to_json(&st, status);
  char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
  if (text) printf("%s\n", text);
  free(text);
  json_decref(j);
  state_free(&st);
  return text ? 0 : 1;
}
