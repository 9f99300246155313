/* berth-spawner: starts short-lived programs (berth-shim, the OCI runtime's verbs, mount) for
 * berthd and reports each one's exit status and output, like Node's execFile.
 *
 * Why it exists: Node's child_process forks the whole daemon (libuv uses fork, not vfork or
 * posix_spawn), so every spawn copies the page tables of a ~100 MB process and then takes a
 * copy-on-write fault on each page the daemon touches next: 3-10 ms per spawn here against
 * ~0.4 ms from this small process with posix_spawn (vfork semantics). A container's start and
 * each `docker exec` spawn at least one program on their critical path.
 *
 * It runs as long as berthd holds its stdin open; at EOF it exits (programs still running are
 * left to finish on their own). Wire format: protocol.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.h"
#include "spawner/protocol.h"

extern char **environ;

struct output {
  int fd; /* -1 once at EOF */
  char *data;
  size_t len, cap;
  bool truncated;
};

struct child {
  struct child *next;
  uint32_t id;
  pid_t pid;
  bool exited;
  int status;
  struct output out, err;
};

static struct child *children;

static void die(const berth_error_t *err) {
  fprintf(stderr, "berth-spawner: %s\n", err->message);
  exit(1);
}

static int write_all(int fd, const void *buf, size_t len, berth_error_t *err) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return berth_error_errno(err, "write a reply to berthd");
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static void put_u32(char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (char)((v >> (8 * i)) & 0xff);
}

static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One reply frame: header, then up to two length-prefixed byte strings. */
static void reply(uint32_t id, uint8_t kind, int32_t value, const struct output *a, const struct output *b) {
  berth_error_t err = {0};
  char head[4 + 4 + 1 + 4];
  size_t body = 4 + 1 + 4 + (a ? 4 + a->len : 0) + (b ? 4 + b->len : 0);
  put_u32(head, (uint32_t)body);
  put_u32(head + 4, id);
  head[8] = (char)kind;
  put_u32(head + 9, (uint32_t)value);
  if (write_all(STDOUT_FILENO, head, sizeof head, &err) < 0) die(&err);
  const struct output *parts[] = {a, b};
  for (int i = 0; i < 2; i++) {
    if (!parts[i]) continue;
    char len[4];
    put_u32(len, (uint32_t)parts[i]->len);
    if (write_all(STDOUT_FILENO, len, 4, &err) < 0 || write_all(STDOUT_FILENO, parts[i]->data, parts[i]->len, &err) < 0)
      die(&err);
  }
}

static void finish_if_done(struct child **link) {
  struct child *c = *link;
  if (!c->exited || c->out.fd >= 0 || c->err.fd >= 0) return;
  uint8_t kind = REPLY_EXITED | ((c->out.truncated || c->err.truncated) ? REPLY_FLAG_TRUNCATED : 0);
  reply(c->id, kind, c->status, &c->out, &c->err);
  *link = c->next;
  free(c->out.data);
  free(c->err.data);
  free(c);
}

/* Reads what a child's pipe holds; at EOF closes it. */
static void drain(struct output *o) {
  for (;;) {
    if (o->cap - o->len < 65536 && o->cap < SPAWN_OUTPUT_CAP) {
      size_t cap = o->cap ? o->cap * 2 : 65536;
      char *grown = realloc(o->data, cap);
      if (grown) {
        o->data = grown;
        o->cap = cap;
      }
    }
    char sink[65536];
    bool keep = o->cap > o->len;
    char *dst = keep ? o->data + o->len : sink;
    size_t room = keep ? o->cap - o->len : sizeof sink;
    ssize_t n = read(o->fd, dst, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) { /* EOF, or an error we can only treat as the end */
      close(o->fd);
      o->fd = -1;
      return;
    }
    if (keep) o->len += (size_t)n;
    else o->truncated = true;
  }
}

static void reap(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (struct child *c = children; c; c = c->next)
      if (c->pid == pid) {
        c->exited = true;
        c->status = status;
      }
  }
}

struct request {
  const unsigned char *p, *end;
};

static bool take_u32(struct request *r, uint32_t *v) {
  if (r->end - r->p < 4) return false;
  *v = get_u32(r->p);
  r->p += 4;
  return true;
}

/* A length-prefixed string, copied NUL-terminated into *out (malloc'ed). */
static bool take_string(struct request *r, char **out) {
  uint32_t len;
  if (!take_u32(r, &len) || (uint32_t)(r->end - r->p) < len) return false;
  if (memchr(r->p, '\0', len)) return false;
  *out = strndup((const char *)r->p, len);
  r->p += len;
  return *out != NULL;
}

static int spawn_child(uint32_t id, const char *cwd, char **argv, pid_t *pid, int fds[2]) {
  int out[2] = {-1, -1}, err[2] = {-1, -1};
  int rc;
  if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
    rc = errno;
    goto fail;
  }
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGCHLD);
  sigaddset(&defaults, SIGPIPE);
  if ((rc = posix_spawn_file_actions_init(&fa)) != 0) goto fail;
  if ((rc = posix_spawnattr_init(&attr)) != 0) {
    posix_spawn_file_actions_destroy(&fa);
    goto fail;
  }
  /* the program gets our signals' defaults and an empty mask, not the spawner's blocked SIGCHLD */
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
  if (cwd) posix_spawn_file_actions_addchdir_np(&fa, cwd);
  rc = strchr(argv[0], '/') ? posix_spawn(pid, argv[0], &fa, &attr, argv, environ)
                            : posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) goto fail;
  close(out[1]);
  close(err[1]);
  fds[0] = out[0];
  fds[1] = err[0];
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  (void)id;
  return 0;
fail:
  for (int i = 0; i < 2; i++) {
    if (out[i] >= 0) close(out[i]);
    if (err[i] >= 0) close(err[i]);
  }
  return rc;
}

static void handle_run(uint32_t id, struct request *r) {
  char *cwd = NULL;
  char **argv = NULL;
  uint32_t argc = 0;
  int rc = EINVAL;
  if (!take_string(r, &cwd) || !take_u32(r, &argc) || argc == 0 || argc > SPAWN_MAX_ARGS) goto out;
  argv = calloc(argc + 1, sizeof *argv);
  if (!argv) {
    rc = ENOMEM;
    goto out;
  }
  for (uint32_t i = 0; i < argc; i++)
    if (!take_string(r, &argv[i])) goto out;
  struct child *c = calloc(1, sizeof *c);
  if (!c) {
    rc = ENOMEM;
    goto out;
  }
  int fds[2] = {-1, -1};
  rc = spawn_child(id, cwd[0] ? cwd : NULL, argv, &c->pid, fds);
  if (rc != 0) {
    free(c);
    goto out;
  }
  c->id = id;
  c->out.fd = fds[0];
  c->err.fd = fds[1];
  c->next = children;
  children = c;
out:
  if (rc != 0) reply(id, REPLY_FAILED, rc, NULL, NULL);
  if (argv)
    for (uint32_t i = 0; i < argc; i++) free(argv[i]);
  free(argv);
  free(cwd);
}

static void handle_signal(uint32_t id, struct request *r) {
  uint32_t sig;
  if (!take_u32(r, &sig)) return;
  for (struct child *c = children; c; c = c->next)
    if (c->id == id && !c->exited) kill(c->pid, (int)sig);
}

static void handle_request(const unsigned char *body, size_t len) {
  struct request r = {body, body + len};
  uint32_t id;
  if (!take_u32(&r, &id) || r.p >= r.end) return;
  uint8_t op = *r.p++;
  if (op == SPAWN_RUN) handle_run(id, &r);
  else if (op == SPAWN_SIGNAL) handle_signal(id, &r);
}

/* Buffered requests from berthd; returns false at EOF. */
static bool read_requests(unsigned char **buf, size_t *len, size_t *cap) {
  if (*cap - *len < 65536) {
    size_t ncap = *cap ? *cap * 2 : 65536;
    if (ncap > SPAWN_MAX_REQUEST * 2) ncap = SPAWN_MAX_REQUEST * 2;
    unsigned char *grown = realloc(*buf, ncap);
    if (!grown) {
      berth_error_t err;
      berth_error_set(&err, ENOMEM, "request buffer");
      die(&err);
    }
    *buf = grown;
    *cap = ncap;
  }
  ssize_t n = read(STDIN_FILENO, *buf + *len, *cap - *len);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  *len += (size_t)n;
  size_t at = 0;
  while (*len - at >= 4) {
    uint32_t body = get_u32(*buf + at);
    if (body > SPAWN_MAX_REQUEST) {
      berth_error_t err;
      berth_error_set(&err, 0, "request of %u bytes is over the %u limit", body, SPAWN_MAX_REQUEST);
      die(&err);
    }
    if (*len - at - 4 < body) break;
    handle_request(*buf + at + 4, body);
    at += 4 + body;
  }
  memmove(*buf, *buf + at, *len - at);
  *len -= at;
  return true;
}

int main(void) {
  berth_error_t err = {0};
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0) {
    berth_error_errno(&err, "block SIGCHLD");
    die(&err);
  }
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
    berth_error_errno(&err, "ignore SIGPIPE");
    die(&err);
  }
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    berth_error_errno(&err, "signalfd for SIGCHLD");
    die(&err);
  }
  unsigned char *buf = NULL;
  size_t len = 0, cap = 0;
  struct pollfd *pfds = NULL;
  size_t pcap = 0;
  for (;;) {
    size_t n = 2;
    for (struct child *c = children; c; c = c->next) n += 2;
    if (n > pcap) {
      struct pollfd *grown = realloc(pfds, n * sizeof *pfds);
      if (!grown) {
        berth_error_set(&err, ENOMEM, "poll set of %zu descriptors", n);
        die(&err);
      }
      pfds = grown;
      pcap = n;
    }
    pfds[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    pfds[1] = (struct pollfd){.fd = sfd, .events = POLLIN};
    size_t i = 2;
    for (struct child *c = children; c; c = c->next) {
      pfds[i++] = (struct pollfd){.fd = c->out.fd, .events = POLLIN};
      pfds[i++] = (struct pollfd){.fd = c->err.fd, .events = POLLIN};
    }
    if (poll(pfds, n, -1) < 0) {
      if (errno == EINTR) continue;
      berth_error_errno(&err, "poll");
      die(&err);
    }
    if (pfds[1].revents) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
      }
      reap();
    }
    /* the children first: a reply must not wait behind requests read in this round */
    for (struct child *c = children; c; c = c->next) {
      if (c->out.fd >= 0) drain(&c->out);
      if (c->err.fd >= 0) drain(&c->err);
    }
    reap();
    for (struct child **link = &children; *link;) {
      struct child *c = *link;
      finish_if_done(link);
      if (*link == c) link = &c->next;
    }
    if (pfds[0].revents && !read_requests(&buf, &len, &cap)) break;
  }
  /* berthd is gone: programs still running finish on their own, unwatched */
  while (children) {
    struct child *c = children;
    children = c->next;
    if (c->out.fd >= 0) close(c->out.fd);
    if (c->err.fd >= 0) close(c->err.fd);
    free(c->out.data);
    free(c->err.data);
    free(c);
  }
  free(buf);
  free(pfds);
  close(sfd);
  return 0;
}
