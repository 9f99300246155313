/* berth-runtime's whole command line as a function: main() calls it, and berth-shim calls it in
 * a forked child when its runtime is this build's berth-runtime. */
#ifndef BERTH_RUNTIME_ENTRY_H
#define BERTH_RUNTIME_ENTRY_H

/* argv[0] is the program name, as for main(); returns the exit code. */
int berth_runtime_main(int argc, char **argv);

#endif
