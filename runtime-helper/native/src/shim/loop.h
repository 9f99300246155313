/* The shim's event loop: one epoll set over the signalfd (SIGCHLD), the container's output,
 * its stdin (while input is queued), the attach socket and its clients. No threads. */
#ifndef BERTH_SHIM_LOOP_H
#define BERTH_SHIM_LOOP_H

#include "shim/shim.h"

/* How long output and attach clients may take to drain after the container exited (background
 * processes outside a pid namespace can hold the pipes open forever). */
#define SHIM_DRAIN_MS 3000

/* Runs until the container's process exited and its output was drained into the log and the
 * clients (or SHIM_DRAIN_MS passed). Returns 0, or -1 when the loop itself failed. */
int shim_run(struct shim *s);

/* With --hold-output: starts reading the process's output (called when the first attach client
 * connected). Until then the output waits in the pipes or the pty, as it would for a child of
 * the caller, so a fast exec's first bytes reach the caller that attaches after the report. */
void shim_release_output(struct shim *s);

#endif
