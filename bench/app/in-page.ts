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
  }
  // Clear the typed line (Ctrl-U) and let the shell settle.
  term.input('\x15', true);
  await new Promise((r) => setTimeout(r, 100));
  return out;
}`;

const THROUGHPUT = String.raw`async ({ getTerm, command, marker }) => {
  const term = (0, eval)(getTerm)();
  let maxFrame = 0, frames = 0, last = performance.now(), running = true, longFrames = 0, maxClick = 0, clicks = 0;
  // Event Timing: each real click's time from input to the next paint (recorded from 16 ms up).
  const po = new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'click') maxClick = Math.max(maxClick, e.duration); });
  po.observe({ type: 'event', durationThreshold: 16 });
  // Long animation frames (main-thread work from a frame's first task to its paint), to tell a
  // long frame the page caused from one where the page was idle (the process not scheduled).
  let worstLoaf = null, longLoafs = 0, maxScript = 0;
  const lo = new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      if (e.duration > 100) longLoafs++;
      for (const x of e.scripts) maxScript = Math.max(maxScript, x.duration);
      if (worstLoaf && e.duration <= worstLoaf.ms) continue;
      const scripts = [...e.scripts].sort((a, b) => b.duration - a.duration).slice(0, 3)
        .map((x) => x.invoker + ' ' + x.duration.toFixed(0) + ' ms (forced layout ' + x.forcedStyleAndLayoutDuration.toFixed(0) + ', ' + (x.sourceFunctionName || '?') + ' in ' + (x.sourceURL.split('/').pop() || '?') + ')');
      worstLoaf = { ms: e.duration, renderMs: e.renderStart ? e.startTime + e.duration - e.renderStart : 0, layoutMs: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0, scripts };
    }
  });
  lo.observe({ type: 'long-animation-frame' });
  const onClick = () => { clicks++; };
  document.addEventListener('click', onClick, true);
  const gaps = [];
  // How often xterm drew the screen and finished a parse task: a flood's two costs.
  let renders = 0, parses = 0;
  const rd = term.onRender(() => { renders++; });
  const pd = term.onWriteParsed(() => { parses++; });
  // rAF times are vsync ticks, so a gap is a whole number of 16.7 ms intervals: six of them are
  // 100.0 ms give or take a few microseconds of float, not over 100 ms; seven (116.7 ms) are.
  const longAt = [];
  const tick = (t) => { gaps.push(t - last); maxFrame = Math.max(maxFrame, t - last); if (t - last > 100.5) { longFrames++; longAt.push(Math.round(last - t0) + '+' + Math.round(t - last)); } last = t; frames++; if (running) requestAnimationFrame(tick); };
  const t0 = performance.now();
  requestAnimationFrame(tick);
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
  const ms = performance.now() - t0;
  rd.dispose();
  pd.dispose();
  await new Promise((r) => setTimeout(r, 200));
  po.disconnect();
  lo.disconnect();
  document.removeEventListener('click', onClick, true);
  gaps.sort((a, b) => a - b);
  const p99FrameMs = gaps[Math.min(gaps.length - 1, Math.floor(0.99 * gaps.length))] ?? 0;
  return { ms, maxFrameMs: maxFrame, p99FrameMs, renders, parses, frames, longFrames, longAt, maxClickMs: maxClick, clicks, longLoafs, worstLoaf, maxScriptMs: maxScript };
}`;

/** Keystroke-to-echo: each key goes in as user input; the time until the terminal has parsed the echo. */
export async function echoLatencies(page: Page, getTerm: string, count: number): Promise<number[]> {
  return page.evaluate(`(${ECHO})(${JSON.stringify({ getTerm, count })})`) as Promise<number[]>;
}

export interface Throughput {
  ms: number; maxFrameMs: number; p99FrameMs: number; renders: number; parses: number; frames: number; longFrames: number; maxClickMs: number; clicks: number;
  /** Where each frame over 100 ms began (ms after the command was typed) and its length: `start+length`. */
  longAt: string[];
  /** Long animation frames over 100 ms, and the longest one's render part and slowest scripts. */
  /** The longest single script (task or callback) inside any animation frame: the page's own share. */
  maxScriptMs: number;
  longLoafs: number; worstLoaf: { ms: number; renderMs: number; layoutMs: number; scripts: string[] } | null;
}

/** Runs `command` and waits for `marker` on screen, clicking `clickAt` (a selector) every 250 ms
 * meanwhile; reports the time, the longest frame, frames over 100 ms, and the slowest click's
 * input-to-paint time (0 when every click painted within 16 ms). */
export async function throughput(page: Page, getTerm: string, command: string, marker: string, clickAt: string): Promise<Throughput> {
  let done = false;
  const run = (page.evaluate(`(${THROUGHPUT})(${JSON.stringify({ getTerm, command, marker })})`) as Promise<Throughput>).finally(() => { done = true; });
  const box = await page.locator(clickAt).first().boundingBox();
  if (box) {
    while (!done) {
      await page.mouse.click(box.x + box.width / 2, box.y + 8).catch(() => {});
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return run;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** Types `value` into the input `selector` (as one input event) and times, in the page, until
 * the page's text matches `shown`: the filter plus the redraw, without the CDP round trips. */
export async function timeInput(page: Page, selector: string, value: string, shown: RegExp): Promise<number> {
  return page.evaluate(`new Promise((done) => {
    const el = document.querySelector(${JSON.stringify(selector)});
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const t0 = performance.now();
    setValue.call(el, ${JSON.stringify(value)});
    el.dispatchEvent(new Event('input', { bubbles: true }));
    const check = () => (${shown.toString()}.test(document.body.innerText) ? done(performance.now() - t0) : requestAnimationFrame(check));
    requestAnimationFrame(check);
  })`) as Promise<number>;
}
