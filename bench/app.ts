// App benchmark: renderer cold start, terminal echo latency and throughput beside a minimal
// reference terminal (xterm.js + WebSocket + node-pty on the host), list and log rendering at
// scale, and the app's memory and idle CPU. Engine: berthd, the product's own
// (BERTH_BENCH_ENGINE=dockerd for a real dockerd). Prints one table.
import { spawn, execFileSync } from 'node:child_process';
import { loadavg, setPriority } from 'node:os';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureRendererBuilt } from '../e2e/support/app.js';
import { launchChromium } from '../e2e/support/browser.js';
import { loadBusybox, startEngine, type EngineKind } from '../e2e/support/engine.js';
import { repoRoot } from '../test-support/paths.js';
import { echoLatencies, percentile, throughput, timeInput, type Throughput } from './app/in-page.js';
import { busiestWhile, capThreadNice, commandLine, cpuByGroup, cpuByPid, cpuByThreadName, cpuPressureMicros, cpuSnapshot, descendants, memory, schedByThread, schedDelta } from './app/proc.js';
import { startReferenceTerminal } from './app/reference-terminal.js';
import { traced } from './app/trace.js';

const kind = (process.env.BERTH_BENCH_ENGINE ?? 'berthd') as EngineKind;
const rows: [string, string, string, string][] = [];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const MB = 1024 * 1024;
const LINE100 = '0123456789'.repeat(10).slice(0, 99);
const BIG = `yes ${LINE100} | head -c ${50 * MB}; echo DONE$((40+2))`;
// BENCH_APP_ONLY=terminal: only the terminal rows (echo, throughput), for quicker runs.
const terminalOnly = process.env.BENCH_APP_ONLY === 'terminal';
// Throughput rounds per contender (alternating; the order flips each round).
const TP_ROUNDS = Number(process.env.BENCH_TP_ROUNDS ?? 2);
// BENCH_TRACE_DIR=DIR: a Chromium trace of every 50 MB run (DIR/<contender>-<round>.json; see
// bench/app/frame-report.ts). Tracing costs CPU: compare figures from a run without it.
const traceDir = process.env.BENCH_TRACE_DIR;
// More throughput contenders: the app with each of these queries added ('|' between them; the
// bench-only switches in renderer/src/terminal/sessions.ts): by default its output pacing off;
// `pace=8,0` tries other pacer settings (budget ms, burst interval ms) in the same run.
const altQueries = (process.env.BENCH_APP_ALT ?? 'nopace=1').split('|');
// BENCH_NICE=-10: this process, and so everything it starts (engine, shims, containers, the app
// server, Chromium, the reference), runs at that nice value: the other work on a shared machine
// then yields the CPU to the whole measured path, as on a machine running only the app. Chromium
// sets its own threads' nice values (the tab's main thread 0), so before each run every Chromium
// thread is put at that value too. Off by default; the figures say which.
const nice = process.env.BENCH_NICE ? Number(process.env.BENCH_NICE) : undefined;
if (nice !== undefined) setPriority(nice);

async function untilText(page: Page, text: string, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(text)})`, undefined, { timeout: timeoutMs });
}

/** Time from a hash change to `text` appearing, measured in the page. */
async function timeNavigation(page: Page, hash: string, text: string): Promise<number> {
  return page.evaluate(`new Promise((done) => {
    const t0 = performance.now();
    location.hash = ${JSON.stringify(hash)};
    const check = () => (document.body.innerText.includes(${JSON.stringify(text)}) ? done(performance.now() - t0) : requestAnimationFrame(check));
    requestAnimationFrame(check);
  })`) as Promise<number>;
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (i < items.length) await fn(items[i++] as T); }));
}

const engine = await startEngine(kind);
const cleanups: (() => Promise<unknown>)[] = [() => engine.stop()];
try {
  await loadBusybox(engine.client);
  execFileSync('npx', ['tsc', '-b', 'electron'], { cwd: repoRoot, stdio: 'inherit' });
  ensureRendererBuilt();

  // The app's server as its own process, as `npm run browser` runs it, so its memory is its own.
  const server = spawn(process.execPath, [resolve(repoRoot, 'electron/dist/cli/start.js'), '--browser', '--engine', engine.host, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BERTH_CONFIG: '/dev/null/none' } });
  cleanups.unshift(async () => { server.kill('SIGTERM'); });
  const url = await new Promise<string>((res, rej) => {
    server.stdout.on('data', (d: Buffer) => { const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(d.toString()); if (m) res(m[1] as string); });
    server.on('exit', (c) => rej(new Error(`app server exited with ${c}`)));
  });
  const appUrl = `${url}&bench=1`;

  // 1. Cold start to interactive: a fresh browser profile each time.
  if (!terminalOnly) {
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      const b = await launchChromium(undefined, true);
      const p = await b.context.newPage();
      await p.goto(`${appUrl}#/containers`);
      await untilText(p, 'No containers yet');
      cold.push((await p.evaluate('performance.now()')) as number);
      await b.close();
    }
    rows.push(['renderer cold start to interactive (median of 3)', fmt(percentile(cold, 50)), '—', '—']);
  }

  const chrome = await launchChromium(undefined, true);
  cleanups.unshift(() => chrome.close());
  const page = await chrome.context.newPage();
  await page.goto(`${appUrl}#/containers`);
  const cdp = await chrome.context.newCDPSession(page);

  // 2. Terminals: the app (browser → server → engine → container) against the reference, both in
  // the same browser, measured in alternating rounds after the same warm-up.
  const term = await engine.client.createContainer({ Image: 'busybox:test', name: 'bench-term', Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'none' } });
  await term.start();
  await page.evaluate(`location.hash = '#/containers/${term.id}/terminal'`);
  await page.getByRole('button', { name: 'New shell' }).click();
  // The prompt, read from the newest terminal's buffer: a WebGL-drawn terminal (a GPU machine, or
  // `renderer=webgl`) has no rows in the DOM.
  const appPromptShown = `(() => { const t = [...(window.__berthSessions?.values() ?? [])].flat().at(-1)?.term; const b = t?.buffer.active; return /#\\s*$/.test(b?.getLine(b.baseY + b.cursorY)?.translateToString(true) ?? ''); })()`;
  await page.waitForFunction(appPromptShown);
  const appTerm = '() => [...window.__berthSessions.values()].flat()[0].term';

  const ref = await startReferenceTerminal(repoRoot);
  cleanups.unshift(() => ref.close());
  const refPage = await chrome.context.newPage();
  refPage.on('crash', () => console.error('reference page crashed'));
  await refPage.goto(ref.url);
  await refPage.evaluate('window.__ready');
  await refPage.waitForFunction(`/\\$\\s*$/m.test(document.querySelector('.xterm-rows')?.innerText ?? '')`);
  const refTerm = '() => window.__benchTerm()';

  const ROUNDS = 8;
  const PER_ROUND = 20;
  const appEcho: number[] = [];
  const refEcho: number[] = [];
  for (const [p, t] of [[page, appTerm], [refPage, refTerm]] as const) { await p.bringToFront(); await echoLatencies(p, t, PER_ROUND); }
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ([[page, appTerm, appEcho], [refPage, refTerm, refEcho]] as const) : ([[refPage, refTerm, refEcho], [page, appTerm, appEcho]] as const);
    for (const [p, t, out] of order) { await p.bringToFront(); out.push(...(await echoLatencies(p, t, PER_ROUND))); }
  }
  console.error(`echo p50/p95: app ${percentile(appEcho, 50).toFixed(1)}/${percentile(appEcho, 95).toFixed(1)} ms, reference ${percentile(refEcho, 50).toFixed(1)}/${percentile(refEcho, 95).toFixed(1)} ms`);

  // Throughput, alternating too; the app also with other settings (`BENCH_APP_ALT`; by default
  // its output pacing off), to show what the pacing buys within this run.
  const altPages: Page[] = [];
  for (const q of altQueries) {
    const altPage = await chrome.context.newPage();
    await altPage.goto(`${appUrl}&${q}#/containers/${term.id}/terminal`);
    await altPage.getByRole('button', { name: 'New shell' }).click();
    await altPage.waitForFunction(appPromptShown);
    altPages.push(altPage);
  }
  const tp: { app: Throughput[]; ref: Throughput[] } & Record<string, Throughput[]> = { app: [], ref: [], ...Object.fromEntries(altQueries.map((q) => [q, []])) };
  // Where the machine's CPU went during each run (stderr): the flood's whole path competes with
  // the tab for the 2 cores, and so does other work on the machine.
  const serverPid = server.pid as number;
  const engineSocket = engine.host.replace(/^unix:\/\//, '');
  const descendantsOfBench = new Set(descendants(process.pid));
  const groupOf = (pid: number, cmd: string): string => {
    if (/--type=renderer/.test(cmd)) return 'tabs';
    if (/chrom/i.test(cmd) && descendantsOfBench.has(pid)) return 'chromium other';
    if (pid === serverPid) return 'app server';
    if (cmd.includes(engineSocket)) return 'engine';
    if (/berth-shim/.test(cmd)) return 'shims';
    if (pid === process.pid) return 'bench (and reference server)';
    return 'other';
  };
  const tabPids = new Map<Page, number>();
  // How long the threads that make a frame waited for a CPU (runnable, not running): a long frame
  // in which the page did little is one they spent waiting (other work on the 2 cores).
  const threadRole = (name: string) => (name === 'chromium' ? 'main' : name === 'ThreadPoolForeg' ? 'raster' : name === 'Compositor' ? 'compositor' : 'other');
  const waits: Record<string, { main: number; pressure: number }[]> = {};
  const contenders: [string, Page, string, string][] = [['app', page, appTerm, '[data-testid=terminal]'], ['ref', refPage, refTerm, '.xterm'], ...altQueries.map((q, i) => [q, altPages[i] as Page, appTerm, '[data-testid=terminal]'] as [string, Page, string, string])];
  // Other work on the machine stretches every task: the load beside the figures says how much.
  const loads: number[] = [];
  // Each tab's renderer process, found by a 600 ms busy loop in it: done for all of them before the
  // first round, and then a pause, so that no round starts while its tab catches up with the
  // timers, frames and messages the loop held back (the first rounds' long frames came at their
  // start when the loop ran just before them).
  for (const [, p] of contenders) {
    tabPids.set(p, await busiestWhile(descendants(process.pid).filter((x) => /--type=renderer/.test(commandLine(x))), () => p.evaluate('(() => { const t = performance.now(); while (performance.now() - t < 600); })()')));
  }
  await new Promise((r) => setTimeout(r, 2000));
  for (let r = 0; r < TP_ROUNDS; r++) {
    for (const [name, p, t, click] of r % 2 === 0 ? contenders : [...contenders].reverse()) {
      await p.bringToFront();
      // A tab brought to the front draws and refetches what it skipped while hidden: not the flood's.
      await new Promise((r) => setTimeout(r, 500));
      const run = () => throughput(p, t, BIG, 'DONE42', click);
      const tabPid = tabPids.get(p) as number;
      const chromiumPids = descendants(process.pid).filter((x) => /chrom/i.test(commandLine(x)));
      if (nice !== undefined) capThreadNice(chromiumPids, nice);
      const schedKey = (pid: number, thread: string) => (pid === tabPid ? `tab ${threadRole(thread)}` : 'rest of Chromium');
      const sched0 = schedByThread(chromiumPids, schedKey);
      const pressure0 = cpuPressureMicros();
      const threads0 = cpuByThreadName(tabPid);
      const cpu0 = cpuSnapshot();
      const x = traceDir ? await traced(await chrome.context.newCDPSession(p), resolve(traceDir, `${name}-${r}.json`), run) : await run();
      const cpu = cpuByGroup(cpu0, cpuSnapshot(), groupOf);
      const sched = schedDelta(sched0, schedByThread(chromiumPids, schedKey));
      const pressure = (cpuPressureMicros() - pressure0) / 1000 / x.ms;
      (waits[name] ??= []).push({ main: sched.get('tab main')?.wait ?? NaN, pressure });
      const threads = [...cpuByThreadName(tabPid)].map(([k, v]) => [k, v - (threads0.get(k) ?? 0)] as const).filter(([, v]) => v > 0.05).sort((a, b) => b[1] - a[1]);
      tp[name]?.push(x);
      loads.push(loadavg()[0] as number);
      console.error(`${name}: 50 MB in ${x.ms.toFixed(0)} ms, longest frame ${x.maxFrameMs.toFixed(0)} ms, ${x.longFrames} frames > 100 ms${x.longAt.length ? ` (at ${x.longAt.join(', ')} ms)` : ''}, slowest click ${x.maxClickMs.toFixed(0)} ms (${x.clicks} clicks)`);
      console.error(`  frame p99 ${x.p99FrameMs.toFixed(0)} ms; ${x.frames} frames, ${x.renders} terminal renders, ${x.parses} parse tasks; CPU seconds in ${(x.ms / 1000).toFixed(1)} s (2 cores): ${[...cpu].filter(([, v]) => v > 0.05).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
      console.error(`  tab threads: ${threads.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
      console.error(`  seconds waiting for a CPU (on one): ${[...sched].filter(([, v]) => v.run > 0.05).sort((a, b) => b[1].wait - a[1].wait).map(([k, v]) => `${k} ${v.wait.toFixed(2)} (${v.run.toFixed(2)})`).join(', ')}; some task on the machine waiting ${(pressure * 100).toFixed(0)} % of the run`);
      const l = x.worstLoaf;
      if (l) console.error(`  longest animation frame ${l.ms.toFixed(0)} ms (render ${l.renderMs.toFixed(0)}, style+layout ${l.layoutMs.toFixed(0)}), ${x.longLoafs} over 100 ms; longest script of all ${x.maxScriptMs.toFixed(0)} ms; its scripts: ${l.scripts.join('; ')}`);
      await p.evaluate(`(${t})().clear()`);
    }
  }
  for (const p of altPages) await p.close();
  await refPage.close();
  await page.bringToFront();
  const mbps = (xs: Throughput[]) => `${(50_000 / percentile(xs.map((x) => x.ms), 50)).toFixed(1)} MB/s`;
  const worst = (xs: Throughput[], f: (x: Throughput) => number) => Math.max(...xs.map(f));
  const click = (xs: Throughput[]) => { const m = worst(xs, (x) => x.maxClickMs); return m > 0 ? fmt(m) : '< 16 ms'; };
  rows.push(['terminal echo p50', fmt(percentile(appEcho, 50)), fmt(percentile(refEcho, 50)), 'app ≤ ref + 2 ms']);
  rows.push(['terminal echo p95', fmt(percentile(appEcho, 95)), fmt(percentile(refEcho, 95)), 'app ≤ ref + 5 ms']);
  rows.push([`terminal 50 MB output (median of ${TP_ROUNDS})`, mbps(tp.app), mbps(tp.ref), 'app ≥ ref']);
  rows.push([`longest frame during 50 MB (worst of ${TP_ROUNDS})`, fmt(worst(tp.app, (x) => x.maxFrameMs)), fmt(worst(tp.ref, (x) => x.maxFrameMs)), '≤ 100 ms (6 vsyncs)']);
  rows.push([`frame p99 during 50 MB (worst of ${TP_ROUNDS})`, fmt(worst(tp.app, (x) => x.p99FrameMs)), fmt(worst(tp.ref, (x) => x.p99FrameMs)), '—']);
  rows.push([`frames over 100 ms during 50 MB (worst of ${TP_ROUNDS})`, String(worst(tp.app, (x) => x.longFrames)), String(worst(tp.ref, (x) => x.longFrames)), '0']);
  rows.push([`longest script in a frame during 50 MB (worst of ${TP_ROUNDS})`, fmt(worst(tp.app, (x) => x.maxScriptMs)), fmt(worst(tp.ref, (x) => x.maxScriptMs)), '(the page\'s own part)']);
  rows.push(['slowest click, input to paint, during 50 MB', click(tp.app), click(tp.ref), 'answered (< 100 ms)']);
  const waitCell = (xs: { main: number; pressure: number }[] = []) => `${Math.max(...xs.map((w) => w.main)).toFixed(2)} s / ${Math.max(...xs.map((w) => w.pressure * 100)).toFixed(0)} %`;
  rows.push([`tab main thread waiting for a CPU / machine CPU pressure during 50 MB (worst of ${TP_ROUNDS})`, waitCell(waits.app), waitCell(waits.ref), '(the machine\'s share of long frames)']);
  rows.push(['machine load (1-min average, 2 cores) after each 50 MB run: min–max', `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`, '—', '(noise: compare within a run)']);
  for (const q of altQueries) {
    const xs = tp[q] as Throughput[];
    rows.push([`app with ${q}: 50 MB / longest frame / p99 frame / frames > 100 ms`, `${mbps(xs)} / ${fmt(worst(xs, (x) => x.maxFrameMs))} / ${fmt(worst(xs, (x) => x.p99FrameMs))} / ${worst(xs, (x) => x.longFrames)}`, '—', '(same run, for comparison)']);
  }

  if (!terminalOnly) {
    // 3. Logs view with 100,000 lines.
    const logs = await engine.client.createContainer({ Image: 'busybox:test', name: 'bench-logs', Cmd: ['seq', '1', '100000'], HostConfig: { NetworkMode: 'none' } });
    await logs.start();
    await logs.wait();
    await page.evaluate(`location.hash = '#/system'`);
    await untilText(page, 'Disk usage');
    const [logFirst, logAll] = (await page.evaluate(`new Promise((done) => {
      const t0 = performance.now();
      let first = 0;
      location.hash = '#/containers/${logs.id}/logs';
      const check = () => {
        const m = /(\\d+) lines/.exec(document.body.innerText);
        const n = m ? Number(m[1]) : 0;
        if (n > 0 && !first) first = performance.now() - t0;
        if (n >= 100000) done([first, performance.now() - t0]); else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    })`)) as [number, number];
    rows.push(['logs view, 100,000 lines: first lines drawn', fmt(logFirst), '—', '—']);
    rows.push(['logs view, 100,000 lines: all fetched (engine API) and drawn', fmt(logAll), '—', '—']);
    const filterMs = await timeInput(page, '#log-search', '99999', /\b1 of 100000 lines match/);
    const unfilterMs = await timeInput(page, '#log-search', '', /(^|\s)100000 lines(?! match)/);
    rows.push(['logs view: filter 100,000 lines and redraw', fmt(filterMs), '—', '< 200 ms']);
    rows.push(['logs view: clear the filter, redraw 100,000 lines', fmt(unfilterMs), '—', '< 200 ms']);

    // 4. Containers list with 1,000 containers (created, not started).
    const names = Array.from({ length: 1000 - 2 }, (_, i) => `bench-c${i}`);
    await pool(names, 6, (n) => engine.client.createContainer({ Image: 'busybox:test', name: n, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } }));
    await page.evaluate(`location.hash = '#/system'`);
    await untilText(page, 'Disk usage');
    const listFirst = await timeNavigation(page, '#/containers', '1000 total');
    await page.evaluate(`location.hash = '#/system'`);
    await untilText(page, 'Disk usage');
    const listCached = await timeNavigation(page, '#/containers', '1000 total');
    rows.push(['containers list, 1,000 (API + draw)', fmt(listFirst), '—', '—']);
    rows.push(['containers list, 1,000 (draw from cache)', fmt(listCached), '—', '< 200 ms']);
    await pool(names, 6, (n) => engine.client.getContainer(n).remove({ force: true }));

    // 5. Memory and idle CPU with 20 containers and 3 terminals open.
    await pool(Array.from({ length: 18 }, (_, i) => `bench-idle${i}`), 4, async (n) => {
      const c = await engine.client.createContainer({ Image: 'busybox:test', name: n, Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'none' } });
      await c.start();
    });
    await page.evaluate(`location.hash = '#/containers/${term.id}/terminal'`);
    await page.getByRole('button', { name: 'New shell' }).click();
    await page.getByRole('button', { name: 'New shell' }).click();
    await page.waitForFunction(`[...window.__berthSessions.values()].flat().filter((s) => s.state === 'running').length >= 3`);
    await page.evaluate(`for (const s of [...window.__berthSessions.values()].flat()) s.term.clear()`);
    await new Promise((r) => setTimeout(r, 5000));
    const serverPids = [server.pid as number, ...descendants(server.pid as number)];
    // Only Chromium's own processes: dockerd and its shims are children of this process too.
    const chromePids = descendants(process.pid).filter((p) => !serverPids.includes(p) && /chrom/i.test(commandLine(p)));
    const tabPid = await busiestWhile(chromePids.filter((p) => /--type=renderer/.test(commandLine(p))), () => page.evaluate('(() => { const t = performance.now(); while (performance.now() - t < 600); })()'));
    const window = 20;
    const cpu0 = cpuByPid([...serverPids, ...chromePids]);
    await new Promise((r) => setTimeout(r, window * 1000));
    const cpu1 = cpuByPid([...serverPids, ...chromePids]);
    const cpuPct = (pids: number[]) => `${((pids.reduce((n, p) => n + (cpu1.get(p) ?? 0) - (cpu0.get(p) ?? 0), 0) / window) * 100).toFixed(2)} %`;
    const tab = memory([tabPid]);
    const srv = memory(serverPids);
    const all = memory(chromePids);
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    // What any tab costs in this browser, for scale: an empty page's renderer.
    const blank = await chrome.context.newPage();
    await blank.goto('data:text/html,<p>empty</p>');
    const blankPids = descendants(process.pid).filter((p) => /--type=renderer/.test(commandLine(p)) && p !== tabPid);
    const blankMem = memory([await busiestWhile(blankPids, () => blank.evaluate('(() => { const t = performance.now(); while (performance.now() - t < 600); })()'))]);
    await blank.close();
    const mb = (b: number) => `${(b / MB).toFixed(0)} MB`;
    rows.push(['app tab renderer: PSS (RSS) (20 containers, 3 terminals)', `${mb(tab.pssBytes)} (${mb(tab.rssBytes)})`, '—', '—']);
    rows.push(['an empty tab\'s renderer, same browser: PSS (RSS)', `${mb(blankMem.pssBytes)} (${mb(blankMem.rssBytes)})`, '—', '(for scale)']);
    rows.push(['app tab JS heap: used / allocated', `${mb(heap.usedSize)} / ${mb(heap.totalSize)}`, '—', '—']);
    rows.push(['app server (node): PSS (RSS)', `${mb(srv.pssBytes)} (${mb(srv.rssBytes)})`, '—', '—']);
    rows.push(['app total: tab + server PSS', mb(tab.pssBytes + srv.pssBytes), '—', '< 300 MB']);
    rows.push([`Chromium, all ${chromePids.length} processes: PSS (RSS summed)`, `${mb(all.pssBytes)} (${mb(all.rssBytes)})`, '—', '(browser, GPU, network, ... too)']);
    rows.push([`idle CPU over ${window} s: app tab`, cpuPct([tabPid]), '—', '< 1 %']);
    rows.push(['idle CPU: app server', cpuPct(serverPids), '—', '< 1 %']);
    rows.push(['idle CPU: Chromium, all processes', cpuPct(chromePids), '—', '(for information)']);
  }
} finally {
  for (const c of cleanups) await c().catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
}

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] as string).length), (['metric', 'app', 'reference', 'target'][i] as string).length));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
console.log(`\nApp benchmark (engine: ${kind}${nice !== undefined ? `; the measured path at nice ${nice}` : ''})`);
console.log(line(['metric', 'app', 'reference', 'target']));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
