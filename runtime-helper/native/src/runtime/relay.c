#include "runtime/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/fileutil.h"
#include "runtime/process.h"

int relay_socketpair(int *ours, int *theirs, berth_error_t *err) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return berth_error_errno(err, "create console socket pair");
  *ours = sv[0];
  *theirs = sv[1];
  return 0;
}

int relay_take_master(int sock, int *master, berth_error_t *err) {
  char data[64], control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  *master = -1;
  ssize_t n;
  do n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno == EAGAIN ? 0 : berth_error_errno(err, "receive the pty master");
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(master, CMSG_DATA(c), sizeof(int));
  return 0;
}

static void copy_size(int master) {
  struct winsize ws;
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
}

/* Copies what is readable; false once the source is finished (EOF, or EIO on a master whose
 * slave side has closed). */
static bool pump(int from, int to) {
  char buf[8192];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  return berth_write_all(to, buf, (size_t)n) == 0;
}

/* Reaps what has exited; the exit code of pid once it is among them, else -1. */
static int reap(pid_t pid) {
  int status, code = -1;
  pid_t r;
  while ((r = waitpid(-1, &status, WNOHANG)) > 0)
    if (r == pid) code = process_exit_code(status);
  if (r < 0 && errno == ECHILD && code < 0) code = 255;
  return code;
}

int relay_until_exit(int master, pid_t pid) {
  static const int sigs[] = {SIGCHLD, SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(&set, sigs[i]);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC);
  struct termios saved;
  bool raw = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (raw) {
    struct termios t = saved;
    cfmakeraw(&t);
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
    copy_size(master);
  }
  bool in_open = true, master_open = true;
  /* it may have exited before SIGCHLD was blocked: that signal is gone, so look once */
  int code = reap(pid);
  while (code < 0) {
    struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
                          {.fd = master_open ? master : -1, .events = POLLIN},
                          {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN}};
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[1].revents) master_open = pump(master, STDOUT_FILENO);
    if (p[2].revents) in_open = pump(STDIN_FILENO, master);
    if (p[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) != sizeof si) continue;
      if (si.ssi_signo == SIGWINCH) copy_size(master);
      else if (si.ssi_signo != SIGCHLD) kill(pid, (int)si.ssi_signo);
      code = reap(pid);
    }
  }
  /* what the process wrote just before it exited */
  int fl = fcntl(master, F_GETFL);
  if (master_open && fl >= 0 && fcntl(master, F_SETFL, fl | O_NONBLOCK) == 0)
    while (pump(master, STDOUT_FILENO)) {
      struct pollfd p = {.fd = master, .events = POLLIN};
      if (poll(&p, 1, 0) <= 0) break;
    }
  if (raw) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  if (sfd >= 0) close(sfd);
  return code < 0 ? 255 : code;
}
