/* Namespace mechanism: id maps, joining by fd, and opening a running container's namespaces. */
#ifndef BERTH_RUNTIME_NAMESPACES_H
#define BERTH_RUNTIME_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "runtime/spec.h"

/* The order namespaces are joined in: user first (it grants the capabilities needed for the
 * rest), mount last but one (paths change after it), cgroup last. */
extern const int ns_join_order[SPEC_MAX_NS];

/* Writes setgroups (deny only when we lack CAP_SETGID, i.e. not root), gid_map, then uid_map. */
int ns_write_id_maps(pid_t pid, const struct container_spec *spec, berth_error_t *err);

/* Opens every namespace path of the config (O_RDONLY|O_CLOEXEC) into fds[i] (-1 when none). */
int ns_open_paths(const struct container_spec *spec, int fds[SPEC_MAX_NS], berth_error_t *err);

/* setns(fd) naming the namespace in errors. */
int ns_join(int fd, int flag, const char *what, berth_error_t *err);

/* Opens /proc/<pid>/ns/<x> for each namespace of pid that differs from ours; fds[k] follows
 * ns_join_order (-1 when shared with us). */
int ns_open_of_pid(pid_t pid, int fds[SPEC_MAX_NS], berth_error_t *err);

/* Joins the fds of ns_open_of_pid in ns_join_order; becomes uid/gid 0 after joining a user
 * namespace. Closes the fds. */
int ns_join_all(int fds[SPEC_MAX_NS], berth_error_t *err);

/* setresgid/setresuid to 0 inside a fresh user namespace. */
int ns_become_root(berth_error_t *err);

/* Host uid/gid that container root maps to (the ids themselves without a user namespace). */
uid_t ns_host_root_uid(const struct container_spec *spec);
gid_t ns_host_root_gid(const struct container_spec *spec);

#endif
