/* ps [--format table|json] ID: the host pids of the container's cgroup. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/opts.h"

static void print_cmdline(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) close(fd);
  if (n < 0) n = 0;
  for (ssize_t i = 0; i < n; i++)
    if (buf[i] == '\0') buf[i] = ' ';
  buf[n] = '\0';
  printf("%-8d %s\n", (int)pid, buf);
}

int cmd_ps(const struct global_opts *g, int argc, char **argv) {
  enum { F_FORMAT = 1 };
  static const struct opt table[] = {{"format", 'f', true, F_FORMAT}, {NULL, 0, false, 0}};
  berth_error_t err = {0};
  struct opt_parser p;
  opt_init(&p, argc, argv, table);
  bool json = false;
  for (int id; (id = opt_next(&p, &err)) != OPT_DONE;) {
    if (id == OPT_ERROR) return fail(&err);
    if (id == F_FORMAT) {
      if (strcmp(p.value, "json") != 0 && strcmp(p.value, "table") != 0) {
        berth_error_set(&err, 0, "ps: unknown format '%s'", p.value);
        return fail(&err);
      }
      json = strcmp(p.value, "json") == 0;
    }
  }
  /* runc passes extra arguments to ps(1); we take and ignore them */
  if (need_args("ps", argc, p.index, 1, 64, &err) < 0) return fail(&err);
  struct container_state st;
  struct cgroup_fs fs;
  const char *status;
  if (container_load(g, argv[p.index], &st, &fs, &status, &err) < 0) return fail(&err);
  pid_t *pids = NULL;
  size_t n = 0;
  int rc = 0;
  if (cgroup_list_pids(&fs, st.cgroup_path, &pids, &n, &err) < 0) {
    rc = fail(&err);
  } else if (json) {
    fputc('[', stdout);
    for (size_t i = 0; i < n; i++) printf("%s%d", i ? "," : "", (int)pids[i]);
    fputs("]\n", stdout);
  } else {
    printf("%-8s %s\n", "PID", "CMD");
    for (size_t i = 0; i < n; i++) print_cmdline(pids[i]);
  }
  free(pids);
  state_free(&st);
  return rc;
}
