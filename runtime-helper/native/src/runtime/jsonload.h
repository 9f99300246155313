/* Loading OCI JSON with jansson, which has no unsigned 64-bit integers: values above INT64_MAX
 * (an rlimit of RLIM_INFINITY written as 18446744073709551615, a seccomp mask) are read as the
 * int64 with the same bits, so casting back to uint64 gives the value that was written. */
#ifndef BERTH_RUNTIME_JSONLOAD_H
#define BERTH_RUNTIME_JSONLOAD_H

#include <jansson.h>
#include <stdio.h>

/* path "-" reads stdin. NULL on error with jerr filled (jerr->text empty: errno says why). */
json_t *json_load_oci(const char *path, json_error_t *jerr);

#endif
