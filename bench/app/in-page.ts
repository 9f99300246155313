// Measurements that run inside the page, on a live xterm.js Terminal found by `getTerm`. The page
// code is plain JavaScript text, so no transpiler helper leaks into the page.
import type { Page } from 'playwright-core';

const ECHO = String.raw`async ({ getTerm, count }) => {
  const term = (0, eval)(getTerm)();
  const out = [];
  const nextWrite = () => new Promise((resolve) => { const d = term.onWriteParsed(() => { d.dispose(); resolve(); }); });
  for (let i = 0; i < count; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const echoed = nextWrite();
    const t0 = performance.now();
    term.input(ch, true);
    await echoed;
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
    if (i % 40 === 39) {
      // Clear the typed line (Ctrl-U) and let the shell settle.
      term.input('\x15', true);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  term.input('\x15', true);
  await new Promise((r) => setTimeout(r, 100));
  return out;
}`;

const THROUGHPUT = String.raw`async ({ getTerm, command, marker }) => {
  const term = (0, eval)(getTerm)();
  let maxFrame = 0, frames = 0, last = performance.now(), running = true;
  const tick = (t) => { maxFrame = Math.max(maxFrame, t - last); last = t; frames++; if (running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const t0 = performance.now();
  await new Promise((resolve) => {
    const d = term.onWriteParsed(() => {
      const b = term.buffer.active;
      for (let y = Math.max(0, b.baseY + b.cursorY - 3); y <= b.baseY + b.cursorY; y++) {
        const l = b.getLine(y);
        if (l && l.translateToString(true).trim() === marker) { d.dispose(); resolve(); return; }
      }
    });
    term.input(command + '\r', true);
  });
  running = false;
  return { ms: performance.now() - t0, maxFrameMs: maxFrame, frames };
}`;

/** Keystroke-to-echo: each key goes in as user input; the time until the terminal has parsed the echo. */
export async function echoLatencies(page: Page, getTerm: string, count: number): Promise<number[]> {
  return page.evaluate(`(${ECHO})(${JSON.stringify({ getTerm, count })})`) as Promise<number[]>;
}

/** Runs `command` and waits for `marker` on screen; reports time and the longest frame. */
export async function throughput(page: Page, getTerm: string, command: string, marker: string): Promise<{ ms: number; maxFrameMs: number; frames: number }> {
  return page.evaluate(`(${THROUGHPUT})(${JSON.stringify({ getTerm, command, marker })})`) as Promise<{ ms: number; maxFrameMs: number; frames: number }>;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
