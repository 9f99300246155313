/* Starting the container through the OCI runtime: `<runtime> [--root R] create --bundle B
 * --pid-file F [--console-socket S] ID`, or in exec mode `<runtime> [--root R] exec --process P
 * --detach --pid-file F [--console-socket S] ID`. The runtime's child (the container init or the
 * exec'd process) outlives the runtime and is reparented to the shim, a subreaper. */
#ifndef BERTH_SHIM_RUNTIME_H
#define BERTH_SHIM_RUNTIME_H

#include <sys/types.h>

#include "common/error.h"
#include "shim/options.h"

struct runtime_result {
  pid_t pid;      /* the container's (or exec's) process */
  int out_fd[2];  /* shim's read ends: stdout, stderr; with a terminal [0] is the master, [1] -1 */
  int in_fd;      /* shim's write end of stdin (a dup of the master with a terminal), or -1 */
};

/* Files the launch uses inside the state dir. */
#define SHIM_CONTAINER_PID_FILE "container.pid"
#define SHIM_CONSOLE_SOCKET "console.sock"

/* Runs the runtime and waits for it. On success fills r (non-blocking, close-on-exec fds).
 * On failure the error says which step failed; when the runtime itself failed it reads
 * "runtime create failed (exit status N): <the runtime's stderr, verbatim>". */
int runtime_launch(const struct shim_options *o, struct runtime_result *r, berth_error_t *err);

/* `<runtime> [--root R] start ID` (create mode), waited for. Returns its exit status (128+signal
 * when killed), or -1 when it could not be run; msg gets its stderr (or why it could not run). */
int runtime_start(const struct shim_options *o, char *msg, size_t cap);

#endif
