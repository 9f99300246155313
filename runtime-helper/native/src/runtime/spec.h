/* The parts of an OCI config.json the runtime acts on, parsed and validated up front so bad
 * input fails before anything is created. Strings point into the jansson tree (spec->json). */
#ifndef BERTH_RUNTIME_SPEC_H
#define BERTH_RUNTIME_SPEC_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

#define SPEC_MAX_NS 8

struct ns_spec {
  int flag;         /* CLONE_NEWPID, ... */
  const char *type; /* "pid", ... */
  const char *path; /* join this namespace instead of creating one; NULL creates */
};

struct id_map {
  uint32_t container, host, size;
};

struct mount_spec {
  const char *destination, *type, *source;
  unsigned long flags;       /* MS_* for mount(2), without MS_BIND/MS_REC */
  unsigned long propagation; /* MS_PRIVATE, MS_SLAVE, ... (with MS_REC for r*) or 0 */
  bool bind, recursive;
  uint64_t attr_set, attr_clr; /* MOUNT_ATTR_* for bind mounts (mount_setattr) */
  char *data;                   /* the unrecognised options, comma-joined (malloc'ed) */
};

struct process_spec {
  bool terminal;
  unsigned short console_rows, console_cols;
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
  bool has_umask;
  mode_t umask;
  char **args; /* NULL-terminated (malloc'ed array of pointers into the json) */
  char **env;
  const char *cwd;
  json_t *capabilities; /* may be NULL: capabilities are left as they are */
  json_t *rlimits;
  bool no_new_privileges;
  bool has_oom_score_adj;
  int oom_score_adj;
};

struct container_spec {
  json_t *json;
  char bundle[PATH_MAX];
  char rootfs[PATH_MAX]; /* absolute */
  bool root_readonly;
  const char *hostname, *domainname;
  struct ns_spec ns[SPEC_MAX_NS];
  size_t n_ns;
  struct id_map *uid_maps, *gid_maps;
  size_t n_uid_maps, n_gid_maps;
  struct mount_spec *mounts;
  size_t n_mounts;
  unsigned long rootfs_propagation; /* 0: the default (rslave) */
  json_t *devices, *sysctl, *resources, *seccomp, *hooks, *annotations;
  json_t *masked_paths, *readonly_paths;
  const char *cgroups_path; /* NULL: the runtime's default */
  struct process_spec process;
};

/* Reads and validates <bundle>/config.json (bundle made absolute). */
int spec_load(const char *bundle, struct container_spec *spec, berth_error_t *err);
void spec_free(struct container_spec *spec);

/* Parses an OCI process object (config.json's "process" or exec's --process file). */
int spec_parse_process(json_t *process, struct process_spec *out, berth_error_t *err);
void spec_free_process(struct process_spec *p);

/* The namespace entry for flag, or NULL. */
const struct ns_spec *spec_find_ns(const struct container_spec *spec, int flag);

/* Parses mount options into m (flags, propagation, attrs, data). */
int spec_parse_mount_options(json_t *options, struct mount_spec *m, berth_error_t *err);
/* For a bind: the source mount's ro/nosuid/nodev/noexec are never cleared (only added by options). */
void spec_bind_keeps_source_flags(struct mount_spec *m);

/* MS_PRIVATE, MS_SLAVE|MS_REC, ... for "private", "rslave", ...; 0 when unknown. */
unsigned long spec_propagation_flag(const char *name);

/* CLONE_NEW* for an OCI namespace type ("network" -> CLONE_NEWNET), or 0 when unknown. */
int spec_ns_flag(const char *type);
/* The /proc/PID/ns/ file name for a CLONE_NEW* flag ("net", "mnt", ...). */
const char *spec_ns_proc_name(int flag);

#endif
