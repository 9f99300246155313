#include "runtime/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/pathres.h"

int mounts_prepare_root(const struct container_spec *spec, int *rootfd, berth_error_t *err) {
  unsigned long prop = spec->rootfs_propagation;
  /* shared and unbindable are applied after the pivot: pivot_root refuses a shared parent,
   * and an unbindable root cannot be bound */
  if (prop == 0 || (prop & (MS_SHARED | MS_UNBINDABLE))) prop = MS_SLAVE | MS_REC;
  if (mount(NULL, "/", NULL, prop, NULL) < 0) return berth_error_errno(err, "set propagation of '/'");
  if (mount(spec->rootfs, spec->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return berth_error_errno(err, "bind rootfs '%s'", spec->rootfs);
  *rootfd = open(spec->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*rootfd < 0) return berth_error_errno(err, "open rootfs '%s'", spec->rootfs);
  return 0;
}

static int bind_mount(const struct mount_spec *m, const char *source, int destfd, berth_error_t *err) {
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->recursive ? AT_RECURSIVE : 0);
  cleanup_fd int tree = open_tree(AT_FDCWD, source, flags);
  if (tree < 0) return berth_error_errno(err, "bind '%s' to '%s'", source, m->destination);
  if (m->attr_set || m->attr_clr) {
    struct mount_attr attr = {.attr_set = m->attr_set, .attr_clr = m->attr_clr};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | (m->recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
      return berth_error_errno(err, "set options of bind mount '%s'", m->destination);
  }
  if (move_mount(tree, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return berth_error_errno(err, "bind '%s' to '%s'", source, m->destination);
  return 0;
}

/* devpts must be a private instance with a usable ptmx, whatever the config says. */
static char *devpts_data(const char *data) {
  const char *extra1 = data && strstr(data, "newinstance") ? "" : "newinstance";
  const char *extra2 = data && strstr(data, "ptmxmode=") ? "" : "ptmxmode=0666";
  size_t n = (data ? strlen(data) : 0) + 40;
  char *out = malloc(n);
  if (out == NULL) return NULL;
  snprintf(out, n, "%s%s%s%s%s", data ? data : "", data && *extra1 ? "," : "", extra1,
           (*extra2 && (data || *extra1)) ? "," : "", extra2);
  return out;
}

static int fs_mount(const struct mount_spec *m, int destfd, bool userns, berth_error_t *err) {
  char link[64];
  path_fd_link(destfd, link, sizeof link);
  cleanup_free char *data = strcmp(m->type, "devpts") == 0 ? devpts_data(m->data) : NULL;
  const char *d = data ? data : m->data;
  if (mount(m->source[0] ? m->source : m->type, link, m->type, m->flags & ~(unsigned long)MS_REMOUNT, d) == 0) return 0;
  int e = errno;
  if (strcmp(m->type, "sysfs") == 0 && userns && e == EPERM) {
    /* a user namespace without its own network namespace may not mount sysfs: bind the host's */
    cleanup_fd int tree = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    struct mount_attr attr = {.attr_set = m->attr_set};
    if (tree >= 0 && mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) == 0 &&
        move_mount(tree, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0)
      return 0;
  }
  return berth_error_set(err, e, "mount %s on '%s'", m->type[0] ? m->type : "?", m->destination);
}

static int apply_one(int rootfd, const struct container_spec *spec, const struct mount_spec *m,
                     const struct cgmount_info *cg, bool cgroupns, bool userns, berth_error_t *err) {
  char source[PATH_MAX * 2];
  int create = RES_CREATE_DIR;
  if (m->bind) {
    if (m->source[0] == '/') snprintf(source, sizeof source, "%s", m->source);
    else snprintf(source, sizeof source, "%s/%s", spec->bundle, m->source);
    struct stat st;
    if (stat(source, &st) < 0) return berth_error_errno(err, "open bind source '%s'", source);
    if (!S_ISDIR(st.st_mode)) create = RES_CREATE_FILE;
  }
  cleanup_fd int destfd = -1;
  if (path_resolve_in_root(rootfd, m->destination, create, &destfd, err) < 0)
    return berth_error_wrap(err, "mount '%s'", m->destination);
  int r;
  if (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0) r = cgmount_mount(rootfd, destfd, m, cg, cgroupns, err);
  else if (m->bind) r = bind_mount(m, source, destfd, err);
  else r = fs_mount(m, destfd, userns, err);
  if (r < 0 || m->propagation == 0) return r;
  /* the fd still names the covered directory: resolve again to reach the new mount */
  cleanup_fd int top = -1;
  if (path_resolve_in_root(rootfd, m->destination, 0, &top, err) < 0) return -1;
  char link[64];
  path_fd_link(top, link, sizeof link);
  if (mount(NULL, link, NULL, m->propagation, NULL) < 0)
    return berth_error_errno(err, "set propagation of '%s'", m->destination);
  return 0;
}

int mounts_apply(int rootfd, const struct container_spec *spec, const struct cgmount_info *cg, bool cgroupns,
                 bool userns, berth_error_t *err) {
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (apply_one(rootfd, spec, &spec->mounts[i], cg, cgroupns, userns, err) < 0) return -1;
  return 0;
}

/* pivot_root cannot move the initramfs (rootfs/ramfs) away: there only MS_MOVE + chroot works */
static bool root_is_ramfs(void) {
  struct statfs st;
  return statfs("/", &st) == 0 && st.f_type == RAMFS_MAGIC;
}

int mounts_pivot(const char *rootfs, bool no_pivot, berth_error_t *err) {
  if (no_pivot || root_is_ramfs()) {
    if (chdir(rootfs) < 0) return berth_error_errno(err, "chdir to rootfs '%s'", rootfs);
    if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0) return berth_error_errno(err, "move rootfs '%s' to '/'", rootfs);
    if (chroot(".") < 0) return berth_error_errno(err, "chroot to rootfs '%s'", rootfs);
    if (chdir("/") < 0) return berth_error_errno(err, "chdir to '/'");
    return 0;
  }
  cleanup_fd int oldroot = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0) return berth_error_errno(err, "open old root '/'");
  cleanup_fd int newroot = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (newroot < 0) return berth_error_errno(err, "open rootfs '%s'", rootfs);
  if (fchdir(newroot) < 0) return berth_error_errno(err, "chdir to rootfs '%s'", rootfs);
  if (syscall(SYS_pivot_root, ".", ".") < 0) return berth_error_errno(err, "pivot_root to '%s'", rootfs);
  /* the old root is now stacked on "/": detach it without propagating the unmount to the host */
  if (fchdir(oldroot) < 0) return berth_error_errno(err, "chdir to old root");
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) return berth_error_errno(err, "make old root a slave");
  if (umount2(".", MNT_DETACH) < 0) return berth_error_errno(err, "unmount old root");
  if (chdir("/") < 0) return berth_error_errno(err, "chdir to '/'");
  return 0;
}

static int open_dev_null(int rootfd, int *out, berth_error_t *err) {
  if (path_resolve_in_root(rootfd, "/dev/null", 0, out, err) < 0) return -1;
  struct stat st;
  if (fstat(*out, &st) < 0) return berth_error_errno(err, "stat /dev/null");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
    return berth_error_set(err, EPERM, "mask paths: /dev/null in the container is not the null device");
  return 0;
}

static int mask_dir(int target, const char *path, berth_error_t *err) {
  cleanup_fd int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0) return berth_error_errno(err, "mask '%s': fsopen tmpfs", path);
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) return berth_error_errno(err, "mask '%s': create tmpfs", path);
  cleanup_fd int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  if (mnt < 0) return berth_error_errno(err, "mask '%s': fsmount", path);
  if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return berth_error_errno(err, "mask '%s'", path);
  return 0;
}

/* Masked and read-only paths that the image lacks are skipped, as runc and crun do: 1 with the
 * path opened in *fd, 0 when it does not exist, -1 on any other error. */
static int resolve_if_present(int rootfd, const char *path, int *fd, berth_error_t *err) {
  if (path_resolve_in_root(rootfd, path, 0, fd, err) == 0) return 1;
  if (err->errno_value != ENOENT) return -1;
  return 0;
}

static int mask_paths(int rootfd, json_t *paths, berth_error_t *err) {
  if (json_array_size(paths) == 0) return 0;
  cleanup_fd int null = -1;
  if (open_dev_null(rootfd, &null, err) < 0) return -1;
  size_t i;
  json_t *p;
  json_array_foreach(paths, i, p) {
    const char *path = json_string_value(p);
    if (path == NULL) continue;
    cleanup_fd int target = -1;
    int found = resolve_if_present(rootfd, path, &target, err);
    if (found <= 0) {
      if (found < 0) return -1;
      continue;
    }
    struct stat st;
    if (fstat(target, &st) < 0) return berth_error_errno(err, "mask '%s'", path);
    if (S_ISDIR(st.st_mode)) {
      if (mask_dir(target, path, err) < 0) return -1;
      continue;
    }
    cleanup_fd int tree = open_tree(null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (tree < 0) return berth_error_errno(err, "mask '%s': clone /dev/null", path);
    if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return berth_error_errno(err, "mask '%s'", path);
  }
  return 0;
}

static int readonly_paths(int rootfd, json_t *paths, berth_error_t *err) {
  size_t i;
  json_t *p;
  json_array_foreach(paths, i, p) {
    const char *path = json_string_value(p);
    if (path == NULL) continue;
    cleanup_fd int target = -1;
    int found = resolve_if_present(rootfd, path, &target, err);
    if (found <= 0) {
      if (found < 0) return -1;
      continue;
    }
    cleanup_fd int tree = open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (tree < 0) return berth_error_errno(err, "make '%s' read-only: clone", path);
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
      return berth_error_errno(err, "make '%s' read-only", path);
    if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return berth_error_errno(err, "make '%s' read-only: attach", path);
  }
  return 0;
}

int mounts_finish(const struct container_spec *spec, berth_error_t *err) {
  if (spec->rootfs_propagation & (MS_SHARED | MS_UNBINDABLE)) {
    if (mount(NULL, "/", NULL, spec->rootfs_propagation, NULL) < 0)
      return berth_error_errno(err, "set rootfs propagation");
  }
  cleanup_fd int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return berth_error_errno(err, "open '/'");
  if (mask_paths(rootfd, spec->masked_paths, err) < 0) return -1;
  if (readonly_paths(rootfd, spec->readonly_paths, err) < 0) return -1;
  if (spec->root_readonly) {
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
      return berth_error_errno(err, "make the rootfs read-only");
  }
  return 0;
}
