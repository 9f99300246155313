/* berth-fsops untar ROOT [--allow-devices] [--allow-setuid] [--gzip] [--blob PATH [--blob-digest D]]
 *
 * Unpacks one image layer tar (on stdin; with --gzip, gzip-compressed and inflated here, by
 * ISA-L or zlib (gunzip.c), so berthd passes the compressed bytes on instead of three times as
 * many) into ROOT, which must be empty. It
 * chroots into ROOT first, so no path can resolve outside it whatever the layer holds; on top of
 * that it refuses what a safe unpacker refuses (ENGINE-NOTES): names with ".." or absolute,
 * parents that are symlinks or not directories (each parent is lstat'ed once and remembered),
 * hard links to directories, outside the layer or to missing targets; every file is created with
 * O_CREAT|O_EXCL|O_NOFOLLOW (what was there is removed first), and directory modes and times are
 * set at the end through O_NOFOLLOW descriptors. Whiteouts (.wh.NAME) become overlay's 0:0
 * character devices and .wh..wh..opq the trusted.overlay.opaque xattr.
 *
 * One process per layer, fed by berthd as the tar arrives: parsing and file creation happen
 * here, off berthd's event loop and garbage collector. No per-file fsync: one syncfs(2) at the
 * end, before berthd marks the layer present; half-unpacked layer dirs are discarded at berthd's
 * startup. With --blob, the input bytes as received (the compressed blob) are also kept in PATH
 * and hashed here (see struct blob_copy), and synced with the layer.
 *
 * It also hashes every byte it reads (OpenSSL's SHA-256; this child reads the whole uncompressed
 * stream anyway, and on its own core): berthd compares the answer with the image config's
 * diffID before the layer is adopted, instead of hashing 180 MB again on its event loop.
 *
 * Output on success (exit 0), one line each: "diffid sha256:HEX" (of the whole input),
 * "blob sha256:HEX" (with --blob: of the bytes as received), "size N" (bytes of file content), "whiteout HEX",
 * "opaque HEX" (paths relative to ROOT, hex-encoded). On failure (exit 1) one line on stderr:
 * "layer: MESSAGE" for a bad or refused layer, "blob: sha256:HEX" for input that is not the
 * --blob-digest blob, "system: MESSAGE" for anything else. */
#include "untar.h"
#include "tar-reader.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include <openssl/evp.h>

enum { READ_BUFFER = 4 << 20, PIPE_SIZE = 1 << 20 };

/* ---- errors: the first one wins and is printed once by main ---- */

static char message[2 * PATH_MAX + 512];
static bool layer_fault;

static int layer_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  layer_fault = true;
  return -1;
}

static int sys_error(const char *op, const char *path, int err)
{
  snprintf(message, sizeof message, "%s '/%s': %s", op, path, strerror(err));
  layer_fault = false;
  return -1;
}

/* ---- a set of relative paths known to be real directories ---- */

struct dirset {
  char **slots;
  size_t cap, len;
};

static uint64_t hash(const char *s)
{
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ULL;
  return h;
}

static bool dirset_has(const struct dirset *set, const char *path)
{
  for (size_t i = hash(path) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
    if (!set->slots[i])
      return false;
    if (strcmp(set->slots[i], path) == 0)
      return true;
  }
}

static int dirset_add_owned(struct dirset *set, char *path);

static int dirset_grow(struct dirset *set, size_t cap)
{
  struct dirset bigger = { calloc(cap, sizeof(char *)), cap, 0 };
  if (!bigger.slots)
    return -1;
  for (size_t i = 0; i < set->cap; i++)
    if (set->slots[i])
      dirset_add_owned(&bigger, set->slots[i]);
  free(set->slots);
  *set = bigger;
  return 0;
}

static int dirset_add_owned(struct dirset *set, char *path)
{
  if ((set->len + 1) * 2 > set->cap && dirset_grow(set, set->cap * 2) < 0)
    return -1;
  size_t i = hash(path) & (set->cap - 1);
  while (set->slots[i])
    i = (i + 1) & (set->cap - 1);
  set->slots[i] = path;
  set->len++;
  return 0;
}

static int dirset_add(struct dirset *set, const char *path)
{
  if (dirset_has(set, path))
    return 0;
  char *copy = strdup(path);
  return copy ? dirset_add_owned(set, copy) : -1;
}

/* Forgets `path` and everything under it (a directory that was removed). */
static int dirset_forget_tree(struct dirset *set, const char *path)
{
  size_t n = strlen(path);
  struct dirset kept = { calloc(set->cap, sizeof(char *)), set->cap, 0 };
  if (!kept.slots)
    return -1;
  for (size_t i = 0; i < set->cap; i++) {
    char *s = set->slots[i];
    if (!s)
      continue;
    if (strncmp(s, path, n) == 0 && (s[n] == '\0' || s[n] == '/'))
      free(s);
    else
      dirset_add_owned(&kept, s);
  }
  free(set->slots);
  *set = kept;
  return 0;
}

/* ---- state of one unpack ---- */

struct dir_meta {
  char *path;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  struct timespec mtime;
  bool made;
};

struct untar {
  bool allow_devices, allow_setuid;
  unsigned long long size;
  struct dirset known;
  struct dir_meta *dirs;
  size_t ndirs, capdirs;
};

static void print_hex_line(const char *kind, const char *path)
{
  fputs(kind, stdout);
  putchar(' ');
  for (const unsigned char *p = (const unsigned char *) path; *p; p++)
    printf("%02x", *p);
  putchar('\n');
}

/* "./usr//bin/" -> "usr/bin" in `out`; refuses absolute names and "..". */
static int normalise(const char *name, const char *what, char *out, size_t cap)
{
  if (name[0] == '/')
    return layer_error("%s \"%s\" is absolute; layer paths must be relative to the layer root", what, name);
  size_t len = 0;
  const char *p = name;
  while (*p) {
    const char *end = strchrnul(p, '/');
    size_t n = (size_t) (end - p);
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return layer_error("%s \"%s\" escapes the layer root with \"..\"", what, name);
    if (n > 0 && !(n == 1 && p[0] == '.')) {
      if (len + n + 2 > cap)
        return layer_error("%s \"%s\" is too long", what, name);
      if (len > 0)
        out[len++] = '/';
      memcpy(out + len, p, n);
      len += n;
    }
    p = *end ? end + 1 : end;
  }
  out[len] = '\0';
  return 0;
}

/* Every parent of `rel` must be a real directory inside the root; missing ones are made (0755)
 * when `create`, else the entry's target is missing (1). */
static int ensure_parents(struct untar *u, const char *rel, const char *entry, bool create)
{
  const char *slash = strrchr(rel, '/');
  if (!slash)
    return 0;
  char parent[PATH_MAX];
  size_t plen = (size_t) (slash - rel);
  memcpy(parent, rel, plen);
  parent[plen] = '\0';
  if (dirset_has(&u->known, parent))
    return 0;
  /* Walk down from the top: the known set holds a path only after its parents. */
  for (size_t i = 0; i <= plen; i++) {
    if (i < plen && parent[i] != '/')
      continue;
    char saved = parent[i];
    parent[i] = '\0';
    if (!dirset_has(&u->known, parent)) {
      struct stat st;
      if (lstat(parent, &st) < 0) {
        if (errno != ENOENT)
          return sys_error("lstat", parent, errno);
        if (!create)
          return 1;
        if (mkdir(parent, 0755) < 0)
          return sys_error("mkdir", parent, errno);
      } else if (S_ISLNK(st.st_mode)) {
        return layer_error("layer entry \"%s\": its path goes through the symlink \"%s\"; refusing to follow links while unpacking", entry, parent);
      } else if (!S_ISDIR(st.st_mode)) {
        return layer_error("layer entry \"%s\": \"%s\" is not a directory", entry, parent);
      }
      if (dirset_add(&u->known, parent) < 0)
        return sys_error("remember", parent, ENOMEM);
    }
    parent[i] = saved;
  }
  return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) ftw;
  return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

/* Clears `rel` for a new entry; a directory stays when `keep_dir`. Answers 1 if a directory was kept. */
static int clear_target(struct untar *u, const char *rel, bool keep_dir)
{
  struct stat st;
  if (lstat(rel, &st) < 0)
    return errno == ENOENT ? 0 : sys_error("lstat", rel, errno);
  if (S_ISDIR(st.st_mode)) {
    if (keep_dir)
      return 1;
    if (nftw(rel, remove_one, 64, FTW_DEPTH | FTW_PHYS) < 0)
      return sys_error("remove", rel, errno);
    if (dirset_forget_tree(&u->known, rel) < 0)
      return sys_error("forget", rel, ENOMEM);
    return 0;
  }
  return unlink(rel) < 0 ? sys_error("unlink", rel, errno) : 0;
}

static int set_xattrs(const struct tar_entry *e, const char *rel)
{
  for (size_t i = 0; i < e->nxattrs; i++) {
    /* overlay's own attributes in a layer would change what the mount shows: never from a tar. */
    if (strncmp(e->xattrs[i].name, "trusted.overlay.", 16) == 0)
      continue;
    if (lsetxattr(rel, e->xattrs[i].name, e->xattrs[i].value, e->xattrs[i].len, 0) < 0)
      return sys_error("lsetxattr", rel, errno);
  }
  return 0;
}

static bool plain(uid_t uid, gid_t gid, mode_t mode) { return uid == 0 && gid == 0 && (mode & 07000) == 0; }

static int write_file(struct tar_reader *r, const struct tar_entry *e, const char *rel, unsigned long long *size)
{
  int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  bool is_plain = plain(e->uid, e->gid, e->mode);
  int fd = open(rel, flags, is_plain ? e->mode : 0600);
  if (fd < 0)
    return sys_error("create", rel, errno);
  int rc = 0;
  for (;;) {
    const unsigned char *piece;
    ssize_t n = tar_data(r, &piece);
    if (n < 0) {
      rc = layer_error("%s", r->err);
      break;
    }
    if (n == 0)
      break;
    *size += (unsigned long long) n;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(fd, piece + off, (size_t) (n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0) {
        rc = sys_error("write", rel, errno);
        break;
      }
      off += w;
    }
    if (rc < 0)
      break;
  }
  struct timespec times[2] = { e->mtime, e->mtime };
  /* chown before chmod: chown clears setuid bits. */
  if (rc == 0 && !is_plain && fchown(fd, e->uid, e->gid) < 0)
    rc = sys_error("fchown", rel, errno);
  if (rc == 0 && !is_plain && fchmod(fd, e->mode) < 0)
    rc = sys_error("fchmod", rel, errno);
  if (rc == 0 && futimens(fd, times) < 0)
    rc = sys_error("futimens", rel, errno);
  if (close(fd) < 0 && rc == 0)
    rc = sys_error("close", rel, errno);
  return rc;
}

static int make_node(const char *rel, mode_t type, mode_t mode, dev_t dev, uid_t uid, gid_t gid)
{
  if (mknod(rel, type | mode, dev) < 0)
    return sys_error("mknod", rel, errno);
  if ((uid != 0 || gid != 0) && lchown(rel, uid, gid) < 0)
    return sys_error("lchown", rel, errno);
  return 0;
}

static int remember_dir(struct untar *u, const char *rel, const struct tar_entry *e, bool made)
{
  if (u->ndirs == u->capdirs) {
    size_t cap = u->capdirs ? u->capdirs * 2 : 256;
    struct dir_meta *d = realloc(u->dirs, cap * sizeof *d);
    if (!d)
      return sys_error("remember", rel, ENOMEM);
    u->dirs = d;
    u->capdirs = cap;
  }
  char *path = strdup(rel[0] ? rel : ".");
  if (!path)
    return sys_error("remember", rel, ENOMEM);
  u->dirs[u->ndirs++] = (struct dir_meta) { path, e->mode, e->uid, e->gid, e->mtime, made };
  return 0;
}

static int whiteout(struct untar *u, const char *rel, const char *base, const char *entry)
{
  size_t plen = (size_t) (base - rel);
  char parent[PATH_MAX];
  memcpy(parent, rel, plen ? plen - 1 : 0);
  parent[plen ? plen - 1 : 0] = '\0';
  if (strcmp(base, ".wh..wh..opq") == 0) {
    if (lsetxattr(parent[0] ? parent : ".", "trusted.overlay.opaque", "y", 1, 0) < 0)
      return sys_error("lsetxattr trusted.overlay.opaque", parent, errno);
    print_hex_line("opaque", parent);
    return 0;
  }
  const char *name = base + 4;
  if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return layer_error("layer entry \"%s\": invalid whiteout", entry);
  char target[PATH_MAX];
  if ((size_t) snprintf(target, sizeof target, "%s%s%s", parent, parent[0] ? "/" : "", name) >= sizeof target)
    return layer_error("layer entry \"%s\": path too long", entry);
  if (clear_target(u, target, false) < 0)
    return -1;
  print_hex_line("whiteout", target);
  return make_node(target, S_IFCHR, 0, makedev(0, 0), 0, 0);
}

static int hard_link(struct untar *u, const struct tar_entry *e, const char *rel)
{
  char target[PATH_MAX];
  char what[PATH_MAX + 64];
  snprintf(what, sizeof what, "layer entry \"%s\": hard link target", e->name);
  if (normalise(e->linkname, what, target, sizeof target) < 0)
    return -1;
  if (!target[0])
    return layer_error("layer entry \"%s\": hard link to the layer root", e->name);
  int missing = ensure_parents(u, target, e->name, false);
  if (missing < 0)
    return -1;
  struct stat st;
  if (missing || lstat(target, &st) < 0) {
    if (!missing && errno != ENOENT)
      return sys_error("lstat", target, errno);
    return layer_error("layer entry \"%s\": hard link target \"%s\" does not exist in this layer", e->name, e->linkname);
  }
  if (S_ISDIR(st.st_mode))
    return layer_error("layer entry \"%s\": hard link to a directory", e->name);
  if (strcmp(target, rel) == 0)
    return 0; /* a link to itself names what is there */
  size_t rlen = strlen(rel);
  if (strncmp(target, rel, rlen) == 0 && target[rlen] == '/')
    return layer_error("layer entry \"%s\": hard link target \"%s\" is inside the entry it replaces", e->name, e->linkname);
  if (clear_target(u, rel, false) < 0)
    return -1;
  /* link(2) does not follow a symlink target: the link names the same inode. */
  return link(target, rel) < 0 ? sys_error("link", rel, errno) : 0;
}

static int entry(struct untar *u, struct tar_reader *r, const struct tar_entry *e)
{
  char rel[PATH_MAX];
  char what[PATH_MAX + 32];
  snprintf(what, sizeof what, "layer entry");
  if (normalise(e->name, what, rel, sizeof rel) < 0)
    return -1;
  if (!rel[0]) /* "./": its metadata applies to the layer root */
    return e->type == '5' ? remember_dir(u, "", e, false) : 0;
  if (ensure_parents(u, rel, e->name, true) < 0)
    return -1;
  const char *slash = strrchr(rel, '/');
  const char *base = slash ? slash + 1 : rel;
  if (strncmp(base, ".wh.", 4) == 0)
    return whiteout(u, rel, base, e->name);

  struct timespec times[2] = { e->mtime, e->mtime };
  switch (e->type) {
  case '0':
  case '7':
    if ((e->mode & 06000) && !u->allow_setuid)
      return layer_error("layer entry \"%s\": setuid/setgid files are refused in an untrusted import", e->name);
    if (clear_target(u, rel, false) < 0 || write_file(r, e, rel, &u->size) < 0)
      return -1;
    return set_xattrs(e, rel);
  case '5': {
    int kept = clear_target(u, rel, true);
    if (kept < 0)
      return -1;
    /* Created writable by us; the exact mode, owner and times are set at the end. */
    if (!kept && mkdir(rel, (e->mode & 0777) | 0700) < 0)
      return sys_error("mkdir", rel, errno);
    if (dirset_add(&u->known, rel) < 0)
      return sys_error("remember", rel, ENOMEM);
    if (remember_dir(u, rel, e, !kept) < 0)
      return -1;
    return set_xattrs(e, rel);
  }
  case '2':
    /* The target is stored, never followed here: it is interpreted inside the container's root. */
    if (clear_target(u, rel, false) < 0)
      return -1;
    if (symlink(e->linkname, rel) < 0)
      return sys_error("symlink", rel, errno);
    if ((e->uid != 0 || e->gid != 0) && lchown(rel, e->uid, e->gid) < 0)
      return sys_error("lchown", rel, errno);
    if (utimensat(AT_FDCWD, rel, times, AT_SYMLINK_NOFOLLOW) < 0)
      return sys_error("utimensat", rel, errno);
    return set_xattrs(e, rel);
  case '1':
    return hard_link(u, e, rel) < 0 ? -1 : set_xattrs(e, rel);
  case '3':
  case '4':
    if (!u->allow_devices)
      return layer_error("layer entry \"%s\": device nodes are refused in an untrusted import", e->name);
    if (clear_target(u, rel, false) < 0)
      return -1;
    if (make_node(rel, e->type == '3' ? S_IFCHR : S_IFBLK, e->mode, makedev(e->devmajor, e->devminor), e->uid, e->gid) < 0)
      return -1;
    /* The tar's time, as for files (docker's extraction sets it on every entry but whiteouts). */
    if (utimensat(AT_FDCWD, rel, times, AT_SYMLINK_NOFOLLOW) < 0)
      return sys_error("utimensat", rel, errno);
    return set_xattrs(e, rel);
  case '6':
    if (clear_target(u, rel, false) < 0 || make_node(rel, S_IFIFO, e->mode, 0, e->uid, e->gid) < 0)
      return -1;
    if (utimensat(AT_FDCWD, rel, times, AT_SYMLINK_NOFOLLOW) < 0)
      return sys_error("utimensat", rel, errno);
    return set_xattrs(e, rel);
  default:
    return 0; /* other types carry no file; their data is skipped */
  }
}

/* Directory modes, owners and times, children first (setting a child's changes its parent's mtime). */
static int finish_dirs(struct untar *u)
{
  for (size_t i = u->ndirs; i-- > 0;) {
    struct dir_meta *d = &u->dirs[i];
    int fd = open(d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      /* Replaced by a later entry (or whited out): its metadata no longer applies. */
      if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)
        continue;
      return sys_error("open", d->path, errno);
    }
    struct timespec times[2] = { d->mtime, d->mtime };
    int rc = 0;
    if ((d->uid != 0 || d->gid != 0) && fchown(fd, d->uid, d->gid) < 0)
      rc = sys_error("fchown", d->path, errno);
    if (rc == 0 && (!d->made || !plain(d->uid, d->gid, d->mode) || (d->mode & 0700) != 0700) && fchmod(fd, d->mode) < 0)
      rc = sys_error("fchmod", d->path, errno);
    if (rc == 0 && futimens(fd, times) < 0)
      rc = sys_error("futimens", d->path, errno);
    close(fd);
    if (rc < 0)
      return -1;
  }
  return 0;
}

/* One sync for the whole layer instead of an fsync per file: berthd records the layer as present
 * only after this returns, so a crash never leaves a "complete" layer with unwritten files. */
static int sync_layer(void)
{
  int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return sys_error("open", "", errno);
  int rc = syncfs(fd) < 0 ? sys_error("syncfs", "", errno) : 0;
  close(fd);
  return rc;
}

static int unpack(struct untar *u, struct tar_reader *r)
{
  for (;;) {
    struct tar_entry e;
    int got = tar_next(r, &e);
    if (got < 0)
      return layer_error("%s", r->err);
    if (got == 0)
      return finish_dirs(u);
    int rc = entry(u, r, &e);
    tar_entry_free(&e);
    if (rc < 0)
      return -1;
  }
}

static void hash_bytes(void *ctx, const unsigned char *bytes, size_t n)
{
  /* EVP_DigestUpdate cannot fail for SHA-256 with valid arguments; a failure shows up in Final. */
  (void) EVP_DigestUpdate(ctx, bytes, n);
}

/* --blob PATH: the bytes read from stdin, as they came (the compressed blob), are also written to
 * PATH and hashed, so berthd need not hash them or write its own copy: it only moves the bytes
 * from the registry's socket to this child. With --blob-digest, a blob whose sha256 differs
 * fails the unpack ("blob: sha256:HEX" on stderr, the digest it has) before anything is synced,
 * and berthd keeps neither the layer nor the file. */
struct blob_copy {
  int fd;
  EVP_MD_CTX *hash;
  int write_errno;
};

static void keep_blob_bytes(void *ctx, const unsigned char *bytes, size_t n)
{
  struct blob_copy *b = ctx;
  (void) EVP_DigestUpdate(b->hash, bytes, n);
  while (n > 0 && b->write_errno == 0) {
    ssize_t w = write(b->fd, bytes, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      b->write_errno = w < 0 ? errno : EIO;
      break;
    }
    bytes += w;
    n -= (size_t) w;
  }
}

static int digest_hex(EVP_MD_CTX *hash, char out[65])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(hash, md, &len) != 1 || len != 32)
    return -1;
  for (unsigned int i = 0; i < len; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
  return 0;
}

/* "diffid sha256:HEX" of every byte read, the end-of-archive blocks and any trailing bytes
 * included: the digest the image config lists for this layer. */
static int print_diffid(EVP_MD_CTX *hash)
{
  char hex[65];
  if (digest_hex(hash, hex) < 0)
    return sys_error("sha256", "", EIO);
  printf("diffid sha256:%s\n", hex);
  return 0;
}

int untar_main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: berth-fsops untar ROOT [--allow-devices] [--allow-setuid] [--gzip] [--blob PATH [--blob-digest sha256:HEX]] < layer.tar\n");
    return 2;
  }
  struct untar u = { 0 };
  bool gzip = false;
  const char *blob_path = NULL, *blob_digest = NULL;
  for (int i = 3; i < argc; i++) {
    if (strcmp(argv[i], "--allow-devices") == 0)
      u.allow_devices = true;
    else if (strcmp(argv[i], "--allow-setuid") == 0)
      u.allow_setuid = true;
    else if (strcmp(argv[i], "--gzip") == 0)
      gzip = true;
    else if (strcmp(argv[i], "--blob") == 0 && i + 1 < argc)
      blob_path = argv[++i];
    else if (strcmp(argv[i], "--blob-digest") == 0 && i + 1 < argc)
      blob_digest = argv[++i];
    else {
      fprintf(stderr, "system: berth-fsops untar: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (blob_digest && (!blob_path || strncmp(blob_digest, "sha256:", 7) != 0 || strlen(blob_digest) != 7 + 64)) {
    fprintf(stderr, "system: berth-fsops untar: --blob-digest needs --blob and a sha256:HEX digest\n");
    return 2;
  }
  /* Modes are applied exactly as the layer says. */
  umask(0);
  /* Fewer, larger reads from berthd's pipe (best effort: the default size also works). */
  (void) fcntl(STDIN_FILENO, F_SETPIPE_SZ, PIPE_SIZE);
  static char outbuf[1 << 16];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  struct tar_reader r = { 0 };
  struct blob_copy blob = { .fd = -1 };
  int rc = 0;
  u.known.cap = 4096;
  u.known.slots = calloc(u.known.cap, sizeof(char *));
  /* The digests are set up before the chroot: OpenSSL may read its configuration on first use.
   * The blob file lives outside ROOT, so it is opened before the chroot too. */
  EVP_MD_CTX *hash = EVP_MD_CTX_new();
  if (blob_path)
    blob.hash = EVP_MD_CTX_new();
  if (!u.known.slots || !hash || (blob_path && !blob.hash) || dirset_add(&u.known, "") < 0 ||
      tar_reader_init(&r, STDIN_FILENO, READ_BUFFER) < 0 || (gzip && tar_reader_gzip(&r) < 0))
    rc = sys_error("allocate", "", ENOMEM);
  else if (EVP_DigestInit_ex(hash, EVP_sha256(), NULL) != 1 || (blob.hash && EVP_DigestInit_ex(blob.hash, EVP_sha256(), NULL) != 1))
    rc = sys_error("sha256 init", "", EIO);
  else if (blob_path && (blob.fd = open(blob_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
    rc = sys_error("create blob file", blob_path, errno);
  else if (chroot(argv[2]) < 0)
    rc = sys_error("chroot", argv[2], errno);
  else if (chdir("/") < 0)
    rc = sys_error("chdir", "", errno);
  else {
    r.observe = hash_bytes;
    r.observe_ctx = hash;
    if (blob.fd >= 0) {
      r.observe_raw = keep_blob_bytes;
      r.observe_raw_ctx = &blob;
    }
    rc = unpack(&u, &r);
  }
  if (rc == 0) {
    /* The rest of the stream (zero blocks after the end marker) is part of the diffID. */
    tar_drain(&r);
    if (!r.eof)
      rc = layer_error("%s", r.err[0] ? r.err : "read layer tar: input did not end");
  }
  if (rc < 0) {
    /* The rest of the input is read and dropped so berthd's writer ends cleanly (no longer
     * inflated into the diffID; the blob copy still hashes it, to tell a corrupt blob). */
    r.observe = NULL;
    if (r.buf)
      tar_drain(&r);
  }
  char blob_hex[65] = "";
  bool input_ended = r.z ? r.zin_eof : r.eof;
  if (blob.fd >= 0 && input_ended && digest_hex(blob.hash, blob_hex) == 0 && blob_digest && strcmp(blob_digest + 7, blob_hex) != 0) {
    /* The download was not the blob asked for: that, not what it unpacked to, is the error. */
    fprintf(stderr, "blob: sha256:%s\n", blob_hex);
    rc = 1;
    goto out;
  }
  if (rc == 0 && blob.fd >= 0 && !blob_hex[0])
    rc = sys_error("sha256", blob_path, EIO);
  if (rc == 0 && blob.write_errno != 0)
    rc = sys_error("write blob file", blob_path, blob.write_errno);
  /* Durable before berthd records anything: the layer's files (one syncfs) and the blob. */
  if (rc == 0)
    rc = sync_layer();
  if (rc == 0 && blob.fd >= 0 && fdatasync(blob.fd) < 0)
    rc = sys_error("fdatasync blob file", blob_path, errno);
  if (rc == 0 && print_diffid(hash) == 0) {
    if (blob_hex[0])
      printf("blob sha256:%s\n", blob_hex);
    printf("size %llu\n", u.size);
    if (fflush(stdout) != 0)
      rc = sys_error("write", "stdout", errno);
  } else if (rc == 0) {
    rc = -1;
  }
  if (rc < 0)
    fprintf(stderr, "%s: %s\n", layer_fault ? "layer" : "system", message);
out:
  if (blob.fd >= 0)
    close(blob.fd);
  EVP_MD_CTX_free(blob.hash);
  EVP_MD_CTX_free(hash);
  return rc != 0 ? 1 : 0;
}
