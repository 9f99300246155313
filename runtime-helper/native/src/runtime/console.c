#include "runtime/console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/pathres.h"

int console_connect(const char *path, int *out, berth_error_t *err) {
  struct stat st;
  if (stat(path, &st) < 0) return berth_error_errno(err, "open console socket '%s'", path);
  if (!S_ISSOCK(st.st_mode)) return berth_error_set(err, ENOTSOCK, "open console socket '%s'", path);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) return berth_error_set(err, ENAMETOOLONG, "open console socket '%s'", path);
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return berth_error_errno(err, "open console socket '%s'", path);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int e = errno;
    close(fd);
    return berth_error_set(err, e, "connect console socket '%s'", path);
  }
  *out = fd;
  return 0;
}

static int send_fd(int sock, int fd, const char *name, berth_error_t *err) {
  char control[CMSG_SPACE(sizeof(int))] = {0};
  struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return berth_error_errno(err, "send pty master to the console socket");
  return 0;
}

/* Binds the pty slave over /dev/console, resolved inside the root so an image's symlink there
 * cannot redirect the mount (CVE-2025-52565). */
static int bind_dev_console(int slave, berth_error_t *err) {
  cleanup_fd int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return berth_error_errno(err, "open '/'");
  cleanup_fd int dev = -1;
  if (path_resolve_in_root(root, "/dev", 0, &dev, err) < 0) return -1;
  struct stat st;
  if (fstatat(dev, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
    return berth_error_set(err, EEXIST, "bind /dev/console: it exists and is not a file or device");
  cleanup_fd int target = openat(dev, "console", O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (target < 0 && errno == ENXIO) target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0) return berth_error_errno(err, "create /dev/console");
  cleanup_fd int tree = open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0) return berth_error_errno(err, "bind pty slave to /dev/console");
  if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return berth_error_errno(err, "bind pty slave to /dev/console");
  return 0;
}

int console_setup(int sock, unsigned short rows, unsigned short cols, uid_t uid, gid_t gid, int bind_console,
                  berth_error_t *err) {
  int r = -1;
  cleanup_fd int slave = -1;
  cleanup_fd int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
  if (master < 0) master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
  if (master < 0) {
    berth_error_errno(err, "open pty master '/dev/pts/ptmx'");
    goto out;
  }
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) {
    berth_error_errno(err, "unlock pty");
    goto out;
  }
  int n = 0;
  if (ioctl(master, TIOCGPTN, &n) < 0) {
    berth_error_errno(err, "read pty number");
    goto out;
  }
  slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    berth_error_errno(err, "open pty slave /dev/pts/%d", n);
    goto out;
  }
  if (rows && cols) {
    struct winsize ws = {.ws_row = rows, .ws_col = cols};
    if (ioctl(master, TIOCSWINSZ, &ws) < 0) {
      berth_error_errno(err, "set pty size %ux%u", cols, rows);
      goto out;
    }
  }
  if (fchown(slave, uid, gid) < 0) {
    berth_error_errno(err, "chown /dev/pts/%d to %u:%u", n, uid, gid);
    goto out;
  }
  if (bind_console && bind_dev_console(slave, err) < 0) goto out;
  char name[32];
  snprintf(name, sizeof name, "/dev/pts/%d", n);
  if (send_fd(sock, master, name, err) < 0) goto out;
  if (ioctl(slave, TIOCSCTTY, 0) < 0) {
    berth_error_errno(err, "make /dev/pts/%d the controlling terminal", n);
    goto out;
  }
  for (int fd = 0; fd <= 2; fd++) {
    if (dup2(slave, fd) < 0) {
      berth_error_errno(err, "use /dev/pts/%d as fd %d", n, fd);
      goto out;
    }
  }
  r = 0;
out:
  close(sock);
  return r;
}
