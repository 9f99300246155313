/* The attach socket (STATE_DIR/attach.sock): any number of clients; every message in both
 * directions is a frame with Docker's 8-byte header: [type, 0, 0, 0, big-endian uint32 length]
 * then the payload.
 *   shim -> client: type 1 stdout, 2 stderr (with a terminal all output is type 1).
 *   client -> shim: type 0 stdin bytes; 16 resize (payload: rows, cols as big-endian uint16);
 *                   17 close stdin; 18 stdin-once (close stdin when this client's input ends);
 *                   21 interactive (payload 1 byte: 1 on, 0 off; empty means on);
 *                   22 mark (empty): answered in order with a frame 22 saying which output the
 *                   log holds (send_mark in attach.c).
 * A read-only client that cannot keep up (more than ATTACH_CLIENT_BACKLOG bytes unsent) is
 * disconnected: a forgotten viewer never stalls the container. An interactive client (one with
 * stdin: `docker run -it`, a terminal) and every client of an exec session are waited for
 * instead, as dockerd does: the shim stops reading the process's output while such a client has
 * ATTACH_OUTPUT_HIGH_WATER bytes queued, so the process blocks on its terminal or pipe rather
 * than the session being cut off in the middle of a flood; the log loses nothing, as nothing is
 * read meanwhile. */
#ifndef BERTH_SHIM_ATTACH_H
#define BERTH_SHIM_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "shim/shim.h"

#define ATTACH_SOCKET "attach.sock"
#define ATTACH_CLIENT_BACKLOG (1024 * 1024)
/* For waited-for clients: stop reading the process's output above the high mark, read again below the low. */
#define ATTACH_OUTPUT_HIGH_WATER (256 * 1024)
#define ATTACH_OUTPUT_LOW_WATER (64 * 1024)
/* How long attach_linger waits for clients to close after the exit. */
#define ATTACH_LINGER_MS 2000

enum attach_frame_type {
  ATTACH_FRAME_STDIN = 0,
  ATTACH_FRAME_STDOUT = 1,
  ATTACH_FRAME_STDERR = 2,
  ATTACH_FRAME_RESIZE = 16,
  ATTACH_FRAME_CLOSE_STDIN = 17,
  ATTACH_FRAME_STDIN_ONCE = 18,
  ATTACH_FRAME_START = 19,        /* client -> shim: run `runtime start ID` */
  ATTACH_FRAME_START_RESULT = 20, /* shim -> that client: int32 status (BE), then the message */
  ATTACH_FRAME_INTERACTIVE = 21,  /* client -> shim: 1 byte, 1 = wait for me (I have stdin), 0 = don't */
  ATTACH_FRAME_MARK = 22,         /* client -> shim: empty; shim -> that client: where its output stands in the log */
};

int attach_listen(struct shim *s, const char *path, berth_error_t *err);

/* EPOLLIN on the listening socket. */
void attach_accept(struct shim *s);

/* An event on a client (w is the client's watch). */
void attach_client_event(struct shim *s, struct watch *w, uint32_t events);

/* Sends output to every client, never blocking. */
void attach_broadcast(struct shim *s, enum attach_frame_type type, const uint8_t *data, size_t len);

/* stdin_buf has room again: feed the input clients held back. */
void attach_resume_input(struct shim *s);

/* Bytes still queued for clients. */
size_t attach_pending_output(const struct shim *s);

/* The most bytes queued for any one client the output waits for (interactive clients; every
 * client in exec mode). */
size_t attach_max_waited_output(const struct shim *s);

/* Frees clients dropped during the last epoll batch. */
void attach_free_dropped(struct shim *s);

/* At the exit, before attach_close: half-closes every client (it reads all output frames, then
 * EOF) and reads what the clients still send until each closes, at most ATTACH_LINGER_MS.
 * Closing a socket with unread input resets the peer, and a client still writing (stdin, a
 * frame 21) to a closed socket gets EPIPE: either makes a client such as Node destroy the
 * connection before it read the output frames already waiting in it. */
void attach_linger(struct shim *s);

/* Closes every client and the listening socket. */
void attach_close(struct shim *s);

#endif
