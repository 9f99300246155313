/* The container's input: bytes from attach clients are queued in a fixed buffer and written
 * to the stdin pipe (or pty master) when it is writable, so a container that does not read its
 * stdin only holds clients back, never the shim. */
#ifndef BERTH_SHIM_STDIN_SINK_H
#define BERTH_SHIM_STDIN_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "shim/shim.h"

/* Queues up to len bytes; returns how many were taken (all of them when the container has no
 * stdin any more: they are dropped, as Docker drops input after stdin closed). */
size_t stdin_sink_write(struct shim *s, const uint8_t *data, size_t len);

/* EPOLLOUT on in_fd (or a hangup). */
void stdin_sink_writable(struct shim *s, uint32_t events);

/* Closes the container's stdin once the queue is written. With a terminal there is no separate
 * stdin to close: an end-of-file character (^D) is sent instead. */
void stdin_sink_close(struct shim *s);

/* TIOCSWINSZ on the terminal; ignored without one. */
void stdin_sink_resize(struct shim *s, uint16_t rows, uint16_t cols);

#endif
