#include "runtime/opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void opt_init(struct opt_parser *p, int argc, char **argv, const struct opt *table) {
  p->argc = argc;
  p->argv = argv;
  p->index = 1;
  p->table = table;
  p->value = NULL;
}

static const struct opt *find(const struct opt *t, const char *name, size_t len, char short_name) {
  for (; t->name; t++) {
    if (short_name ? t->short_name == short_name
                   : (strlen(t->name) == len && strncmp(t->name, name, len) == 0))
      return t;
  }
  return NULL;
}

int opt_next(struct opt_parser *p, berth_error_t *err) {
  if (p->index >= p->argc) return OPT_DONE;
  const char *arg = p->argv[p->index];
  if (arg[0] != '-' || arg[1] == '\0') return OPT_DONE;
  if (strcmp(arg, "--") == 0) {
    p->index++;
    return OPT_DONE;
  }
  const char *name = arg + 1;
  if (*name == '-') name++;
  const char *eq = strchr(name, '=');
  size_t len = eq ? (size_t)(eq - name) : strlen(name);
  const struct opt *o = find(p->table, name, len, 0);
  if (o == NULL && len == 1 && arg[1] != '-') o = find(p->table, NULL, 0, name[0]);
  if (o == NULL) return berth_error_set(err, 0, "parse flags: unknown flag '%s'", arg);
  p->index++;
  if (o->has_arg) {
    if (eq) {
      p->value = eq + 1;
    } else {
      if (p->index >= p->argc) return berth_error_set(err, 0, "parse flags: flag '%s' needs a value", arg);
      p->value = p->argv[p->index++];
    }
  } else {
    p->value = eq ? eq + 1 : "true";
  }
  return o->id;
}

bool opt_bool(const struct opt_parser *p) {
  return !(strcmp(p->value, "false") == 0 || strcmp(p->value, "0") == 0);
}

int opt_uint(const char *flag, const char *value, unsigned long long *out, berth_error_t *err) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || value[0] == '-')
    return berth_error_set(err, 0, "parse flag '%s': '%s' is not a non-negative integer", flag, value);
  *out = v;
  return 0;
}
