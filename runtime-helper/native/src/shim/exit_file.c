#include "shim/exit_file.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/wait.h>

#include "common/fileutil.h"
#include "common/rfc3339.h"

int exit_file_write(const char *state_dir, pid_t pid, int wait_status, bool oom_killed,
                    const struct timespec *finished_at, berth_error_t *err) {
  int code = 0;
  char signal_text[16] = "null";
  if (WIFEXITED(wait_status)) {
    code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    code = 128 + WTERMSIG(wait_status);
    snprintf(signal_text, sizeof signal_text, "%d", WTERMSIG(wait_status));
  }
  char when[BERTH_RFC3339_MAX];
  berth_rfc3339nano(when, finished_at);
  char json[256];
  int n = snprintf(json, sizeof json,
                   "{\"pid\":%d,\"exitCode\":%d,\"signal\":%s,\"oomKilled\":%s,\"finishedAt\":\"%s\"}\n",
                   (int)pid, code, signal_text, oom_killed ? "true" : "false", when);
  char path[PATH_MAX];
  int m = snprintf(path, sizeof path, "%s/" SHIM_EXIT_FILE, state_dir);
  if (m < 0 || (size_t)m >= sizeof path) return berth_error_set(err, ENAMETOOLONG, "exit file in '%s'", state_dir);
  return berth_write_file_atomic(path, json, (size_t)n, 0644, err);
}
