/* berth-shim: the per-container monitor. The sequence: parse the command line, prepare the
 * state dir, detach from the caller, become a subreaper, start the container through the
 * runtime, report, then relay output/input until the container exits and record the exit. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "shim/attach.h"
#include "shim/detach.h"
#include "shim/diag.h"
#include "shim/exit_file.h"
#include "shim/loop.h"
#include "shim/oom.h"
#include "shim/oom_adj.h"
#include "shim/options.h"
#include "shim/runtime.h"
#include "shim/shim.h"

#define SHIM_PID_FILE "shim.pid"
#define SHIM_LOG_FILE "shim.log"

static struct shim_options opts;
static struct shim shim;
static struct oom_watch oom;

/* The state dir's path is short (its sockets must fit sun_path, checked first), so its files'
 * paths fit in 128 bytes: four PATH_MAX arrays would keep four pages resident in an idle shim. */
#define STATE_PATH_MAX 128
struct state_paths {
  char pid[STATE_PATH_MAX], log[STATE_PATH_MAX], attach[STATE_PATH_MAX], exit[STATE_PATH_MAX];
};

static int state_path(char out[STATE_PATH_MAX], const char *dir, const char *name, berth_error_t *err) {
  int n = snprintf(out, STATE_PATH_MAX, "%s/%s", dir, name);
  if (n < 0 || n >= STATE_PATH_MAX) return berth_error_set(err, ENAMETOOLONG, "state file '%s' in '%s'", name, dir);
  return 0;
}

static int prepare_state_dir(struct state_paths *p, bool *made_dir, berth_error_t *err) {
  const char *dir = opts.state_dir;
  /* Sockets are bound by path: check the limit before anything starts. */
  if (strlen(dir) + sizeof "/" SHIM_CONSOLE_SOCKET > 108)
    return berth_error_set(err, ENAMETOOLONG, "--state-dir '%s': socket paths inside it exceed 107 bytes", dir);
  if (state_path(p->pid, dir, SHIM_PID_FILE, err) < 0 || state_path(p->log, dir, SHIM_LOG_FILE, err) < 0 ||
      state_path(p->attach, dir, ATTACH_SOCKET, err) < 0 || state_path(p->exit, dir, SHIM_EXIT_FILE, err) < 0)
    return -1;
  *made_dir = false;
  if (mkdir(dir, 0700) == 0) *made_dir = true;
  else if (errno != EEXIST) return berth_error_errno(err, "create state dir '%s'", dir);
  if (unlink(p->exit) < 0 && errno != ENOENT) return berth_error_errno(err, "remove stale '%s'", p->exit);
  return 0;
}

/* A failed start leaves nothing of the shim's behind. */
static void remove_state(const struct state_paths *p, bool made_dir, bool keep_log) {
  unlink(p->attach);
  unlink(p->pid);
  if (!keep_log) unlink(p->log);
  if (made_dir && rmdir(opts.state_dir) < 0 && errno != ENOENT)
    shim_diag("remove state dir '%s': %s", opts.state_dir, strerror(errno));
}

static int write_pid_file(const char *path, berth_error_t *err) {
  char text[32];
  int n = snprintf(text, sizeof text, "%d\n", (int)getpid());
  return berth_write_file_atomic(path, text, (size_t)n, 0644, err);
}

/* Everything between detaching and the ready report. */
static int start(const struct state_paths *p, sigset_t *signals, berth_error_t *err) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) return berth_error_errno(err, "prctl PR_SET_CHILD_SUBREAPER");
  oom_adj_protect_self();
  if (write_pid_file(p->pid, err) < 0) return -1;
  shim.signal_fd = signalfd(-1, signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (shim.signal_fd < 0) return berth_error_errno(err, "signalfd");
  shim.epfd = epoll_create1(EPOLL_CLOEXEC);
  if (shim.epfd < 0) return berth_error_errno(err, "epoll_create1");
  if (json_log_open(&shim.log, opts.log_path, opts.log_max_size, opts.log_max_files, err) < 0) return -1;
  /* Listening before the container exists lets the caller attach between create and start. */
  if (attach_listen(&shim, p->attach, err) < 0) return -1;
  struct runtime_result r;
  if (runtime_launch(&opts, &r, err) < 0) return -1;
  shim.container_pid = r.pid;
  shim.out_fd[0] = r.out_fd[0];
  shim.out_fd[1] = r.out_fd[1];
  shim.in_fd = r.in_fd;
  oom_watch_start(&oom, r.pid);
  return 0;
}

int main(int argc, char **argv) {
  /* Whatever the caller leaked to us (a listening socket, a pipe it waits on) must not live on
   * in a shim that runs for as long as its container. */
  if (close_range(3, ~0U, 0) < 0) dprintf(2, "berth-shim: close inherited fds: %s\n", strerror(errno));
  berth_error_t err;
  bool help = false;
  if (shim_options_parse(&opts, argc, argv, &help, &err) < 0) {
    dprintf(2, "berth-shim: %s\n%s", err.message, shim_usage);
    return 2;
  }
  if (help) {
    dprintf(1, "%s", shim_usage);
    return 0;
  }
  static struct state_paths paths;
  bool made_dir = false;
  if (prepare_state_dir(&paths, &made_dir, &err) < 0) {
    dprintf(2, "berth-shim: %s\n", err.message);
    return 1;
  }

  /* SIGCHLD is read from a signalfd; SIGPIPE would kill the shim when a client goes away. */
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &signals, NULL) < 0 || signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
    dprintf(2, "berth-shim: set up signals: %s\n", strerror(errno));
    remove_state(&paths, made_dir, false);
    return 1;
  }

  int report_fd = -1;
  if (shim_detach(paths.log, &report_fd, &err) < 0) {
    remove_state(&paths, made_dir, false);
    shim_report_failure(report_fd, err.message);
    return 1;
  }

  shim.opts = &opts;
  shim.epfd = shim.signal_fd = shim.listen_fd = shim.in_fd = -1;
  shim.out_fd[0] = shim.out_fd[1] = -1;
  if (start(&paths, &signals, &err) < 0) {
    attach_close(&shim);
    json_log_close(&shim.log);
    remove_state(&paths, made_dir, false);
    shim_report_failure(report_fd, err.message);
    return 1;
  }
  char ready[96];
  snprintf(ready, sizeof ready, "{\"pid\":%d,\"shimPid\":%d}\n", (int)shim.container_pid, (int)getpid());
  shim_diag("%s %s: pid %d", opts.exec_mode ? "exec in" : "created", opts.id, (int)shim.container_pid);
  shim_report_ready(report_fd, ready);

  int rc = shim_run(&shim);
  if (shim.exited) {
    bool oom_killed = oom_watch_killed(&oom);
    if (exit_file_write(opts.state_dir, shim.container_pid, shim.wait_status, oom_killed, &shim.finished_at, &err) < 0) {
      shim_diag("%s", err.message);
      rc = -1;
    } else {
      shim_diag("%s exited (wait status 0x%x%s)", opts.id, (unsigned)shim.wait_status, oom_killed ? ", OOM killed" : "");
    }
  }
  attach_linger(&shim);
  attach_close(&shim);
  for (int i = 0; i < 2; i++)
    if (shim.out_fd[i] >= 0) close(shim.out_fd[i]);
  if (shim.in_fd >= 0) close(shim.in_fd);
  json_log_close(&shim.log);
  unlink(paths.attach);
  unlink(paths.pid);
  return rc < 0 ? 1 : 0;
}
