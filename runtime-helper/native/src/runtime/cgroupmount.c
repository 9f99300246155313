#include "runtime/cgroupmount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/pathres.h"

struct self_cgroup {
  char controllers[256];
  char path[PATH_MAX];
};

/* Every controller of `controllers` (comma list) is an option in superopts. */
static bool controllers_match(const char *controllers, const char *superopts) {
  char c[256];
  snprintf(c, sizeof c, "%.255s", controllers);
  char *save = NULL;
  for (char *tok = strtok_r(c, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    size_t n = strlen(tok);
    const char *p = superopts;
    bool found = false;
    while ((p = strstr(p, tok)) != NULL) {
      if ((p == superopts || p[-1] == ',') && (p[n] == ',' || p[n] == '\0' || p[n] == ' ' || p[n] == '\n')) {
        found = true;
        break;
      }
      p += n;
    }
    if (!found) return false;
  }
  return true;
}

int cgmount_collect(struct cgmount_info *info, berth_error_t *err) {
  info->n = 0;
  struct self_cgroup own[CGMOUNT_MAX];
  size_t nown = 0;
  FILE *f = fopen("/proc/self/cgroup", "re");
  if (f == NULL) return berth_error_errno(err, "open '/proc/self/cgroup'");
  char line[PATH_MAX + 300];
  while (nown < CGMOUNT_MAX && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    char *a = strchr(line, ':');
    char *b = a ? strchr(a + 1, ':') : NULL;
    if (!b) continue;
    *b = '\0';
    snprintf(own[nown].controllers, sizeof own[nown].controllers, "%s", a + 1);
    snprintf(own[nown].path, sizeof own[nown].path, "%s", b + 1);
    nown++;
  }
  fclose(f);
  f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL) return berth_error_errno(err, "open '/proc/self/mountinfo'");
  char *buf = NULL;
  size_t cap = 0;
  while (getline(&buf, &cap, f) > 0 && info->n < CGMOUNT_MAX) {
    char root[PATH_MAX], mnt[PATH_MAX];
    if (sscanf(buf, "%*d %*d %*s %4095s %4095s", root, mnt) != 2) continue;
    char *sep = strstr(buf, " - ");
    if (!sep) continue;
    char fstype[32], source[256], superopts[1024];
    if (sscanf(sep + 3, "%31s %255s %1023s", fstype, source, superopts) != 3) continue;
    bool v2 = strcmp(fstype, "cgroup2") == 0;
    if (!v2 && strcmp(fstype, "cgroup") != 0) continue;
    for (size_t i = 0; i < nown; i++) {
      bool match = v2 ? own[i].controllers[0] == '\0' : own[i].controllers[0] && controllers_match(own[i].controllers, superopts);
      if (!match) continue;
      struct cgmount_hierarchy *h = &info->h[info->n++];
      h->v2 = v2;
      const char *base = strrchr(mnt, '/');
      snprintf(h->name, sizeof h->name, "%.63s", strcmp(mnt, "/sys/fs/cgroup") == 0 ? "" : (base ? base + 1 : mnt));
      const char *rel = own[i].path;
      size_t rl = strlen(root);
      if (strcmp(root, "/") != 0 && strncmp(rel, root, rl) == 0) rel += rl;
      if ((size_t)snprintf(h->source, sizeof h->source, "%s%s", mnt, rel) >= sizeof h->source) info->n--;
      break;
    }
  }
  free(buf);
  fclose(f);
  return 0;
}

static int bind_ro(const char *source, int target, const struct mount_spec *m, berth_error_t *err) {
  cleanup_fd int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) return berth_error_errno(err, "bind cgroup '%s'", source);
  struct mount_attr attr = {.attr_set = m->attr_set | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
  if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return berth_error_errno(err, "set options of cgroup bind '%s'", source);
  if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return berth_error_errno(err, "bind cgroup '%s' to '%s'", source, m->destination);
  return 0;
}

int cgmount_mount(int rootfd, int destfd, const struct mount_spec *m, const struct cgmount_info *info,
                  bool cgroupns, berth_error_t *err) {
  char link[64];
  path_fd_link(destfd, link, sizeof link);
  bool pure_v2 = info->n == 1 && info->h[0].v2 && info->h[0].name[0] == '\0';
  if (pure_v2) {
    if (cgroupns) {
      if (mount("cgroup2", link, "cgroup2", m->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return berth_error_errno(err, "mount cgroup2 on '%s'", m->destination);
      return 0;
    }
    return bind_ro(info->h[0].source, destfd, m, err);
  }
  if (mount("tmpfs", link, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return berth_error_errno(err, "mount tmpfs on '%s'", m->destination);
  for (size_t i = 0; i < info->n; i++) {
    if (info->h[i].name[0] == '\0') continue;
    char sub[PATH_MAX + 80];
    snprintf(sub, sizeof sub, "%s/%s", m->destination, info->h[i].name);
    cleanup_fd int target = -1;
    if (path_resolve_in_root(rootfd, sub, RES_CREATE_DIR, &target, err) < 0) return -1;
    if (bind_ro(info->h[i].source, target, m, err) < 0) return -1;
  }
  if (m->flags & MS_RDONLY) {
    cleanup_fd int top = -1;
    if (path_resolve_in_root(rootfd, m->destination, 0, &top, err) < 0) return -1;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(top, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
      return berth_error_errno(err, "make '%s' read-only", m->destination);
  }
  return 0;
}
