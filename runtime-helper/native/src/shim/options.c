#include "shim/options.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char shim_usage[] =
    "usage: berth-shim --id ID --runtime PATH --state-dir DIR (--bundle DIR | --exec --process FILE)\n"
    "                  [--runtime-root DIR] [--terminal] [--stdin] [--hold-output]\n"
    "                  [--log-path FILE [--log-max-size BYTES] [--log-max-files N]]\n"
    "Starts ID through the OCI runtime, detaches, holds its stdio, logs its output in Docker's\n"
    "json-file format, serves DIR/attach.sock and writes DIR/exit.json when it exits.\n"
    "Prints {\"pid\":N,\"shimPid\":N} once the runtime's create (or exec) succeeded, or the\n"
    "runtime's error on stderr and exits 1.\n";

enum {
  OPT_ID = 256, OPT_BUNDLE, OPT_RUNTIME, OPT_RUNTIME_ROOT, OPT_STATE_DIR, OPT_TERMINAL, OPT_STDIN,
  OPT_EXEC, OPT_PROCESS, OPT_HOLD_OUTPUT, OPT_LOG_PATH, OPT_LOG_MAX_SIZE, OPT_LOG_MAX_FILES, OPT_HELP,
};

static const struct option long_options[] = {
    {"id", required_argument, NULL, OPT_ID},
    {"bundle", required_argument, NULL, OPT_BUNDLE},
    {"runtime", required_argument, NULL, OPT_RUNTIME},
    {"runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"terminal", no_argument, NULL, OPT_TERMINAL},
    {"stdin", no_argument, NULL, OPT_STDIN},
    {"exec", no_argument, NULL, OPT_EXEC},
    {"process", required_argument, NULL, OPT_PROCESS},
    {"hold-output", no_argument, NULL, OPT_HOLD_OUTPUT},
    {"log-path", required_argument, NULL, OPT_LOG_PATH},
    {"log-max-size", required_argument, NULL, OPT_LOG_MAX_SIZE},
    {"log-max-files", required_argument, NULL, OPT_LOG_MAX_FILES},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* Makes `in` absolute against the current directory (without resolving symlinks), in memory
 * allocated to its length. */
static int absolute_path(char **out, const char *in, const char *what, berth_error_t *err) {
  if (in[0] == '\0') return berth_error_set(err, 0, "--%s: empty path", what);
  char cwd[PATH_MAX];
  size_t a = 0, b = strlen(in);
  if (in[0] != '/') {
    if (getcwd(cwd, sizeof cwd) == NULL) return berth_error_errno(err, "getcwd for --%s '%s'", what, in);
    a = strlen(cwd) + 1;
  }
  if (a + b >= PATH_MAX) return berth_error_set(err, ENAMETOOLONG, "--%s '%s'", what, in);
  char *path = malloc(a + b + 1);
  if (path == NULL) return berth_error_errno(err, "allocate --%s '%s'", what, in);
  if (a > 0) {
    memcpy(path, cwd, a - 1);
    path[a - 1] = '/';
  }
  memcpy(path + a, in, b + 1);
  *out = path;
  return 0;
}

static int parse_u64(const char *s, uint64_t *v, const char *what, berth_error_t *err) {
  char *end = NULL;
  errno = 0;
  unsigned long long n = strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
    return berth_error_set(err, 0, "--%s: '%s' is not a non-negative integer", what, s);
  *v = n;
  return 0;
}

int shim_options_parse(struct shim_options *o, int argc, char **argv, bool *help, berth_error_t *err) {
  memset(o, 0, sizeof *o);
  o->log_path = "";
  o->log_max_files = 1;
  *help = false;
  const char *bundle = NULL, *runtime = NULL, *state_dir = NULL, *process = NULL, *log_path = NULL;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
    uint64_t n;
    switch (c) {
    case OPT_ID: o->id = optarg; break;
    case OPT_BUNDLE: bundle = optarg; break;
    case OPT_RUNTIME: runtime = optarg; break;
    case OPT_RUNTIME_ROOT: o->runtime_root = optarg; break;
    case OPT_STATE_DIR: state_dir = optarg; break;
    case OPT_TERMINAL: o->terminal = true; break;
    case OPT_STDIN: o->stdin_open = true; break;
    case OPT_EXEC: o->exec_mode = true; break;
    case OPT_PROCESS: process = optarg; break;
    case OPT_HOLD_OUTPUT: o->hold_output = true; break;
    case OPT_LOG_PATH: log_path = optarg; break;
    case OPT_LOG_MAX_SIZE:
      if (parse_u64(optarg, &o->log_max_size, "log-max-size", err) < 0) return -1;
      break;
    case OPT_LOG_MAX_FILES:
      if (parse_u64(optarg, &n, "log-max-files", err) < 0) return -1;
      if (n < 1 || n > 100) return berth_error_set(err, 0, "--log-max-files: %" PRIu64 " is not in 1..100", n);
      o->log_max_files = (unsigned)n;
      break;
    case OPT_HELP: *help = true; return 0;
    default:
      return berth_error_set(err, 0, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return berth_error_set(err, 0, "unexpected argument '%s'", argv[optind]);
  if (o->id == NULL || o->id[0] == '\0') return berth_error_set(err, 0, "--id is required");
  if (strchr(o->id, '/') != NULL) return berth_error_set(err, 0, "--id '%s' contains '/'", o->id);
  if (runtime == NULL) return berth_error_set(err, 0, "--runtime is required");
  if (state_dir == NULL) return berth_error_set(err, 0, "--state-dir is required");
  if (absolute_path(&o->runtime, runtime, "runtime", err) < 0) return -1;
  if (absolute_path(&o->state_dir, state_dir, "state-dir", err) < 0) return -1;
  if (o->exec_mode) {
    if (process == NULL) return berth_error_set(err, 0, "--exec needs --process FILE");
    if (bundle != NULL) return berth_error_set(err, 0, "--bundle is not used with --exec (the container exists)");
    if (absolute_path(&o->process_file, process, "process", err) < 0) return -1;
  } else {
    if (process != NULL) return berth_error_set(err, 0, "--process is only valid with --exec");
    if (bundle == NULL) return berth_error_set(err, 0, "--bundle is required");
    if (absolute_path(&o->bundle, bundle, "bundle", err) < 0) return -1;
  }
  char *log = NULL;
  if (log_path != NULL && absolute_path(&log, log_path, "log-path", err) < 0) return -1;
  if (log != NULL) o->log_path = log;
  if (log_path == NULL && o->log_max_size != 0)
    return berth_error_set(err, 0, "--log-max-size needs --log-path");
  if (access(o->runtime, X_OK) < 0) return berth_error_errno(err, "runtime '%s'", o->runtime);
  return 0;
}
