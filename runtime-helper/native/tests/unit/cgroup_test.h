/* Tiny TAP helpers and fake-cgroupfs builders for the cgroup unit tests. Each test program
 * prints "ok N - what" / "not ok N - what" lines and exits 1 if any check failed. */
#ifndef BERTH_TESTS_CGROUP_TEST_H
#define BERTH_TESTS_CGROUP_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup.h"

#include "tap.h"

/* Checks that a call returned 0, printing the error object when it did not. */
#define OK_CALL(call, err, ...)                                        \
  do {                                                                 \
    (err)->message[0] = '\0';                                          \
    int ok_call_rc_ = (call);                                          \
    if (!tap_ok(ok_call_rc_ == 0, __VA_ARGS__))                        \
      printf("#   %s -> %d: %s\n", #call, ok_call_rc_, (err)->message); \
  } while (0)


static inline void put_file(const char *root, const char *rel, const char *content) {
  char path[2 * PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "fixture: open %s: %s\n", path, strerror(errno));
    exit(2);
  }
  fputs(content, f);
  fclose(f);
}

static inline void put_dir(const char *root, const char *rel) {
  char path[2 * PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  if (mkdir(path, 0755) < 0 && errno != EEXIST) {
    fprintf(stderr, "fixture: mkdir %s: %s\n", path, strerror(errno));
    exit(2);
  }
}

/* The file's content, or "<missing>" (static buffer: compare before the next call). */
static inline const char *file_text(const char *root, const char *rel) {
  static char buf[8192];
  char path[2 * PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  FILE *f = fopen(path, "r");
  if (f == NULL) return "<missing>";
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static inline bool path_exists(const char *root, const char *rel) {
  char path[2 * PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  return access(path, F_OK) == 0;
}

/* Asserts a file holds exactly the expected text. */
static inline void expect_file(const char *root, const char *rel, const char *want) {
  const char *got = file_text(root, rel);
  if (!tap_ok(strcmp(got, want) == 0, "%s = '%s'", rel, want)) printf("#   got '%s'\n", got);
}

static inline char *make_tree(void) {
  static char templ[64];
  snprintf(templ, sizeof templ, "/tmp/berth-cgtest-XXXXXX");
  if (mkdtemp(templ) == NULL) {
    perror("mkdtemp");
    exit(2);
  }
  return templ;
}

static inline int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

static inline void remove_tree(const char *root) { nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

static inline json_t *parse_json(const char *text) {
  json_error_t jerr;
  json_t *j = json_loads(text, 0, &jerr);
  if (j == NULL) {
    fprintf(stderr, "bad test JSON: %s\n", jerr.text);
    exit(2);
  }
  return j;
}

/* Applies a resources JSON given as text. */
static inline int apply_text(const struct cgroup_fs *fs, const char *path, const char *text, berth_error_t *err) {
  json_t *j = parse_json(text);
  int rc = cgroup_apply_resources(fs, path, j, err);
  json_decref(j);
  return rc;
}

#endif
