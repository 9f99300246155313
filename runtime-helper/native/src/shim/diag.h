/* The shim's own diagnostics: one timestamped line per event on fd 2, which the daemonized shim
 * points at STATE_DIR/shim.log. Plain write(2), no stdio buffers, so nothing is lost on exit. */
#ifndef BERTH_SHIM_DIAG_H
#define BERTH_SHIM_DIAG_H

void shim_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
