/* config.json parsing and validation (jansson). */
#include "runtime/spec.h"

#include "runtime/jsonload.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
  const char *type, *proc;
  int flag;
} ns_names[] = {
    {"user", "user", CLONE_NEWUSER}, {"ipc", "ipc", CLONE_NEWIPC},     {"uts", "uts", CLONE_NEWUTS},
    {"network", "net", CLONE_NEWNET}, {"pid", "pid", CLONE_NEWPID},    {"cgroup", "cgroup", CLONE_NEWCGROUP},
    {"mount", "mnt", CLONE_NEWNS},   {"time", "time", CLONE_NEWTIME},
};

int spec_ns_flag(const char *type) {
  for (size_t i = 0; i < sizeof ns_names / sizeof ns_names[0]; i++)
    if (strcmp(ns_names[i].type, type) == 0) return ns_names[i].flag;
  return 0;
}

const char *spec_ns_proc_name(int flag) {
  for (size_t i = 0; i < sizeof ns_names / sizeof ns_names[0]; i++)
    if (ns_names[i].flag == flag) return ns_names[i].proc;
  return "?";
}

const struct ns_spec *spec_find_ns(const struct container_spec *spec, int flag) {
  for (size_t i = 0; i < spec->n_ns; i++)
    if (spec->ns[i].flag == flag) return &spec->ns[i];
  return NULL;
}

static const char *str_or(json_t *obj, const char *key, const char *dflt) {
  json_t *v = json_object_get(obj, key);
  return json_is_string(v) ? json_string_value(v) : dflt;
}

static int string_array(json_t *arr, const char *what, char ***out, berth_error_t *err) {
  *out = NULL;
  if (arr == NULL || json_is_null(arr)) return 0;
  if (!json_is_array(arr)) return berth_error_set(err, 0, "parse config: %s is not an array", what);
  size_t n = json_array_size(arr);
  char **v = calloc(n + 1, sizeof *v);
  if (v == NULL) return berth_error_errno(err, "parse config: %s", what);
  for (size_t i = 0; i < n; i++) {
    json_t *s = json_array_get(arr, i);
    if (!json_is_string(s)) {
      free(v);
      return berth_error_set(err, 0, "parse config: %s[%zu] is not a string", what, i);
    }
    v[i] = (char *)json_string_value(s);
  }
  *out = v;
  return 0;
}

int spec_parse_process(json_t *p, struct process_spec *out, berth_error_t *err) {
  memset(out, 0, sizeof *out);
  if (!json_is_object(p)) return berth_error_set(err, 0, "parse config: process is missing or not an object");
  out->terminal = json_is_true(json_object_get(p, "terminal"));
  json_t *size = json_object_get(p, "consoleSize");
  if (json_is_object(size)) {
    out->console_rows = (unsigned short)json_integer_value(json_object_get(size, "height"));
    out->console_cols = (unsigned short)json_integer_value(json_object_get(size, "width"));
  }
  json_t *user = json_object_get(p, "user");
  if (json_is_object(user)) {
    out->uid = (uid_t)json_integer_value(json_object_get(user, "uid"));
    out->gid = (gid_t)json_integer_value(json_object_get(user, "gid"));
    json_t *um = json_object_get(user, "umask");
    if (json_is_integer(um)) {
      out->has_umask = true;
      out->umask = (mode_t)json_integer_value(um);
    }
    json_t *ag = json_object_get(user, "additionalGids");
    if (json_is_array(ag) && json_array_size(ag) > 0) {
      out->n_additional_gids = json_array_size(ag);
      out->additional_gids = calloc(out->n_additional_gids, sizeof(gid_t));
      if (out->additional_gids == NULL) return berth_error_errno(err, "parse config: additionalGids");
      for (size_t i = 0; i < out->n_additional_gids; i++)
        out->additional_gids[i] = (gid_t)json_integer_value(json_array_get(ag, i));
    }
  }
  if (string_array(json_object_get(p, "args"), "process.args", &out->args, err) < 0) return -1;
  if (out->args == NULL || out->args[0] == NULL)
    return berth_error_set(err, 0, "parse config: process.args is empty");
  if (string_array(json_object_get(p, "env"), "process.env", &out->env, err) < 0) return -1;
  if (out->env == NULL) {
    out->env = calloc(1, sizeof(char *));
    if (out->env == NULL) return berth_error_errno(err, "parse config: process.env");
  }
  out->cwd = str_or(p, "cwd", "/");
  if (out->cwd[0] != '/') return berth_error_set(err, 0, "parse config: process.cwd '%s' is not absolute", out->cwd);
  json_t *caps = json_object_get(p, "capabilities");
  out->capabilities = json_is_object(caps) ? caps : NULL;
  json_t *rl = json_object_get(p, "rlimits");
  out->rlimits = json_is_array(rl) ? rl : NULL;
  out->no_new_privileges = json_is_true(json_object_get(p, "noNewPrivileges"));
  json_t *oom = json_object_get(p, "oomScoreAdj");
  if (json_is_integer(oom)) {
    out->has_oom_score_adj = true;
    out->oom_score_adj = (int)json_integer_value(oom);
  }
  return 0;
}

void spec_free_process(struct process_spec *p) {
  free(p->args);
  free(p->env);
  free(p->additional_gids);
  p->args = p->env = NULL;
  p->additional_gids = NULL;
}

static int parse_namespaces(json_t *linux, struct container_spec *s, berth_error_t *err) {
  json_t *arr = json_object_get(linux, "namespaces");
  if (arr == NULL) return 0;
  if (!json_is_array(arr)) return berth_error_set(err, 0, "parse config: linux.namespaces is not an array");
  size_t i;
  json_t *ns;
  json_array_foreach(arr, i, ns) {
    const char *type = str_or(ns, "type", NULL);
    if (type == NULL) return berth_error_set(err, 0, "parse config: linux.namespaces[%zu] has no type", i);
    int flag = spec_ns_flag(type);
    if (flag == 0) return berth_error_set(err, 0, "parse config: namespace type '%s': unknown", type);
    /* a time namespace needs clone3 and timeOffsets: not supported (runc 1.1 neither) */
    if (flag == CLONE_NEWTIME) return berth_error_set(err, 0, "parse config: namespace type 'time': not supported");
    if (spec_find_ns(s, flag)) return berth_error_set(err, 0, "parse config: namespace type '%s': listed twice", type);
    const char *path = str_or(ns, "path", NULL);
    if (path && path[0] == '\0') path = NULL;
    s->ns[s->n_ns++] = (struct ns_spec){.flag = flag, .type = type, .path = path};
  }
  return 0;
}

static int parse_maps(json_t *arr, const char *what, struct id_map **out, size_t *n, berth_error_t *err) {
  if (!json_is_array(arr) || json_array_size(arr) == 0) return 0;
  *n = json_array_size(arr);
  *out = calloc(*n, sizeof **out);
  if (*out == NULL) return berth_error_errno(err, "parse config: %s", what);
  for (size_t i = 0; i < *n; i++) {
    json_t *m = json_array_get(arr, i);
    (*out)[i].container = (uint32_t)json_integer_value(json_object_get(m, "containerID"));
    (*out)[i].host = (uint32_t)json_integer_value(json_object_get(m, "hostID"));
    (*out)[i].size = (uint32_t)json_integer_value(json_object_get(m, "size"));
    if ((*out)[i].size == 0) return berth_error_set(err, 0, "parse config: %s[%zu] has size 0", what, i);
  }
  return 0;
}

static const struct {
  const char *name;
  bool clear;
  unsigned long flag;
  uint64_t attr;
} mount_flags[] = {
    {"ro", false, MS_RDONLY, MOUNT_ATTR_RDONLY},     {"rw", true, MS_RDONLY, MOUNT_ATTR_RDONLY},
    {"nosuid", false, MS_NOSUID, MOUNT_ATTR_NOSUID}, {"suid", true, MS_NOSUID, MOUNT_ATTR_NOSUID},
    {"nodev", false, MS_NODEV, MOUNT_ATTR_NODEV},    {"dev", true, MS_NODEV, MOUNT_ATTR_NODEV},
    {"noexec", false, MS_NOEXEC, MOUNT_ATTR_NOEXEC}, {"exec", true, MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS, 0},              {"async", true, MS_SYNCHRONOUS, 0},
    {"dirsync", false, MS_DIRSYNC, 0},               {"mand", false, MS_MANDLOCK, 0},
    {"nomand", true, MS_MANDLOCK, 0},                {"remount", false, MS_REMOUNT, 0},
    {"nodiratime", false, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    {"diratime", true, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    {"noatime", false, MS_NOATIME, MOUNT_ATTR_NOATIME},
    {"atime", true, MS_NOATIME, 0},
    {"relatime", false, MS_RELATIME, MOUNT_ATTR_RELATIME},
    {"norelatime", true, MS_RELATIME, 0},
    {"strictatime", false, MS_STRICTATIME, MOUNT_ATTR_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME, 0},
};

static const struct {
  const char *name;
  unsigned long flag;
} propagation_flags[] = {
    {"private", MS_PRIVATE},    {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},      {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},        {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

unsigned long spec_propagation_flag(const char *name) {
  for (size_t i = 0; i < sizeof propagation_flags / sizeof propagation_flags[0]; i++)
    if (strcmp(propagation_flags[i].name, name) == 0) return propagation_flags[i].flag;
  return 0;
}

static int append_data(char **data, const char *opt) {
  size_t old = *data ? strlen(*data) : 0;
  char *n = realloc(*data, old + strlen(opt) + 2);
  if (n == NULL) return -1;
  if (old) n[old++] = ',';
  strcpy(n + old, opt);
  *data = n;
  return 0;
}

int spec_parse_mount_options(json_t *options, struct mount_spec *m, berth_error_t *err) {
  size_t i;
  json_t *o;
  json_array_foreach(options, i, o) {
    const char *opt = json_string_value(o);
    if (opt == NULL) return berth_error_set(err, 0, "parse config: mount '%s' has a non-string option", m->destination);
    if (strcmp(opt, "bind") == 0 || strcmp(opt, "rbind") == 0) {
      m->bind = true;
      m->recursive |= opt[0] == 'r';
      continue;
    }
    unsigned long prop = spec_propagation_flag(opt);
    if (prop) {
      m->propagation = prop;
      continue;
    }
    if (strcmp(opt, "tmpcopyup") == 0 || strcmp(opt, "defaults") == 0) continue;
    bool known = false;
    for (size_t k = 0; k < sizeof mount_flags / sizeof mount_flags[0]; k++) {
      if (strcmp(mount_flags[k].name, opt) != 0) continue;
      known = true;
      if (mount_flags[k].clear) {
        m->flags &= ~mount_flags[k].flag;
        if (mount_flags[k].attr) m->attr_clr |= mount_flags[k].attr;
        m->attr_set &= ~mount_flags[k].attr;
      } else {
        m->flags |= mount_flags[k].flag;
        uint64_t a = mount_flags[k].attr;
        bool is_atime = mount_flags[k].flag & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME);
        if (is_atime) {
          m->attr_clr |= MOUNT_ATTR__ATIME;
          m->attr_set = (m->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | a;
        } else if (a) {
          m->attr_set |= a;
          m->attr_clr &= ~a;
        }
      }
      break;
    }
    if (!known && append_data(&m->data, opt) < 0) return berth_error_errno(err, "parse config: mount options");
  }
  return 0;
}

/* A bind keeps its source mount's ro, nosuid, nodev and noexec unless its options set them:
 * "rw", "suid", "dev" and "exec" clear nothing there (runc does not remount a bind for them), so
 * a read-only host mount stays read-only in the container whatever the config says. */
void spec_bind_keeps_source_flags(struct mount_spec *m) {
  if (m->bind) m->attr_clr &= ~(uint64_t)(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

static int parse_mounts(json_t *arr, struct container_spec *s, berth_error_t *err) {
  if (arr == NULL) return 0;
  if (!json_is_array(arr)) return berth_error_set(err, 0, "parse config: mounts is not an array");
  s->n_mounts = json_array_size(arr);
  s->mounts = calloc(s->n_mounts ? s->n_mounts : 1, sizeof *s->mounts);
  if (s->mounts == NULL) return berth_error_errno(err, "parse config: mounts");
  size_t i;
  json_t *j;
  json_array_foreach(arr, i, j) {
    struct mount_spec *m = &s->mounts[i];
    m->destination = str_or(j, "destination", NULL);
    if (m->destination == NULL || m->destination[0] != '/')
      return berth_error_set(err, 0, "parse config: mounts[%zu] destination is missing or not absolute", i);
    m->type = str_or(j, "type", "");
    m->source = str_or(j, "source", "");
    json_t *options = json_object_get(j, "options");
    if (spec_parse_mount_options(options, m, err) < 0) return -1;
    if (strcmp(m->type, "bind") == 0) m->bind = true;
    spec_bind_keeps_source_flags(m);
  }
  return 0;
}

int spec_load(const char *bundle, struct container_spec *s, berth_error_t *err) {
  memset(s, 0, sizeof *s);
  if (realpath(bundle, s->bundle) == NULL) return berth_error_errno(err, "open bundle '%s'", bundle);
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/config.json", s->bundle);
  json_error_t jerr;
  s->json = json_load_oci(path, &jerr);
  if (s->json == NULL) {
    if (jerr.text[0] == '\0') return berth_error_errno(err, "open config '%s'", path);
    return berth_error_set(err, 0, "parse config '%s': %s (line %d)", path, jerr.text, jerr.line);
  }
  if (!json_is_object(s->json)) return berth_error_set(err, 0, "parse config '%s': not a JSON object", path);
  json_t *root = json_object_get(s->json, "root");
  const char *rootpath = str_or(root, "path", NULL);
  if (rootpath == NULL) return berth_error_set(err, 0, "parse config '%s': root.path is missing", path);
  s->root_readonly = json_is_true(json_object_get(root, "readonly"));
  char joined[PATH_MAX * 2];
  if (rootpath[0] == '/') snprintf(joined, sizeof joined, "%s", rootpath);
  else snprintf(joined, sizeof joined, "%s/%s", s->bundle, rootpath);
  if (realpath(joined, s->rootfs) == NULL) return berth_error_errno(err, "open rootfs '%s'", joined);
  struct stat st;
  if (stat(s->rootfs, &st) < 0) return berth_error_errno(err, "open rootfs '%s'", s->rootfs);
  if (!S_ISDIR(st.st_mode)) return berth_error_set(err, ENOTDIR, "open rootfs '%s'", s->rootfs);

  s->hostname = str_or(s->json, "hostname", NULL);
  s->domainname = str_or(s->json, "domainname", NULL);
  if (spec_parse_process(json_object_get(s->json, "process"), &s->process, err) < 0)
    return berth_error_wrap(err, "config '%s'", path);
  if (parse_mounts(json_object_get(s->json, "mounts"), s, err) < 0) return -1;
  s->hooks = json_object_get(s->json, "hooks");
  s->annotations = json_object_get(s->json, "annotations");

  json_t *linux = json_object_get(s->json, "linux");
  if (linux != NULL && !json_is_object(linux)) return berth_error_set(err, 0, "parse config: linux is not an object");
  if (parse_namespaces(linux, s, err) < 0) return -1;
  /* without its own UTS namespace the init would rename the host (runc and crun refuse too) */
  if ((s->hostname || s->domainname) && !spec_find_ns(s, CLONE_NEWUTS))
    return berth_error_set(err, 0, "parse config: hostname and domainname require a UTS namespace");
  if (parse_maps(json_object_get(linux, "uidMappings"), "linux.uidMappings", &s->uid_maps, &s->n_uid_maps, err) < 0 ||
      parse_maps(json_object_get(linux, "gidMappings"), "linux.gidMappings", &s->gid_maps, &s->n_gid_maps, err) < 0)
    return -1;
  const struct ns_spec *userns = spec_find_ns(s, CLONE_NEWUSER);
  if (userns && !userns->path && (s->n_uid_maps == 0 || s->n_gid_maps == 0))
    return berth_error_set(err, 0, "parse config: a new user namespace needs linux.uidMappings and linux.gidMappings");
  const char *prop = str_or(linux, "rootfsPropagation", NULL);
  if (prop) {
    s->rootfs_propagation = spec_propagation_flag(prop);
    if (s->rootfs_propagation == 0)
      return berth_error_set(err, 0, "parse config: rootfsPropagation '%s': unknown", prop);
  }
  s->devices = json_object_get(linux, "devices");
  s->sysctl = json_object_get(linux, "sysctl");
  s->resources = json_object_get(linux, "resources");
  s->seccomp = json_object_get(linux, "seccomp");
  s->masked_paths = json_object_get(linux, "maskedPaths");
  s->readonly_paths = json_object_get(linux, "readonlyPaths");
  s->cgroups_path = str_or(linux, "cgroupsPath", NULL);
  if (s->cgroups_path && s->cgroups_path[0] == '\0') s->cgroups_path = NULL;
  return 0;
}

void spec_free(struct container_spec *s) {
  for (size_t i = 0; i < s->n_mounts; i++) free(s->mounts[i].data);
  free(s->mounts);
  free(s->uid_maps);
  free(s->gid_maps);
  spec_free_process(&s->process);
  if (s->json) json_decref(s->json);
  memset(s, 0, sizeof *s);
}
