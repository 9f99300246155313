#include "runtime/jsonload.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileutil.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Copies text to a new buffer, rewriting integer literals above INT64_MAX outside strings. */
static char *rewrite_big_integers(const char *text, size_t len) {
  char *out = malloc(len + len / 19 + 2); /* each rewrite grows a literal by at most one byte */
  if (out == NULL) return NULL;
  size_t o = 0;
  bool in_string = false;
  for (size_t i = 0; i < len;) {
    char c = text[i];
    if (in_string) {
      out[o++] = c;
      i++;
      if (c == '\\' && i < len) out[o++] = text[i++];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (!is_digit(c) || (i > 0 && (text[i - 1] == '-' || text[i - 1] == '.' || is_digit(text[i - 1])))) {
      out[o++] = c;
      i++;
      continue;
    }
    size_t j = i;
    while (j < len && is_digit(text[j])) j++;
    bool plain = j - i >= 19 && (j == len || (text[j] != '.' && text[j] != 'e' && text[j] != 'E'));
    if (plain && j - i <= 20) {
      char num[21];
      memcpy(num, text + i, j - i);
      num[j - i] = '\0';
      errno = 0;
      unsigned long long v = strtoull(num, NULL, 10);
      if (errno == 0 && v > (unsigned long long)INT64_MAX) {
        o += (size_t)sprintf(out + o, "%" PRId64, (int64_t)v);
        i = j;
        continue;
      }
    }
    memcpy(out + o, text + i, j - i);
    o += j - i;
    i = j;
  }
  out[o] = '\0';
  return out;
}

json_t *json_load_oci(const char *path, json_error_t *jerr) {
  char *text = NULL;
  size_t len = 0;
  berth_error_t err;
  memset(jerr, 0, sizeof *jerr);
  if (strcmp(path, "-") == 0) {
    if (berth_read_file("/dev/stdin", 64 << 20, &text, &len, &err) < 0) return NULL;
  } else if (berth_read_file(path, 64 << 20, &text, &len, &err) < 0) {
    errno = err.errno_value;
    return NULL;
  }
  char *fixed = rewrite_big_integers(text, len);
  free(text);
  if (fixed == NULL) return NULL;
  json_t *j = json_loads(fixed, 0, jerr);
  free(fixed);
  return j;
}
