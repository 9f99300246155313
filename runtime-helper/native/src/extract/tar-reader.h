/* A streaming reader of tar archives (ustar, GNU long names, PAX extended headers) from a file
 * descriptor, for berth-fsops untar. It hands out each entry's header and then its data in
 * pieces straight from its read buffer (no copy of file contents). */
#ifndef BERTH_TAR_READER_H
#define BERTH_TAR_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct tar_xattr {
  char *name;
  char *value;
  size_t len;
};

struct tar_entry {
  char *name;     /* as the archive spells it (PAX path, GNU long name or ustar prefix/name) */
  char *linkname; /* symlink target or hard link target */
  char type;      /* ustar typeflag: '0' file, '1' link, '2' symlink, '3' chr, '4' blk, '5' dir, '6' fifo */
  mode_t mode;
  uid_t uid;
  gid_t gid;
  uint64_t size; /* bytes of data that follow */
  struct timespec mtime;
  unsigned int devmajor, devminor;
  struct tar_xattr *xattrs; /* SCHILY.xattr.* from PAX */
  size_t nxattrs;
};

struct tar_reader {
  int fd;
  unsigned char *buf;
  size_t cap, start, end;
  bool eof;
  uint64_t remaining; /* data bytes of the current entry not yet consumed */
  uint64_t padding;   /* bytes of padding after the current entry's data */
  /* Optional: sees every byte read from fd, in order (untar hashes the stream for its diffID). */
  void (*observe)(void *ctx, const unsigned char *bytes, size_t n);
  void *observe_ctx;
  /* Optional: sees every byte read from fd as it came (compressed, for gzip input), in order, up
   * to the end of input, also while tar_drain reads the rest (untar keeps and hashes the blob). */
  void (*observe_raw)(void *ctx, const unsigned char *bytes, size_t n);
  void *observe_raw_ctx;
  /* gzip input (tar_reader_gzip): compressed bytes are read into zbuf and inflated into buf
   * (a struct gunzip: ISA-L or zlib, gunzip.h). */
  void *z;
  unsigned char *zbuf;
  size_t zcap;
  bool zin_eof;
  char err[512];
};

int tar_reader_init(struct tar_reader *r, int fd, size_t cap);
/* The input is gzip (one or more members): inflate it as it is read. 0 or -1 (no memory). */
int tar_reader_gzip(struct tar_reader *r);
/* 1: an entry is in *e (release it with tar_entry_free); 0: end of archive; -1: error in r->err. */
int tar_next(struct tar_reader *r, struct tar_entry *e);
/* The next piece of the current entry's data (at most what is buffered). 0 at the entry's end. */
ssize_t tar_data(struct tar_reader *r, const unsigned char **piece);
/* Skips what is left of the current entry's data. 0 or -1. */
int tar_skip_data(struct tar_reader *r);
/* Reads everything up to end of input (so the writer never sees EPIPE); gzip input is inflated
 * (and observed) while it stays valid, the rest is dropped unread. */
void tar_drain(struct tar_reader *r);
void tar_entry_free(struct tar_entry *e);
/* Releases the reader's buffers and inflater (not its fd). */
void tar_reader_free(struct tar_reader *r);

#endif
