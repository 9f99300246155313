// Feeds terminal output to xterm.js so a flood (`cat` of a big file) leaves a frame for painting
// and clicks every BURST_MS, while a lone chunk (a keystroke's echo) is written at once.
//
// xterm parses in 12 ms tasks but runs them back to back, and the WebSocket's message tasks come
// in between, so without pacing the main thread can go 100 ms and more without painting. Here one
// slice (<= SLICE bytes, in PIECE-sized writes) is in xterm at a time; while output keeps coming
// for longer than BURST_MS, the next slice waits for the next animation frame.
import type { Terminal } from '@xterm/xterm';

// xterm checks its 12 ms budget only between write() calls, and a 64 KB chunk of plain lines can
// take 50 ms to parse on a busy machine: hand it 16 KB pieces.
const PIECE = 16 * 1024;
const SLICE = 64 * 1024;
const BURST_MS = 16;

export class OutputPacer {
  // Stream bytes (acknowledged once parsed) and the app's own notices (text, not acknowledged).
  private readonly queue: (Uint8Array | string)[] = [];
  private inFlight = false;
  private waitingFrame = false;
  private burstStart = 0;
  private disposed = false;

  /** `processed` is told every stream byte xterm has parsed (the flow-control acknowledgement);
   * text pushed by the app itself (exit notices) keeps its place in line but is not counted. */
  constructor(private readonly term: Pick<Terminal, 'write'>, private readonly processed: (bytes: number) => void) {}

  push(bytes: Uint8Array | string): void {
    if (this.disposed || (typeof bytes === 'string' ? bytes.length : bytes.byteLength) === 0) return;
    this.queue.push(bytes);
    if (this.inFlight || this.waitingFrame) return;
    this.burstStart = performance.now();
    this.writeSlice();
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
  }

  private writeSlice(): void {
    const parts: (Uint8Array | string)[] = [];
    let total = 0;
    while (this.queue.length > 0 && total < SLICE) {
      const chunk = this.queue[0] as Uint8Array | string;
      if (typeof chunk === 'string') { parts.push(chunk); this.queue.shift(); continue; }
      const take = Math.min(chunk.byteLength, PIECE);
      if (take < chunk.byteLength) {
        parts.push(chunk.subarray(0, take));
        this.queue[0] = chunk.subarray(take);
      } else {
        parts.push(chunk);
        this.queue.shift();
      }
      total += take;
    }
    if (parts.length === 0) return;
    this.inFlight = true;
    const last = parts.pop() as Uint8Array | string;
    for (const p of parts) this.term.write(p);
    // After a keystroke xterm parses the first write synchronously: the callback may run here.
    this.term.write(last, () => this.sliceDone(total));
  }

  private sliceDone(bytes: number): void {
    this.inFlight = false;
    if (this.disposed) return;
    if (bytes > 0) this.processed(bytes);
    if (this.queue.length === 0) return;
    if (performance.now() - this.burstStart < BURST_MS) { this.writeSlice(); return; }
    this.waitingFrame = true;
    const next = () => {
      this.waitingFrame = false;
      this.burstStart = performance.now();
      if (!this.disposed && this.queue.length > 0) this.writeSlice();
    };
    // A hidden document gets no frames: keep parsing so the stream is not held up.
    if (document.hidden) setTimeout(next, 0);
    else requestAnimationFrame(next);
  }
}
