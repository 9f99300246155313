/* The container log in Docker's json-file format, one object a line:
 *   {"log":"hello\n","stream":"stdout","time":"2026-11-29T18:24:30.123456789Z"}
 * Lines are assembled per stream the way Docker's log copier does: a complete line keeps its
 * "\n"; a line longer than 16 KiB is cut into 16 KiB partial records without "\n", all stamped
 * with the time of the first piece; whatever is left when a stream ends is written as a last
 * record without "\n". (tests/shim-docker.test.ts checks all this against a real dockerd.) Strings are escaped exactly like
 * Docker's jsonlog (\u0026 for &, \ufffd per invalid UTF-8 byte, ...). Size-based rotation keeps
 * max_files files: path, path.1, ... (max_files 1 truncates in place, as Docker's max-file=1). */
#ifndef BERTH_SHIM_JSON_LOG_H
#define BERTH_SHIM_JSON_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"

#define JSON_LOG_LINE_MAX 16384 /* Docker's copier buffer */

enum shim_stream { SHIM_STDOUT = 0, SHIM_STDERR = 1 };

struct json_log {
  int fd; /* -1: no log kept */
  const char *path;
  uint64_t max_size; /* 0: unlimited */
  uint64_t size;
  unsigned max_files;
  int write_failed; /* report a failing disk once, not per line */
  struct {
    size_t len;
    bool split;               /* pieces of this line were written already */
    struct timespec first_ts; /* Docker stamps every piece of a split line with the first's time */
    uint8_t buf[JSON_LOG_LINE_MAX];
  } pending[2];
};

/* path NULL or "" keeps no log (output still goes to attach clients). Appends to an existing
 * file, as Docker does when a container restarts. */
int json_log_open(struct json_log *l, const char *path, uint64_t max_size, unsigned max_files,
                  berth_error_t *err);

/* Adds output bytes of one stream; writes every record they complete. */
void json_log_append(struct json_log *l, enum shim_stream s, const uint8_t *data, size_t len,
                     const struct timespec *now);

/* The stream ended: writes its unfinished line, if any, as a partial record. */
void json_log_finish_stream(struct json_log *l, enum shim_stream s, const struct timespec *now);

void json_log_close(struct json_log *l);

/* Registers the record batch buffer, empty between appends, as idle scratch (trim.h). */
void json_log_idle_scratch(void);

/* Docker's JSON string escaping of raw bytes (without the quotes). out needs 6 * len bytes.
 * Returns the length written. */
size_t json_escape_docker(char *out, const uint8_t *in, size_t len);

#endif
