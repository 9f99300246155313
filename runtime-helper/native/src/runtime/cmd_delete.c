/* delete [--force] ID */
#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/opts.h"

int cmd_delete(const struct global_opts *g, int argc, char **argv) {
  enum { F_FORCE = 1 };
  static const struct opt table[] = {{"force", 'f', false, F_FORCE}, {NULL, 0, false, 0}};
  berth_error_t err = {0};
  struct opt_parser p;
  opt_init(&p, argc, argv, table);
  bool force = false;
  for (int id; (id = opt_next(&p, &err)) != OPT_DONE;) {
    if (id == OPT_ERROR) return fail(&err);
    if (id == F_FORCE) force = opt_bool(&p);
  }
  if (need_args("delete", argc, p.index, 1, 1, &err) < 0) return fail(&err);
  if (container_delete(g, argv[p.index], force, &err) < 0) return fail(&err);
  return 0;
}
