// Gathers a terminal stream's chunks into fewer, larger messages for the renderer.
//
// An engine's hijacked stream gives a chunk per read of the container's terminal: under a flood
// (`cat` of a big file) that is thousands of chunks of a few hundred bytes to a few KB, ~9,000 for
// 50 MB here. Each became a WebSocket (or IPC) message, and every message costs the server, the
// browser's network and IPC layers and the tab a task of its own. Chunks read in one turn of the
// event loop now go as one message (flushed at setImmediate, or at MAX_BATCH); a lone chunk (a
// keystroke's echo) still goes out in the same turn it arrived.

/** Large enough to make a flood a few hundred messages, small enough that xterm's pacer
 * (renderer/src/terminal/output-pacer.ts) still slices it into pieces without a long copy. */
export const MAX_BATCH = 64 * 1024;

export class ByteBatcher {
  private parts: Buffer[] = [];
  private size = 0;
  private scheduled = false;

  constructor(private readonly out: (bytes: Buffer) => void, private readonly max = MAX_BATCH) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.max) { this.flush(); return; }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => { this.scheduled = false; this.flush(); });
    }
  }

  /** Sends what is gathered now: before anything that must follow the bytes (the exit notice). */
  flush(): void {
    if (this.size === 0) return;
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.out(bytes);
  }

  /** Drops what is gathered (the stream was closed by its client). */
  discard(): void {
    this.parts = [];
    this.size = 0;
  }
}
