/* berth-runtime's command line: global flags, then one verb. Each verb lives in its own
 * cmd_<verb>.c. Apart from main.c so berth-shim can run it in a forked child without an execve
 * (see src/shim/runtime.c). */
#include <stdio.h>
#include <string.h>

#include "runtime/entry.h"
#include "runtime/opts.h"
#include "runtime/runtime.h"
#include "runtime/trace.h"

static const struct {
  const char *name;
  int (*fn)(const struct global_opts *, int, char **);
} verbs[] = {
    {"create", cmd_create}, {"start", cmd_start},   {"run", cmd_run},       {"state", cmd_state},
    {"kill", cmd_kill},     {"delete", cmd_delete}, {"exec", cmd_exec},     {"pause", cmd_pause},
    {"resume", cmd_resume}, {"update", cmd_update}, {"ps", cmd_ps},         {"list", cmd_list},
    {"features", cmd_features},
};

enum { G_ROOT = 1, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD, G_VERSION, G_HELP, G_CRIU, G_ROOTLESS };
static const struct opt global_table[] = {
    {"root", 0, true, G_ROOT},
    {"log", 0, true, G_LOG},
    {"log-format", 0, true, G_LOG_FORMAT},
    {"debug", 0, false, G_DEBUG},
    {"systemd-cgroup", 0, false, G_SYSTEMD},
    {"version", 'v', false, G_VERSION},
    {"help", 'h', false, G_HELP},
    {"criu", 0, true, G_CRIU},         /* accepted for runc compatibility, unused */
    {"rootless", 0, true, G_ROOTLESS}, /* accepted for runc compatibility, unused */
    {NULL, 0, false, 0},
};

static void usage(FILE *to) {
  fputs("usage: berth-runtime [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
        "                     [--systemd-cgroup] COMMAND [FLAGS] ID ...\n"
        "commands: create start run state kill delete exec pause resume update ps list features\n",
        to);
}

static void version(void) {
  printf("berth-runtime version %s\nspec: %s\n", BERTH_RUNTIME_VERSION, BERTH_OCI_VERSION);
}

int berth_runtime_main(int argc, char **argv) {
  trace_init();
  struct global_opts g = {.root = BERTH_DEFAULT_ROOT};
  berth_error_t err = {0};
  struct opt_parser p;
  opt_init(&p, argc, argv, global_table);
  for (int id; (id = opt_next(&p, &err)) != OPT_DONE;) {
    switch (id) {
    case OPT_ERROR: log_init(&g); return fail(&err);
    case G_ROOT: g.root = p.value; break;
    case G_LOG: g.log_path = p.value; break;
    case G_LOG_FORMAT:
      if (strcmp(p.value, "json") != 0 && strcmp(p.value, "text") != 0) {
        berth_error_set(&err, 0, "parse flag --log-format: '%s' is neither text nor json", p.value);
        return fail(&err);
      }
      g.log_json = strcmp(p.value, "json") == 0;
      break;
    case G_DEBUG: g.debug = opt_bool(&p); break;
    case G_SYSTEMD: g.systemd_cgroup = opt_bool(&p); break;
    case G_VERSION: version(); return 0;
    case G_HELP: usage(stdout); return 0;
    default: break;
    }
  }
  log_init(&g);
  if (p.index >= argc) {
    usage(stderr);
    return 1;
  }
  const char *verb = argv[p.index];
  if (strcmp(verb, "version") == 0) {
    version();
    return 0;
  }
  if (strcmp(verb, "help") == 0) {
    usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
    if (strcmp(verbs[i].name, verb) == 0) return verbs[i].fn(&g, argc - p.index, argv + p.index);
  }
  berth_error_set(&err, 0, "parse command line: unknown command '%s'", verb);
  return fail(&err);
}
