/* linux.seccomp with libseccomp. Compiled early (so errors surface at create), loaded late. */
#ifndef BERTH_RUNTIME_SECCOMP_H
#define BERTH_RUNTIME_SECCOMP_H

#include <jansson.h>

#include "common/error.h"

typedef void *seccomp_filter_t;

/* Builds the filter; NULL config gives *out = NULL. Unknown syscall names are skipped. */
int seccomp_build(json_t *config, seccomp_filter_t *out, berth_error_t *err);
/* Loads it into the kernel for this thread (no-op for NULL) and frees it. */
int seccomp_install(seccomp_filter_t filter, berth_error_t *err);
void seccomp_free(seccomp_filter_t filter);

#endif
