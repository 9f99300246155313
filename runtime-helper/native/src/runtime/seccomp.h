/* linux.seccomp. libseccomp compiles the profile once, at create, into classic BPF; the program
 * is kept in the state dir (SECCOMP_FILE) so exec loads it with one seccomp(2) call instead of
 * compiling the profile again (most of an exec's CPU time otherwise). */
#ifndef BERTH_RUNTIME_SECCOMP_H
#define BERTH_RUNTIME_SECCOMP_H

#include <jansson.h>
#include <linux/filter.h>

#include "common/error.h"

/* In <root>/<id>/: the compiled filter; empty when the container has none. */
#define SECCOMP_FILE "seccomp.bpf"

/* A compiled filter as the kernel takes it; len 0 means no filter. */
struct seccomp_prog {
  struct sock_filter *insns;
  unsigned short len;
};

/* Compiles a linux.seccomp object (NULL: no filter, out->len = 0). Unknown syscall names are
 * skipped; errors name the action, op or syscall. */
int seccomp_compile(json_t *config, struct seccomp_prog *out, berth_error_t *err);
/* Writes the program to dirfd/name (0600, created; an existing file is an error). */
int seccomp_save(int dirfd, const char *name, const struct seccomp_prog *p, berth_error_t *err);
/* Reads dirfd/name. Returns 1, or 0 when the file does not exist (a container created by an
 * older berth-runtime), or -1 when it cannot be read or is not a valid program. */
int seccomp_load_saved(int dirfd, const char *name, struct seccomp_prog *out, berth_error_t *err);
/* Loads the program into the kernel for this thread (a no-op for len 0). */
int seccomp_install(const struct seccomp_prog *p, berth_error_t *err);
void seccomp_prog_free(struct seccomp_prog *p);

#endif
