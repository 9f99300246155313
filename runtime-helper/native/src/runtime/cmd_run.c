/* run [create's flags] [--detach] ID: create + start; in the foreground, waits for the
 * container (relaying its terminal when it has one and no --console-socket was given), deletes
 * it and exits with its exit code. */
#include <errno.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/process.h"
#include "runtime/relay.h"
#include "runtime/trace.h"

static int close_fd(int fd) {
  if (fd >= 0) close(fd);
  return -1;
}

int cmd_run(const struct global_opts *g, int argc, char **argv) {
  struct create_opts o = {.bundle = ".", .console_fd = -1};
  bool detach = false;
  berth_error_t err = {0};
  if (parse_create_flags(argc, argv, &o, &detach, &err) < 0) return fail(&err);
  /* the init is our child or, when staged, our grandchild: as subreaper we can wait for it */
  if (!detach && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
    berth_error_errno(&err, "become subreaper");
    return fail(&err);
  }
  int relay = -1, master = -1;
  if (!detach && !o.console_socket && relay_socketpair(&relay, &o.console_fd, &err) < 0) return fail(&err);
  pid_t pid;
  int r = container_create(g, &o, &pid, &err);
  o.console_fd = close_fd(o.console_fd);
  trace_point("run: created");
  if (r < 0) {
    close_fd(relay);
    return fail(&err);
  }
  if ((relay >= 0 && relay_take_master(relay, &master, &err) < 0) || container_start(g, o.id, &err) < 0) {
    fail(&err);
    close_fd(relay);
    close_fd(master);
    container_delete(g, o.id, true, &err);
    return 1;
  }
  relay = close_fd(relay);
  trace_point("run: started");
  if (detach) return 0;
  int code = master >= 0 ? relay_until_exit(master, pid) : process_wait_forward(pid);
  close_fd(master);
  trace_point("run: exited");
  if (container_delete(g, o.id, true, &err) < 0) fail(&err);
  trace_point("run: deleted");
  return code;
}
