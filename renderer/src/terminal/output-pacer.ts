// Feeds terminal output to xterm.js so a flood (`cat` of a big file) leaves a frame for painting
// and clicks every few milliseconds of parsing, while a lone chunk (a keystroke's echo) is written
// at once.
//
// xterm parses in 12 ms tasks but checks that budget only between write() calls and runs the tasks
// back to back with the WebSocket's message tasks in between, so without pacing the main thread can
// go 100 ms and more without painting. Here one small piece is in xterm at a time; its callback
// writes the next (xterm parses it in the same task) until FRAME_BUDGET_MS of parsing has passed,
// then the next piece waits for an animation frame. A time budget, not a byte budget: how long a
// byte takes depends on the output (plain lines, colours, wide characters) and on the machine's load.
import type { Terminal } from '@xterm/xterm';

/** Bytes per write: small enough that one piece never overruns the budget by much. */
export const PIECE = 4 * 1024;
/** Parsing time per frame, leaving the rest of a 16 ms frame for xterm's render and the page. */
export const FRAME_BUDGET_MS = 8;
/** The budget after late frames. When frames come late the tab is waiting for a CPU (other
 * processes are busy, the output's own producers among them), and each millisecond of parsing then
 * takes several of wall time: parse less per frame until frames come on time again. */
export const MIN_BUDGET_MS = 2;
/** A frame later than two vsync intervals after the previous one is late. */
export const LATE_FRAME_MS = 34;

export interface PacerBudget { maxMs: number; minMs: number }

/** The clock and frame source, replaceable in the unit spec. */
export interface PacerTiming {
  now(): number;
  /** Runs `fn` before the next frame (or soon, when the page gets no frames). */
  nextFrame(fn: () => void): void;
}

const browserTiming: PacerTiming = {
  now: () => performance.now(),
  // A hidden document gets no frames: keep parsing so the stream is not held up.
  nextFrame: (fn) => { if (document.hidden) setTimeout(fn, 0); else requestAnimationFrame(() => fn()); },
};

export class OutputPacer {
  // Stream bytes (acknowledged once parsed) and the app's own notices (text, not acknowledged).
  private readonly queue: (Uint8Array | string)[] = [];
  private inFlight = false;
  private waitingFrame = false;
  // When this frame's parsing began; undefined until the first piece after a frame is parsed.
  private budgetStart: number | undefined;
  private budgetMs: number;
  // The previous frame this flood waited for; undefined when output pauses.
  private lastFrameAt: number | undefined;
  private disposed = false;

  /** `processed` is told every stream byte xterm has parsed (the flow-control acknowledgement);
   * text pushed by the app itself (exit notices) keeps its place in line but is not counted. */
  constructor(
    private readonly term: Pick<Terminal, 'write'>,
    private readonly processed: (bytes: number) => void,
    private readonly timing: PacerTiming = browserTiming,
    private readonly budget: PacerBudget = { maxMs: FRAME_BUDGET_MS, minMs: MIN_BUDGET_MS },
  ) {
    this.budgetMs = budget.maxMs;
  }

  /** This frame's parsing budget (halved after a late frame, back up by 1 ms per frame on time). */
  get currentBudgetMs(): number { return this.budgetMs; }

  push(bytes: Uint8Array | string): void {
    if (this.disposed || (typeof bytes === 'string' ? bytes.length : bytes.byteLength) === 0) return;
    this.queue.push(bytes);
    if (this.inFlight || this.waitingFrame) return;
    // Output after a pause (an echo): write at once; the budget counts from its parse.
    this.budgetStart = undefined;
    this.writePiece();
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
  }

  private writePiece(): void {
    const chunk = this.queue[0];
    if (chunk === undefined) return;
    let piece: Uint8Array | string;
    if (typeof chunk === 'string' || chunk.byteLength <= PIECE) {
      piece = chunk;
      this.queue.shift();
    } else {
      piece = chunk.subarray(0, PIECE);
      this.queue[0] = chunk.subarray(PIECE);
    }
    this.inFlight = true;
    // After a keystroke xterm parses the first write synchronously: the callback may run here.
    this.term.write(piece, () => this.pieceDone(typeof piece === 'string' ? 0 : piece.byteLength));
  }

  private pieceDone(bytes: number): void {
    this.inFlight = false;
    if (this.disposed) return;
    if (bytes > 0) this.processed(bytes);
    if (this.queue.length === 0) { this.lastFrameAt = undefined; return; }
    const now = this.timing.now();
    // The piece written at a frame is parsed in a later task (after the frame's render): the
    // budget counts from the end of that first piece, so a slow render does not eat it.
    if (this.budgetStart === undefined) this.budgetStart = now;
    if (now - this.budgetStart < this.budgetMs) { this.writePiece(); return; }
    this.waitingFrame = true;
    this.timing.nextFrame(() => {
      this.waitingFrame = false;
      this.adjustBudget(this.timing.now());
      this.budgetStart = undefined;
      if (!this.disposed && this.queue.length > 0) this.writePiece();
    });
  }

  private adjustBudget(frameAt: number): void {
    const { maxMs, minMs } = this.budget;
    if (this.lastFrameAt !== undefined) {
      const late = frameAt - this.lastFrameAt > LATE_FRAME_MS;
      this.budgetMs = late ? Math.max(minMs, this.budgetMs / 2) : Math.min(maxMs, this.budgetMs + 1);
    }
    this.lastFrameAt = frameAt;
  }
}
