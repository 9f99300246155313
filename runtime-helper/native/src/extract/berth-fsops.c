/* berth-fsops: the filesystem operations Node cannot do (mknod, xattrs), applied to an image
 * layer or snapshot directory. It chroots into that directory first, so every path it is given
 * resolves inside it and can never reach the host, whatever symlinks the layer holds.
 *
 * Usage: berth-fsops ROOT < ops
 * One operation a line, fields separated by tabs, every field after the verb hex-encoded:
 *   mknod  PATH TYPE(c|b|p) MODE(octal) MAJOR MINOR UID GID
 *   xattr  PATH NAME VALUE
 *   list   PATH            -> prints "PATH<TAB>NAME<TAB>VALUE" per xattr (hex fields)
 * Exit 0 when every operation succeeded; else a message naming the operation and the path.
 *
 * berth-fsops untar ROOT [--allow-devices] [--allow-setuid] < layer.tar: unpacks a layer
 * (untar.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include "untar.h"

static int fail(const char *op, const char *path, int err)
{
  fprintf(stderr, "berth-fsops: %s '%s': %s\n", op, path, strerror(err));
  return 1;
}

static int unhex(const char *in, char *out, size_t cap, size_t *len)
{
  size_t n = strlen(in);
  if (n % 2 != 0 || n / 2 + 1 > cap)
    return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned int b;
    if (sscanf(in + 2 * i, "%2x", &b) != 1)
      return -1;
    out[i] = (char) b;
  }
  out[n / 2] = '\0';
  *len = n / 2;
  return 0;
}

static void puthex(const char *buf, size_t len)
{
  for (size_t i = 0; i < len; i++)
    printf("%02x", (unsigned char) buf[i]);
}

enum { FIELD_MAX = 8, VALUE_MAX = 65536 };

static int do_list(const char *path, const char *hexpath)
{
  static char names[VALUE_MAX];
  static char value[VALUE_MAX];
  ssize_t n = llistxattr(path, names, sizeof names);
  if (n < 0)
    return errno == ENOTSUP ? 0 : fail("llistxattr", path, errno);
  for (ssize_t off = 0; off < n; off += (ssize_t) strlen(names + off) + 1) {
    ssize_t v = lgetxattr(path, names + off, value, sizeof value);
    if (v < 0)
      return fail("lgetxattr", path, errno);
    printf("%s\t", hexpath);
    puthex(names + off, strlen(names + off));
    putchar('\t');
    puthex(value, (size_t) v);
    putchar('\n');
  }
  return 0;
}

static int run_line(char *line)
{
  char *fields[FIELD_MAX];
  int nf = 0;
  for (char *save = NULL, *tok = strtok_r(line, "\t\n", &save); tok && nf < FIELD_MAX; tok = strtok_r(NULL, "\t\n", &save))
    fields[nf++] = tok;
  if (nf < 2)
    return nf == 0 ? 0 : fail("parse", line, EINVAL);
  static char path[4096 + 1];
  size_t plen;
  if (unhex(fields[1], path, sizeof path, &plen) < 0 || plen == 0)
    return fail("parse path", fields[1], EINVAL);
  if (strcmp(fields[0], "list") == 0)
    return do_list(path, fields[1]);
  if (strcmp(fields[0], "mknod") == 0 && nf == 8) {
    char type = fields[2][0];
    mode_t mode = (mode_t) strtoul(fields[3], NULL, 8) & 07777;
    unsigned int maj = (unsigned int) strtoul(fields[4], NULL, 10);
    unsigned int min = (unsigned int) strtoul(fields[5], NULL, 10);
    uid_t uid = (uid_t) strtoul(fields[6], NULL, 10);
    gid_t gid = (gid_t) strtoul(fields[7], NULL, 10);
    mode |= type == 'c' ? S_IFCHR : type == 'b' ? S_IFBLK : S_IFIFO;
    if (unlink(path) < 0 && errno != ENOENT)
      return fail("unlink", path, errno);
    if (mknod(path, mode, makedev(maj, min)) < 0)
      return fail("mknod", path, errno);
    if (lchown(path, uid, gid) < 0)
      return fail("lchown", path, errno);
    return 0;
  }
  if (strcmp(fields[0], "xattr") == 0 && nf == 4) {
    static char name[256], value[VALUE_MAX];
    size_t nlen, vlen;
    if (unhex(fields[2], name, sizeof name, &nlen) < 0 || unhex(fields[3], value, sizeof value, &vlen) < 0)
      return fail("parse xattr", path, EINVAL);
    if (lsetxattr(path, name, value, vlen, 0) < 0)
      return fail("lsetxattr", path, errno);
    return 0;
  }
  return fail("unknown operation", fields[0], EINVAL);
}

int main(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "untar") == 0)
    return untar_main(argc, argv);
  if (argc != 2) {
    fprintf(stderr, "usage: berth-fsops ROOT < ops\n");
    return 2;
  }
  /* Nodes get exactly the mode the layer gives them, not berthd's umask. */
  umask(0);
  if (chroot(argv[1]) < 0)
    return fail("chroot", argv[1], errno);
  if (chdir("/") < 0)
    return fail("chdir", "/", errno);
  static char line[2 * (4096 + 256 + VALUE_MAX) + 64];
  while (fgets(line, sizeof line, stdin)) {
    if (run_line(line) != 0)
      return 1;
  }
  if (ferror(stdin))
    return fail("read", "stdin", errno);
  return fflush(stdout) == 0 ? 0 : fail("write", "stdout", errno);
}
