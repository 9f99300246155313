#include "runtime/cmd_common.h"

#include "runtime/opts.h"

enum { F_BUNDLE = 1, F_PID_FILE, F_CONSOLE, F_NO_PIVOT, F_NO_KEYRING, F_PRESERVE, F_DETACH, F_KEEP, F_NO_SUBREAPER };

int need_args(const char *verb, int argc, int i, int min, int max, berth_error_t *err) {
  int n = argc - i;
  if (n < min || n > max) {
    if (min == max) return berth_error_set(err, 0, "%s: expected %d argument%s, got %d", verb, min, min == 1 ? "" : "s", n);
    return berth_error_set(err, 0, "%s: expected %d to %d arguments, got %d", verb, min, max, n);
  }
  return 0;
}

int parse_create_flags(int argc, char **argv, struct create_opts *o, bool *detach, berth_error_t *err) {
  static const struct opt table[] = {
      {"bundle", 'b', true, F_BUNDLE},           {"pid-file", 0, true, F_PID_FILE},
      {"console-socket", 0, true, F_CONSOLE},    {"no-pivot", 0, false, F_NO_PIVOT},
      {"no-new-keyring", 0, false, F_NO_KEYRING}, {"preserve-fds", 0, true, F_PRESERVE},
      {"detach", 'd', false, F_DETACH},           {"keep", 0, false, F_KEEP},
      {"no-subreaper", 0, false, F_NO_SUBREAPER}, {NULL, 0, false, 0},
  };
  struct opt_parser p;
  opt_init(&p, argc, argv, table);
  unsigned long long n;
  for (int id; (id = opt_next(&p, err)) != OPT_DONE;) {
    switch (id) {
    case OPT_ERROR: return -1;
    case F_BUNDLE: o->bundle = p.value; break;
    case F_PID_FILE: o->pid_file = p.value; break;
    case F_CONSOLE: o->console_socket = p.value; break;
    case F_NO_PIVOT: o->no_pivot = opt_bool(&p); break;
    case F_NO_KEYRING: o->no_new_keyring = opt_bool(&p); break;
    case F_PRESERVE:
      if (opt_uint("--preserve-fds", p.value, &n, err) < 0) return -1;
      o->preserve_fds = (int)n;
      break;
    case F_DETACH:
      if (!detach) return berth_error_set(err, 0, "%s: unknown flag --detach", argv[0]);
      *detach = opt_bool(&p);
      break;
    default: break;
    }
  }
  if (need_args(argv[0], argc, p.index, 1, 1, err) < 0) return -1;
  o->id = argv[p.index];
  return 0;
}

int parse_id_only(int argc, char **argv, const char **id, berth_error_t *err) {
  static const struct opt none[] = {{NULL, 0, false, 0}};
  struct opt_parser p;
  opt_init(&p, argc, argv, none);
  if (opt_next(&p, err) == OPT_ERROR) return -1;
  if (need_args(argv[0], argc, p.index, 1, 1, err) < 0) return -1;
  *id = argv[p.index];
  return 0;
}
