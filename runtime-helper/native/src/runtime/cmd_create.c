/* create [--bundle DIR] [--pid-file FILE] [--console-socket PATH] [--no-pivot]
 *        [--no-new-keyring] [--preserve-fds N] ID */
#include <stdio.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"

int cmd_create(const struct global_opts *g, int argc, char **argv) {
  struct create_opts o = {.bundle = ".", .console_fd = -1};
  berth_error_t err = {0};
  if (parse_create_flags(argc, argv, &o, NULL, &err) < 0) return fail(&err);
  pid_t pid;
  if (container_create(g, &o, &pid, &err) < 0) return fail(&err);
  return 0;
}
