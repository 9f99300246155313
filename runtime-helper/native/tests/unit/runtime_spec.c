/* berth-runtime's config parsing without root: mount options, config.json validation (the
 * bad-input cases fail with a message naming the object), seccomp profiles, uint64 values. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/jsonload.h"
#include "runtime/seccomp.h"
#include "runtime/seccomp_cache.h"
#include "runtime/spec.h"

#include "tap.h"
#define ok tap_ok

static void test_mount_options(void) {
  struct mount_spec m = {.destination = "/x"};
  berth_error_t err = {0};
  json_t *o = json_pack("[s,s,s,s,s,s,s]", "rbind", "ro", "nosuid", "rprivate", "relatime", "size=1m", "mode=755");
  ok(spec_parse_mount_options(o, &m, &err) == 0, "options parse");
  ok(m.bind && m.recursive, "rbind is a recursive bind");
  ok((m.flags & MS_RDONLY) && (m.flags & MS_NOSUID), "ro and nosuid become MS_ flags");
  ok(m.propagation == (MS_PRIVATE | MS_REC), "rprivate is the propagation");
  ok((m.attr_set & MOUNT_ATTR_RDONLY) && (m.attr_set & MOUNT_ATTR_NOSUID), "and mount_setattr attributes for binds");
  ok((m.attr_clr & MOUNT_ATTR__ATIME) && (m.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_RELATIME, "relatime sets the atime field");
  ok(m.data && strcmp(m.data, "size=1m,mode=755") == 0, "the rest is filesystem data (%s)", m.data ? m.data : "null");
  free(m.data);
  json_decref(o);
  struct mount_spec rw = {.destination = "/y"};
  o = json_pack("[s,s]", "ro", "rw");
  spec_parse_mount_options(o, &rw, &err);
  ok(!(rw.flags & MS_RDONLY) && (rw.attr_clr & MOUNT_ATTR_RDONLY) && !(rw.attr_set & MOUNT_ATTR_RDONLY), "a later rw undoes ro");
  json_decref(o);
  struct mount_spec bind = {.destination = "/z"};
  o = json_pack("[s,s,s,s,s]", "rbind", "rw", "suid", "dev", "exec");
  spec_parse_mount_options(o, &bind, &err);
  spec_bind_keeps_source_flags(&bind);
  ok(!(bind.attr_clr & (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)),
     "a bind's rw, suid, dev and exec never clear the source mount's ro, nosuid, nodev, noexec");
  json_decref(o);
}

static char bundle[PATH_MAX];

static void write_config(const char *text) {
  char p[PATH_MAX + 16];
  snprintf(p, sizeof p, "%s/config.json", bundle);
  FILE *f = fopen(p, "w");
  fputs(text, f);
  fclose(f);
}

#define BASE_PROCESS "\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\"}"

static void expect_error(const char *config, const char *needle, const char *what) {
  struct container_spec s;
  berth_error_t err = {0};
  write_config(config);
  int r = spec_load(bundle, &s, &err);
  ok(r < 0 && strstr(err.message, needle) != NULL, "%s: %s", what, err.message);
  spec_free(&s);
}

static void test_spec_load(void) {
  snprintf(bundle, sizeof bundle, "/tmp/berth-unit-bundle-XXXXXX");
  if (!mkdtemp(bundle)) exit(2);
  char rootfs[PATH_MAX + 16];
  snprintf(rootfs, sizeof rootfs, "%s/rootfs", bundle);
  mkdir(rootfs, 0755);
  struct container_spec s;
  berth_error_t err = {0};
  ok(spec_load(bundle, &s, &err) < 0 && strstr(err.message, "open config") && err.errno_value == ENOENT,
     "a missing config.json: %s", err.message);
  spec_free(&s);
  expect_error("{\"root\":{\"path\":\"rootfs\"}, ", "parse config", "malformed JSON");
  expect_error("{\"root\":{\"path\":\"nope\"}," BASE_PROCESS "}", "open rootfs", "a rootfs that does not exist");
  expect_error("{\"root\":{\"path\":\"rootfs\"}," BASE_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"bogus\"}]}}",
               "namespace type 'bogus': unknown", "an unknown namespace type");
  expect_error("{\"root\":{\"path\":\"rootfs\"}," BASE_PROCESS ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}",
               "uidMappings", "a new user namespace without maps");
  expect_error("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[],\"cwd\":\"/\"}}", "process.args is empty", "empty args");
  expect_error("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"x\"],\"cwd\":\"rel\"}}", "not absolute", "a relative cwd");
  expect_error("{\"root\":{\"path\":\"rootfs\"}," BASE_PROCESS ",\"mounts\":[{\"destination\":\"rel\",\"type\":\"tmpfs\"}]}",
               "destination is missing or not absolute", "a relative mount destination");
  expect_error("{\"root\":{\"path\":\"rootfs\"},\"hostname\":\"h\"," BASE_PROCESS "}", "require a UTS namespace",
               "a hostname without a UTS namespace (it would rename the host)");
  write_config("{\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"h\"," BASE_PROCESS
               ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"uts\"},{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}],"
               "\"cgroupsPath\":\"/a/b\",\"rootfsPropagation\":\"rslave\"}}");
  ok(spec_load(bundle, &s, &err) == 0, "a good config loads");
  ok(s.root_readonly && strcmp(s.hostname, "h") == 0 && s.n_ns == 3 && strcmp(s.cgroups_path, "/a/b") == 0 &&
         s.rootfs_propagation == (MS_SLAVE | MS_REC),
     "its fields are read");
  ok(spec_find_ns(&s, CLONE_NEWNET) && strcmp(spec_find_ns(&s, CLONE_NEWNET)->path, "/proc/1/ns/net") == 0,
     "a namespace path is kept");
  ok(strcmp(s.rootfs + strlen(s.rootfs) - 7, "/rootfs") == 0 && s.rootfs[0] == '/', "root.path is made absolute (%s)", s.rootfs);
  spec_free(&s);
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", bundle);
  if (system(cmd) != 0) fprintf(stderr, "# could not remove %s\n", bundle);
}

static void test_seccomp(void) {
  berth_error_t err = {0};
  struct seccomp_prog f = {0};
  json_t *profile = json_loads(
      "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
      "\"syscalls\":[{\"names\":[\"read\",\"write\",\"no_such_syscall_here\"],\"action\":\"SCMP_ACT_ALLOW\"},"
      "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
      "{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]},"
      "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
      "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}",
      0, NULL);
  ok(seccomp_compile(profile, &f, &err) == 0 && f.len > 0 && f.insns != NULL,
     "a docker-like profile compiles; unknown names are skipped (%s)", err.message);

  /* the saved program reads back identical; a missing file says so; a torn one is refused */
  char dir[] = "/tmp/berth-unit-seccomp-XXXXXX";
  if (mkdtemp(dir) == NULL) exit(2);
  int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct seccomp_prog back = {0};
  ok(seccomp_save(dirfd, SECCOMP_FILE, &f, &err) == 0, "the program is saved (%s)", err.message);
  ok(seccomp_load_saved(dirfd, SECCOMP_FILE, &back, &err) == 1 && back.len == f.len &&
         memcmp(back.insns, f.insns, f.len * sizeof *f.insns) == 0,
     "the saved program reads back the same (%u instructions)", (unsigned)f.len);
  seccomp_prog_free(&back);
  ok(seccomp_save(dirfd, SECCOMP_FILE, &f, &err) < 0 && err.errno_value == EEXIST, "an existing file is not overwritten");
  ok(seccomp_load_saved(dirfd, "missing.bpf", &back, &err) == 0 && back.len == 0, "a missing program is reported as such");
  int torn = openat(dirfd, "torn.bpf", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (torn < 0 || write(torn, f.insns, 12) != 12) exit(2);
  close(torn);
  ok(seccomp_load_saved(dirfd, "torn.bpf", &back, &err) < 0 && strstr(err.message, "not a BPF program"),
     "a size that is not whole instructions is refused: %s", err.message);
  struct seccomp_prog none = {0};
  ok(seccomp_save(dirfd, "none.bpf", &none, &err) == 0 && seccomp_load_saved(dirfd, "none.bpf", &back, &err) == 1 &&
         back.len == 0 && seccomp_install(&back, &err) == 0,
     "no filter saves as an empty file, which installs nothing");
  /* the cache: a miss stores, a hit gives the same program, a file whose key differs is ignored */
  struct seccomp_prog cached = {0};
  err = (berth_error_t){0};
  ok(seccomp_compile_cached(profile, dir, &cached, &err) == 0 && cached.len == f.len &&
         memcmp(cached.insns, f.insns, f.len * sizeof *f.insns) == 0,
     "a cache miss compiles the same program (%s)", err.message);
  seccomp_prog_free(&cached);
  int cdir = openat(dirfd, SECCOMP_CACHE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = cdir >= 0 ? fdopendir(cdir) : NULL;
  char entry[300] = "";
  for (struct dirent *e; d && (e = readdir(d)) != NULL;)
    if (e->d_name[0] != '.') snprintf(entry, sizeof entry, "%s", e->d_name);
  if (d) closedir(d);
  ok(strstr(entry, ".bpf") != NULL, "the miss stored one file (%s)", entry);
  ok(seccomp_compile_cached(profile, dir, &cached, &err) == 0 && cached.len == f.len &&
         memcmp(cached.insns, f.insns, f.len * sizeof *f.insns) == 0,
     "a cache hit gives the same program");
  seccomp_prog_free(&cached);
  char stale[PATH_MAX];
  snprintf(stale, sizeof stale, "%s/" SECCOMP_CACHE_DIR "/%s", dir, entry);
  static const char other[] = "berth-seccomp 1 another key\0\0\0\0\0\0\0\0\0";
  int sfd = open(stale, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (sfd < 0 || write(sfd, other, sizeof other - 1) != (ssize_t)(sizeof other - 1)) exit(2);
  close(sfd);
  ok(seccomp_compile_cached(profile, dir, &cached, &err) == 0 && cached.len == f.len &&
         memcmp(cached.insns, f.insns, f.len * sizeof *f.insns) == 0,
     "a cached file for another profile (same name) is not used");
  seccomp_prog_free(&cached);
  json_decref(profile);
  close(dirfd);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "# could not remove %s\n", dir);
  seccomp_prog_free(&f);

  profile = json_loads("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", 0, NULL);
  ok(seccomp_compile(profile, &f, &err) < 0 && strstr(err.message, "SCMP_ACT_NOPE"), "an unknown action is named: %s", err.message);
  json_decref(profile);
  profile = json_loads("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\"}", 0, NULL);
  ok(seccomp_compile(profile, &f, &err) < 0 && strstr(err.message, "listenerPath"), "a notify listener is refused");
  json_decref(profile);
  ok(seccomp_compile(NULL, &f, &err) == 0 && f.len == 0 && f.insns == NULL, "no profile, no filter");
}

static void test_uint64(void) {
  char path[] = "/tmp/berth-unit-json-XXXXXX";
  int fd = mkstemp(path);
  const char *text = "{\"a\":18446744073709551615,\"b\":9223372036854775807,\"c\":\"18446744073709551615\",\"d\":-5,\"e\":1.5e300}";
  if (write(fd, text, strlen(text)) < 0) exit(2);
  close(fd);
  json_error_t jerr;
  json_t *j = json_load_oci(path, &jerr);
  unlink(path);
  ok(j != NULL, "uint64 literals load (%s)", j ? "" : jerr.text);
  ok((uint64_t)json_integer_value(json_object_get(j, "a")) == UINT64_MAX, "2^64-1 keeps its bits");
  ok(json_integer_value(json_object_get(j, "b")) == INT64_MAX, "INT64_MAX stays");
  ok(strcmp(json_string_value(json_object_get(j, "c")), "18446744073709551615") == 0, "strings are untouched");
  ok(json_integer_value(json_object_get(j, "d")) == -5 && json_is_real(json_object_get(j, "e")), "negatives and reals are untouched");
  json_decref(j);
}

int main(void) {
  test_mount_options();
  test_spec_load();
  test_seccomp();
  test_uint64();
  return tap_done();
}
