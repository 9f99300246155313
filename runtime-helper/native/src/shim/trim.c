#include "shim/trim.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim/diag.h"

struct range {
  uintptr_t start, end;
};

/* A static shim has about five file mappings; an ASan build maps a few dozen libraries. */
#define MAX_DROPS 128
#define MAX_SCRATCH 4

static struct range drops[MAX_DROPS];
static size_t drop_count;
static struct range scratch[MAX_SCRATCH];
static size_t scratch_count;
static struct range stack; /* the main stack's mapping; {0, 0} when not found */
static uintptr_t page_size;
static long drop_error;  /* the first madvise error of the last trim (negative errno), 0 if none */
static bool error_told; /* a failing trim is reported once */

/* Defined by the linker around the section below. */
extern char __start_berth_idle[], __stop_berth_idle[];

/* The system calls of the idle path, made without calling into libc: libc's wrappers live in
 * text the trim drops, so calling them would fault it straight back in. */
#if defined(__x86_64__)
#define IDLE_RAW 1
static inline __attribute__((always_inline)) long raw_call6(long nr, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}
static inline __attribute__((always_inline)) uintptr_t current_sp(void) {
  uintptr_t sp;
  __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
  return sp;
}
#elif defined(__aarch64__)
#define IDLE_RAW 1
static inline __attribute__((always_inline)) long raw_call6(long nr, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  return x0;
}
static inline __attribute__((always_inline)) uintptr_t current_sp(void) {
  uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}
#else
#define IDLE_RAW 0 /* libc's wrappers: correct, only less of the text stays dropped */
#endif

static inline __attribute__((always_inline)) long idle_madvise(uintptr_t start, uintptr_t end) {
#if IDLE_RAW
  return raw_call6(SYS_madvise, (long)start, (long)(end - start), MADV_DONTNEED, 0, 0, 0);
#else
  return madvise((void *)start, end - start, MADV_DONTNEED) < 0 ? -errno : 0;
#endif
}

/* The trim and the wait. Everything it touches stays mapped: its own section (never dropped),
 * the tables above (anonymous memory) and the current stack frame. */
__attribute__((section("berth_idle"), noinline)) static long idle_trim_and_wait(int epfd, struct epoll_event *events, int max) {
  drop_error = 0;
  for (size_t i = 0; i < drop_count + scratch_count; i++) {
    const struct range *r = i < drop_count ? &drops[i] : &scratch[i - drop_count];
    long rc = idle_madvise(r->start, r->end);
    if (rc < 0 && drop_error == 0) drop_error = rc;
  }
#if IDLE_RAW
  /* The stack below this frame is dead; the page under the one holding the stack pointer stays
   * as a margin (the red zone). Checked to lie inside the stack mapping. */
  uintptr_t below = (current_sp() & ~(page_size - 1)) - page_size;
  if (stack.end != 0 && below > stack.start && below < stack.end) {
    long rc = idle_madvise(stack.start, below);
    if (rc < 0 && drop_error == 0) drop_error = rc;
  }
  return raw_call6(SYS_epoll_pwait, epfd, (long)events, max, -1, 0, 8);
#else
  int n = epoll_wait(epfd, events, max, -1);
  return n < 0 ? -errno : n;
#endif
}

static void add_drop(uintptr_t start, uintptr_t end) {
  if (start < end && drop_count < MAX_DROPS) drops[drop_count++] = (struct range){start, end};
}

/* A file mapping without private pages, minus the idle section's pages. */
static void add_file_mapping(uintptr_t start, uintptr_t end) {
  uintptr_t keep_lo = (uintptr_t)__start_berth_idle & ~(page_size - 1);
  uintptr_t keep_hi = ((uintptr_t)__stop_berth_idle + page_size - 1) & ~(page_size - 1);
  if (keep_hi <= start || keep_lo >= end) {
    add_drop(start, end);
    return;
  }
  add_drop(start, keep_lo > start ? keep_lo : start);
  add_drop(keep_hi < end ? keep_hi : end, end);
}

/* One line of /proc/self/smaps: a mapping's header ("START-END PERMS OFFSET DEV INODE PATH") or
 * one of its fields ("Name:   value kB"; field names start with a capital, addresses do not). */
static void smaps_line(const char *line, struct range *candidate) {
  if (line[0] >= 'A' && line[0] <= 'Z') {
    /* Private pages (a relocated GOT in RELRO, a debugger's breakpoint) would be lost: only
     * mappings without any are dropped. */
    unsigned long kb;
    if (candidate->end != 0 && sscanf(line, "Anonymous: %lu kB", &kb) == 1) {
      if (kb == 0) add_file_mapping(candidate->start, candidate->end);
      *candidate = (struct range){0, 0};
    }
    return;
  }
  uintptr_t start, end;
  char perms[5];
  int path_at = 0;
  *candidate = (struct range){0, 0};
  if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3 || path_at == 0) return;
  const char *path = line + path_at;
  if (strcmp(path, "[stack]") == 0) stack = (struct range){start, end};
  else if (path[0] == '/' && (strcmp(perms, "r-xp") == 0 || strcmp(perms, "r--p") == 0)) *candidate = (struct range){start, end};
}

/* Reads the mappings afresh on every trim (a few dozen lines, once per idle period). */
static void collect_drops(void) {
  drop_count = 0;
  stack = (struct range){0, 0};
  if (page_size == 0) page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
  int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (!error_told) shim_diag("trim: open '/proc/self/smaps': %s", strerror(errno));
    error_told = true;
    return;
  }
  /* On the stack, which the trim drops right after. */
  char chunk[4096], line[512];
  size_t line_len = 0;
  struct range candidate = {0, 0};
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (!error_told) shim_diag("trim: read '/proc/self/smaps': %s", strerror(errno));
      error_told = true;
      drop_count = 0; /* a mapping's header may be cut off from its Anonymous line */
      break;
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; i++) {
      if (chunk[i] != '\n') {
        if (line_len < sizeof line - 1) line[line_len++] = chunk[i]; /* a long path is cut: only its start matters */
        continue;
      }
      line[line_len] = '\0';
      smaps_line(line, &candidate);
      line_len = 0;
    }
  }
  close(fd);
}

void shim_idle_scratch(void *buf, size_t len) {
  if (page_size == 0) page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = ((uintptr_t)buf + page_size - 1) & ~(page_size - 1);
  uintptr_t end = ((uintptr_t)buf + len) & ~(page_size - 1);
  if (start < end && scratch_count < MAX_SCRATCH) scratch[scratch_count++] = (struct range){start, end};
}

int shim_idle_wait(int epfd, struct epoll_event *events, int max) {
  collect_drops();
  long n = idle_trim_and_wait(epfd, events, max);
  if (drop_error < 0 && !error_told) {
    shim_diag("trim: madvise: %s", strerror((int)-drop_error));
    error_told = true;
  }
  if (n < 0) {
    errno = (int)-n;
    return -1;
  }
  return (int)n;
}
