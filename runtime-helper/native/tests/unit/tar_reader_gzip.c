/* berth-fsops untar's streaming reader on gzip input (gunzip.c: ISA-L and zlib, each in turn):
 * archives fed through a pipe in pieces of every awkward size (1 byte, odd sizes,
 * splits inside headers and trailers), several members, bytes after the last member, and the
 * bad cases: a stream cut short, a wrong CRC, bytes that are not gzip. The gzip data is made here
 * with zlib, so the inflater under test is checked against a different implementation. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "extract/gunzip.h"
#include "extract/tar-reader.h"

#include "tap.h"
#define ok tap_ok

struct bytes {
  unsigned char *p;
  size_t n;
};

static void append(struct bytes *b, const void *data, size_t n)
{
  b->p = realloc(b->p, b->n + n);
  if (!b->p) {
    perror("realloc");
    exit(2);
  }
  memcpy(b->p + b->n, data, n);
  b->n += n;
}

/* A ustar header for a regular file NAME of SIZE bytes, then its data padded to 512. */
static void tar_file(struct bytes *tar, const char *name, const unsigned char *data, size_t size)
{
  unsigned char h[512] = { 0 };
  snprintf((char *) h, 100, "%s", name);
  snprintf((char *) h + 100, 8, "%07o", 0644);
  snprintf((char *) h + 108, 8, "%07o", 0);
  snprintf((char *) h + 116, 8, "%07o", 0);
  snprintf((char *) h + 124, 12, "%011zo", size);
  snprintf((char *) h + 136, 12, "%011o", 1700000000);
  h[156] = '0';
  memcpy(h + 257, "ustar\0" "00", 8);
  memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (int i = 0; i < 512; i++)
    sum += h[i];
  snprintf((char *) h + 148, 8, "%06o", sum);
  append(tar, h, 512);
  append(tar, data, size);
  static const unsigned char zeros[512];
  append(tar, zeros, (512 - size % 512) % 512);
}

static void tar_end(struct bytes *tar)
{
  static const unsigned char zeros[1024];
  append(tar, zeros, sizeof zeros);
}

/* One gzip member of in[0..n), made by zlib. */
static void gzip_member(struct bytes *out, const unsigned char *in, size_t n)
{
  z_stream z = { 0 };
  if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    exit(2);
  size_t cap = deflateBound(&z, (uLong) n) + 64;
  unsigned char *buf = malloc(cap);
  z.next_in = (Bytef *) in;
  z.avail_in = (uInt) n;
  z.next_out = buf;
  z.avail_out = (uInt) cap;
  if (!buf || deflate(&z, Z_FINISH) != Z_STREAM_END)
    exit(2);
  append(out, buf, cap - z.avail_out);
  deflateEnd(&z);
  free(buf);
}

/* Feeds `in` into a pipe from a child process, `piece` bytes per write (cycling through a few
 * sizes when piece is 0), and returns the read end. */
static int feed(const struct bytes *in, size_t piece, pid_t *pid)
{
  int p[2];
  if (pipe(p) < 0)
    exit(2);
  *pid = fork();
  if (*pid < 0)
    exit(2);
  if (*pid == 0) {
    close(p[0]);
    static const size_t cycle[] = { 1, 7, 511, 513, 4096, 3, 65536 + 5 };
    size_t at = 0, k = 0;
    while (at < in->n) {
      size_t n = piece ? piece : cycle[k++ % (sizeof cycle / sizeof cycle[0])];
      if (n > in->n - at)
        n = in->n - at;
      ssize_t w = write(p[1], in->p + at, n);
      if (w < 0)
        _exit(errno == EPIPE ? 0 : 3);
      at += (size_t) w;
    }
    _exit(0);
  }
  close(p[1]);
  return p[0];
}

struct outcome {
  int files;
  bool content_ok;
  bool end_ok; /* tar_next answered 0 (a complete archive) and the gzip data ended */
  char err[512];
};

/* Reads the archive from `fd` through the gzip reader; every file's content must equal `want`. */
static struct outcome read_all(int fd, const struct bytes *want)
{
  struct outcome o = { 0, true, false, "" };
  struct tar_reader r;
  if (tar_reader_init(&r, fd, 64 << 10) < 0 || tar_reader_gzip(&r) < 0)
    exit(2);
  for (;;) {
    struct tar_entry e;
    int got = tar_next(&r, &e);
    if (got < 0) {
      snprintf(o.err, sizeof o.err, "%s", r.err);
      break;
    }
    if (got == 0) {
      tar_drain(&r);
      o.end_ok = r.eof;
      break;
    }
    o.files++;
    size_t at = 0;
    for (;;) {
      const unsigned char *piece;
      ssize_t n = tar_data(&r, &piece);
      if (n < 0) {
        snprintf(o.err, sizeof o.err, "%s", r.err);
        tar_entry_free(&e);
        goto done;
      }
      if (n == 0)
        break;
      if (at + (size_t) n > want->n || memcmp(piece, want->p + at, (size_t) n) != 0)
        o.content_ok = false;
      at += (size_t) n;
    }
    if (at != want->n)
      o.content_ok = false;
    tar_entry_free(&e);
  }
done:
  tar_drain(&r);
  tar_reader_free(&r);
  return o;
}

static struct outcome run(const struct bytes *gz, size_t piece, const struct bytes *want)
{
  pid_t pid;
  int fd = feed(gz, piece, &pid);
  struct outcome o = read_all(fd, want);
  close(fd);
  int status;
  waitpid(pid, &status, 0);
  return o;
}

static int suite(void);

/* The suite runs twice: in a child process that forces zlib, then with the default inflater (ISA-L
 * where this build and machine have it; the inflater is chosen once per process, at first use). */
int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return 2;
  if (pid == 0) {
    setenv("BERTH_GUNZIP", "zlib", 1);
    int rc = suite();
    fflush(stdout);
    _exit(rc);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return 2;
  int zlib_status = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  int rc = suite();
  return rc ? rc : zlib_status;
}

static int suite(void)
{
  printf("# inflater: %s\n", gunzip_backend());
  /* Content that compresses but not to nothing: a pseudo-random walk over a small alphabet. */
  struct bytes content = { 0 };
  uint32_t x = 12345;
  for (int i = 0; i < 300000; i++) {
    x = x * 1103515245u + 12345u;
    unsigned char c = (unsigned char) ("abcdefgh\n"[(x >> 16) % 9]);
    append(&content, &c, 1);
  }
  struct bytes tar = { 0 };
  tar_file(&tar, "a.txt", content.p, content.n);
  tar_file(&tar, "dir/b.txt", content.p, content.n);
  tar_file(&tar, "c.txt", content.p, content.n);
  tar_end(&tar);

  struct bytes one = { 0 };
  gzip_member(&one, tar.p, tar.n);
  static const size_t pieces[] = { 1, 2, 511, 4096, 1 << 20, 0 };
  for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
    struct outcome o = run(&one, pieces[i], &content);
    ok(o.err[0] == '\0' && o.files == 3 && o.content_ok && o.end_ok, "one member, written %s%zu bytes at a time: 3 files, content intact (%s)", pieces[i] ? "" : "1, 7, 511, 513, ... (cycling) instead of ", pieces[i], o.err);
  }

  /* Members split inside a tar header, inside file data, and one that is empty. */
  struct bytes many = { 0 };
  size_t cuts[] = { 0, 100, 700, 200000, 200000, tar.n };
  for (size_t i = 0; i + 1 < sizeof cuts / sizeof cuts[0]; i++)
    gzip_member(&many, tar.p + cuts[i], cuts[i + 1] - cuts[i]);
  for (size_t piece = 1; piece <= 4096; piece *= 64) {
    struct outcome o = run(&many, piece, &content);
    ok(o.err[0] == '\0' && o.files == 3 && o.content_ok && o.end_ok, "five members (one empty), %zu bytes at a time: the archive reads whole (%s)", piece, o.err);
  }
  struct outcome cycled = run(&many, 0, &content);
  ok(cycled.err[0] == '\0' && cycled.files == 3 && cycled.content_ok, "five members, writes of 1, 7, 511, 513, ... bytes (%s)", cycled.err);

  /* Bytes after the last member that do not start another one are ignored (as Node's gunzip). */
  struct bytes trailing = { 0 };
  append(&trailing, one.p, one.n);
  append(&trailing, "\0\0\0garbage", 10);
  struct outcome t = run(&trailing, 3, &content);
  ok(t.err[0] == '\0' && t.files == 3 && t.end_ok, "bytes after the last member are ignored (%s)", t.err);
  struct bytes single_byte_after = { 0 };
  append(&single_byte_after, one.p, one.n);
  append(&single_byte_after, "\x1f", 1);
  t = run(&single_byte_after, 1, &content);
  ok(t.err[0] == '\0' && t.files == 3 && t.end_ok, "a lone 0x1f after the last member is not a member (%s)", t.err);

  /* Cut short: in the deflate data, and inside the 8-byte trailer. */
  struct bytes cut = { one.p, one.n / 2 };
  struct outcome c = run(&cut, 777, &content);
  ok(strstr(c.err, "gzip data ends unexpectedly") != NULL, "a stream cut in half: \"%s\"", c.err);
  struct bytes cut_trailer = { one.p, one.n - 3 };
  c = run(&cut_trailer, 1, &content);
  ok(strstr(c.err, "gzip data ends unexpectedly") != NULL, "a stream cut inside its trailer: \"%s\"", c.err);

  /* A wrong CRC-32 in the trailer. */
  struct bytes bad_crc = { 0 };
  append(&bad_crc, one.p, one.n);
  bad_crc.p[bad_crc.n - 8] ^= 0xff;
  c = run(&bad_crc, 4096, &content);
  ok(strstr(c.err, "invalid layer tar: gzip: ") != NULL, "a wrong CRC is refused: \"%s\"", c.err);

  /* Corrupt deflate data. */
  struct bytes corrupt = { 0 };
  append(&corrupt, one.p, one.n);
  for (size_t i = 20; i < 60; i++)
    corrupt.p[i] = 0xff;
  c = run(&corrupt, 4096, &content);
  ok(strstr(c.err, "invalid layer tar: gzip: ") != NULL, "corrupt deflate data is refused: \"%s\"", c.err);

  /* Not gzip at all. */
  struct bytes plain = { tar.p, tar.n };
  c = run(&plain, 4096, &content);
  ok(strstr(c.err, "invalid layer tar: gzip: ") != NULL, "a plain tar given as gzip is refused: \"%s\"", c.err);

  free(content.p);
  free(tar.p);
  free(one.p);
  free(many.p);
  free(trailing.p);
  free(single_byte_after.p);
  free(bad_crc.p);
  free(corrupt.p);
  return tap_done();
}
