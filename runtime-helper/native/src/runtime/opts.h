/* Flag parsing with runc's (Go flag) rules: "-x", "--name", "-name", "--name=value",
 * "--name value"; flags stop at the first positional argument or at "--". */
#ifndef BERTH_RUNTIME_OPTS_H
#define BERTH_RUNTIME_OPTS_H

#include <stdbool.h>

#include "common/error.h"

struct opt {
  const char *name;  /* long name without dashes */
  char short_name;   /* 0 for none */
  bool has_arg;
  int id;            /* > 0 */
};

struct opt_parser {
  int argc;
  char **argv;
  int index; /* next argv element; after OPT_DONE, the first positional */
  const struct opt *table;
  const char *value; /* the flag's value ("true"/"false" for boolean flags) */
};

enum { OPT_DONE = 0, OPT_ERROR = -1 };

/* Starts after argv[0] (the verb or program name). */
void opt_init(struct opt_parser *p, int argc, char **argv, const struct opt *table);
/* Returns the next flag's id, OPT_DONE, or OPT_ERROR with err filled. */
int opt_next(struct opt_parser *p, berth_error_t *err);
/* The boolean value of the current flag ("--detach=false" is false). */
bool opt_bool(const struct opt_parser *p);
/* Parses a non-negative decimal integer flag value. */
int opt_uint(const char *flag, const char *value, unsigned long long *out, berth_error_t *err);

#endif
