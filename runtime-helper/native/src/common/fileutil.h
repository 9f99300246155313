/* Small file helpers shared by the runtime and the shim. All return 0 or -1 with err filled. */
#ifndef BERTH_COMMON_FILEUTIL_H
#define BERTH_COMMON_FILEUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Writes len bytes to dirfd/path (O_WRONLY|O_TRUNC|O_CLOEXEC, created with mode if missing). */
int berth_write_file_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                        berth_error_t *err);

/* Writes path.tmp then renames it over path, so readers never see a half-written file. */
int berth_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                            berth_error_t *err);

/* Reads a whole file into a NUL-terminated malloc'ed buffer (at most max bytes). */
int berth_read_file(const char *path, size_t max, char **out, size_t *len, berth_error_t *err);

/* write(2) until done, retrying EINTR. Returns 0 or -1 with errno set. */
int berth_write_all(int fd, const void *data, size_t len);

#endif
