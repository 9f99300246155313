// Gathers a terminal stream's chunks into fewer, larger messages for the renderer.
//
// An engine's hijacked stream gives a chunk per read of the container's terminal: under a flood
// (`cat` of a big file) that is ~20,000-30,000 chunks of a few hundred bytes to a few KB for 50 MB
// here, one per turn of the event loop. Each became a WebSocket (or IPC) message, and every
// message costs the server, the browser's network and IPC layers and the tab a task of its own.
// So a chunk after a quiet spell (a keystroke's echo) goes out at once, in the turn it arrived,
// and chunks that follow within WINDOW_MS of a send are gathered and sent together WINDOW_MS
// after it (or at MAX_BATCH): during a flood, a message every few milliseconds.

/** Large enough to make a flood a few hundred messages, small enough that xterm's pacer
 * (renderer/src/terminal/output-pacer.ts) still slices it into pieces without a long copy. */
export const MAX_BATCH = 64 * 1024;
/** Well under a frame, and under the echo budget: only output that follows other output waits. */
export const WINDOW_MS = 4;

export class ByteBatcher {
  private parts: Buffer[] = [];
  private size = 0;
  private scheduled = false;
  private lastSend = -Infinity;

  constructor(
    private readonly out: (bytes: Buffer) => void,
    private readonly max = MAX_BATCH,
    private readonly windowMs = WINDOW_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.max) { this.flush(); return; }
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastSend + this.windowMs - this.now();
    // After a quiet spell: at the end of this turn (chunks read in the same turn go along).
    if (wait <= 0) setImmediate(() => this.timerFlush());
    else setTimeout(() => this.timerFlush(), wait);
  }

  /** Sends what is gathered now: before anything that must follow the bytes (the exit notice). */
  flush(): void {
    if (this.size === 0) return;
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.lastSend = this.now();
    this.out(bytes);
  }

  /** Drops what is gathered (the stream was closed by its client). */
  discard(): void {
    this.parts = [];
    this.size = 0;
  }

  private timerFlush(): void {
    this.scheduled = false;
    this.flush();
  }
}
