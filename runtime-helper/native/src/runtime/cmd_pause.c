/* pause ID / resume ID: the freezer. */
#include <string.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"

static int set_frozen(const struct global_opts *g, int argc, char **argv, bool frozen) {
  berth_error_t err = {0};
  const char *id;
  if (parse_id_only(argc, argv, &id, &err) < 0) return fail(&err);
  struct container_state st;
  struct cgroup_fs fs;
  const char *status;
  if (container_load(g, id, &st, &fs, &status, &err) < 0) return fail(&err);
  const char *want = frozen ? "running" : "paused";
  int rc = 0;
  if (strcmp(status, want) != 0) {
    berth_error_set(&err, 0, "%s container '%s': it is %s, not %s", frozen ? "pause" : "resume", id, status, want);
    rc = fail(&err);
  } else if (cgroup_set_frozen(&fs, st.cgroup_path, frozen, &err) < 0) {
    rc = fail(&err);
  }
  state_free(&st);
  return rc;
}

int cmd_pause(const struct global_opts *g, int argc, char **argv) { return set_frozen(g, argc, argv, true); }
int cmd_resume(const struct global_opts *g, int argc, char **argv) { return set_frozen(g, argc, argv, false); }
