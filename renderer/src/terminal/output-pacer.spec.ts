// The pacer's scheduling against a stand-in for xterm's write buffer (writes made from a write
// callback are parsed in the same task, as xterm does) and a fake clock and frame source.
import { describe, expect, it } from 'vitest';
import { FRAME_BUDGET_MS, LATE_FRAME_MS, MIN_BUDGET_MS, OutputPacer, PIECE, type PacerTiming } from './output-pacer';

const MS_PER_KB = 0.5; // parse cost in the fake terminal

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

function setup() {
  const clock = { t: 1000 };
  let frameFns: (() => void)[] = [];
  const timing: PacerTiming = { now: () => clock.t, nextFrame: (fn) => { frameFns.push(fn); } };
  const term = new FakeXterm(clock);
  const acked: number[] = [];
  const pacer = new OutputPacer(term, (n) => acked.push(n), timing);
  const frame = () => { const fns = frameFns; frameFns = []; fns.forEach((f) => f()); return fns.length; };
  return { clock, term, acked, pacer, frame, waiting: () => frameFns.length };
}

const bytes = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i + seed) % 251);
function joined(parts: (Uint8Array | string)[]): number[] {
  return parts.flatMap((p) => (typeof p === 'string' ? [] : [...p]));
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

  it('parses a flood within the frame budget per task, in pieces, and waits for a frame between', () => {
    const { term, acked, pacer, frame, waiting } = setup();
    const input = bytes(1024 * 1024);
    pacer.push(input);
    let frames = 0;
    for (;;) {
      const ms = term.parseTask();
      // The budget counts from the end of the first piece: at most one piece over it plus that piece.
      expect(ms).toBeLessThanOrEqual(FRAME_BUDGET_MS + 2 * (PIECE / 1024) * MS_PER_KB + 1e-9);
      expect(term.pending).toHaveLength(0);
      if (waiting() === 0) break;
      frames++;
      frame();
    }
    expect(frames).toBeGreaterThan(1);
    expect(Math.max(...term.written.map((w) => (w as Uint8Array).byteLength))).toBe(PIECE);
    expect(acked.reduce((a, b) => a + b, 0)).toBe(input.byteLength);
    expect(joined(term.written)).toEqual([...input]);
  });

  it('starts the budget when the first piece after a frame is parsed, not at the frame', () => {
    const { clock, term, pacer, frame } = setup();
    pacer.push(bytes(512 * 1024));
    term.parseTask();
    frame();
    const before = term.written.length;
    clock.t += 20; // the frame's render took longer than the whole budget
    term.parseTask();
    expect(term.written.length - before).toBeGreaterThan(1);
  });

  it('halves the budget after late frames, down to the minimum, and earns it back on time', () => {
    const { clock, term, pacer, frame } = setup();
    pacer.push(bytes(4 * 1024 * 1024));
    const step = (gapMs: number) => { term.parseTask(); clock.t += gapMs; frame(); };
    step(16);
    step(16);
    expect(pacer.currentBudgetMs).toBe(FRAME_BUDGET_MS);
    step(LATE_FRAME_MS + 30);
    expect(pacer.currentBudgetMs).toBe(FRAME_BUDGET_MS / 2);
    for (let i = 0; i < 5; i++) step(120);
    expect(pacer.currentBudgetMs).toBe(MIN_BUDGET_MS);
    // Fewer bytes per task at the minimum budget: about the minimum plus a piece or two.
    const before = term.written.length;
    const ms = term.parseTask();
    expect(ms).toBeLessThanOrEqual(MIN_BUDGET_MS + 2 * (PIECE / 1024) * MS_PER_KB + 1e-9);
    expect(term.written.length - before).toBeGreaterThan(0);
    clock.t += 16;
    frame();
    for (let i = 0; i < 10; i++) step(16);
    expect(pacer.currentBudgetMs).toBe(FRAME_BUDGET_MS);
  });

  it('writes nothing while waiting for a frame, even when more output arrives', () => {
    const { term, pacer, frame, waiting } = setup();
    pacer.push(bytes(256 * 1024));
    term.parseTask();
    expect(waiting()).toBe(1);
    pacer.push(bytes(10));
    expect(term.pending).toHaveLength(0);
    frame();
    expect(term.pending).toHaveLength(1);
  });

  it('keeps notices in order without acknowledging them', () => {
    const { term, acked, pacer, frame, waiting } = setup();
    pacer.push(bytes(20 * 1024, 1));
    pacer.push('[exited]');
    pacer.push(bytes(3, 2));
    for (;;) { term.parseTask(); if (!waiting()) break; frame(); }
    const notice = term.written.indexOf('[exited]');
    expect(joined(term.written.slice(0, notice))).toEqual([...bytes(20 * 1024, 1)]);
    expect(joined(term.written.slice(notice + 1))).toEqual([...bytes(3, 2)]);
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
});
