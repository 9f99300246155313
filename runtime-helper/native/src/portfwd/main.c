/* berth-portfwd --netns PATH --pid PID [--diag FILE] [--foreground] BINDING...
 *
 * The sequence: open the container's network namespace and a pidfd of its init; bind every
 * host listener (so a port in use fails here, before anything runs); join the namespace; fork
 * the relay off (setsid, stdio to /dev/null and the diag file) so it outlives berthd; print one
 * JSON line with the relay's pid and the ports actually bound; exit 0. The relay runs until the
 * init exits or it gets SIGTERM. With --foreground the relay is this process (tests). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "portfwd/portfwd.h"

#define MAX_BINDINGS 256

struct options {
  const char *netns;
  const char *diag;
  pid_t pid;
  bool foreground;
  int count;
  struct pf_binding bindings[MAX_BINDINGS];
};

static void __attribute__((noreturn)) fail(const berth_error_t *err) {
  fprintf(stderr, "berth-portfwd: %s\n", err->message);
  exit(1);
}

static void __attribute__((noreturn)) usage(void) {
  fputs("usage: berth-portfwd --netns PATH --pid PID [--diag FILE] [--foreground] tcp|udp:HOSTIP:PORT[-PORT]:CPORT...\n", stderr);
  exit(2);
}

static int parse_args(int argc, char **argv, struct options *o, berth_error_t *err) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--netns") == 0 && i + 1 < argc) o->netns = argv[++i];
    else if (strcmp(a, "--diag") == 0 && i + 1 < argc) o->diag = argv[++i];
    else if (strcmp(a, "--pid") == 0 && i + 1 < argc) {
      char *end;
      long v = strtol(argv[++i], &end, 10);
      if (*end != '\0' || v <= 0 || v > 0x3fffffff) return berth_error_set(err, 0, "--pid '%s': not a process id", argv[i]);
      o->pid = (pid_t)v;
    } else if (strcmp(a, "--foreground") == 0) o->foreground = true;
    else if (a[0] == '-') usage();
    else {
      if (o->count == MAX_BINDINGS) return berth_error_set(err, 0, "more than %d bindings", MAX_BINDINGS);
      if (pf_binding_parse(a, &o->bindings[o->count], err) < 0) return -1;
      o->count++;
    }
  }
  if (o->netns == NULL || o->pid == 0 || o->count == 0) usage();
  return 0;
}

/* The relay's stdio: nothing in, diagnostics to the diag file (or nowhere). */
static int redirect_stdio(const char *diag, berth_error_t *err) {
  cleanup_fd int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return berth_error_errno(err, "open '/dev/null'");
  cleanup_fd int log_fd = diag ? open(diag, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
  if (diag && log_fd < 0) return berth_error_errno(err, "open diag file '%s'", diag);
  if (dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(log_fd >= 0 ? log_fd : null_fd, 2) < 0)
    return berth_error_errno(err, "redirect stdio to '/dev/null' and '%s'", diag ? diag : "/dev/null");
  return 0;
}

static int print_report(const struct options *o, pid_t relay) {
  printf("{\"pid\":%d,\"ports\":[", (int)relay);
  for (int i = 0; i < o->count; i++) {
    const struct pf_binding *b = &o->bindings[i];
    printf("%s{\"proto\":\"%s\",\"hostIp\":\"%s\",\"hostPort\":%u,\"containerPort\":%u}", i ? "," : "",
           b->proto == PF_TCP ? "tcp" : "udp", b->host_ip, b->bound_port, b->container_port);
  }
  printf("]}\n");
  return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

int main(int argc, char **argv) {
  static struct options o;
  berth_error_t err;
  if (parse_args(argc, argv, &o, &err) < 0) fail(&err);
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
    berth_error_errno(&err, "ignore SIGPIPE");
    fail(&err);
  }
  cleanup_fd int netns_fd = open(o.netns, O_RDONLY | O_CLOEXEC);
  if (netns_fd < 0) {
    berth_error_errno(&err, "open network namespace '%s'", o.netns);
    fail(&err);
  }
  cleanup_fd int pidfd = (int)syscall(SYS_pidfd_open, o.pid, 0);
  if (pidfd < 0) {
    berth_error_errno(&err, "pidfd_open %d (the container's init)", (int)o.pid);
    fail(&err);
  }
  for (int i = 0; i < o.count; i++)
    if (pf_binding_listen(&o.bindings[i], &err) < 0) fail(&err);
  if (pf_join_netns(netns_fd, o.netns, &err) < 0 || pf_loop_init(&err) < 0) fail(&err);
  for (int i = 0; i < o.count; i++) {
    struct pf_binding *b = &o.bindings[i];
    if ((b->proto == PF_TCP ? pf_tcp_listener_add(b, &err) : pf_udp_listener_add(b, &err)) < 0) fail(&err);
  }
  if (o.foreground) {
    if (print_report(&o, getpid()) < 0) {
      berth_error_errno(&err, "write the report to stdout");
      fail(&err);
    }
  } else {
    pid_t relay = fork();
    if (relay < 0) {
      berth_error_errno(&err, "fork the relay");
      fail(&err);
    }
    if (relay > 0) {
      if (print_report(&o, relay) < 0) {
        /* Nobody learns the relay's pid: it must not hold the ports. */
        berth_error_errno(&err, "write the report to stdout");
        if (kill(relay, SIGKILL) < 0) fprintf(stderr, "berth-portfwd: kill the relay %d: %s\n", (int)relay, strerror(errno));
        fail(&err);
      }
      _exit(0); /* the relay owns the sockets now */
    }
    if (setsid() < 0) {
      berth_error_errno(&err, "setsid");
      fail(&err);
    }
    if (redirect_stdio(o.diag, &err) < 0) fail(&err);
    if (chdir("/") < 0) {
      berth_error_errno(&err, "chdir '/'");
      fail(&err);
    }
  }
  int rc = pf_loop_run(pidfd, &err);
  if (rc < 0) pf_diag("%s", err.message);
  pf_tcp_close_all();
  pf_udp_close_all();
  for (int i = 0; i < o.count; i++) close(o.bindings[i].fd);
  return rc < 0 ? 1 : 0;
}
