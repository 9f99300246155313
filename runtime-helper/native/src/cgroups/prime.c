/* Moving a process between cgroups takes a global lock whose first writer after a quiet spell
 * waits for an RCU grace period: 5-15 ms on an idle 2-core machine, most of a container's start.
 * Any writer ends that wait for the writers that follow within about a grace period, so a child
 * started early "moves" itself into the cgroup it is already in (no change at all) while the
 * runtime does its other work; the real move later then finds the lock ready. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/internal.h"

/* cgroup.procs of our own cgroup in one hierarchy: the pids one (v1) or the cgroup2 tree. */
static int own_procs_file(const struct cgroup_fs *fs, char out[PATH_MAX]) {
  char base[PATH_MAX];
  const char *want = "pids";
  if (fs->mode == CGROUP_MODE_V2) {
    snprintf(base, sizeof base, "%s", fs->root);
    want = NULL;
  } else if (!cg_v1_hierarchy(fs, CG_PIDS, base)) {
    return -1;
  }
  FILE *f = fopen("/proc/self/cgroup", "re");
  if (f == NULL) return -1;
  char line[PATH_MAX + 128];
  int rc = -1;
  while (rc < 0 && fgets(line, sizeof line, f)) {
    /* "ID:controllers:path"; v2 is "0::path" */
    char *c = strchr(line, ':'), *p = c ? strchr(c + 1, ':') : NULL;
    if (p == NULL) continue;
    *p++ = '\0';
    p[strcspn(p, "\n")] = '\0';
    bool match = false;
    if (want == NULL) {
      match = c[1] == '\0';
    } else {
      for (char *tok = strtok(c + 1, ","); tok && !match; tok = strtok(NULL, ",")) match = strcmp(tok, want) == 0;
    }
    if (match && snprintf(out, PATH_MAX, "%s%s/cgroup.procs", base, p) < PATH_MAX) rc = 0;
  }
  fclose(f);
  return rc;
}

pid_t cgroup_prime_attach(const struct cgroup_fs *fs) {
  if (fs->fake) return -1;
  pid_t pid = fork();
  if (pid != 0) return pid; /* -1: nothing started, which only costs the wait later */
  char procs[PATH_MAX];
  if (own_procs_file(fs, procs) < 0) _exit(1);
  int fd = open(procs, O_WRONLY | O_CLOEXEC);
  if (fd < 0) _exit(1);
  _exit(write(fd, "0", 1) == 1 ? 0 : 1);
}

void cgroup_prime_reap(pid_t pid) {
  if (pid > 0) waitpid(pid, NULL, 0);
}
