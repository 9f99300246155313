/* berth-runtime: see entry.c. */
#include "runtime/entry.h"

int main(int argc, char **argv) { return berth_runtime_main(argc, argv); }
