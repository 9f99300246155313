#include "runtime/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/pathres.h"

struct device {
  const char *path;
  mode_t type;
  unsigned major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

static const struct device defaults[] = {
    {"/dev/null", S_IFCHR, 1, 3, 0666, 0, 0},    {"/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0},
    {"/dev/full", S_IFCHR, 1, 7, 0666, 0, 0},    {"/dev/random", S_IFCHR, 1, 8, 0666, 0, 0},
    {"/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0}, {"/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0},
};

static int split(const char *path, char *dir, char *base) {
  char a[PATH_MAX], b[PATH_MAX];
  if (snprintf(a, sizeof a, "%s", path) >= (int)sizeof a) return -1;
  memcpy(b, a, sizeof a);
  snprintf(dir, PATH_MAX, "%s", dirname(a));
  snprintf(base, NAME_MAX + 1, "%s", basename(b));
  return 0;
}

static int create_one(int rootfd, const struct device *d, bool in_userns, berth_error_t *err) {
  char dir[PATH_MAX], base[NAME_MAX + 1];
  if (split(d->path, dir, base) < 0 || strcmp(base, "/") == 0 || strcmp(base, "..") == 0)
    return berth_error_set(err, EINVAL, "create device '%s'", d->path);
  cleanup_fd int dfd = -1;
  if (path_resolve_in_root(rootfd, dir, RES_CREATE_DIR, &dfd, err) < 0) return -1;
  cleanup_fd int parent = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0) return berth_error_errno(err, "open '%s'", dir);
  struct stat st;
  if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR(st.st_mode)) return berth_error_set(err, EISDIR, "create device '%s'", d->path);
    if (unlinkat(parent, base, 0) < 0) return berth_error_errno(err, "replace device '%s'", d->path);
  }
  if (in_userns) {
    cleanup_fd int target = openat(parent, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (target < 0) return berth_error_errno(err, "create device mount point '%s'", d->path);
    cleanup_fd int tree = open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0) return berth_error_errno(err, "bind host device '%s'", d->path);
    if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return berth_error_errno(err, "bind host device '%s'", d->path);
    return 0;
  }
  if (mknodat(parent, base, d->type | (d->mode & 07777), makedev(d->major, d->minor)) < 0)
    return berth_error_errno(err, "mknod '%s'", d->path);
  if (fchmodat(parent, base, d->mode & 07777, 0) < 0) return berth_error_errno(err, "chmod '%s'", d->path);
  if (fchownat(parent, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0) return berth_error_errno(err, "chown '%s'", d->path);
  return 0;
}

static int parse_device(json_t *j, struct device *d, berth_error_t *err) {
  d->path = json_string_value(json_object_get(j, "path"));
  const char *type = json_string_value(json_object_get(j, "type"));
  if (d->path == NULL || type == NULL) return berth_error_set(err, 0, "parse config: a linux.devices entry lacks path or type");
  if (strcmp(type, "c") == 0 || strcmp(type, "u") == 0) d->type = S_IFCHR;
  else if (strcmp(type, "b") == 0) d->type = S_IFBLK;
  else if (strcmp(type, "p") == 0) d->type = S_IFIFO;
  else return berth_error_set(err, 0, "parse config: device '%s' has unknown type '%s'", d->path, type);
  d->major = (unsigned)json_integer_value(json_object_get(j, "major"));
  d->minor = (unsigned)json_integer_value(json_object_get(j, "minor"));
  json_t *mode = json_object_get(j, "fileMode");
  d->mode = json_is_integer(mode) ? (mode_t)json_integer_value(mode) : 0666;
  d->uid = (uid_t)json_integer_value(json_object_get(j, "uid"));
  d->gid = (gid_t)json_integer_value(json_object_get(j, "gid"));
  return 0;
}

static bool in_config(json_t *devices, const char *path) {
  size_t i;
  json_t *j;
  json_array_foreach(devices, i, j) {
    const char *p = json_string_value(json_object_get(j, "path"));
    if (p && strcmp(p, path) == 0) return true;
  }
  return false;
}

int devices_create(int rootfd, json_t *devices, bool in_userns, berth_error_t *err) {
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
    if (in_config(devices, defaults[i].path)) continue;
    if (create_one(rootfd, &defaults[i], in_userns, err) < 0) return -1;
  }
  size_t i;
  json_t *j;
  json_array_foreach(devices, i, j) {
    struct device d;
    if (parse_device(j, &d, err) < 0 || create_one(rootfd, &d, in_userns, err) < 0) return -1;
  }
  return 0;
}

int devices_symlinks(int rootfd, berth_error_t *err) {
  static const struct {
    const char *target, *name;
  } links[] = {{"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
               {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"}};
  cleanup_fd int dev = -1;
  if (path_resolve_in_root(rootfd, "/dev", RES_CREATE_DIR, &dev, err) < 0) return -1;
  cleanup_fd int dfd = openat(dev, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return berth_error_errno(err, "open /dev in rootfs");
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    if (strcmp(links[i].name, "ptmx") == 0) {
      struct stat st;
      if (fstatat(dfd, "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) unlinkat(dfd, "ptmx", 0);
    }
    if (symlinkat(links[i].target, dfd, links[i].name) < 0 && errno != EEXIST)
      return berth_error_errno(err, "symlink /dev/%s", links[i].name);
  }
  if (mkdirat(dfd, "shm", 01777) < 0 && errno != EEXIST) return berth_error_errno(err, "create /dev/shm");
  return 0;
}
