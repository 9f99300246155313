/* gunzip.h: ISA-L's igzip when this build has its headers (BERTH_HAVE_ISAL) and libisal.so.2 loads
 * at run time, else zlib. ISA-L is loaded with dlopen rather than linked, so a berth-fsops copied
 * to a machine without it still unpacks (with zlib) instead of failing to start; it is loaded in
 * gunzip_init, which untar calls before it chroots. Both check each member's header, CRC-32 and
 * length. BERTH_GUNZIP=zlib forces zlib (to compare the two). */
#include "gunzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

struct backend {
  const char *name;
  int (*init)(struct gunzip *g);
  void (*end)(struct gunzip *g);
  int (*run)(struct gunzip *g, unsigned char *out, size_t cap, size_t *produced, bool *member_end);
  int (*reset)(struct gunzip *g);
};

/* igzip and zlib count in 32 bits: at most 1 GiB per call (the callers' buffers are smaller). */
static uint32_t clamp32(size_t n) { return n > (1u << 30) ? 1u << 30 : (uint32_t) n; }

/* ---- zlib ---- */

static int z_init(struct gunzip *g)
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

static void z_end(struct gunzip *g)
{
  inflateEnd(g->impl);
  free(g->impl);
}

static int z_run(struct gunzip *g, unsigned char *out, size_t cap, size_t *produced, bool *member_end)
{
  z_stream *z = g->impl;
  uInt in = clamp32(g->avail_in), room = clamp32(cap);
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

static int z_reset(struct gunzip *g) { return inflateReset(g->impl) == Z_OK ? 0 : -1; }

static const struct backend zlib_backend = { "zlib", z_init, z_end, z_run, z_reset };

/* ---- ISA-L ---- */

#ifdef BERTH_HAVE_ISAL
#include <dlfcn.h>
#include <isa-l/igzip_lib.h>

static struct {
  void (*init)(struct inflate_state *);
  void (*reset)(struct inflate_state *);
  int (*inflate)(struct inflate_state *);
} isal;

static int i_init(struct gunzip *g)
{
  struct inflate_state *s = calloc(1, sizeof *s);
  if (!s)
    return -1;
  isal.init(s);
  s->crc_flag = ISAL_GZIP; /* gzip header parsed, trailer CRC-32 and size verified */
  g->impl = s;
  return 0;
}

static void i_end(struct gunzip *g) { free(g->impl); }

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

static int i_run(struct gunzip *g, unsigned char *out, size_t cap, size_t *produced, bool *member_end)
{
  struct inflate_state *s = g->impl;
  uint32_t in = clamp32(g->avail_in), room = clamp32(cap);
  s->next_in = (uint8_t *) g->next_in;
  s->avail_in = in;
  s->next_out = out;
  s->avail_out = room;
  int rc = isal.inflate(s);
  /* igzip keeps partial input in its own state, and after a member's trailer it stops: next_in
   * is then the first byte after the member. */
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

static int i_reset(struct gunzip *g)
{
  struct inflate_state *s = g->impl;
  isal.reset(s);
  s->crc_flag = ISAL_GZIP;
  return 0;
}

static const struct backend isal_backend = { "isa-l", i_init, i_end, i_run, i_reset };

static const struct backend *load_isal(void)
{
  const char *force = getenv("BERTH_GUNZIP");
  if (force && strcmp(force, "zlib") == 0)
    return NULL;
  /* The soname this header's ABI belongs to; kept loaded for the life of the process. */
  void *lib = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return NULL;
  *(void **) &isal.init = dlsym(lib, "isal_inflate_init");
  *(void **) &isal.reset = dlsym(lib, "isal_inflate_reset");
  *(void **) &isal.inflate = dlsym(lib, "isal_inflate");
  if (!isal.init || !isal.reset || !isal.inflate) {
    dlclose(lib);
    return NULL;
  }
  return &isal_backend;
}
#else
static const struct backend *load_isal(void) { return NULL; }
#endif

static const struct backend *chosen;

static const struct backend *backend(void)
{
  if (!chosen) {
    chosen = load_isal();
    if (!chosen)
      chosen = &zlib_backend;
  }
  return chosen;
}

int gunzip_init(struct gunzip *g)
{
  memset(g, 0, sizeof *g);
  return backend()->init(g);
}

void gunzip_end(struct gunzip *g)
{
  if (g->impl)
    backend()->end(g);
  g->impl = NULL;
}

int gunzip_run(struct gunzip *g, unsigned char *out, size_t cap, size_t *produced, bool *member_end)
{
  return backend()->run(g, out, cap, produced, member_end);
}

int gunzip_reset(struct gunzip *g) { return backend()->reset(g); }

const char *gunzip_backend(void) { return backend()->name; }
