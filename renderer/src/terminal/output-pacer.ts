// Feeds terminal output to xterm.js so a flood (`cat` of a big file) leaves frames for painting
// and clicks, while a lone chunk (a keystroke's echo) is written at once.
//
// xterm parses in 12 ms tasks but checks that budget only between write() calls and runs the tasks
// back to back with the WebSocket's message tasks in between, so without pacing the main thread can
// go 100 ms and more without painting. Here one small piece is in xterm at a time; its callback
// writes the next (xterm parses it in the same task) until a time budget of parsing has passed:
// a burst. A time budget, not a byte budget: how long a byte takes depends on the output (plain
// lines, colours, wide characters) and on the machine's load.
//
// During a flood, bursts start at most every BURST_INTERVAL_MS (two frames): output that arrives
// sooner after a burst of FLOOD_BYTES or more, or after one its budget cut short, waits for the
// first frame after that. Smaller output (echoes, even when typed fast; a full-screen program's redraws) is
// written at once. xterm draws at the frame
// after a burst, and drawing a screen whose every row changed (rows rebuilt, style, layout, paint,
// raster, compositing) costs the tab about four times what parsing those bytes does: with a burst
// per network message (the output often arrives slower than xterm parses it) the tab drew at
// nearly every frame. At ~30 draws a second the main thread idles in the frames between, and the
// cores go to parsing and to the output's producers (server, engine, the container).
import type { Terminal } from '@xterm/xterm';

/** Bytes per write: small enough that one piece never overruns the budget by much. */
export const PIECE = 4 * 1024;
/** A burst this large makes the output a flood: more than an interactive program's screen (a
 * full-screen redraw with colours is a few KB), less than 33 ms of a stream at 0.5 MB/s. */
export const FLOOD_BYTES = 16 * 1024;
/** Parsing time per burst: with xterm's draw at the next frame it leaves the frame after that idle. */
export const BURST_BUDGET_MS = 12;
/** The budget after late frames. When frames come late the tab is waiting for a CPU (other
 * processes are busy, the output's own producers among them), and each millisecond of parsing then
 * takes several of wall time: parse less per burst until frames come on time again. */
export const MIN_BUDGET_MS = 2;
/** The budget of the first burst after a quiet spell, doubled at each burst whose frame came on
 * time until it is BURST_BUDGET_MS (a slow start, as TCP's). The start of a flood is when every
 * process on the output's path wakes at once (the program, the engine, the server, the browser's
 * other processes) and the tab waits longest for a CPU: the benchmark's frames over 100 ms came
 * mostly in a flood's first 150 ms. An echo is one piece, written whole whatever the budget. */
export const START_BUDGET_MS = 2;
/** Output after this long without any makes the next burst start slow again. */
export const QUIET_MS = 500;
/** The shortest time from the start of one burst to the next while output keeps coming. */
export const BURST_INTERVAL_MS = 1000 / 30;
/** A frame more than two vsync intervals after the latest burst began (or after the previous frame
 * the pacer waited through) is late: the burst's parsing or the frame's work waited for a CPU. */
export const LATE_FRAME_MS = 34;
// rAF callbacks come whole vsync intervals apart, give or take this.
const FRAME_JITTER_MS = 4;

export interface PacerBudget { maxMs: number; minMs: number; intervalMs: number; startMs: number }

/** Optional draw throttle during a flood: `hold(true)` keeps xterm from drawing what is parsed,
 * `hold(false)` draws everything held; the pacer draws at most every `intervalMs`. */
export interface DrawHold { intervalMs: number; hold(on: boolean): void }

/** The clock and frame source, replaceable in the unit spec. */
export interface PacerTiming {
  now(): number;
  /** Runs `fn` before the next frame (or soon, when the page gets no frames). */
  nextFrame(fn: () => void): void;
  /** Whether the page is drawn: a hidden one gets no frames and xterm draws nothing. */
  visible(): boolean;
}

const browserTiming: PacerTiming = {
  now: () => performance.now(),
  // A hidden document gets no frames: keep parsing so the stream is not held up.
  nextFrame: (fn) => { if (document.hidden) setTimeout(fn, 0); else requestAnimationFrame(() => fn()); },
  visible: () => !document.hidden,
};

export class OutputPacer {
  // Stream bytes (acknowledged once parsed) and the app's own notices (text, not acknowledged).
  private readonly queue: (Uint8Array | string)[] = [];
  private inFlight = false;
  private waitingFrame = false;
  // When this burst's parsing began; undefined until its first piece is parsed.
  private budgetStart: number | undefined;
  private budgetMs: number;
  // When the latest burst started (undefined before the first), and the bytes it has parsed.
  private lastBurstAt: number | undefined;
  private burstBytes = 0;
  // Whether the latest burst ended at its budget with output left: a flood, however few bytes the
  // budget let through (a small budget after a quiet spell or a late frame).
  private burstCut = false;
  // While waiting for a burst: when the latest burst (or the latest frame since) began, and whether
  // a frame came late.
  private waitMark = 0;
  private lateFrame = false;
  // When the queue last ran empty (undefined: never had output), and whether the budget is still
  // doubling after a quiet spell.
  private drainedAt: number | undefined;
  private slowStart = false;
  private disposed = false;

  /** `processed` is told every stream byte xterm has parsed (the flow-control acknowledgement);
   * text pushed by the app itself (exit notices) keeps its place in line but is not counted. */
  constructor(
    private readonly term: Pick<Terminal, 'write'>,
    private readonly processed: (bytes: number) => void,
    private readonly timing: PacerTiming = browserTiming,
    private readonly budget: PacerBudget = { maxMs: BURST_BUDGET_MS, minMs: MIN_BUDGET_MS, intervalMs: BURST_INTERVAL_MS, startMs: START_BUDGET_MS },
    private readonly draws?: DrawHold,
  ) {
    this.budgetMs = budget.maxMs;
  }

  /** The parsing budget per burst (halved after a late frame, back up by 1 ms per burst on time;
   * after a quiet spell it starts at startMs and doubles per burst on time). */
  get currentBudgetMs(): number { return this.budgetMs; }

  push(bytes: Uint8Array | string): void {
    if (this.disposed || (typeof bytes === 'string' ? bytes.length : bytes.byteLength) === 0) return;
    this.queue.push(bytes);
    if (this.inFlight || this.waitingFrame) return;
    const now = this.timing.now();
    if (this.drainedAt === undefined || now - this.drainedAt >= QUIET_MS) {
      this.budgetMs = Math.min(this.budget.startMs, this.budget.maxMs);
      this.slowStart = this.budgetMs < this.budget.maxMs;
    }
    // Output after a pause (an echo) is written at once; during a flood it waits for its burst.
    if (this.burstDue(now)) this.startBurst(); else this.waitForBurst();
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
  }

  /** Whether the latest burst was a flood's (false before the first). */
  private inFlood(): boolean {
    return this.burstCut || this.burstBytes >= FLOOD_BYTES;
  }

  private burstDue(now: number): boolean {
    // Not in a flood, or hidden (nothing is drawn): no reason to hold output back.
    if (this.lastBurstAt === undefined || !this.inFlood()) return true;
    return now - this.lastBurstAt >= this.budget.intervalMs - FRAME_JITTER_MS || !this.timing.visible();
  }

  private lastDrawAt = -Infinity;
  private holding = false;

  private setHold(on: boolean, now: number): void {
    if (!this.draws) return;
    if (!on) this.lastDrawAt = now;
    if (on === this.holding) return;
    this.holding = on;
    this.draws.hold(on);
  }

  private startBurst(): void {
    const now = this.timing.now();
    // In a flood (the previous burst was large), what this burst parses is drawn only if the
    // latest draw is intervalMs old; otherwise it waits for a later burst's draw.
    const flood = this.lastBurstAt !== undefined && this.inFlood() && this.timing.visible();
    this.setHold(flood && now - this.lastDrawAt < (this.draws?.intervalMs ?? 0) - FRAME_JITTER_MS, now);
    this.lastBurstAt = now;
    this.burstBytes = 0;
    this.burstCut = false;
    // The budget counts from the end of the burst's first piece: the piece written at a frame is
    // parsed in a later task (after the frame's render), so a slow render does not eat it.
    this.budgetStart = undefined;
    this.writePiece();
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
    this.burstBytes += bytes;
    const now = this.timing.now();
    if (this.queue.length === 0) { this.drainedAt = now; this.setHold(false, now); return; }
    if (this.budgetStart === undefined) this.budgetStart = now;
    if (now - this.budgetStart < this.budgetMs) { this.writePiece(); return; }
    this.burstCut = true;
    this.waitForBurst();
  }

  /** Waits for the first frame at which the next burst is due. */
  private waitForBurst(): void {
    this.waitingFrame = true;
    this.waitMark = this.lastBurstAt ?? this.timing.now();
    this.lateFrame = false;
    const onFrame = () => {
      if (this.disposed) return;
      const now = this.timing.now();
      if (now - this.waitMark > LATE_FRAME_MS) this.lateFrame = true;
      this.waitMark = now;
      if (!this.burstDue(now)) { this.timing.nextFrame(onFrame); return; }
      this.waitingFrame = false;
      this.adjustBudget();
      if (this.queue.length > 0) this.startBurst();
    };
    this.timing.nextFrame(onFrame);
  }

  private adjustBudget(): void {
    const { maxMs, minMs } = this.budget;
    if (this.lateFrame) this.slowStart = false;
    this.budgetMs = this.lateFrame ? Math.max(minMs, this.budgetMs / 2) : Math.min(maxMs, this.slowStart ? this.budgetMs * 2 : this.budgetMs + 1);
    if (this.budgetMs >= maxMs) this.slowStart = false;
  }
}
