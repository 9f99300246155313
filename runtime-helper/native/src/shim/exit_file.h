/* STATE_DIR/exit.json, written atomically once the container's process exited and its output
 * was drained:
 *   {"pid":N,"exitCode":N,"signal":N|null,"oomKilled":bool,"finishedAt":"RFC3339Nano"}
 * exitCode is 128+signal for a process killed by a signal (Docker's convention). */
#ifndef BERTH_SHIM_EXIT_FILE_H
#define BERTH_SHIM_EXIT_FILE_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "common/error.h"

#define SHIM_EXIT_FILE "exit.json"

int exit_file_write(const char *state_dir, pid_t pid, int wait_status, bool oom_killed,
                    const struct timespec *finished_at, berth_error_t *err);

#endif
