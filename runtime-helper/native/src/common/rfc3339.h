/* Timestamps the way Go's time.RFC3339Nano prints them in UTC (what Docker writes in json-file
 * logs and state): "2026-11-29T18:24:30.123456789Z", trailing zeros of the fraction trimmed
 * ("…:30.1Z"), no fraction at all on a whole second. */
#ifndef BERTH_COMMON_RFC3339_H
#define BERTH_COMMON_RFC3339_H

#include <stddef.h>
#include <time.h>

#define BERTH_RFC3339_MAX 40

/* Writes the NUL-terminated text into out (BERTH_RFC3339_MAX bytes) and returns its length. */
size_t berth_rfc3339nano(char out[BERTH_RFC3339_MAX], const struct timespec *ts);

#endif
