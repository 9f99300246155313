/* Streaming tar reader: see tar-reader.h. Header rules follow tar-stream (the JavaScript reader
 * berthd uses elsewhere): checksummed 512-byte headers, ustar prefix only in POSIX ustar, GNU
 * 'L'/'K' long names, PAX 'x' records (path, linkpath, size, uid, gid, mtime, SCHILY.xattr.*),
 * zero blocks skipped, an unknown header format refused. */
#include "tar-reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gunzip.h"

enum { BLOCK = 512, META_MAX = 1 << 20 };

static int fail(struct tar_reader *r, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err, sizeof r->err, fmt, ap);
  va_end(ap);
  return -1;
}

int tar_reader_init(struct tar_reader *r, int fd, size_t cap)
{
  memset(r, 0, sizeof *r);
  r->fd = fd;
  r->cap = cap;
  r->buf = malloc(cap);
  return r->buf ? 0 : -1;
}

int tar_reader_gzip(struct tar_reader *r)
{
  struct gunzip *g = calloc(1, sizeof *g);
  r->zcap = 1 << 20;
  r->zbuf = malloc(r->zcap);
  if (!g || !r->zbuf || gunzip_init(g) < 0) {
    free(g);
    free(r->zbuf);
    r->zbuf = NULL;
    return -1;
  }
  r->z = g;
  return 0;
}

static ssize_t read_fd(struct tar_reader *r, unsigned char *buf, size_t n)
{
  ssize_t got;
  do
    got = read(r->fd, buf, n);
  while (got < 0 && errno == EINTR);
  if (got > 0 && r->observe_raw)
    r->observe_raw(r->observe_raw_ctx, buf, (size_t) got);
  return got;
}

/* Reads compressed input into zbuf once it is used up; 0 at end of input, -1 on error. */
static int read_raw(struct tar_reader *r)
{
  struct gunzip *g = r->z;
  if (g->avail_in > 0)
    return 1;
  if (r->zin_eof)
    return 0;
  ssize_t n = read_fd(r, r->zbuf, r->zcap);
  if (n < 0)
    return fail(r, "read layer tar: %s", strerror(errno));
  if (n == 0)
    r->zin_eof = true;
  g->next_in = r->zbuf;
  g->avail_in = (size_t) n;
  return n > 0;
}

/* After a member ended: whether another one follows (its magic bytes are next in the input). */
static int next_member(struct tar_reader *r)
{
  struct gunzip *g = r->z;
  if (g->avail_in == 0 && read_raw(r) < 0)
    return -1;
  if (g->avail_in == 1 && !r->zin_eof) {
    /* One byte of a possible next header: keep it and read more behind it. */
    r->zbuf[0] = g->next_in[0];
    ssize_t n = read_fd(r, r->zbuf + 1, r->zcap - 1);
    if (n < 0)
      return fail(r, "read layer tar: %s", strerror(errno));
    if (n == 0)
      r->zin_eof = true;
    g->next_in = r->zbuf;
    g->avail_in = 1 + (size_t) n;
  }
  return g->avail_in >= 2 && g->next_in[0] == 0x1f && g->next_in[1] == 0x8b;
}

/* Inflates into buf after r->end: bytes produced (> 0), 0 at the end of the gzip data, -1 on error.
 * Members follow one another (as gzip -d and Node's gunzip accept); anything after the last one
 * that does not start a new member is ignored, as Node's gunzip does. */
static ssize_t inflate_more(struct tar_reader *r)
{
  struct gunzip *g = r->z;
  for (;;) {
    int got = read_raw(r);
    if (got < 0)
      return -1;
    size_t produced;
    bool member_end;
    /* Run even without new input: the inflater may still hold output for us. */
    if (gunzip_run(g, r->buf + r->end, r->cap - r->end, &produced, &member_end) < 0)
      return fail(r, "invalid layer tar: gzip: %s", g->msg);
    if (member_end) {
      int more = next_member(r);
      if (more < 0)
        return -1;
      if (!more) {
        r->eof = true;
        return (ssize_t) produced;
      }
      if (gunzip_reset(g) < 0)
        return fail(r, "invalid layer tar: gzip reset failed");
    } else if (produced == 0 && got == 0) {
      return fail(r, "invalid layer tar: gzip data ends unexpectedly");
    }
    if (produced > 0)
      return (ssize_t) produced;
  }
}

/* Reads more input after what is buffered; compacts first when the tail is short of room. */
static int fill(struct tar_reader *r)
{
  if (r->eof)
    return 0;
  if (r->start == r->end)
    r->start = r->end = 0;
  else if (r->cap - r->end < BLOCK) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
  for (;;) {
    ssize_t n = r->z ? inflate_more(r) : read_fd(r, r->buf + r->end, r->cap - r->end);
    if (n < 0)
      return r->z ? -1 : fail(r, "read layer tar: %s", strerror(errno));
    if (n == 0)
      r->eof = true;
    else if (r->observe)
      r->observe(r->observe_ctx, r->buf + r->end, (size_t) n);
    r->end += (size_t) n;
    return (int) (n > 0);
  }
}

/* Makes `n` bytes (n <= cap) contiguous at r->buf + r->start; 0 if the input ends first. */
static int need(struct tar_reader *r, size_t n)
{
  while (r->end - r->start < n) {
    if (r->cap - r->start < n) {
      memmove(r->buf, r->buf + r->start, r->end - r->start);
      r->end -= r->start;
      r->start = 0;
    }
    int got = fill(r);
    if (got < 0)
      return -1;
    if (got == 0 && r->eof)
      return r->end - r->start >= n ? 1 : 0;
  }
  return 1;
}

/* Makes some of the entry's data buffered: 0, or -1 on a read error or a tar cut short. */
static int need_data(struct tar_reader *r)
{
  if (r->start != r->end)
    return 0;
  int got = fill(r);
  if (got < 0)
    return -1;
  if (got == 0)
    return fail(r, "invalid layer tar: unexpected end of data");
  return 0;
}

static int skip_bytes(struct tar_reader *r, uint64_t n)
{
  while (n > 0) {
    if (need_data(r) < 0)
      return -1;
    size_t avail = r->end - r->start;
    size_t take = n < avail ? (size_t) n : avail;
    r->start += take;
    n -= take;
  }
  return 0;
}

ssize_t tar_data(struct tar_reader *r, const unsigned char **piece)
{
  if (r->remaining == 0)
    return 0;
  if (need_data(r) < 0)
    return -1;
  size_t avail = r->end - r->start;
  size_t take = r->remaining < avail ? (size_t) r->remaining : avail;
  *piece = r->buf + r->start;
  r->start += take;
  r->remaining -= take;
  return (ssize_t) take;
}

int tar_skip_data(struct tar_reader *r)
{
  uint64_t n = r->remaining;
  r->remaining = 0;
  return skip_bytes(r, n);
}

void tar_drain(struct tar_reader *r)
{
  r->start = r->end = 0;
  int got = 1;
  while (!r->eof && (got = fill(r)) >= 0)
    r->start = r->end = 0;
  if (!r->z)
    return;
  /* The compressed input after the gzip data (or after an error in it): read and dropped. */
  bool ok = r->eof && got >= 0;
  struct gunzip *g = r->z;
  g->avail_in = 0;
  while (!r->zin_eof && read_raw(r) >= 0)
    g->avail_in = 0;
  if (!ok)
    r->eof = false;
}

void tar_reader_free(struct tar_reader *r)
{
  if (r->z) {
    gunzip_end(r->z);
    free(r->z);
    r->z = NULL;
  }
  free(r->zbuf);
  free(r->buf);
  r->zbuf = r->buf = NULL;
}

void tar_entry_free(struct tar_entry *e)
{
  free(e->name);
  free(e->linkname);
  for (size_t i = 0; i < e->nxattrs; i++) {
    free(e->xattrs[i].name);
    free(e->xattrs[i].value);
  }
  free(e->xattrs);
  memset(e, 0, sizeof *e);
}

/* Octal (space/NUL terminated) or GNU base-256 when the top bit is set. */
static uint64_t number(const unsigned char *f, size_t n)
{
  if (n > 0 && (f[0] & 0x80)) {
    uint64_t v = f[0] & 0x3f;
    for (size_t i = 1; i < n; i++)
      v = (v << 8) | f[i];
    return v;
  }
  size_t i = 0;
  while (i < n && f[i] == ' ')
    i++;
  uint64_t v = 0;
  for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
    v = (v << 3) | (uint64_t) (f[i] - '0');
  return v;
}

static char *field_string(const unsigned char *f, size_t n)
{
  size_t len = strnlen((const char *) f, n);
  char *s = malloc(len + 1);
  if (s) {
    memcpy(s, f, len);
    s[len] = '\0';
  }
  return s;
}

static bool all_zero(const unsigned char *b)
{
  for (size_t i = 0; i < BLOCK; i++)
    if (b[i])
      return false;
  return true;
}

static bool checksum_ok(const unsigned char *b)
{
  uint64_t want = number(b + 148, 8);
  uint64_t sum = 8 * ' ';
  int64_t ssum = 8 * ' ';
  for (size_t i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156)
      continue;
    sum += b[i];
    ssum += (signed char) b[i];
  }
  return want == sum || (int64_t) want == ssum;
}

/* Reads an entry's data whole (PAX records, long names): at most META_MAX bytes. */
static int read_meta(struct tar_reader *r, uint64_t size, char **out)
{
  if (size > META_MAX)
    return fail(r, "invalid layer tar: a %llu-byte extended header (the limit is %d)", (unsigned long long) size, META_MAX);
  char *data = malloc((size_t) size + 1);
  if (!data)
    return fail(r, "out of memory");
  size_t at = 0;
  r->remaining = size;
  for (;;) {
    const unsigned char *p;
    ssize_t n = tar_data(r, &p);
    if (n < 0) {
      free(data);
      return -1;
    }
    if (n == 0)
      break;
    memcpy(data + at, p, (size_t) n);
    at += (size_t) n;
  }
  data[at] = '\0';
  if (skip_bytes(r, r->padding) < 0) {
    free(data);
    return -1;
  }
  *out = data;
  return 0;
}

static char *dup_range(const char *s, size_t n)
{
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

/* PAX records "LEN key=value\n" override the next header's fields. */
static int apply_pax(struct tar_reader *r, const char *data, size_t size, struct tar_entry *pax, bool *has_size, bool *has_mtime,
                     bool *has_uid, bool *has_gid)
{
  size_t at = 0;
  while (at < size) {
    char *end;
    unsigned long len = strtoul(data + at, &end, 10);
    if (end == data + at || *end != ' ' || len == 0 || len > size - at)
      return fail(r, "invalid layer tar: malformed PAX record");
    const char *key = end + 1;
    const char *rec_end = data + at + len; /* one past the '\n' */
    if (key >= rec_end)
      return fail(r, "invalid layer tar: malformed PAX record");
    const char *eq = memchr(key, '=', (size_t) (rec_end - key));
    if (!eq || rec_end[-1] != '\n')
      return fail(r, "invalid layer tar: malformed PAX record");
    size_t klen = (size_t) (eq - key);
    const char *val = eq + 1;
    size_t vlen = (size_t) (rec_end - 1 - val);
    if (klen == 4 && memcmp(key, "path", 4) == 0) {
      free(pax->name);
      pax->name = dup_range(val, vlen);
    } else if (klen == 8 && memcmp(key, "linkpath", 8) == 0) {
      free(pax->linkname);
      pax->linkname = dup_range(val, vlen);
    } else if (klen == 4 && memcmp(key, "size", 4) == 0) {
      pax->size = strtoull(val, NULL, 10);
      *has_size = true;
    } else if (klen == 3 && memcmp(key, "uid", 3) == 0) {
      pax->uid = (uid_t) strtoul(val, NULL, 10);
      *has_uid = true;
    } else if (klen == 3 && memcmp(key, "gid", 3) == 0) {
      pax->gid = (gid_t) strtoul(val, NULL, 10);
      *has_gid = true;
    } else if (klen == 5 && memcmp(key, "mtime", 5) == 0) {
      char *frac;
      pax->mtime.tv_sec = (time_t) strtoll(val, &frac, 10);
      pax->mtime.tv_nsec = 0;
      if (*frac == '.') {
        long ns = 0;
        int digits = 0;
        for (const char *d = frac + 1; d < val + vlen && *d >= '0' && *d <= '9' && digits < 9; d++, digits++)
          ns = ns * 10 + (*d - '0');
        for (; digits < 9; digits++)
          ns *= 10;
        pax->mtime.tv_nsec = ns;
      }
      *has_mtime = true;
    } else if (klen > 13 && memcmp(key, "SCHILY.xattr.", 13) == 0) {
      struct tar_xattr *x = realloc(pax->xattrs, (pax->nxattrs + 1) * sizeof *x);
      if (!x)
        return fail(r, "out of memory");
      pax->xattrs = x;
      x[pax->nxattrs].name = dup_range(key + 13, klen - 13);
      x[pax->nxattrs].value = dup_range(val, vlen);
      x[pax->nxattrs].len = vlen;
      pax->nxattrs++;
    }
    at += len;
  }
  return 0;
}

int tar_next(struct tar_reader *r, struct tar_entry *e)
{
  struct tar_entry pax = { 0 };
  char *long_name = NULL, *long_link = NULL;
  bool has_size = false, has_mtime = false, has_uid = false, has_gid = false;
  int rc = -1;
  memset(e, 0, sizeof *e);
  if (r->remaining > 0 && tar_skip_data(r) < 0)
    goto out;
  if (skip_bytes(r, r->padding) < 0)
    goto out;
  r->padding = 0;
  for (;;) {
    int got = need(r, BLOCK);
    if (got < 0)
      goto out;
    if (got == 0) {
      if (r->end != r->start) {
        fail(r, "invalid layer tar: unexpected end of data");
        goto out;
      }
      rc = 0; /* end of input at a block boundary: the archive is complete */
      goto out;
    }
    const unsigned char *h = r->buf + r->start;
    if (all_zero(h)) {
      r->start += BLOCK;
      continue;
    }
    if (!checksum_ok(h)) {
      fail(r, "invalid layer tar: Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?");
      goto out;
    }
    bool ustar = memcmp(h + 257, "ustar\0" "00", 8) == 0;
    bool gnu = memcmp(h + 257, "ustar  \0", 8) == 0;
    if (!ustar && !gnu) {
      fail(r, "invalid layer tar: Invalid tar header: unknown format.");
      goto out;
    }
    char type = (char) h[156];
    uint64_t size = number(h + 124, 12);
    r->start += BLOCK;
    r->padding = (BLOCK - size % BLOCK) % BLOCK;
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      char *data = NULL;
      if (read_meta(r, size, &data) < 0)
        goto out;
      r->padding = 0;
      if (type == 'x') {
        int ok = apply_pax(r, data, (size_t) size, &pax, &has_size, &has_mtime, &has_uid, &has_gid);
        free(data);
        if (ok < 0)
          goto out;
      } else if (type == 'L') {
        free(long_name);
        long_name = data;
      } else if (type == 'K') {
        free(long_link);
        long_link = data;
      } else {
        free(data); /* global PAX headers are not applied (as by docker's reader) */
      }
      continue;
    }
    e->type = type == '\0' ? '0' : type;
    e->mode = (mode_t) number(h + 100, 8) & 07777;
    e->uid = has_uid ? pax.uid : (uid_t) number(h + 108, 8);
    e->gid = has_gid ? pax.gid : (gid_t) number(h + 116, 8);
    e->size = has_size ? pax.size : size;
    if (has_mtime)
      e->mtime = pax.mtime;
    else
      e->mtime.tv_sec = (time_t) number(h + 136, 12);
    e->devmajor = (unsigned int) number(h + 329, 8);
    e->devminor = (unsigned int) number(h + 337, 8);
    if (pax.name) {
      e->name = pax.name;
      pax.name = NULL;
    } else if (long_name) {
      e->name = long_name;
      long_name = NULL;
    } else {
      char *name = field_string(h, 100);
      if (name && ustar && h[345]) {
        char *prefix = field_string(h + 345, 155);
        char *full = prefix ? malloc(strlen(prefix) + strlen(name) + 2) : NULL;
        if (full)
          sprintf(full, "%s/%s", prefix, name);
        free(prefix);
        free(name);
        name = full;
      }
      e->name = name;
    }
    if (pax.linkname) {
      e->linkname = pax.linkname;
      pax.linkname = NULL;
    } else if (long_link) {
      e->linkname = long_link;
      long_link = NULL;
    } else
      e->linkname = field_string(h + 157, 100);
    if (!e->name || !e->linkname) {
      fail(r, "out of memory");
      goto out;
    }
    size_t nl = strlen(e->name);
    if (type == '\0' && nl > 0 && e->name[nl - 1] == '/')
      e->type = '5';
    e->xattrs = pax.xattrs;
    e->nxattrs = pax.nxattrs;
    pax.xattrs = NULL;
    pax.nxattrs = 0;
    /* Only regular files carry data in a layer; other types' size is skipped as data. */
    r->remaining = e->size;
    r->padding = (BLOCK - e->size % BLOCK) % BLOCK;
    rc = 1;
    goto out;
  }
out:
  free(long_name);
  free(long_link);
  tar_entry_free(&pax);
  if (rc != 1)
    tar_entry_free(e);
  return rc;
}
