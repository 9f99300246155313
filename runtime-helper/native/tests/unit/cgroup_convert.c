/* crun's conversions: shares -> cpu.weight and blkio weight -> io.weight. */
#include "cgroup_test.h"

int main(void) {
  struct {
    uint64_t shares, weight;
  } cases[] = {{0, 0}, {1, 1}, {2, 1}, {1024, 100}, {262144, 10000}, {500000, 10000}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t got = cgroup_shares_to_weight(cases[i].shares);
    if (!tap_ok(got == cases[i].weight, "shares %lu -> weight %lu", (unsigned long)cases[i].shares,
                (unsigned long)cases[i].weight))
      printf("#   got %lu\n", (unsigned long)got);
  }
  /* Monotonic over the whole range, always within 1..10000. */
  uint64_t prev = 1;
  bool monotonic = true;
  for (uint64_t s = 2; s <= 262144; s += 97) {
    uint64_t w = cgroup_shares_to_weight(s);
    monotonic &= w >= prev && w >= 1 && w <= 10000;
    prev = w;
  }
  tap_ok(monotonic, "shares -> weight is monotonic within 1..10000");
  tap_ok(cgroup_shares_to_weight(512) < 100 && cgroup_shares_to_weight(2048) > 100,
         "512 shares weigh less than the default, 2048 more");

  struct {
    uint64_t blkio, io;
  } io[] = {{0, 0}, {10, 1}, {500, 4950}, {1000, 10000}, {100, 910}};
  for (size_t i = 0; i < sizeof io / sizeof io[0]; i++) {
    uint64_t got = cgroup_blkio_weight_to_io_weight(io[i].blkio);
    if (!tap_ok(got == io[i].io, "blkio weight %lu -> io.weight %lu", (unsigned long)io[i].blkio,
                (unsigned long)io[i].io))
      printf("#   got %lu\n", (unsigned long)got);
  }
  return tap_done();
}
