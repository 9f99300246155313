/* kill [--all] ID [SIGNAL]: SIGNAL is a name (with or without SIG) or a number; SIGTERM by
 * default. --all signals every process of the container's cgroup, forks included
 * (cgroup_kill: cgroup.kill on v2, else the freezer around the pid list). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/opts.h"

static int parse_signal(const char *s, int *sig, berth_error_t *err) {
  char *end;
  long n = strtol(s, &end, 10);
  if (*s && *end == '\0') {
    if (n <= 0 || n > SIGRTMAX) return berth_error_set(err, 0, "kill: signal %s is out of range", s);
    *sig = (int)n;
    return 0;
  }
  const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
  for (int i = 1; i < NSIG; i++) {
    const char *abbrev = sigabbrev_np(i);
    if (abbrev && strcasecmp(abbrev, name) == 0) {
      *sig = i;
      return 0;
    }
  }
  return berth_error_set(err, 0, "kill: unknown signal '%s'", s);
}

int cmd_kill(const struct global_opts *g, int argc, char **argv) {
  enum { F_ALL = 1 };
  static const struct opt table[] = {{"all", 'a', false, F_ALL}, {NULL, 0, false, 0}};
  berth_error_t err = {0};
  struct opt_parser p;
  opt_init(&p, argc, argv, table);
  bool all = false;
  for (int id; (id = opt_next(&p, &err)) != OPT_DONE;) {
    if (id == OPT_ERROR) return fail(&err);
    if (id == F_ALL) all = opt_bool(&p);
  }
  if (need_args("kill", argc, p.index, 1, 2, &err) < 0) return fail(&err);
  const char *id = argv[p.index];
  int sig = SIGTERM;
  if (argc - p.index == 2 && parse_signal(argv[p.index + 1], &sig, &err) < 0) return fail(&err);
  struct container_state st;
  struct cgroup_fs fs;
  const char *status;
  if (container_load(g, id, &st, &fs, &status, &err) < 0) return fail(&err);
  int rc = 0;
  if (all) {
    /* it thaws a paused cgroup it kills itself */
    if (cgroup_kill(&fs, st.cgroup_path, sig, &err) < 0) rc = fail(&err);
  } else if (strcmp(status, "stopped") == 0) {
    /* containerd and podman recognise "container not running" / ESRCH as "already gone" */
    berth_error_set(&err, ESRCH, "kill container '%s': container not running", id);
    rc = fail(&err);
  } else if (kill(st.pid, sig) < 0) {
    berth_error_errno(&err, "kill container '%s' (pid %d) with signal %d", id, (int)st.pid, sig);
    rc = fail(&err);
  }
  /* a frozen process cannot act on SIGKILL: thaw so it dies now, as runc does */
  if (rc == 0 && !all && sig == SIGKILL && strcmp(status, "paused") == 0) cgroup_set_frozen(&fs, st.cgroup_path, false, &err);
  state_free(&st);
  return rc;
}
