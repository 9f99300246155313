#include "runtime/seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileutil.h"

/* A file is: the key (NUL-terminated) then the program. The key names the format, libseccomp's
 * version, the native architecture and the profile as canonical JSON, so a different library,
 * machine or profile never matches. */
static char *cache_key(json_t *config) {
  char *json = json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS);
  if (json == NULL) return NULL;
  const struct scmp_version *v = seccomp_version();
  char *key = NULL;
  /* the native architecture too: libseccomp adds it to every filter */
  if (asprintf(&key, "berth-seccomp 2 libseccomp %u.%u.%u arch %u %s", v->major, v->minor, v->micro,
               seccomp_arch_native(), json) < 0)
    key = NULL;
  free(json);
  return key;
}

static uint64_t fnv1a(const char *s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  return h;
}

/* 1 and *out on a hit, 0 on a miss (or anything unreadable). */
static int lookup(const char *path, const char *key, struct seccomp_prog *out) {
  char *data = NULL;
  size_t len;
  berth_error_t ignored;
  if (berth_read_file(path, 1 << 22, &data, &len, &ignored) < 0) return 0;
  size_t klen = strlen(key) + 1;
  int hit = 0;
  if (len > klen && memcmp(data, key, klen) == 0) {
    size_t size = len - klen;
    if (size % sizeof(struct sock_filter) == 0 && size / sizeof(struct sock_filter) <= BPF_MAXINSNS &&
        (out->insns = malloc(size)) != NULL) {
      memcpy(out->insns, data + klen, size);
      out->len = (unsigned short)(size / sizeof(struct sock_filter));
      hit = 1;
    }
  }
  free(data);
  return hit;
}

/* Best effort: a cache that cannot be written only costs the next compile. */
static void store(const char *root, const char *path, const char *key, const struct seccomp_prog *p) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/" SECCOMP_CACHE_DIR, root);
  /* the first create makes the state root itself a little later */
  if (mkdir(root, 0700) < 0 && errno != EEXIST) return;
  if (mkdir(dir, 0700) < 0 && errno != EEXIST) return;
  size_t klen = strlen(key) + 1, size = p->len * sizeof *p->insns;
  char *data = malloc(klen + size);
  if (data == NULL) return;
  memcpy(data, key, klen);
  memcpy(data + klen, p->insns, size);
  /* a name of our own: two creates may store the same profile at once, and readers must only
   * ever see a whole file (the rename) */
  char tmp[PATH_MAX + 32];
  snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
  berth_error_t ignored;
  if (berth_write_file_at(AT_FDCWD, tmp, data, klen + size, 0600, &ignored) < 0 || rename(tmp, path) < 0) unlink(tmp);
  free(data);
}

int seccomp_compile_cached(json_t *config, const char *root, struct seccomp_prog *out, berth_error_t *err) {
  *out = (struct seccomp_prog){0};
  if (!json_is_object(config)) return 0;
  cleanup_free char *key = cache_key(config);
  if (key == NULL) return seccomp_compile(config, out, err);
  char path[PATH_MAX];
  if ((size_t)snprintf(path, sizeof path, "%s/" SECCOMP_CACHE_DIR "/%016llx.bpf", root,
                       (unsigned long long)fnv1a(key)) >= sizeof path)
    return seccomp_compile(config, out, err);
  if (lookup(path, key, out)) return 0;
  if (seccomp_compile(config, out, err) < 0) return -1;
  if (out->len) store(root, path, key, out);
  return 0;
}
