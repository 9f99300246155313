/* Error and debug output. containerd reads the last {"level":"error"} line of the --log file to
 * explain a failed runtime call, so errors go there as well as to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "runtime/runtime.h"

static const char *log_path;
static bool log_json;
static bool debug_on;

void log_init(const struct global_opts *g) {
  log_path = g->log_path;
  log_json = g->log_json;
  debug_on = g->debug;
}

static void json_escape(char *out, size_t cap, const char *in) {
  size_t o = 0;
  for (; *in && o + 7 < cap; in++) {
    unsigned char c = (unsigned char)*in;
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c < 0x20) {
      o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o] = '\0';
}

static void log_line(const char *level, const char *message) {
  if (log_path == NULL) return;
  int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char when[64];
  snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
  char line[4096];
  int n;
  if (log_json) {
    char esc[3000];
    json_escape(esc, sizeof esc, message);
    n = snprintf(line, sizeof line, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n", level,
                 esc, when);
  } else {
    n = snprintf(line, sizeof line, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, message);
  }
  if (n > 0) berth_write_all(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  close(fd);
}

void log_error(const char *message) {
  int saved = errno;
  char line[1200];
  int n = snprintf(line, sizeof line, "berth-runtime: %s\n", message);
  if (n > 0) berth_write_all(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  log_line("error", message);
  errno = saved;
}

void log_debug(const char *fmt, ...) {
  if (!debug_on) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_line("debug", msg);
}

int fail(const berth_error_t *err) {
  log_error(err->message);
  return 1;
}
