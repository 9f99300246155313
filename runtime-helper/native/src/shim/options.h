/* berth-shim's command line (documented in README.md). Paths are made absolute while parsing,
 * because the shim later changes directory to "/" so it pins no mount. */
#ifndef BERTH_SHIM_OPTIONS_H
#define BERTH_SHIM_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

struct shim_options {
  const char *id;
  /* The paths are allocated to their length: PATH_MAX arrays would each keep a page resident in
   * an idle shim. */
  char *bundle;
  char *runtime;
  const char *runtime_root; /* NULL: the runtime's default */
  char *state_dir;
  bool terminal;
  bool stdin_open;
  bool exec_mode;           /* run `runtime exec --detach` instead of `runtime create` */
  bool hold_output;         /* read no output until the first attach client connected */
  char *process_file;       /* exec mode: the process JSON */
  const char *log_path;     /* "" when no log is kept */
  uint64_t log_max_size;    /* bytes; 0 = unlimited */
  unsigned log_max_files;   /* files kept including the current one, >= 1 */
};

/* Returns 0, or -1 with a message for the user; sets *help when --help was asked. */
int shim_options_parse(struct shim_options *o, int argc, char **argv, bool *help, berth_error_t *err);

extern const char shim_usage[];

#endif
