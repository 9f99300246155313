#include "runtime/caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

static int last_cap(void) {
  static int last = -1;
  if (last < 0) {
    last = CAP_LAST_CAP;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (f) {
      if (fscanf(f, "%d", &last) != 1) last = CAP_LAST_CAP;
      fclose(f);
    }
    if (last > 63) last = 63;
  }
  return last;
}

static uint64_t parse_set(json_t *arr, uint64_t allowed) {
  uint64_t bits = 0;
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    const char *name = json_string_value(v);
    if (name == NULL) continue;
    char lower[64];
    size_t k = 0;
    for (; name[k] && k < sizeof lower - 1; k++) lower[k] = (char)tolower((unsigned char)name[k]);
    lower[k] = '\0';
    cap_value_t cap;
    if (cap_from_name(lower, &cap) < 0 || cap > last_cap()) continue; /* unknown: skipped */
    bits |= (uint64_t)1 << cap;
  }
  return bits & allowed;
}

int caps_parse(json_t *caps, struct caps_sets *out, berth_error_t *err) {
  (void)err;
  /* What we may hand out: our permitted set, itself limited by the host bounding set. */
  uint64_t allowed = 0;
  cap_t cur = cap_get_proc();
  for (int c = 0; c <= last_cap(); c++) {
    cap_flag_value_t v = CAP_CLEAR;
    if (cur && cap_get_flag(cur, (cap_value_t)c, CAP_PERMITTED, &v) == 0 && v == CAP_SET &&
        prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
      allowed |= (uint64_t)1 << c;
  }
  if (cur) cap_free(cur);
  out->bounding = parse_set(json_object_get(caps, "bounding"), allowed);
  out->effective = parse_set(json_object_get(caps, "effective"), allowed);
  out->permitted = parse_set(json_object_get(caps, "permitted"), allowed);
  out->inheritable = parse_set(json_object_get(caps, "inheritable"), allowed);
  out->ambient = parse_set(json_object_get(caps, "ambient"), allowed);
  /* The kernel requires ambient ⊆ permitted ∩ inheritable and effective ⊆ permitted. */
  out->ambient &= out->permitted & out->inheritable;
  out->effective &= out->permitted;
  return 0;
}

int caps_drop_bounding(const struct caps_sets *c, berth_error_t *err) {
  for (int cap = 0; cap <= last_cap(); cap++) {
    if (c->bounding & ((uint64_t)1 << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return berth_error_errno(err, "drop capability %d from the bounding set", cap);
  }
  return 0;
}

int caps_apply(const struct caps_sets *c, berth_error_t *err) {
  cap_t caps = cap_init();
  if (caps == NULL) return berth_error_errno(err, "set capabilities");
  for (int cap = 0; cap <= last_cap(); cap++) {
    cap_value_t v = (cap_value_t)cap;
    uint64_t bit = (uint64_t)1 << cap;
    if (c->effective & bit) cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
    if (c->permitted & bit) cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
    if (c->inheritable & bit) cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
  }
  int r = cap_set_proc(caps);
  int e = errno;
  cap_free(caps);
  if (r < 0) return berth_error_set(err, e, "set capabilities");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return berth_error_errno(err, "clear ambient capabilities");
  for (int cap = 0; cap <= last_cap(); cap++) {
    if (!(c->ambient & ((uint64_t)1 << cap))) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return berth_error_errno(err, "raise ambient capability %d", cap);
  }
  return 0;
}
