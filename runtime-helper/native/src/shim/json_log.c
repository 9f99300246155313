#include "shim/json_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "common/rfc3339.h"
#include "shim/diag.h"
#include "shim/trim.h"

/* One record: the escaped line (at most 6 bytes per input byte) plus the fixed fields. Static, so
 * an idle shim never touches these pages. */
static char record[JSON_LOG_LINE_MAX * 6 + 128];

/* Length of the valid UTF-8 sequence at in[0..len), 0 if invalid (Go's utf8.DecodeRune rules:
 * no overlongs, no surrogates, nothing above U+10FFFF). */
static size_t utf8_sequence(const uint8_t *in, size_t len) {
  uint8_t b = in[0];
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) need = 2;
  else if (b >= 0xE0 && b <= 0xEF) {
    need = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else return 0;
  if (len < need) return 0;
  if (in[1] < lo || in[1] > hi) return 0;
  for (size_t i = 2; i < need; i++)
    if (in[i] < 0x80 || in[i] > 0xBF) return 0;
  return need;
}

size_t json_escape_docker(char *out, const uint8_t *in, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    uint8_t b = in[i];
    if (b < 0x80) {
      if (b >= 0x20 && b != '\\' && b != '"' && b != '<' && b != '>' && b != '&') {
        out[o++] = (char)b;
      } else if (b == '\\' || b == '"') {
        out[o++] = '\\';
        out[o++] = (char)b;
      } else if (b == '\n') {
        out[o++] = '\\';
        out[o++] = 'n';
      } else if (b == '\r') {
        out[o++] = '\\';
        out[o++] = 'r';
      } else { /* other control bytes (tab too) and <, >, & as Docker writes them */
        memcpy(out + o, "\\u00", 4);
        out[o + 4] = hex[b >> 4];
        out[o + 5] = hex[b & 0xF];
        o += 6;
      }
      i++;
      continue;
    }
    size_t n = utf8_sequence(in + i, len - i);
    if (n == 0) {
      memcpy(out + o, "\\ufffd", 6);
      o += 6;
      i++;
      continue;
    }
    if (n == 3 && b == 0xE2 && in[i + 1] == 0x80 && (in[i + 2] == 0xA8 || in[i + 2] == 0xA9)) {
      memcpy(out + o, in[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
      o += 6;
    } else {
      memcpy(out + o, in + i, n);
      o += n;
    }
    i += n;
  }
  return o;
}

int json_log_open(struct json_log *l, const char *path, uint64_t max_size, unsigned max_files,
                  berth_error_t *err) {
  l->fd = -1;
  l->path = path;
  l->max_size = max_size;
  l->max_files = max_files < 1 ? 1 : max_files;
  l->size = 0;
  l->write_failed = 0;
  l->pending[0].len = l->pending[1].len = 0;
  l->pending[0].split = l->pending[1].split = false;
  if (path == NULL || path[0] == '\0') return 0;
  l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (l->fd < 0) return berth_error_errno(err, "open log '%s'", path);
  struct stat st;
  if (fstat(l->fd, &st) < 0) {
    berth_error_errno(err, "stat log '%s'", path);
    close(l->fd);
    l->fd = -1;
    return -1;
  }
  l->size = (uint64_t)st.st_size;
  return 0;
}

static void rotate(struct json_log *l) {
  if (l->max_files == 1) {
    if (ftruncate(l->fd, 0) < 0) shim_diag("truncate log '%s': %s", l->path, strerror(errno));
    else l->size = 0;
    return;
  }
  char from[PATH_MAX], to[PATH_MAX];
  for (unsigned i = l->max_files - 1; i >= 1; i--) {
    if (i == 1) snprintf(from, sizeof from, "%s", l->path);
    else snprintf(from, sizeof from, "%s.%u", l->path, i - 1);
    snprintf(to, sizeof to, "%s.%u", l->path, i);
    if (rename(from, to) < 0 && errno != ENOENT)
      shim_diag("rotate log: rename '%s' to '%s': %s", from, to, strerror(errno));
  }
  int fd = open(l->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0) {
    shim_diag("rotate log: open '%s': %s (keeping the old file)", l->path, strerror(errno));
    return;
  }
  close(l->fd);
  l->fd = fd;
  l->size = 0;
}

/* Records are gathered in `record` and written with one write(2) per batch: per read of output,
 * or earlier when the next record might not fit. Small batches stop at BATCH_SOFT_MAX so a burst
 * of short lines touches few pages of the buffer (an idle shim's RSS stays small). */
#define BATCH_SOFT_MAX 32768
static size_t batch_len;

static void flush_batch(struct json_log *l) {
  if (batch_len == 0) return;
  if (berth_write_all(l->fd, record, batch_len) < 0) {
    if (!l->write_failed) shim_diag("write log '%s': %s (dropping records until it works)", l->path, strerror(errno));
    l->write_failed = 1;
  } else {
    if (l->write_failed) shim_diag("write log '%s': works again", l->path);
    l->write_failed = 0;
    l->size += batch_len;
  }
  batch_len = 0;
}

/* RFC3339Nano in UTC like berth_rfc3339nano, with the date and time of day cached per second:
 * formatting is most of the cost of a short record. */
static size_t format_time(char *out, const struct timespec *ts) {
  static time_t cached_sec = -1;
  static char cached[BERTH_RFC3339_MAX];
  static size_t cached_len;
  if (ts->tv_sec != cached_sec) {
    struct timespec whole = {ts->tv_sec, 0};
    cached_len = berth_rfc3339nano(cached, &whole) - 1; /* without the 'Z' */
    cached_sec = ts->tv_sec;
  }
  memcpy(out, cached, cached_len);
  size_t o = cached_len;
  long ns = ts->tv_nsec;
  if (ns > 0 && ns < 1000000000L) {
    char digits[9];
    for (int i = 8; i >= 0; i--) {
      digits[i] = (char)('0' + ns % 10);
      ns /= 10;
    }
    int n = 9;
    while (n > 0 && digits[n - 1] == '0') n--;
    out[o++] = '.';
    memcpy(out + o, digits, (size_t)n);
    o += (size_t)n;
  }
  out[o++] = 'Z';
  return o;
}

static void write_record(struct json_log *l, enum shim_stream s, const uint8_t *line, size_t len,
                         bool newline, const struct timespec *now) {
  if (l->fd < 0) return;
  if (l->max_size > 0 && l->size + batch_len >= l->max_size && l->size + batch_len > 0) {
    flush_batch(l);
    rotate(l);
  }
  size_t worst = len * 6 + 128;
  if (batch_len > 0 && batch_len + worst > (worst > BATCH_SOFT_MAX ? sizeof record : BATCH_SOFT_MAX)) flush_batch(l);
  char *r = record + batch_len;
  size_t o = 0;
  memcpy(r, "{\"log\":\"", 8);
  o = 8;
  o += json_escape_docker(r + o, line, len);
  if (newline) {
    memcpy(r + o, "\\n", 2);
    o += 2;
  }
  const char *tail = s == SHIM_STDOUT ? "\",\"stream\":\"stdout\",\"time\":\"" : "\",\"stream\":\"stderr\",\"time\":\"";
  size_t tl = strlen(tail);
  memcpy(r + o, tail, tl);
  o += tl;
  o += format_time(r + o, now);
  memcpy(r + o, "\"}\n", 3);
  o += 3;
  batch_len += o;
}

/* The time for the next piece of the pending line: the first piece's once a line was split. */
static const struct timespec *piece_time(struct json_log *l, enum shim_stream s, const struct timespec *now,
                                         bool more_follow) {
  if (!l->pending[s].split && more_follow) {
    l->pending[s].split = true;
    l->pending[s].first_ts = *now;
  }
  return l->pending[s].split ? &l->pending[s].first_ts : now;
}

void json_log_append(struct json_log *l, enum shim_stream s, const uint8_t *data, size_t len,
                     const struct timespec *now) {
  if (l->fd < 0) return;
  size_t *plen = &l->pending[s].len;
  uint8_t *buf = l->pending[s].buf;
  while (len > 0) {
    size_t room = JSON_LOG_LINE_MAX - *plen;
    size_t look = len < room ? len : room;
    const uint8_t *nl = memchr(data, '\n', look);
    if (nl != NULL) {
      size_t seg = (size_t)(nl - data);
      const struct timespec *ts = piece_time(l, s, now, false);
      if (*plen == 0) {
        write_record(l, s, data, seg, true, ts); /* common case: no copy */
      } else {
        memcpy(buf + *plen, data, seg);
        write_record(l, s, buf, *plen + seg, true, ts);
      }
      *plen = 0;
      l->pending[s].split = false;
      data += seg + 1;
      len -= seg + 1;
      continue;
    }
    memcpy(buf + *plen, data, look);
    *plen += look;
    data += look;
    len -= look;
    if (*plen == JSON_LOG_LINE_MAX) {
      write_record(l, s, buf, *plen, false, piece_time(l, s, now, true));
      *plen = 0;
    }
  }
  flush_batch(l);
}

void json_log_finish_stream(struct json_log *l, enum shim_stream s, const struct timespec *now) {
  if (l->fd < 0 || l->pending[s].len == 0) return;
  write_record(l, s, l->pending[s].buf, l->pending[s].len, false, piece_time(l, s, now, false));
  flush_batch(l);
  l->pending[s].len = 0;
  l->pending[s].split = false;
}

void json_log_close(struct json_log *l) {
  if (l->fd >= 0) flush_batch(l);
  if (l->fd >= 0) close(l->fd);
  l->fd = -1;
}

void json_log_idle_scratch(void) { shim_idle_scratch(record, sizeof record); }
