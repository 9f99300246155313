/* Per-container state under <root>/<id>/: state.json (written atomically) and exec.fifo, which
 * the init blocks on between `create` and `start`. */
#ifndef BERTH_RUNTIME_STATE_H
#define BERTH_RUNTIME_STATE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "common/error.h"

#define STATE_FILE "state.json"
#define EXEC_FIFO "exec.fifo"
/* config.json's "process" as it was at create: exec's template (as runc keeps the config) */
#define PROCESS_FILE "process.json"

struct container_state {
  char id[256];
  pid_t pid;                        /* host pid of the container's init */
  unsigned long long pid_start;     /* its start time (field 22 of /proc/PID/stat): pid reuse guard */
  char bundle[PATH_MAX];
  char rootfs[PATH_MAX];
  char created[64];                 /* RFC 3339 */
  char cgroup_path[PATH_MAX];
  bool own_pidns;                   /* false: other processes may outlive init in the cgroup */
  json_t *annotations;              /* owned reference, may be NULL */
};

/* Rejects ids that are empty, too long, or not [A-Za-z0-9_+.-] (runc's rule), and "." / "..". */
int state_check_id(const char *id, berth_error_t *err);
/* <root>/<id> into out. */
int state_dir(const char *root, const char *id, char *out, size_t len, berth_error_t *err);
/* Creates <root> (0700) and <root>/<id>; an existing container is an error. */
int state_create_dir(const char *root, const char *id, berth_error_t *err);
int state_save(const char *root, const struct container_state *st, berth_error_t *err);
/* Loads state.json; a missing container is "container 'id' does not exist". */
int state_load(const char *root, const char *id, struct container_state *st, berth_error_t *err);
void state_free(struct container_state *st);
/* Removes <root>/<id> and what is in it. */
int state_remove(const char *root, const char *id, berth_error_t *err);

/* "created", "running", "paused" or "stopped" from the init's liveness, exec.fifo and the freezer. */
const char *state_status(const char *root, const struct container_state *st, const struct cgroup_fs *fs);
/* The OCI state object for st with the given status. */
json_t *state_to_json(const struct container_state *st, const char *status);
/* Whether st->pid is still the container's init (alive, not a zombie, same start time). */
bool state_init_alive(const struct container_state *st);
/* Start time of pid from /proc, 0 if it does not exist. */
unsigned long long state_proc_start_time(pid_t pid, char *proc_state);

/* Current time as RFC 3339 with nanoseconds. */
void state_now_rfc3339(char *out, size_t len);

#endif
