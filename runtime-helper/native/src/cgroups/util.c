/* File and path helpers. Every cgroup file goes through cg_write/cg_read so errors read the same
 * everywhere ("write '<file>' (<value>): <errno>") and fake trees behave like cgroupfs enough for
 * the tests to see what was written. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"

int cg_check_path(const char *path, berth_error_t *err) {
  if (path == NULL || path[0] == '\0')
    return berth_error_set(err, 0, "cgroup path is empty");
  if (strlen(path) >= PATH_MAX / 2)
    return berth_error_set(err, ENAMETOOLONG, "cgroup path '%.64s...'", path);
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    const char *end = strchrnul(p, '/');
    if (end - p == 2 && p[0] == '.' && p[1] == '.')
      return berth_error_set(err, 0, "cgroup path '%s' must not contain '..'", path);
    p = end;
  }
  return 0;
}

int cg_join(char out[PATH_MAX], const char *a, const char *b, berth_error_t *err) {
  while (*b == '/') b++;
  int n = *b ? snprintf(out, PATH_MAX, "%s/%s", a, b) : snprintf(out, PATH_MAX, "%s", a);
  if (n < 0 || n >= PATH_MAX) return berth_error_set(err, ENAMETOOLONG, "path '%s/%s'", a, b);
  /* Trailing slashes would make the fake-tree checks and messages ugly. */
  while (n > 1 && out[n - 1] == '/') out[--n] = '\0';
  return 0;
}

/* Files where each write is an event for the kernel, not a value that replaces the last one. */
static bool is_event_file(const char *file) {
  static const char *const names[] = {"cgroup.procs", "tasks",        "cgroup.threads",
                                      "devices.allow", "devices.deny", "cgroup.subtree_control"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(file, names[i]) == 0) return true;
  return false;
}

int cg_write(const struct cgroup_fs *fs, const char *dir, const char *file, const char *value,
             berth_error_t *err) {
  char path[PATH_MAX];
  if (cg_join(path, dir, file, err) < 0) return -1;
  int flags = O_WRONLY | O_CLOEXEC;
  bool append = false;
  if (fs->fake) {
    append = is_event_file(file);
    flags |= O_CREAT | (append ? O_APPEND : O_TRUNC);
  }
  int fd = open(path, flags, 0644);
  if (fd < 0) return berth_error_errno(err, "write '%s' (%s)", path, value);
  size_t len = strlen(value);
  ssize_t n = write(fd, value, len);
  if (n >= 0 && append) n = write(fd, "\n", 1) == 1 ? (ssize_t)len : -1;
  int saved = errno;
  if (close(fd) < 0 && n >= 0) {
    saved = errno;
    n = -1;
  }
  if (n < 0) return berth_error_set(err, saved, "write '%s' (%s)", path, value);
  if ((size_t)n != len) return berth_error_set(err, EIO, "short write '%s' (%s)", path, value);
  return 0;
}

int cg_writef(const struct cgroup_fs *fs, const char *dir, const char *file, berth_error_t *err,
              const char *fmt, ...) {
  char value[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(value, sizeof value, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof value)
    return berth_error_set(err, EOVERFLOW, "format value for '%s/%s'", dir, file);
  return cg_write(fs, dir, file, value, err);
}

ssize_t cg_read(const char *dir, const char *file, char *buf, size_t size, berth_error_t *err) {
  char path[PATH_MAX];
  if (cg_join(path, dir, file, err) < 0) return -1;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return berth_error_errno(err, "open '%s'", path);
  size_t len = 0;
  while (len + 1 < size) {
    ssize_t n = read(fd, buf + len, size - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      close(fd);
      return berth_error_set(err, saved, "read '%s'", path);
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  close(fd);
  buf[len] = '\0';
  return (ssize_t)len;
}

int cg_read_all(const char *dir, const char *file, char **out, berth_error_t *err) {
  char path[PATH_MAX];
  if (cg_join(path, dir, file, err) < 0) return -1;
  FILE *f = fopen(path, "re");
  if (f == NULL) return berth_error_errno(err, "open '%s'", path);
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  if (buf == NULL) {
    fclose(f);
    return berth_error_set(err, ENOMEM, "read '%s'", path);
  }
  for (;;) {
    size_t n = fread(buf + len, 1, cap - len - 1, f);
    len += n;
    if (n == 0) break;
    if (cap - len - 1 == 0) {
      char *bigger = realloc(buf, cap * 2);
      if (bigger == NULL) {
        free(buf);
        fclose(f);
        return berth_error_set(err, ENOMEM, "read '%s'", path);
      }
      buf = bigger;
      cap *= 2;
    }
  }
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    free(buf);
    return berth_error_set(err, EIO, "read '%s'", path);
  }
  buf[len] = '\0';
  *out = buf;
  return 0;
}

bool cg_exists(const char *dir, const char *file) {
  char path[PATH_MAX];
  int n = snprintf(path, sizeof path, "%s/%s", dir, file);
  if (n < 0 || (size_t)n >= sizeof path) return false;
  return access(path, F_OK) == 0;
}

int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *value, bool *found,
                  berth_error_t *err) {
  char buf[4096];
  *found = false;
  *value = 0;
  if (cg_read(dir, file, buf, sizeof buf, err) < 0) return err->errno_value == ENOENT ? 0 : -1;
  size_t klen = strlen(key);
  for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
      *value = strtoull(line + klen + 1, NULL, 10);
      *found = true;
      return 0;
    }
  }
  return 0;
}

int cg_mkdir(const char *dir, berth_error_t *err) {
  if (mkdir(dir, 0755) < 0 && errno != EEXIST) return berth_error_errno(err, "mkdir '%s'", dir);
  return 0;
}

void cg_sleep_ms(unsigned ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}
