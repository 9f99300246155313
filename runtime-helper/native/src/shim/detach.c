#include "shim/detach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileutil.h"

#define REPORT_MAX 8192

/* The foreground half: wait for the report, pass it on, exit. */
static void __attribute__((noreturn)) relay_report(int fd, pid_t middle) {
  static char buf[REPORT_MAX + 1];
  size_t len = 0;
  for (;;) {
    int status;
    if (waitpid(middle, &status, 0) >= 0 || errno != EINTR) break;
  }
  while (len < REPORT_MAX) {
    ssize_t n = read(fd, buf + len, REPORT_MAX - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
  }
  buf[len] = '\0';
  if (len > 0 && buf[0] == 'R') {
    (void)berth_write_all(1, buf + 1, len - 1);
    exit(0);
  }
  const char *message = len > 1 && buf[0] == 'E' ? buf + 1 : "the shim exited during startup without a report";
  char line[REPORT_MAX + 32];
  int n = snprintf(line, sizeof line, "berth-shim: %s\n", message);
  (void)berth_write_all(2, line, n < 0 ? 0 : ((size_t)n < sizeof line ? (size_t)n : sizeof line - 1));
  exit(1);
}

static int redirect_stdio(const char *diag_log_path, berth_error_t *err) {
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return berth_error_errno(err, "open '/dev/null'");
  int log_fd = open(diag_log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (log_fd < 0) {
    berth_error_errno(err, "open shim log '%s'", diag_log_path);
    close(null_fd);
    return -1;
  }
  int rc = 0;
  if (dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(log_fd, 2) < 0)
    rc = berth_error_errno(err, "redirect the shim's stdio to '/dev/null' and '%s'", diag_log_path);
  close(null_fd);
  close(log_fd);
  return rc;
}

int shim_detach(const char *diag_log_path, int *report_fd, berth_error_t *err) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return berth_error_errno(err, "pipe for the startup report");
  pid_t middle = fork();
  if (middle < 0) {
    berth_error_errno(err, "fork the shim");
    close(p[0]);
    close(p[1]);
    return -1;
  }
  if (middle > 0) {
    close(p[1]);
    relay_report(p[0], middle);
  }
  close(p[0]);
  /* Both the middle process and the shim must let go of the caller's stdout/stderr at once:
   * the caller reads them to EOF. */
  berth_error_t local;
  if (redirect_stdio(diag_log_path, &local) < 0) {
    shim_report_failure(p[1], local.message);
    _exit(1);
  }
  if (setsid() < 0) {
    berth_error_errno(&local, "setsid");
    shim_report_failure(p[1], local.message);
    _exit(1);
  }
  pid_t shim = fork();
  if (shim < 0) {
    berth_error_errno(&local, "fork the detached shim");
    shim_report_failure(p[1], local.message);
    _exit(1);
  }
  if (shim > 0) _exit(0);
  *report_fd = p[1];
  if (chdir("/") < 0) return berth_error_errno(err, "chdir '/'");
  return 0;
}

static void report(int fd, char kind, const char *text) {
  if (fd < 0) return;
  char buf[REPORT_MAX];
  buf[0] = kind;
  size_t len = strlen(text);
  if (len > sizeof buf - 1) len = sizeof buf - 1;
  memcpy(buf + 1, text, len);
  (void)berth_write_all(fd, buf, len + 1); /* the caller may be gone: nothing to do then */
  close(fd);
}

void shim_report_ready(int report_fd, const char *line) { report(report_fd, 'R', line); }

void shim_report_failure(int report_fd, const char *message) { report(report_fd, 'E', message); }
