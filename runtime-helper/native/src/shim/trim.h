/* Keeps an idle shim small. A shim spends nearly all its life blocked in epoll_wait, yet its RSS
 * counts every page it touched: the text and read-only data of startup (option parsing, the
 * runtime launch, libc initialisation), a deep stack, scratch buffers. The kernel maps file pages
 * in large chunks (64 KiB fault-around, or a whole large folio of the page cache), so even a
 * short run of code after a trim maps hundreds of KiB back.
 *
 * So the trim is the last thing before blocking, done by code that is never unmapped: once the
 * loop has been idle a while, shim_idle_wait() drops, with MADV_DONTNEED,
 *   - the file mappings (text, read-only data) that hold no private page: they stay in the page
 *     cache, shared by every shim, and fault back in when the loop next runs them;
 *   - the stack below the current frame and the registered scratch buffers (their contents are
 *     dead between wakeups: they come back as zero pages when next used);
 * then blocks in epoll_wait, all through raw system calls from a section of its own (kept
 * mapped), so nothing faults in again until an event arrives. */
#ifndef BERTH_SHIM_TRIM_H
#define BERTH_SHIM_TRIM_H

#include <stddef.h>
#include <sys/epoll.h>

/* A buffer whose contents are dead whenever the loop is idle (whole pages inside it are dropped).
 * At most a few; extra ones are ignored. */
void shim_idle_scratch(void *buf, size_t len);

/* epoll_wait(epfd, events, max, -1) after the trim. Returns what epoll_wait returns (-1 with
 * errno). A failed trim is logged once and never fatal: the wait happens anyway. */
int shim_idle_wait(int epfd, struct epoll_event *events, int max);

#endif
