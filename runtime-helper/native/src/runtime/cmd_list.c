/* list [--format table|json] [--quiet]: every container under --root. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/opts.h"

int cmd_list(const struct global_opts *g, int argc, char **argv) {
  enum { F_FORMAT = 1, F_QUIET };
  static const struct opt table[] = {{"format", 'f', true, F_FORMAT}, {"quiet", 'q', false, F_QUIET}, {NULL, 0, false, 0}};
  berth_error_t err = {0};
  struct opt_parser p;
  opt_init(&p, argc, argv, table);
  bool json = false, quiet = false;
  for (int id; (id = opt_next(&p, &err)) != OPT_DONE;) {
    if (id == OPT_ERROR) return fail(&err);
    if (id == F_FORMAT) json = strcmp(p.value, "json") == 0;
    if (id == F_QUIET) quiet = opt_bool(&p);
  }
  if (need_args("list", argc, p.index, 0, 0, &err) < 0) return fail(&err);
  json_t *all = json_array();
  struct cgroup_fs fs;
  bool have_fs = cgroup_detect(&fs, NULL, &err) == 0;
  DIR *d = opendir(g->root);
  if (d) {
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
      if (e->d_name[0] == '.') continue;
      struct container_state st;
      if (state_load(g->root, e->d_name, &st, &err) < 0) continue;
      const char *status = state_status(g->root, &st, have_fs ? &fs : NULL);
      json_t *j = state_to_json(&st, status);
      if (j) json_array_append_new(all, j);
      state_free(&st);
    }
    closedir(d);
  }
  size_t i;
  json_t *j;
  if (json) {
    char *text = json_dumps(all, JSON_COMPACT);
    printf("%s\n", text ? text : "[]");
    free(text);
  } else if (quiet) {
    json_array_foreach(all, i, j) printf("%s\n", json_string_value(json_object_get(j, "id")));
  } else {
    printf("%-24s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
    json_array_foreach(all, i, j)
      printf("%-24s %-8d %-10s %-40s %s\n", json_string_value(json_object_get(j, "id")),
             (int)json_integer_value(json_object_get(j, "pid")), json_string_value(json_object_get(j, "status")),
             json_string_value(json_object_get(j, "bundle")), json_string_value(json_object_get(j, "created")));
  }
  json_decref(all);
  return 0;
}
