// Terminal sessions live here, outside React, so they survive tab and page switches with their
// screen: each owns an xterm.js instance, its DOM element and the API stream.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import type { StreamHandle } from '@shared/client';
import { api } from '../api/api';
import { BURST_INTERVAL_MS, BURST_BUDGET_MS, MIN_BUDGET_MS, OutputPacer, START_BUDGET_MS } from './output-pacer';
import { drawHoldFor, FLOOD_DRAW_INTERVAL_MS } from './draw-hold';
import { dropEmptySelectionRedraws, renderServiceOf } from './selection-redraw';
import { stopCaretBlinkWhenIdle } from './idle-caret';
import { loadWebglRenderer, wantsWebgl, type RendererChoice } from './webgl-renderer';
import { exposeScreenText } from './screen-text';

export interface TerminalSession {
  key: string;
  containerId: string;
  title: string;
  mode: 'exec' | 'attach';
  term: Terminal;
  fit: FitAddon;
  search: SearchAddon;
  element: HTMLDivElement;
  handle: StreamHandle | null;
  state: 'starting' | 'running' | 'exited' | 'failed';
  exitCode: number | null;
  error?: string | undefined;
  connected: boolean;
  output: OutputPacer;
  releaseCaret: () => void;
  connect: () => void;
}

const sessions = new Map<string, TerminalSession[]>();
// The benchmark (bench/app.ts) measures echo and throughput on the live xterm instances, and
// compares with unpaced output (`&nopace=1`) in the same run.
const benchParams = new URLSearchParams(location.search);
if (benchParams.has('bench')) (window as unknown as { __berthSessions: typeof sessions }).__berthSessions = sessions;
const paced = !(benchParams.has('bench') && benchParams.has('nopace'));
// Bench-only: `&pace=budgetMs,intervalMs,startMs` tries other pacer settings beside the defaults
// (`pace=12,33.3,12`: no slow start after a quiet spell).
const pace = benchParams.has('bench') ? benchParams.get('pace')?.split(',').map(Number) : undefined;
const budget = pace ? { maxMs: pace[0] ?? BURST_BUDGET_MS, minMs: MIN_BUDGET_MS, intervalMs: pace[1] ?? BURST_INTERVAL_MS, startMs: pace[2] ?? START_BUDGET_MS } : undefined;
// Bench-only: `&draw=ms` other flood draw intervals (`draw=0`: every burst drawn, as before);
// `&selredraw=1` keeps xterm's selection redraw after every scroll (selection-redraw.ts).
const drawMs = benchParams.has('bench') && benchParams.has('draw') ? Number(benchParams.get('draw')) : FLOOD_DRAW_INTERVAL_MS;
const keepSelectionRedraws = benchParams.has('bench') && benchParams.has('selredraw');
// `&renderer=webgl|dom` overrides the saved choice (the benchmark compares them in one run).
const rendererParam = benchParams.get('renderer');
const rendererOverride: RendererChoice | undefined = rendererParam === 'webgl' || rendererParam === 'dom' ? rendererParam : undefined;
let rendererChoice: RendererChoice = 'auto'; // until the saved setting arrives (App.tsx)
const listeners = new Set<() => void>();
let counter = 0;
let scrollback = 5_000; // until the saved setting arrives (App.tsx)

export function setScrollback(n: number): void { scrollback = n; }
/** For terminals opened from now on (an open one keeps its renderer). */
export function setTerminalRenderer(choice: RendererChoice): void { rendererChoice = choice; }
export function subscribe(l: () => void): () => void { listeners.add(l); return () => void listeners.delete(l); }
let version = 0;
/** Bumped on every change (state, exit code, title), so React sees mutations of a session too. */
export function storeVersion(): number { return version; }
function changed(): void { version++; listeners.forEach((l) => l()); }
const NONE: TerminalSession[] = [];
export function sessionsOf(containerId: string): TerminalSession[] { return sessions.get(containerId) ?? NONE; }

function copySelection(term: Terminal): void {
  const text = term.getSelection();
  if (text) void navigator.clipboard?.writeText(text).catch(() => {});
}

export function pasteInto(term: Terminal): void {
  void navigator.clipboard?.readText().then((t) => term.paste(t)).catch(() => {});
}

export function openSession(containerId: string, mode: 'exec' | 'attach', cmd?: string[], user?: string): TerminalSession {
  const dark = document.documentElement.classList.contains('dark');
  const term = new Terminal({
    scrollback, allowProposedApi: true, cursorBlink: false, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: 13,
    theme: dark ? { background: '#0b1120', foreground: '#e2e8f0' } : { background: '#0f172a', foreground: '#e2e8f0' },
  });
  const fit = new FitAddon();
  const search = new SearchAddon();
  term.loadAddon(fit);
  term.loadAddon(search);
  term.loadAddon(new WebLinksAddon((_e, uri) => window.open(uri, '_blank', 'noopener')));
  const unicode = new Unicode11Addon();
  term.loadAddon(unicode);
  term.unicode.activeVersion = '11';
  const element = document.createElement('div');
  element.className = 'h-full w-full';
  term.open(element);
  // Which renderer draws it, for the curious and for the tests (the DOM one has rows in the page).
  element.dataset.renderer = wantsWebgl(rendererOverride ?? rendererChoice) && loadWebglRenderer(term, () => { element.dataset.renderer = 'dom'; }) ? 'webgl' : 'dom';
  exposeScreenText(element, term);
  if (!keepSelectionRedraws) dropEmptySelectionRedraws(renderServiceOf(term));
  const releaseCaret = term.textarea ? stopCaretBlinkWhenIdle(term.textarea) : () => {};
  // Ctrl+Shift+C/V copy and paste; plain Ctrl+V falls through to the browser's paste (not ^V).
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown') return true;
    if (e.ctrlKey && e.shiftKey && e.code === 'KeyC') { copySelection(term); e.preventDefault(); return false; }
    if (e.ctrlKey && e.shiftKey && e.code === 'KeyV') { pasteInto(term); e.preventDefault(); return false; }
    if (e.ctrlKey && !e.shiftKey && e.code === 'KeyV') return false;
    return true;
  });
  const s: TerminalSession = {
    key: `t${++counter}`, containerId, title: mode === 'attach' ? 'attach' : cmd?.join(' ') || 'shell', mode, term, fit, search, element, handle: null, state: 'starting', exitCode: null, connected: false, connect: () => {},
    output: new OutputPacer(term, (n) => s.handle?.processed(n), undefined, budget, drawMs > 0 ? drawHoldFor(term, drawMs) : undefined), releaseCaret,
  };
  const list = sessions.get(containerId) ?? [];
  sessions.set(containerId, [...list, s]);
  s.connect = () => {
    if (s.connected) return;
    s.connected = true;
    connect(s, cmd, user);
  };
  term.onData((data) => s.handle?.input(data));
  term.onResize(({ cols: c, rows: r }) => s.handle?.resize(c, r));
  changed();
  return s;
}

/** Opens the stream once the terminal is laid out and fitted, so the exec starts at its real size. */
function connect(s: TerminalSession, cmd?: string[], user?: string): void {
  const { term, containerId, mode } = s;
  const cols = term.cols;
  const rows = term.rows;
  s.handle = api.open('terminal', { id: containerId, mode, cmd, user, cols, rows }, {
    onData: (d) => {
      if (d.kind === 'started') { s.state = 'running'; if (mode === 'exec' && !cmd) s.title = d.shell.length === 1 ? d.shell[0] as string : 'shell'; }
      else { s.state = 'exited'; s.exitCode = d.exitCode; s.output.push(`\r\n\x1b[2m[process exited with code ${d.exitCode ?? '?'}]\x1b[0m\r\n`); }
      changed();
    },
    onBytes: (bytes) => { if (paced) s.output.push(bytes); else term.write(bytes, () => s.handle?.processed(bytes.byteLength)); },
    onEnd: (e) => {
      if (e) { s.state = 'failed'; s.error = e.message; s.output.push(`\r\n\x1b[31m${e.message}\x1b[0m\r\n`); }
      else if (s.state !== 'exited') s.state = 'exited';
      s.handle = null;
      changed();
    },
  });
}

export function closeSession(s: TerminalSession): void {
  s.handle?.close();
  s.output.dispose();
  s.releaseCaret();
  s.term.dispose();
  s.element.remove();
  sessions.set(s.containerId, sessionsOf(s.containerId).filter((x) => x !== s));
  changed();
}
