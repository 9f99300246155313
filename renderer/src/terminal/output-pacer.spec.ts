// The pacer's scheduling against a stand-in for xterm's write buffer (writes made from a write
// callback are parsed in the same task, as xterm does) and a fake clock and frame source.
import { describe, expect, it } from 'vitest';
import { BURST_INTERVAL_MS, BURST_BUDGET_MS, FLOOD_BYTES, LATE_FRAME_MS, MIN_BUDGET_MS, OutputPacer, PIECE, QUIET_MS, START_BUDGET_MS, type DrawHold, type PacerTiming } from './output-pacer';

const MS_PER_KB = 0.5; // parse cost in the fake terminal
const VSYNC = 1000 / 60;

class FakeXterm {
  readonly pending: { data: Uint8Array | string; cb?: (() => void) | undefined }[] = [];
  readonly written: (Uint8Array | string)[] = [];
  constructor(private readonly clock: { t: number }) {}
  write(data: Uint8Array | string, cb?: () => void): void { this.pending.push({ data, cb }); }
  /** One parse task: everything queued, including what callbacks write meanwhile. Returns its duration. */
  parseTask(): number {
    const t0 = this.clock.t;
    for (let w = this.pending.shift(); w; w = this.pending.shift()) {
      this.clock.t += ((typeof w.data === 'string' ? w.data.length : w.data.byteLength) / 1024) * MS_PER_KB;
      this.written.push(w.data);
      w.cb?.();
    }
    return this.clock.t - t0;
  }
}

/** `slowStart: false`: the full budget from the first burst, for the specs of a flood's steady state. */
function setup(opts: { visible?: boolean; draws?: DrawHold; slowStart?: boolean } = {}) {
  const clock = { t: 1000 };
  let frameFns: (() => void)[] = [];
  const timing: PacerTiming = { now: () => clock.t, nextFrame: (fn) => { frameFns.push(fn); }, visible: () => opts.visible ?? true };
  const term = new FakeXterm(clock);
  const acked: number[] = [];
  const budget = opts.slowStart === false ? { maxMs: BURST_BUDGET_MS, minMs: MIN_BUDGET_MS, intervalMs: BURST_INTERVAL_MS, startMs: BURST_BUDGET_MS } : undefined;
  const pacer = new OutputPacer(term, (n) => acked.push(n), timing, budget, opts.draws);
  /** The next frame: at the next vsync (frames come on a grid), or `afterMs` from now. */
  const frame = (afterMs?: number) => {
    clock.t = afterMs === undefined ? (Math.floor(clock.t / VSYNC + 1e-9) + 1) * VSYNC : clock.t + afterMs;
    const fns = frameFns;
    frameFns = [];
    fns.forEach((f) => f());
    return fns.length;
  };
  return { clock, term, acked, pacer, frame, waiting: () => frameFns.length };
}

const bytes = (n: number, seed = 0) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i + seed) % 251; return b; };
/** Whether the stream bytes of `parts` in order (string notices left out) are `expected`: a loop,
 * since a deep equality of a million-element array takes the test runner seconds. */
function joinedEquals(parts: (Uint8Array | string)[], expected: Uint8Array): boolean {
  let at = 0;
  for (const p of parts) {
    if (typeof p === 'string') continue;
    for (let i = 0; i < p.byteLength; i++) if (p[i] !== expected[at++]) return false;
  }
  return at === expected.byteLength;
}

describe('OutputPacer', () => {
  it('writes a lone small chunk at once and acknowledges it once parsed', () => {
    const { term, acked, pacer, waiting } = setup();
    pacer.push(bytes(5));
    expect(term.pending).toHaveLength(1);
    expect(acked).toEqual([]);
    term.parseTask();
    expect(acked).toEqual([5]);
    expect(waiting()).toBe(0);
  });

  it('parses a flood within the budget per task, in pieces, every other frame', () => {
    const { term, acked, pacer, frame, waiting } = setup();
    const input = bytes(1024 * 1024);
    pacer.push(input);
    // Per frame: whether a parse task followed it (xterm draws at the frame after one).
    const parsedAfter: boolean[] = [];
    for (;;) {
      const ms = term.parseTask();
      // The budget counts from the end of the first piece: at most one piece over it plus that piece.
      expect(ms).toBeLessThanOrEqual(BURST_BUDGET_MS + 2 * (PIECE / 1024) * MS_PER_KB + 1e-9);
      expect(term.pending).toHaveLength(0);
      if (waiting() === 0) break;
      frame();
      parsedAfter.push(term.pending.length > 0);
    }
    const bursts = parsedAfter.filter(Boolean).length;
    expect(bursts).toBeGreaterThan(1);
    // After the first burst's frame, never two frames in a row with parsing.
    for (let i = 2; i < parsedAfter.length; i++) expect(parsedAfter[i] && parsedAfter[i - 1]).toBe(false);
    expect(parsedAfter.length).toBeGreaterThanOrEqual(2 * bursts - 1);
    expect(Math.max(...term.written.map((w) => (w as Uint8Array).byteLength))).toBe(PIECE);
    expect(acked.reduce((a, b) => a + b, 0)).toBe(input.byteLength);
    expect(joinedEquals(term.written, input)).toBe(true);
  });

  it('resumes at the first frame a burst interval after the previous burst began, however late it comes', () => {
    const { term, pacer, frame } = setup();
    pacer.push(bytes(2 * 1024 * 1024));
    term.parseTask();
    frame(); // the frame that draws the burst: no parsing after it
    expect(term.pending).toHaveLength(0);
    frame();
    expect(term.pending).toHaveLength(1);
    term.parseTask();
    frame(BURST_INTERVAL_MS + 5); // a late frame: parsing resumes at once
    expect(term.pending).toHaveLength(1);
  });

  it('holds output that comes soon after a flood-sized burst for the next burst', () => {
    const { clock, term, pacer, frame } = setup();
    pacer.push(bytes(FLOOD_BYTES));
    term.parseTask();
    clock.t += 5;
    pacer.push(bytes(7)); // the next network message of a flood the parser keeps up with
    expect(term.pending).toHaveLength(0);
    frame();
    expect(term.pending).toHaveLength(0);
    frame();
    expect(term.pending).toHaveLength(1);
    term.parseTask();
    clock.t += 100;
    pacer.push(bytes(FLOOD_BYTES)); // output after a pause
    expect(term.pending).toHaveLength(1);
  });

  it('writes smaller output at once however fast it comes (echoes of fast typing, redraws)', () => {
    const { clock, term, pacer, waiting } = setup({ slowStart: false });
    for (let i = 0; i < 10; i++) {
      pacer.push(bytes(i % 2 ? 3 : FLOOD_BYTES - 1, i));
      expect(term.pending).toHaveLength(1);
      term.parseTask();
      clock.t += 2;
    }
    expect(waiting()).toBe(0);
  });

  it('starts the budget when the first piece after a burst\'s frame is parsed, not at the frame', () => {
    const { clock, term, pacer, frame } = setup();
    pacer.push(bytes(512 * 1024));
    term.parseTask();
    while (term.pending.length === 0) frame();
    const before = term.written.length;
    clock.t += 20; // the frame's render took longer than the whole budget
    term.parseTask();
    expect(term.written.length - before).toBeGreaterThan(1);
  });

  it('halves the budget after late bursts, down to the minimum, and earns it back on time', () => {
    const { term, pacer, frame } = setup();
    pacer.push(bytes(8 * 1024 * 1024));
    // One burst: parse, then frames until parsing resumes (`late`: one frame, after a long wait).
    const burst = (late = false) => {
      term.parseTask();
      if (late) { frame(LATE_FRAME_MS + 10); return; }
      while (term.pending.length === 0) frame();
    };
    burst();
    burst();
    burst();
    expect(pacer.currentBudgetMs).toBe(BURST_BUDGET_MS);
    burst(true);
    expect(pacer.currentBudgetMs).toBe(BURST_BUDGET_MS / 2);
    for (let i = 0; i < 5; i++) burst(true);
    expect(pacer.currentBudgetMs).toBe(MIN_BUDGET_MS);
    // Fewer bytes per task at the minimum budget: about the minimum plus a piece or two.
    const before = term.written.length;
    const ms = term.parseTask();
    expect(ms).toBeLessThanOrEqual(MIN_BUDGET_MS + 2 * (PIECE / 1024) * MS_PER_KB + 1e-9);
    expect(term.written.length - before).toBeGreaterThan(0);
    while (term.pending.length === 0) frame();
    for (let i = 0; i < 10; i++) burst();
    expect(pacer.currentBudgetMs).toBe(BURST_BUDGET_MS);
  });

  it('counts a burst whose parsing waited for a CPU as late', () => {
    const { clock, term, pacer, frame } = setup({ slowStart: false });
    pacer.push(bytes(4 * 1024 * 1024));
    term.parseTask();
    while (term.pending.length === 0) frame();
    expect(pacer.currentBudgetMs).toBe(BURST_BUDGET_MS);
    term.parseTask();
    clock.t += LATE_FRAME_MS; // the parse task was descheduled midway
    while (term.pending.length === 0) frame();
    expect(pacer.currentBudgetMs).toBe(BURST_BUDGET_MS / 2);
  });

  it('starts a flood after a quiet spell with a small budget, doubled per burst on time', () => {
    const { term, pacer, frame } = setup();
    pacer.push(bytes(4 * 1024 * 1024));
    const budgets: number[] = [];
    for (let i = 0; i < 5; i++) {
      const budget = pacer.currentBudgetMs;
      budgets.push(budget);
      expect(term.parseTask()).toBeLessThanOrEqual(budget + 2 * (PIECE / 1024) * MS_PER_KB + 1e-9);
      while (term.pending.length === 0) frame();
    }
    expect(budgets).toEqual([START_BUDGET_MS, 2 * START_BUDGET_MS, 4 * START_BUDGET_MS, BURST_BUDGET_MS, BURST_BUDGET_MS]);
  });

  it('starts slow again only after QUIET_MS without output', () => {
    const { clock, term, pacer, frame, waiting } = setup();
    const drain = () => { while (term.pending.length > 0 || waiting() > 0) { term.parseTask(); frame(); } };
    pacer.push(bytes(FLOOD_BYTES * 4));
    drain();
    const grown = pacer.currentBudgetMs;
    expect(grown).toBeGreaterThan(START_BUDGET_MS);
    // A pause inside a flood (the output slower than the parser) keeps the budget.
    clock.t += QUIET_MS - 100;
    pacer.push(bytes(FLOOD_BYTES * 4));
    expect(pacer.currentBudgetMs).toBe(grown);
    drain();
    clock.t += QUIET_MS;
    pacer.push(bytes(FLOOD_BYTES * 4));
    expect(pacer.currentBudgetMs).toBe(START_BUDGET_MS);
  });

  it('ends the slow start at a late frame: halved, then earned back by 1 ms per burst', () => {
    const { term, pacer, frame } = setup();
    pacer.push(bytes(8 * 1024 * 1024));
    term.parseTask();
    while (term.pending.length === 0) frame();
    term.parseTask();
    while (term.pending.length === 0) frame();
    expect(pacer.currentBudgetMs).toBe(4 * START_BUDGET_MS);
    term.parseTask();
    frame(LATE_FRAME_MS + 10);
    expect(pacer.currentBudgetMs).toBe(2 * START_BUDGET_MS);
    term.parseTask();
    while (term.pending.length === 0) frame();
    expect(pacer.currentBudgetMs).toBe(2 * START_BUDGET_MS + 1);
  });

  it('treats a burst its budget cut short as a flood, however few bytes it parsed', () => {
    const { term, pacer, frame } = setup();
    pacer.push(bytes(FLOOD_BYTES - 1)); // more than the slow start's first burst parses
    term.parseTask();
    expect(term.pending).toHaveLength(0);
    frame();
    expect(term.pending).toHaveLength(0); // the next burst waits a burst interval, as in a flood
    frame();
    expect(term.pending).toHaveLength(1);
  });

  it('parses at every chance while the page is hidden (nothing is drawn)', () => {
    const { term, pacer, frame } = setup({ visible: false });
    pacer.push(bytes(1024 * 1024));
    for (let i = 0; i < 4; i++) {
      term.parseTask();
      frame(1); // a zero-delay timer, not a frame
      expect(term.pending).toHaveLength(1);
    }
  });

  it('writes nothing while waiting for a frame, even when more output arrives', () => {
    const { term, pacer, frame, waiting } = setup();
    pacer.push(bytes(256 * 1024));
    term.parseTask();
    expect(waiting()).toBe(1);
    pacer.push(bytes(10));
    expect(term.pending).toHaveLength(0);
    while (term.pending.length === 0) frame();
    expect(term.pending).toHaveLength(1);
    expect(term.pending[0]?.data).toHaveLength(PIECE);
  });

  it('keeps notices in order without acknowledging them', () => {
    const { term, acked, pacer, frame, waiting } = setup();
    pacer.push(bytes(20 * 1024, 1));
    pacer.push('[exited]');
    pacer.push(bytes(3, 2));
    for (;;) { term.parseTask(); if (!waiting()) break; frame(); }
    const notice = term.written.indexOf('[exited]');
    expect(joinedEquals(term.written.slice(0, notice), bytes(20 * 1024, 1))).toBe(true);
    expect(joinedEquals(term.written.slice(notice + 1), bytes(3, 2))).toBe(true);
    expect(acked.reduce((a, b) => a + b, 0)).toBe(20 * 1024 + 3);
  });

  it('stops writing and acknowledging once disposed', () => {
    const { term, acked, pacer, frame } = setup();
    pacer.push(bytes(256 * 1024));
    pacer.dispose();
    term.parseTask();
    expect(acked).toEqual([]);
    frame();
    pacer.push(bytes(10));
    expect(term.pending).toHaveLength(0);
  });

  describe('with a draw hold', () => {
    const DRAW_MS = 1000 / 15;
    function held() {
      const state = { on: false, calls: [] as boolean[] };
      const draws: DrawHold = { intervalMs: DRAW_MS, hold: (on) => { state.on = on; state.calls.push(on); } };
      return { state, draws };
    }

    it('lets a flood be drawn at most every draw interval, and draws all of it when it ends', () => {
      const h = held();
      const { clock, term, acked, pacer, frame } = setup({ draws: h.draws });
      const input = bytes(4 * 1024 * 1024);
      pacer.push(input);
      // A parse task whose output is not held is drawn at the next frame.
      const drawnAt: number[] = [];
      for (;;) {
        term.parseTask();
        if (!h.state.on) drawnAt.push(clock.t);
        if (term.pending.length === 0 && acked.reduce((a, b) => a + b, 0) === input.byteLength) break;
        while (term.pending.length === 0) frame();
      }
      expect(h.state.on).toBe(false);
      expect(drawnAt.length).toBeGreaterThan(3);
      for (let i = 1; i < drawnAt.length - 1; i++) expect((drawnAt[i] as number) - (drawnAt[i - 1] as number)).toBeGreaterThanOrEqual(DRAW_MS - 5);
      // Bursts keep their pace: more of them than draws.
      expect(h.state.calls.filter((on) => on).length).toBeGreaterThan(0);
      expect(joinedEquals(term.written, input)).toBe(true);
    });

    it('never holds output that is not a flood (echoes, redraws)', () => {
      const h = held();
      const { clock, term, pacer } = setup({ draws: h.draws });
      for (let i = 0; i < 10; i++) {
        pacer.push(bytes(i % 2 ? 3 : FLOOD_BYTES - 1, i));
        term.parseTask();
        clock.t += 2;
      }
      expect(h.state.calls.some((on) => on)).toBe(false);
    });

    it('draws at once when the page is hidden', () => {
      const h = held();
      const { term, pacer, frame } = setup({ visible: false, draws: h.draws });
      pacer.push(bytes(1024 * 1024));
      for (let i = 0; i < 4; i++) { term.parseTask(); frame(1); }
      expect(h.state.calls.some((on) => on)).toBe(false);
    });
  });
});
