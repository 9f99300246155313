/* Joining the container's network namespace. */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "portfwd/portfwd.h"

int pf_join_netns(int netns_fd, const char *path, berth_error_t *err) {
  if (setns(netns_fd, CLONE_NEWNET) < 0) return berth_error_errno(err, "setns '%s' (CLONE_NEWNET)", path);
  /* berth-runtime, crun and runc differ in whether a new namespace's loopback is up; the relay
   * needs it, so make sure. */
  cleanup_fd int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return berth_error_errno(err, "socket for loopback flags in '%s'", path);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) return berth_error_errno(err, "get the flags of 'lo' in '%s'", path);
  if (ifr.ifr_flags & IFF_UP) return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) return berth_error_errno(err, "bring 'lo' up in '%s'", path);
  return 0;
}
