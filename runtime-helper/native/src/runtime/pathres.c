#include "runtime/pathres.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 128
#define MAX_SYMLINKS 40

void path_fd_link(int fd, char *buf, unsigned long len) { snprintf(buf, len, "/proc/self/fd/%d", fd); }

static void close_stack(int *fds, int depth) {
  for (int i = 0; i <= depth; i++)
    if (fds[i] >= 0) close(fds[i]);
}

int path_resolve_in_root(int rootfd, const char *path, int flags, int *out, berth_error_t *err) {
  char rest[PATH_MAX * 2];
  if (snprintf(rest, sizeof rest, "%s", path) >= (int)sizeof rest)
    return berth_error_set(err, ENAMETOOLONG, "resolve '%s' in rootfs", path);
  int fds[MAX_DEPTH + 1];
  int depth = 0, links = 0;
  fds[0] = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fds[0] < 0) return berth_error_errno(err, "resolve '%s' in rootfs: open root", path);
  size_t pos = 0;
  for (;;) {
    while (rest[pos] == '/') pos++;
    if (rest[pos] == '\0') break;
    char comp[NAME_MAX + 1];
    size_t len = strcspn(rest + pos, "/");
    if (len > NAME_MAX) {
      close_stack(fds, depth);
      return berth_error_set(err, ENAMETOOLONG, "resolve '%s' in rootfs", path);
    }
    memcpy(comp, rest + pos, len);
    comp[len] = '\0';
    pos += len;
    bool last = rest[pos + strspn(rest + pos, "/")] == '\0';
    if (strcmp(comp, ".") == 0) continue;
    if (strcmp(comp, "..") == 0) {
      if (depth == 0) {
        close_stack(fds, depth);
        return berth_error_set(err, EPERM, "resolve '%s' in rootfs: a symlink or \"..\" escapes the rootfs", path);
      }
      close(fds[depth--]);
      continue;
    }
    int fd = openat(fds[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && flags) {
      int r;
      if (!last || (flags & RES_CREATE_DIR)) {
        r = mkdirat(fds[depth], comp, 0755);
      } else {
        r = openat(fds[depth], comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (r >= 0) r = close(r);
      }
      if (r < 0 && errno != EEXIST) {
        int e = errno;
        close_stack(fds, depth);
        return berth_error_set(err, e, "create '%s' in rootfs", path);
      }
      fd = openat(fds[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      int e = errno;
      close_stack(fds, depth);
      return berth_error_set(err, e, "resolve '%s' in rootfs", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
      int e = errno;
      close(fd);
      close_stack(fds, depth);
      return berth_error_set(err, e, "resolve '%s' in rootfs", path);
    }
    if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t n = readlinkat(fd, "", target, sizeof target - 1);
      int e = errno;
      close(fd);
      if (n < 0 || ++links > MAX_SYMLINKS) {
        close_stack(fds, depth);
        return berth_error_set(err, n < 0 ? e : ELOOP, "resolve '%s' in rootfs", path);
      }
      target[n] = '\0';
      char next[PATH_MAX * 2];
      if (snprintf(next, sizeof next, "%s/%s", target, rest + pos) >= (int)sizeof next) {
        close_stack(fds, depth);
        return berth_error_set(err, ENAMETOOLONG, "resolve '%s' in rootfs", path);
      }
      memcpy(rest, next, strlen(next) + 1);
      pos = 0;
      if (target[0] == '/') {
        while (depth > 0) close(fds[depth--]);
      }
      continue;
    }
    if (!last && !S_ISDIR(st.st_mode)) {
      close(fd);
      close_stack(fds, depth);
      return berth_error_set(err, ENOTDIR, "resolve '%s' in rootfs", path);
    }
    if (depth == MAX_DEPTH) {
      close(fd);
      close_stack(fds, depth);
      return berth_error_set(err, ENAMETOOLONG, "resolve '%s' in rootfs", path);
    }
    fds[++depth] = fd;
  }
  *out = fds[depth];
  for (int i = 0; i < depth; i++) close(fds[i]);
  return 0;
}
