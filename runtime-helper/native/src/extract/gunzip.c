/* gunzip.h: ISA-L's igzip when built with BERTH_HAVE_ISAL, else zlib. Both check each member's
 * header, CRC-32 and length. */
#include "gunzip.h"

#include <stdint.h>
#include <stdlib.h>

#ifdef BERTH_HAVE_ISAL
#include <isa-l/igzip_lib.h>

int gunzip_init(struct gunzip *g)
{
  struct inflate_state *s = calloc(1, sizeof *s);
  if (!s)
    return -1;
  isal_inflate_init(s);
  s->crc_flag = ISAL_GZIP; /* gzip header parsed, trailer CRC-32 and size verified */
  g->impl = s;
  return 0;
}

void gunzip_end(struct gunzip *g)
{
  free(g->impl);
  g->impl = NULL;
}

static const char *isal_message(int rc)
{
  switch (rc) {
  case ISAL_INVALID_BLOCK: return "invalid block type";
  case ISAL_INVALID_SYMBOL: return "invalid code";
  case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
  case ISAL_INVALID_WRAPPER: return "incorrect header check";
  case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
  case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
  case ISAL_NEED_DICT: return "a preset dictionary is not allowed in gzip";
  default: return "invalid compressed data";
  }
}

int gunzip_run(struct gunzip *g, unsigned char *out, size_t cap, size_t *produced, bool *member_end)
{
  struct inflate_state *s = g->impl;
  /* igzip counts in 32 bits: hand it at most 1 GiB at a time (the caller's buffers are smaller). */
  uint32_t in = g->avail_in > (1u << 30) ? 1u << 30 : (uint32_t) g->avail_in;
  uint32_t room = cap > (1u << 30) ? 1u << 30 : (uint32_t) cap;
  s->next_in = (uint8_t *) g->next_in;
  s->avail_in = in;
  s->next_out = out;
  s->avail_out = room;
  int rc = isal_inflate(s);
  /* At a member's end igzip gives back the input bytes it had buffered past the trailer. */
  g->avail_in -= (size_t) (in - s->avail_in);
  g->next_in = s->next_in;
  *produced = room - s->avail_out;
  *member_end = s->block_state == ISAL_BLOCK_FINISH;
  if (rc < 0 || rc == ISAL_NEED_DICT) {
    g->msg = isal_message(rc);
    return -1;
  }
  return 0;
}

int gunzip_reset(struct gunzip *g)
{
  struct inflate_state *s = g->impl;
  isal_inflate_reset(s);
  s->crc_flag = ISAL_GZIP;
  return 0;
}

const char *gunzip_backend(void) { return "isa-l"; }

#else
#include <zlib.h>

int gunzip_init(struct gunzip *g)
{
  z_stream *z = calloc(1, sizeof *z);
  /* 16 + MAX_WBITS: gzip framing only, as the layer media types say. */
  if (!z || inflateInit2(z, 16 + MAX_WBITS) != Z_OK) {
    free(z);
    return -1;
  }
  g->impl = z;
  return 0;
}

void gunzip_end(struct gunzip *g)
{
  if (g->impl)
    inflateEnd(g->impl);
  free(g->impl);
  g->impl = NULL;
}

int gunzip_run(struct gunzip *g, unsigned char *out, size_t cap, size_t *produced, bool *member_end)
{
  z_stream *z = g->impl;
  uInt in = g->avail_in > (1u << 30) ? 1u << 30 : (uInt) g->avail_in;
  uInt room = cap > (1u << 30) ? 1u << 30 : (uInt) cap;
  z->next_in = (Bytef *) g->next_in;
  z->avail_in = in;
  z->next_out = out;
  z->avail_out = room;
  int rc = inflate(z, Z_NO_FLUSH);
  g->avail_in -= (size_t) (in - z->avail_in);
  g->next_in = z->next_in;
  *produced = room - z->avail_out;
  *member_end = rc == Z_STREAM_END;
  /* Z_BUF_ERROR: no progress was possible (no input yet), not bad data. */
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
    g->msg = z->msg ? z->msg : "invalid compressed data";
    return -1;
  }
  return 0;
}

int gunzip_reset(struct gunzip *g)
{
  return inflateReset(g->impl) == Z_OK ? 0 : -1;
}

const char *gunzip_backend(void) { return "zlib"; }
#endif
