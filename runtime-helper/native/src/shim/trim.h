/* Keeps an idle shim small. Startup runs code (option parsing, the runtime launch, libc
 * initialisation) that the event loop never needs again, and the kernel maps file pages in 64 KiB
 * "fault-around" chunks, so the text the shim touched once stays counted in its RSS. Once started,
 * the shim drops its executable mappings' pages with MADV_DONTNEED: the pages stay in the page
 * cache (shared by every shim) and fault back in when the loop runs them. Only r-x file mappings
 * are dropped: text is never written, so nothing private is lost. */
#ifndef BERTH_SHIM_TRIM_H
#define BERTH_SHIM_TRIM_H

void shim_trim_text(void);

#endif
