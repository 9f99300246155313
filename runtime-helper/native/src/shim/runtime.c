#include "shim/runtime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/entry.h"
#include "shim/console.h"
#include "shim/diag.h"
#include "shim/oom_adj.h"

/* The container's ends (handed to the runtime as its fds 0, 1, 2) and the shim's ends. */
struct stdio_plan {
  int child[3];
  int mine_out[2];
  int mine_in;
  int diag_read;  /* with a terminal: the runtime's own stdout/stderr */
  int console_listen;
};

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static void plan_close(struct stdio_plan *p) {
  for (int i = 0; i < 3; i++) close_fd(&p->child[i]);
  close_fd(&p->mine_out[0]);
  close_fd(&p->mine_out[1]);
  close_fd(&p->mine_in);
  close_fd(&p->diag_read);
  close_fd(&p->console_listen);
}

static int set_nonblock(int fd, const char *what, berth_error_t *err) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return berth_error_errno(err, "make %s non-blocking", what);
  return 0;
}

/* A pipe whose `mine` end is non-blocking; the container's end stays blocking as programs expect. */
static int make_pipe(int *read_end, int *write_end, int mine_is_read, const char *what, berth_error_t *err) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return berth_error_errno(err, "pipe for %s", what);
  *read_end = p[0];
  *write_end = p[1];
  return set_nonblock(mine_is_read ? p[0] : p[1], what, err);
}

static int plan_stdio(const struct shim_options *o, const char *console_path, struct stdio_plan *p,
                      berth_error_t *err) {
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return berth_error_errno(err, "open '/dev/null'");
  int rc = 0;
  if (o->terminal) {
    /* The runtime gets /dev/null and a pipe for its own messages; the container gets the pty. */
    p->child[0] = null_fd;
    null_fd = -1;
    if (make_pipe(&p->diag_read, &p->child[1], 1, "the runtime's messages", err) < 0) return -1;
    p->child[2] = dup(p->child[1]);
    if (p->child[2] < 0) return berth_error_errno(err, "dup the runtime's message pipe");
    p->console_listen = console_listen(console_path, err);
    return p->console_listen < 0 ? -1 : 0;
  }
  if (o->stdin_open) {
    if (make_pipe(&p->child[0], &p->mine_in, 0, "the container's stdin", err) < 0) rc = -1;
  } else {
    p->child[0] = null_fd;
    null_fd = -1;
  }
  if (null_fd >= 0) close(null_fd);
  if (rc < 0) return -1;
  if (make_pipe(&p->mine_out[0], &p->child[1], 1, "the container's stdout", err) < 0) return -1;
  return make_pipe(&p->mine_out[1], &p->child[2], 1, "the container's stderr", err);
}

/* Reads what is buffered in a non-blocking pipe into buf (appending at *len). */
static void drain_into(int fd, char *buf, size_t cap, size_t *len) {
  while (fd >= 0 && *len + 1 < cap) {
    ssize_t n = read(fd, buf + *len, cap - 1 - *len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    *len += (size_t)n;
  }
  buf[*len] = '\0';
}

static void trim_trailing_space(char *s) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
}

static int read_pid_file(const char *path, pid_t *pid, berth_error_t *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return berth_error_errno(err, "open the runtime's pid file '%s'", path);
  char buf[32];
  ssize_t n;
  do n = read(fd, buf, sizeof buf - 1);
  while (n < 0 && errno == EINTR);
  int saved = errno;
  close(fd);
  if (n < 0) return berth_error_set(err, saved, "read the runtime's pid file '%s'", path);
  buf[n] = '\0';
  char *end = NULL;
  long v = strtol(buf, &end, 10);
  if (end == buf || v <= 0 || v > 0x3fffffff)
    return berth_error_set(err, 0, "the runtime's pid file '%s' holds no pid: '%s'", path, buf);
  *pid = (pid_t)v;
  return 0;
}

/* Whether PATH is the berth-runtime beside this shim (same file): that one is built from the same
 * sources the shim holds. BERTH_SHIM_EXEC_RUNTIME=1 always executes the binary (to compare). */
static bool is_builtin_runtime(const char *path) {
  const char *force = getenv("BERTH_SHIM_EXEC_RUNTIME");
  if (force != NULL && strcmp(force, "1") == 0) return false;
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return false;
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  if (slash == NULL || (size_t)(slash - self) + sizeof "/berth-runtime" > sizeof self) return false;
  strcpy(slash + 1, "berth-runtime");
  struct stat ours, theirs;
  if (stat(self, &ours) < 0 || stat(path, &theirs) < 0) return false;
  return ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino;
}

/* What an execve would do to our fds: close every close-on-exec one. Without it the container's
 * init (waiting for `start` inside the runtime's code) would hold the shim's fds, among them the
 * startup report pipe, whose reader then never sees EOF. */
static void close_exec_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) {
    dprintf(2, "berth-shim: list /proc/self/fd before running the runtime: %s\n", strerror(errno));
    _exit(127);
  }
  int keep = dirfd(d);
  int fds[256];
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL && n < sizeof fds / sizeof fds[0];) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd < 3 || fd == keep) continue;
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && (flags & FD_CLOEXEC)) fds[n++] = fd;
  }
  closedir(d);
  for (size_t i = 0; i < n; i++) close(fds[i]);
}

/* Runs the runtime with argv (NULL-terminated) in this forked child; never returns. Our own
 * berth-runtime runs in-process: no execve and no second start of a static glibc, which costs
 * about 0.6 ms per create, start and exec on a VM where every CPUID traps. Any other runtime
 * (crun, runc, another build) is executed. */
static void __attribute__((noreturn)) run_runtime(const struct shim_options *o, const char **argv) {
  if (is_builtin_runtime(o->runtime)) {
    close_exec_fds();
    int argc = 0;
    while (argv[argc] != NULL) argc++;
    int rc = berth_runtime_main(argc, (char **)argv);
    fflush(NULL);
    _exit(rc);
  }
  execv(o->runtime, (char *const *)argv);
  dprintf(2, "berth-shim: execute runtime '%s': %s\n", o->runtime, strerror(errno));
  _exit(127);
}

static void __attribute__((noreturn)) exec_runtime(const struct shim_options *o, struct stdio_plan *p,
                                                   const char *pid_file, const char *console_path) {
  for (int i = 0; i < 3; i++) {
    if (dup2(p->child[i], i) < 0) {
      dprintf(p->child[2] >= 0 ? p->child[2] : 2, "berth-shim: dup2 stdio for the runtime: %s\n", strerror(errno));
      _exit(127);
    }
  }
  /* The shim blocks SIGCHLD for its signalfd and ignores SIGPIPE: neither may reach the container. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  oom_adj_restore_in_child();
  const char *argv[20];
  int a = 0;
  argv[a++] = o->runtime;
  if (o->runtime_root != NULL) {
    argv[a++] = "--root";
    argv[a++] = o->runtime_root;
  }
  if (o->exec_mode) {
    argv[a++] = "exec";
    argv[a++] = "--process";
    argv[a++] = o->process_file;
    argv[a++] = "--detach";
  } else {
    argv[a++] = "create";
    argv[a++] = "--bundle";
    argv[a++] = o->bundle;
  }
  argv[a++] = "--pid-file";
  argv[a++] = pid_file;
  if (o->terminal) {
    argv[a++] = "--console-socket";
    argv[a++] = console_path;
  }
  argv[a++] = o->id;
  argv[a] = NULL;
  run_runtime(o, argv);
}

/* Undoes a create (or exec) that succeeded when a later step failed, so nothing is left behind. */
static void undo_launch(const struct shim_options *o, pid_t pid) {
  if (o->exec_mode) {
    if (pid > 0 && kill(pid, SIGKILL) < 0) shim_diag("kill exec process %d: %s", (int)pid, strerror(errno));
    return;
  }
  pid_t child = fork();
  if (child < 0) {
    shim_diag("fork for runtime delete: %s", strerror(errno));
    return;
  }
  if (child == 0) {
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      dup2(null_fd, 0);
      dup2(null_fd, 1);
    }
    const char *argv[8];
    int a = 0;
    argv[a++] = o->runtime;
    if (o->runtime_root != NULL) {
      argv[a++] = "--root";
      argv[a++] = o->runtime_root;
    }
    argv[a++] = "delete";
    argv[a++] = "--force";
    argv[a++] = o->id;
    argv[a] = NULL;
    run_runtime(o, argv);
  }
  int status;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  /* The init we may have inherited from the runtime is reaped too. */
  if (pid > 0) while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

int runtime_launch(const struct shim_options *o, struct runtime_result *r, berth_error_t *err) {
  bool created = false;
  r->pid = 0;
  const char *verb = o->exec_mode ? "exec" : "create";
  char pid_file[PATH_MAX], console_path[PATH_MAX];
  int n1 = snprintf(pid_file, sizeof pid_file, "%s/" SHIM_CONTAINER_PID_FILE, o->state_dir);
  int n2 = snprintf(console_path, sizeof console_path, "%s/" SHIM_CONSOLE_SOCKET, o->state_dir);
  if (n1 < 0 || (size_t)n1 >= sizeof pid_file || n2 < 0 || (size_t)n2 >= sizeof console_path)
    return berth_error_set(err, ENAMETOOLONG, "state dir '%s'", o->state_dir);
  if (unlink(pid_file) < 0 && errno != ENOENT) return berth_error_errno(err, "remove stale pid file '%s'", pid_file);

  struct stdio_plan p = {.child = {-1, -1, -1}, .mine_out = {-1, -1}, .mine_in = -1, .diag_read = -1, .console_listen = -1};
  if (plan_stdio(o, console_path, &p, err) < 0) goto fail;

  pid_t child = fork();
  if (child < 0) {
    berth_error_errno(err, "fork for runtime %s", verb);
    goto fail;
  }
  if (child == 0) exec_runtime(o, &p, pid_file, console_path);
  for (int i = 0; i < 3; i++) close_fd(&p.child[i]);

  int status;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      berth_error_errno(err, "wait for runtime %s (pid %d)", verb, (int)child);
      goto fail;
    }
  }

  static char messages[4096];
  size_t mlen = 0;
  drain_into(p.diag_read, messages, sizeof messages, &mlen);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    drain_into(p.mine_out[1], messages, sizeof messages, &mlen);
    drain_into(p.mine_out[0], messages, sizeof messages, &mlen);
    trim_trailing_space(messages);
    if (WIFSIGNALED(status))
      berth_error_set(err, 0, "runtime %s failed (killed by signal %d): %s", verb, WTERMSIG(status),
                      mlen ? messages : "(no message)");
    else
      berth_error_set(err, 0, "runtime %s failed (exit status %d): %s", verb, WEXITSTATUS(status),
                      mlen ? messages : "(no message)");
    goto fail;
  }
  created = true;
  if (mlen > 0) {
    trim_trailing_space(messages);
    shim_diag("runtime %s said: %s", verb, messages);
  }
  if (read_pid_file(pid_file, &r->pid, err) < 0) goto fail;

  r->in_fd = -1;
  if (o->terminal) {
    int master = -1;
    if (console_receive_master(p.console_listen, console_path, &master, err) < 0) goto fail;
    r->out_fd[0] = master;
    r->out_fd[1] = -1;
    if (set_nonblock(master, "the terminal master", err) < 0) {
      close(master);
      goto fail;
    }
    if (o->stdin_open) {
      r->in_fd = fcntl(master, F_DUPFD_CLOEXEC, 0);
      if (r->in_fd < 0) {
        berth_error_errno(err, "dup the terminal master");
        close(master);
        goto fail;
      }
    }
    close_fd(&p.console_listen);
    if (unlink(console_path) < 0) shim_diag("remove console socket '%s': %s", console_path, strerror(errno));
  } else {
    r->out_fd[0] = p.mine_out[0];
    r->out_fd[1] = p.mine_out[1];
    r->in_fd = p.mine_in;
    p.mine_out[0] = p.mine_out[1] = p.mine_in = -1;
  }
  plan_close(&p);
  return 0;

fail:
  plan_close(&p);
  if (o->terminal) unlink(console_path);
  if (created) undo_launch(o, r->pid);
  unlink(pid_file);
  return -1;
}

int runtime_start(const struct shim_options *o, char *msg, size_t cap) {
  msg[0] = '\0';
  if (o->exec_mode) {
    snprintf(msg, cap, "start: an exec session has nothing to start");
    return -1;
  }
  int diag[2];
  if (pipe2(diag, O_CLOEXEC) < 0) {
    snprintf(msg, cap, "pipe for runtime start: %s", strerror(errno));
    return -1;
  }
  pid_t child = fork();
  if (child < 0) {
    snprintf(msg, cap, "fork for runtime start: %s", strerror(errno));
    close(diag[0]);
    close(diag[1]);
    return -1;
  }
  if (child == 0) {
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      dup2(null_fd, 0);
      dup2(null_fd, 1);
    }
    dup2(diag[1], 2);
    oom_adj_restore_in_child();
    const char *argv[6];
    int a = 0;
    argv[a++] = o->runtime;
    if (o->runtime_root != NULL) {
      argv[a++] = "--root";
      argv[a++] = o->runtime_root;
    }
    argv[a++] = "start";
    argv[a++] = o->id;
    argv[a] = NULL;
    run_runtime(o, argv);
  }
  close(diag[1]);
  /* Read to EOF first (only the runtime holds the write end), then collect the status. */
  size_t len = 0;
  while (len + 1 < cap) {
    ssize_t n = read(diag[0], msg + len, cap - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
  }
  msg[len] = '\0';
  close(diag[0]);
  trim_trailing_space(msg);
  int status;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      snprintf(msg, cap, "wait for runtime start (pid %d): %s", (int)child, strerror(errno));
      return -1;
    }
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
