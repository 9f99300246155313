/* run [create's flags] [--detach] ID: create + start; in the foreground, waits for the
 * container, deletes it and exits with its exit code. */
#include <errno.h>
#include <sys/prctl.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/process.h"

int cmd_run(const struct global_opts *g, int argc, char **argv) {
  struct create_opts o = {.bundle = "."};
  bool detach = false;
  berth_error_t err = {0};
  if (parse_create_flags(argc, argv, &o, &detach, &err) < 0) return fail(&err);
  /* the init is our child or, when staged, our grandchild: as subreaper we can wait for it */
  if (!detach && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
    berth_error_errno(&err, "become subreaper");
    return fail(&err);
  }
  pid_t pid;
  if (container_create(g, &o, &pid, &err) < 0) return fail(&err);
  if (container_start(g, o.id, &err) < 0) {
    fail(&err);
    container_delete(g, o.id, true, &err);
    return 1;
  }
  if (detach) return 0;
  int code = process_wait_forward(pid);
  if (container_delete(g, o.id, true, &err) < 0) fail(&err);
  return code;
}
