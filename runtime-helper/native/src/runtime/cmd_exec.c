/* exec [--process FILE] [--tty] [--cwd DIR] [--env K=V]... [--user UID[:GID]]
 *      [--additional-gids GID]... [--cap CAP]... [--no-new-privs] [--detach] [--pid-file FILE]
 *      [--console-socket PATH] [--preserve-fds N] ID [COMMAND [ARG...]]
 * Without --process, the container's own process (from its config.json) is the template. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/exec.h"
#include "runtime/jsonload.h"
#include "runtime/opts.h"
#include "runtime/seccomp.h"
#include "runtime/state.h"
#include "runtime/trace.h"

enum { F_PROCESS = 1, F_TTY, F_CWD, F_ENV, F_USER, F_GIDS, F_CAP, F_NNP, F_DETACH, F_PID_FILE, F_CONSOLE, F_PRESERVE, F_IGNORED, F_IGNORED_BOOL };

struct exec_flags {
  const char *process_file, *cwd, *user;
  bool tty, tty_set, nnp;
  json_t *env, *caps, *gids;
};

static int build_user(json_t *proc, const char *spec, json_t *gids, berth_error_t *err) {
  json_t *user = json_object_get(proc, "user");
  if (!json_is_object(user)) {
    user = json_object();
    json_object_set_new(proc, "user", user);
  }
  if (spec) {
    unsigned long uid, gid;
    int n = sscanf(spec, "%lu:%lu", &uid, &gid);
    if (n < 1) return berth_error_set(err, 0, "exec: --user '%s' is not uid[:gid]", spec);
    json_object_set_new(user, "uid", json_integer((json_int_t)uid));
    if (n == 2) json_object_set_new(user, "gid", json_integer((json_int_t)gid));
  }
  if (json_array_size(gids)) json_object_set(user, "additionalGids", gids);
  return 0;
}

/* template: the process object saved at create (PROCESS_FILE) or config.json's, or NULL */
static json_t *process_from_flags(json_t *template, const struct exec_flags *f, int argc, char **argv,
                                  berth_error_t *err) {
  json_t *proc = json_is_object(template) ? json_deep_copy(template) : NULL;
  if (!json_is_object(proc)) {
    if (proc) json_decref(proc);
    proc = json_pack("{s:s, s:[s]}", "cwd", "/", "env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  }
  json_t *args = json_array();
  for (int i = 0; i < argc; i++) json_array_append_new(args, json_string(argv[i]));
  json_object_set_new(proc, "args", args);
  json_object_set_new(proc, "terminal", json_boolean(f->tty));
  json_object_del(proc, "consoleSize");
  if (f->cwd) json_object_set_new(proc, "cwd", json_string(f->cwd));
  json_t *env = json_object_get(proc, "env");
  if (!json_is_array(env)) {
    env = json_array();
    json_object_set_new(proc, "env", env);
  }
  json_array_extend(env, f->env);
  if (build_user(proc, f->user, f->gids, err) < 0) {
    json_decref(proc);
    return NULL;
  }
  if (json_array_size(f->caps)) {
    json_t *caps = json_object_get(proc, "capabilities");
    if (!json_is_object(caps)) {
      caps = json_object();
      json_object_set_new(proc, "capabilities", caps);
    }
    static const char *sets[] = {"bounding", "effective", "permitted", "inheritable", "ambient"};
    for (size_t i = 0; i < 5; i++) {
      json_t *s = json_object_get(caps, sets[i]);
      if (!json_is_array(s)) {
        s = json_array();
        json_object_set_new(caps, sets[i], s);
      }
      json_array_extend(s, f->caps);
    }
  }
  if (f->nnp) json_object_set_new(proc, "noNewPrivileges", json_true());
  return proc;
}

/* The bundle's config.json, or NULL when it is gone or unreadable (then the defaults apply). */
static json_t *load_config(const char *bundle) {
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/config.json", bundle);
  json_error_t jerr;
  return json_load_oci(path, &jerr);
}

/* The process saved at create, or NULL (a container from an older berth-runtime). */
static json_t *load_saved_process(const struct global_opts *g, const struct container_state *st) {
  char path[PATH_MAX + 32];
  if ((size_t)snprintf(path, sizeof path, "%s/%s/" PROCESS_FILE, g->root, st->id) >= sizeof path) return NULL;
  json_error_t jerr;
  json_t *p = json_load_oci(path, &jerr);
  if (p && !json_is_object(p)) {
    json_decref(p);
    p = NULL;
  }
  return p;
}

/* The filter compiled at create; a container created by an older berth-runtime has none saved,
 * so its config's profile is compiled here. */
static int container_seccomp(const struct global_opts *g, const struct container_state *st, json_t **cfg,
                             struct seccomp_prog *out, berth_error_t *err) {
  char dir[PATH_MAX];
  if (state_dir(g->root, st->id, dir, sizeof dir, err) < 0) return -1;
  cleanup_fd int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return berth_error_errno(err, "exec in '%s': open state dir '%s'", st->id, dir);
  int r = seccomp_load_saved(dirfd, SECCOMP_FILE, out, err);
  if (r != 0) return r < 0 ? berth_error_wrap(err, "exec in '%s'", st->id) : 0;
  if (*cfg == NULL) *cfg = load_config(st->bundle);
  if (*cfg && seccomp_compile(json_object_get(json_object_get(*cfg, "linux"), "seccomp"), out, err) < 0)
    return berth_error_wrap(err, "exec in '%s'", st->id);
  return 0;
}

int cmd_exec(const struct global_opts *g, int argc, char **argv) {
  static const struct opt table[] = {
      {"process", 'p', true, F_PROCESS},      {"tty", 't', false, F_TTY},
      {"cwd", 0, true, F_CWD},                {"env", 'e', true, F_ENV},
      {"user", 'u', true, F_USER},            {"additional-gids", 'g', true, F_GIDS},
      {"cap", 'c', true, F_CAP},              {"no-new-privs", 0, false, F_NNP},
      {"detach", 'd', false, F_DETACH},       {"pid-file", 0, true, F_PID_FILE},
      {"console-socket", 0, true, F_CONSOLE}, {"preserve-fds", 0, true, F_PRESERVE},
      {"apparmor", 0, true, F_IGNORED},       {"process-label", 0, true, F_IGNORED},
      {"cgroup", 0, true, F_IGNORED},         {"ignore-paused", 0, false, F_IGNORED_BOOL},
      {NULL, 0, false, 0},
  };
  berth_error_t err = {0};
  struct exec_flags f = {.env = json_array(), .caps = json_array(), .gids = json_array()};
  struct exec_opts o = {0};
  struct opt_parser p;
  opt_init(&p, argc, argv, table);
  int rc = 1;
  json_t *process = NULL, *cfg = NULL;
  struct seccomp_prog seccomp = {0};
  struct container_state st = {0};
  unsigned long long n;
  for (int id; (id = opt_next(&p, &err)) != OPT_DONE;) {
    switch (id) {
    case OPT_ERROR: goto out;
    case F_PROCESS: f.process_file = p.value; break;
    case F_TTY: f.tty = opt_bool(&p); break;
    case F_CWD: f.cwd = p.value; break;
    case F_ENV: json_array_append_new(f.env, json_string(p.value)); break;
    case F_USER: f.user = p.value; break;
    case F_GIDS:
      if (opt_uint("--additional-gids", p.value, &n, &err) < 0) goto out;
      json_array_append_new(f.gids, json_integer((json_int_t)n));
      break;
    case F_CAP: json_array_append_new(f.caps, json_string(p.value)); break;
    case F_NNP: f.nnp = opt_bool(&p); break;
    case F_DETACH: o.detach = opt_bool(&p); break;
    case F_PID_FILE: o.pid_file = p.value; break;
    case F_CONSOLE: o.console_socket = p.value; break;
    case F_PRESERVE:
      if (opt_uint("--preserve-fds", p.value, &n, &err) < 0) goto out;
      o.preserve_fds = (int)n;
      break;
    default: break;
    }
  }
  if (need_args("exec", argc, p.index, f.process_file ? 1 : 2, f.process_file ? 1 : 1 << 20, &err) < 0) goto out;
  const char *id = argv[p.index];
  struct cgroup_fs fs;
  const char *status;
  if (container_load(g, id, &st, &fs, &status, &err) < 0) goto out;
  trace_point("exec: state loaded");
  if (strcmp(status, "running") != 0 && strcmp(status, "created") != 0) {
    berth_error_set(&err, 0, "exec in '%s': the container is %s", id, status);
    goto out;
  }
  if (f.process_file) {
    json_error_t jerr;
    process = json_load_oci(f.process_file, &jerr);
    if (process == NULL) {
      if (jerr.text[0] == '\0') berth_error_errno(&err, "exec: open process '%s'", f.process_file);
      else berth_error_set(&err, 0, "exec: parse process '%s': %s", f.process_file, jerr.text);
      goto out;
    }
  } else {
    json_t *saved = load_saved_process(g, &st);
    if (saved == NULL) cfg = load_config(st.bundle);
    json_t *template = saved ? saved : json_object_get(cfg, "process");
    process = process_from_flags(template, &f, argc - p.index - 1, argv + p.index + 1, &err);
    if (saved) json_decref(saved);
    if (process == NULL) goto out;
  }
  if (container_seccomp(g, &st, &cfg, &seccomp, &err) < 0) goto out;
  trace_point("exec: process and seccomp ready");
  int code = 0;
  if (exec_in_container(&st, &fs, process, &seccomp, &o, &code, &err) < 0) goto out;
  rc = code;
  err.message[0] = '\0';
out:
  if (err.message[0]) fail(&err);
  if (process) json_decref(process);
  if (cfg) json_decref(cfg);
  seccomp_prog_free(&seccomp);
  state_free(&st);
  json_decref(f.env);
  json_decref(f.caps);
  json_decref(f.gids);
  return rc;
}
