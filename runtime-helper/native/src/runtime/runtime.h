/* What every verb of berth-runtime shares: the global options and the verb entry points.
 * The command line follows runc's so dockerd (via containerd-shim-runc-v2), podman (via
 * conmon) and berth-shim can drive it. */
#ifndef BERTH_RUNTIME_RUNTIME_H
#define BERTH_RUNTIME_RUNTIME_H

#include <stdbool.h>

#include "common/error.h"

#define BERTH_RUNTIME_VERSION "0.1.0"
#define BERTH_OCI_VERSION "1.0.2"
#define BERTH_DEFAULT_ROOT "/run/berth-runtime"

struct global_opts {
  const char *root;     /* state root: <root>/<id>/state.json */
  const char *log_path; /* --log: errors (and debug lines) are appended here too */
  bool log_json;        /* --log-format json: {"level","msg","time"} lines, as containerd reads */
  bool debug;
  bool systemd_cgroup;  /* cgroupsPath is "slice:prefix:name" */
};

/* Each verb parses its own flags from argv (argv[0] is the verb) and returns the exit code. */
int cmd_create(const struct global_opts *g, int argc, char **argv);
int cmd_start(const struct global_opts *g, int argc, char **argv);
int cmd_run(const struct global_opts *g, int argc, char **argv);
int cmd_state(const struct global_opts *g, int argc, char **argv);
int cmd_kill(const struct global_opts *g, int argc, char **argv);
int cmd_delete(const struct global_opts *g, int argc, char **argv);
int cmd_exec(const struct global_opts *g, int argc, char **argv);
int cmd_pause(const struct global_opts *g, int argc, char **argv);
int cmd_resume(const struct global_opts *g, int argc, char **argv);
int cmd_update(const struct global_opts *g, int argc, char **argv);
int cmd_ps(const struct global_opts *g, int argc, char **argv);
int cmd_list(const struct global_opts *g, int argc, char **argv);
int cmd_features(const struct global_opts *g, int argc, char **argv);

/* log.c: "berth-runtime: <message>" on stderr and, with --log, a line in the log file. */
void log_init(const struct global_opts *g);
void log_error(const char *message);
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs err and returns exit code 1, for `return fail(&err);` in verbs. */
int fail(const berth_error_t *err);

#endif
