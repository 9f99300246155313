/* Streaming gzip inflation for berth-fsops untar, behind one small interface: ISA-L's igzip
 * (loaded at run time, see gunzip.c) when present, else zlib. igzip inflates the same streams
 * with about a quarter of zlib's CPU here (profiled: zlib was 60 % of the untar child's CPU on a
 * Debian layer), and a pull is bound by CPU on two cores.
 *
 * The caller owns the input window (next_in, avail_in): it refills it and may look at what is
 * left after a member ended (another member may follow). */
#ifndef BERTH_GUNZIP_H
#define BERTH_GUNZIP_H

#include <stdbool.h>
#include <stddef.h>

struct gunzip {
  const unsigned char *next_in;
  size_t avail_in;
  void *impl;
  const char *msg; /* why the last gunzip_run failed */
};

/* 0, or -1 when out of memory. The first call chooses the inflater (before any chroot). */
int gunzip_init(struct gunzip *g);
void gunzip_end(struct gunzip *g);
/* Inflates from the input window into out[0..cap): *produced bytes; *member_end when the current
 * gzip member (trailer CRC and length checked) is complete. Without input and with nothing
 * pending, it produces nothing. 0, or -1 on invalid data (g->msg says why). */
int gunzip_run(struct gunzip *g, unsigned char *out, size_t cap, size_t *produced, bool *member_end);
/* Starts a new member at the input window. 0 or -1. */
int gunzip_reset(struct gunzip *g);
/* "isa-l" or "zlib": which inflater this process uses. */
const char *gunzip_backend(void);

#endif
