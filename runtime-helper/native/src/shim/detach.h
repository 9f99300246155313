/* Leaving the caller: berthd runs berth-shim in the foreground and waits for one answer. The
 * shim forks twice (setsid in between) so it is nobody's child but init's, or the nearest
 * subreaper's, and survives berthd; a pipe carries the startup report back to the foreground
 * process, which prints it and exits (0 ready, 1 failed). */
#ifndef BERTH_SHIM_DETACH_H
#define BERTH_SHIM_DETACH_H

#include "common/error.h"

/* Returns 0 in the detached shim, with *report_fd to report on, stdin/stdout on /dev/null and
 * stderr appended to diag_log_path. The foreground process never returns from here: it exits
 * with the report. */
int shim_detach(const char *diag_log_path, int *report_fd, berth_error_t *err);

/* The startup succeeded: line (one JSON line) goes to the caller's stdout, exit status 0. */
void shim_report_ready(int report_fd, const char *line);

/* The startup failed: message goes to the caller's stderr, exit status 1. */
void shim_report_failure(int report_fd, const char *message);

#endif
