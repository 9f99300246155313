#include "runtime/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileutil.h"

int state_check_id(const char *id, berth_error_t *err) {
  size_t n = strlen(id);
  if (n == 0 || n > 200 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return berth_error_set(err, 0, "check container id '%s': invalid", id);
  for (const char *c = id; *c; c++) {
    bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '+' || *c == '-' || *c == '.';
    if (!ok) return berth_error_set(err, 0, "check container id '%s': invalid character '%c'", id, *c);
  }
  return 0;
}

int state_dir(const char *root, const char *id, char *out, size_t len, berth_error_t *err) {
  if (state_check_id(id, err) < 0) return -1;
  if ((size_t)snprintf(out, len, "%s/%s", root, id) >= len)
    return berth_error_set(err, ENAMETOOLONG, "state dir '%s/%s'", root, id);
  return 0;
}

int state_create_dir(const char *root, const char *id, berth_error_t *err) {
  char dir[PATH_MAX];
  if (state_dir(root, id, dir, sizeof dir, err) < 0) return -1;
  if (mkdir(root, 0700) < 0 && errno != EEXIST) {
    /* mkdir -p for a nested root */
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", root);
    for (char *p = tmp + 1; *p; p++) {
      if (*p != '/') continue;
      *p = '\0';
      if (mkdir(tmp, 0755) < 0 && errno != EEXIST) return berth_error_errno(err, "create state root '%s'", tmp);
      *p = '/';
    }
    if (mkdir(root, 0700) < 0 && errno != EEXIST) return berth_error_errno(err, "create state root '%s'", root);
  }
  if (mkdir(dir, 0700) < 0) {
    if (errno == EEXIST) return berth_error_set(err, 0, "create container '%s': already exists", id);
    return berth_error_errno(err, "create state dir '%s'", dir);
  }
  return 0;
}

int state_save(const char *root, const struct container_state *st, berth_error_t *err) {
  char path[PATH_MAX];
  if ((size_t)snprintf(path, sizeof path, "%s/%s/" STATE_FILE, root, st->id) >= sizeof path)
    return berth_error_set(err, ENAMETOOLONG, "write state of '%s'", st->id);
  json_t *j = json_pack("{s:s, s:i, s:I, s:s, s:s, s:s, s:s, s:b}", "id", st->id, "pid", (int)st->pid,
                        "pid_start", (json_int_t)st->pid_start, "bundle", st->bundle, "rootfs", st->rootfs,
                        "created", st->created, "cgroup_path", st->cgroup_path, "own_pidns", st->own_pidns);
  if (j == NULL) return berth_error_set(err, ENOMEM, "write state '%s'", path);
  if (st->annotations) json_object_set(j, "annotations", st->annotations);
  char *text = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  if (text == NULL) return berth_error_set(err, ENOMEM, "write state '%s'", path);
  int r = berth_write_file_atomic(path, text, strlen(text), 0600, err);
  free(text);
  return r;
}

static void copy_str(char *dst, size_t len, json_t *j, const char *key) {
  const char *v = json_string_value(json_object_get(j, key));
  snprintf(dst, len, "%s", v ? v : "");
}

int state_load(const char *root, const char *id, struct container_state *st, berth_error_t *err) {
  memset(st, 0, sizeof *st);
  char dir[PATH_MAX], path[PATH_MAX + 16];
  if (state_dir(root, id, dir, sizeof dir, err) < 0) return -1;
  snprintf(path, sizeof path, "%s/" STATE_FILE, dir);
  json_error_t jerr;
  json_t *j = json_load_file(path, 0, &jerr);
  if (j == NULL) {
    if (access(dir, F_OK) < 0) return berth_error_set(err, 0, "load container '%s': does not exist", id);
    if (access(path, F_OK) < 0) return berth_error_set(err, 0, "load container '%s': still being created or half-deleted (no state file)", id);
    return berth_error_set(err, 0, "load state '%s': %s", path, jerr.text);
  }
  snprintf(st->id, sizeof st->id, "%s", id);
  st->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
  st->pid_start = (unsigned long long)json_integer_value(json_object_get(j, "pid_start"));
  copy_str(st->bundle, sizeof st->bundle, j, "bundle");
  copy_str(st->rootfs, sizeof st->rootfs, j, "rootfs");
  copy_str(st->created, sizeof st->created, j, "created");
  copy_str(st->cgroup_path, sizeof st->cgroup_path, j, "cgroup_path");
  st->own_pidns = json_is_true(json_object_get(j, "own_pidns"));
  json_t *a = json_object_get(j, "annotations");
  if (json_is_object(a)) st->annotations = json_incref(a);
  json_decref(j);
  return 0;
}

void state_free(struct container_state *st) {
  if (st->annotations) json_decref(st->annotations);
  st->annotations = NULL;
}

int state_remove(const char *root, const char *id, berth_error_t *err) {
  char dir[PATH_MAX];
  if (state_dir(root, id, dir, sizeof dir, err) < 0) return -1;
  cleanup_fd int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return errno == ENOENT ? 0 : berth_error_errno(err, "open state dir '%s'", dir);
  DIR *d = fdopendir(fcntl(dfd, F_DUPFD_CLOEXEC, 3));
  if (d == NULL) return berth_error_errno(err, "read state dir '%s'", dir);
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (unlinkat(dfd, e->d_name, 0) < 0 && errno != ENOENT) {
      int saved = errno;
      closedir(d);
      return berth_error_set(err, saved, "remove '%s/%s'", dir, e->d_name);
    }
  }
  closedir(d);
  if (rmdir(dir) < 0 && errno != ENOENT) return berth_error_errno(err, "remove state dir '%s'", dir);
  return 0;
}

unsigned long long state_proc_start_time(pid_t pid, char *proc_state) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n <= 0) return 0;
  buf[n] = '\0';
  /* comm may contain spaces and parentheses: fields start after the last ')' */
  char *p = strrchr(buf, ')');
  if (p == NULL) return 0;
  p += 2; /* field 3: state */
  if (proc_state) *proc_state = *p;
  for (int field = 3; field < 22 && p; field++) {
    p = strchr(p, ' ');
    if (p) p++;
  }
  return p ? strtoull(p, NULL, 10) : 0;
}

bool state_init_alive(const struct container_state *st) {
  if (st->pid <= 0) return false;
  char s = 0;
  unsigned long long start = state_proc_start_time(st->pid, &s);
  if (start == 0 || s == 'Z' || s == 'X') return false;
  return st->pid_start == 0 || start == st->pid_start;
}

const char *state_status(const char *root, const struct container_state *st, const struct cgroup_fs *fs) {
  if (!state_init_alive(st)) return "stopped";
  char fifo[PATH_MAX + 300];
  snprintf(fifo, sizeof fifo, "%s/%s/" EXEC_FIFO, root, st->id);
  if (access(fifo, F_OK) == 0) return "created";
  bool frozen = false;
  berth_error_t ignored;
  if (fs && cgroup_is_frozen(fs, st->cgroup_path, &frozen, &ignored) == 0 && frozen) return "paused";
  return "running";
}

json_t *state_to_json(const struct container_state *st, const char *status) {
  bool stopped = strcmp(status, "stopped") == 0;
  json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "ociVersion", "1.0.2", "id", st->id,
                        "status", status, "pid", stopped ? 0 : (int)st->pid, "bundle", st->bundle,
                        "rootfs", st->rootfs, "created", st->created, "owner", "");
  if (j && st->annotations) json_object_set(j, "annotations", st->annotations);
  return j;
}

void state_now_rfc3339(char *out, size_t len) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}
