#include "runtime/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/pathres.h"
#include "runtime/trace.h"

static const char *env_path(char **env) {
  for (char **e = env; *e; e++)
    if (strncmp(*e, "PATH=", 5) == 0) return *e + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static bool executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* Docker maps these exact lowercase phrases to exit codes 127 and 126, as it does for runc. */
static int exec_error(berth_error_t *err, const char *name, int e) {
  if (e == ENOENT) return berth_error_set(err, 0, "find executable '%s': no such file or directory", name);
  if (e == EACCES) return berth_error_set(err, 0, "find executable '%s': permission denied", name);
  return berth_error_set(err, e, "find executable '%s'", name);
}

static int find_executable(const struct process_spec *p, char *out, size_t len, berth_error_t *err) {
  const char *name = p->args[0];
  if (strchr(name, '/')) {
    snprintf(out, len, "%s", name);
    struct stat st;
    if (stat(out, &st) < 0) return exec_error(err, name, errno);
    if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111)) return exec_error(err, name, EACCES);
    return 0;
  }
  const char *path = env_path(p->env);
  while (*path) {
    size_t n = strcspn(path, ":");
    snprintf(out, len, "%.*s/%s", (int)n, n ? path : ".", name);
    if (executable(out)) return 0;
    path += n;
    if (*path == ':') path++;
  }
  return berth_error_set(err, 0, "find executable '%s': executable file not found in $PATH", name);
}

int process_prepare(const struct process_spec *p, const struct seccomp_prog *seccomp, bool create_cwd,
                    struct exec_plan *plan, berth_error_t *err) {
  memset(plan, 0, sizeof *plan);
  if (chdir(p->cwd) < 0) {
    if (!(create_cwd && errno == ENOENT)) return berth_error_errno(err, "chdir to cwd '%s'", p->cwd);
    cleanup_fd int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_fd int dir = -1;
    if (root < 0 || path_resolve_in_root(root, p->cwd, RES_CREATE_DIR, &dir, err) < 0 || fchdir(dir) < 0)
      return berth_error_errno(err, "create cwd '%s'", p->cwd);
  }
  if (find_executable(p, plan->path, sizeof plan->path, err) < 0) return -1;
  if (p->capabilities) {
    plan->has_caps = true;
    if (caps_parse(p->capabilities, &plan->caps, err) < 0) return -1;
  }
  plan->filter = seccomp;
  return 0;
}

static int set_user(const struct process_spec *p, berth_error_t *err) {
  if (setgroups(p->n_additional_gids, p->additional_gids) < 0) {
    /* a user namespace with setgroups denied: only an empty list was possible anyway */
    if (!(errno == EPERM && p->n_additional_gids == 0))
      return berth_error_errno(err, "setgroups for additionalGids");
  }
  if (setresgid(p->gid, p->gid, p->gid) < 0) return berth_error_errno(err, "setresgid %u", p->gid);
  if (setresuid(p->uid, p->uid, p->uid) < 0) return berth_error_errno(err, "setresuid %u", p->uid);
  return 0;
}

int process_exec(const struct process_spec *p, struct exec_plan *plan, int preserve_fds, berth_error_t *err) {
  umask(p->has_umask ? p->umask : 022);
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return berth_error_errno(err, "set no_new_privs");
  if (!p->no_new_privileges) {
    /* without no_new_privs, loading a filter needs CAP_SYS_ADMIN: before dropping capabilities */
    if (plan->filter && seccomp_install(plan->filter, err) < 0) return -1;
  }
  if (plan->has_caps) {
    if (caps_drop_bounding(&plan->caps, err) < 0) return -1;
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return berth_error_errno(err, "set keepcaps");
  }
  if (set_user(p, err) < 0) return -1;
  if (plan->has_caps) {
    if (caps_apply(&plan->caps, err) < 0) return -1;
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return berth_error_errno(err, "clear keepcaps");
  }
  /* again as the user; and make sure no leaked directory fd made cwd point outside the root
   * (CVE-2024-21626): getcwd() then fails or reports an unreachable path */
  if (chdir(p->cwd) < 0) return berth_error_errno(err, "chdir to cwd '%s' as uid %u", p->cwd, p->uid);
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == NULL) return berth_error_errno(err, "check cwd '%s'", p->cwd);
  if (cwd[0] != '/') return berth_error_set(err, EPERM, "check cwd '%s': outside the container", p->cwd);
  if (close_range(3 + (unsigned)preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return berth_error_errno(err, "mark fds close-on-exec");
  if (p->no_new_privileges && plan->filter && seccomp_install(plan->filter, err) < 0) return -1;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL); /* the process starts with no signal blocked */
  trace_point("execve");
  execve(plan->path, p->args, p->env);
  return berth_error_errno(err, "exec '%s'", plan->path);
}

int process_exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int process_wait_forward(pid_t pid) {
  static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaddset(&set, forwarded[i]);
  sigprocmask(SIG_BLOCK, &set, NULL);
  for (;;) {
    int status;
    pid_t r;
    while ((r = waitpid(-1, &status, WNOHANG)) > 0)
      if (r == pid) return process_exit_code(status);
    if (r < 0 && errno == ECHILD) return 255;
    siginfo_t info;
    int sig = sigwaitinfo(&set, &info);
    if (sig > 0 && sig != SIGCHLD) kill(pid, sig);
  }
}
