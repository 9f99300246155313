/* Compiled seccomp profiles kept under <root>/SECCOMP_CACHE_DIR, one file per distinct profile:
 * every container an engine starts usually has the same profile (Docker's default, for one set
 * of capabilities), and compiling it with libseccomp takes ~10 ms of CPU. */
#ifndef BERTH_RUNTIME_SECCOMP_CACHE_H
#define BERTH_RUNTIME_SECCOMP_CACHE_H

#include <jansson.h>

#include "common/error.h"
#include "runtime/seccomp.h"

/* '@' cannot be in a container id, so this never collides with a container's state dir. */
#define SECCOMP_CACHE_DIR "@seccomp-cache"

/* seccomp_compile through the cache under root: a hit is the program compiled earlier from the
 * identical profile (the whole canonical JSON and the libseccomp version are compared, not only
 * a hash); a miss compiles and stores it. A cache that cannot be read or written is skipped. */
int seccomp_compile_cached(json_t *config, const char *root, struct seccomp_prog *out, berth_error_t *err);

#endif
