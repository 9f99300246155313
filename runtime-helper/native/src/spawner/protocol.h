/* berth-spawner's wire format on its stdin (requests) and stdout (replies). Every message is a
 * frame: u32 length of what follows, then the body. Integers are little-endian.
 *
 * Request body:  u32 id, u8 op, then
 *   SPAWN_RUN:     u32 cwd length + cwd bytes (0: the spawner's cwd), u32 argc,
 *                  argc x (u32 length + bytes); argv[0] is the program's path (no PATH search
 *                  unless it has no '/': then PATH is searched, as execvp does)
 *   SPAWN_SIGNAL:  i32 signal for the process started by request `id`
 * Reply body:    u32 id, u8 kind, then
 *   REPLY_EXITED:  i32 wait status (as waitpid gives it), u32 stdout length + bytes,
 *                  u32 stderr length + bytes (each capped at SPAWN_OUTPUT_CAP; more is read and
 *                  dropped, and the reply says so with REPLY_FLAG_TRUNCATED in the kind's high bit)
 *   REPLY_FAILED:  i32 errno (the program could not be started)
 */
#ifndef BERTH_SPAWNER_PROTOCOL_H
#define BERTH_SPAWNER_PROTOCOL_H

#include <stdint.h>

enum { SPAWN_RUN = 1, SPAWN_SIGNAL = 2 };
enum { REPLY_EXITED = 1, REPLY_FAILED = 2 };
#define REPLY_FLAG_TRUNCATED 0x80

#define SPAWN_MAX_REQUEST (1u << 20)
#define SPAWN_MAX_ARGS 4096
#define SPAWN_OUTPUT_CAP (16u << 20)

#endif
