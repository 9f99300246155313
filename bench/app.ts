// App benchmark: renderer cold start, terminal echo latency and throughput beside a minimal
// reference terminal (xterm.js + WebSocket + node-pty on the host), list and log rendering at
// scale, and the app's memory and idle CPU. Engine: a real dockerd (BERTH_BENCH_ENGINE=berthd for
// berthd). Prints one table.
import { spawn, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureRendererBuilt } from '../e2e/support/app.js';
import { launchChromium } from '../e2e/support/browser.js';
import { loadBusybox, startEngine, type EngineKind } from '../e2e/support/engine.js';
import { repoRoot } from '../test-support/paths.js';
import { echoLatencies, percentile, throughput } from './app/in-page.js';
import { commandLine, descendants, usage } from './app/proc.js';
import { startReferenceTerminal } from './app/reference-terminal.js';

const kind = (process.env.BERTH_BENCH_ENGINE ?? 'dockerd') as EngineKind;
const rows: [string, string, string, string][] = [];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const MB = 1024 * 1024;
const LINE100 = '0123456789'.repeat(10).slice(0, 99);
const BIG = `yes ${LINE100} | head -c ${50 * MB}; echo DONE$((40+2))`;

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

  const chrome = await launchChromium(undefined, true);
  cleanups.unshift(() => chrome.close());
  const page = await chrome.context.newPage();
  await page.goto(`${appUrl}#/containers`);

  // 2. Terminals: the app (browser → server → engine → container) against the reference.
  const term = await engine.client.createContainer({ Image: 'busybox:test', name: 'bench-term', Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'none' } });
  await term.start();
  await page.evaluate(`location.hash = '#/containers/${term.id}/terminal'`);
  await page.getByRole('button', { name: 'New shell' }).click();
  await page.waitForFunction(`/#\\s*$/m.test(document.querySelector('[data-testid=terminal] .xterm-rows')?.innerText ?? '')`);
  const appTerm = '() => [...window.__berthSessions.values()].flat()[0].term';
  const appEcho = await echoLatencies(page, appTerm, 160);
  const appTp = await throughput(page, appTerm, BIG, 'DONE42');

  const ref = await startReferenceTerminal(repoRoot);
  cleanups.unshift(() => ref.close());
  const refPage = await chrome.context.newPage();
  refPage.on('crash', () => console.error('reference page crashed'));
  refPage.on('close', () => console.error('reference page closed'));
  refPage.on('console', (m) => console.error('ref console:', m.text()));
  console.error(`app: echo p50 ${percentile(appEcho, 50).toFixed(1)} ms, 50 MB in ${appTp.ms.toFixed(0)} ms`);
  await refPage.goto(ref.url);
  await refPage.evaluate('window.__ready');
  await refPage.waitForFunction(`/\\$\\s*$/m.test(document.querySelector('.xterm-rows')?.innerText ?? '')`);
  const refTerm = '() => window.__benchTerm()';
  const refEcho = await echoLatencies(refPage, refTerm, 160);
  const refTp = await throughput(refPage, refTerm, BIG, 'DONE42');
  await refPage.close();
  rows.push(['terminal echo p50', fmt(percentile(appEcho, 50)), fmt(percentile(refEcho, 50)), 'app ≤ ref + 2 ms']);
  rows.push(['terminal echo p95', fmt(percentile(appEcho, 95)), fmt(percentile(refEcho, 95)), 'app ≤ ref + 5 ms']);
  rows.push(['terminal 50 MB output', `${(50_000 / appTp.ms).toFixed(1)} MB/s`, `${(50_000 / refTp.ms).toFixed(1)} MB/s`, 'app ≥ ref']);
  rows.push(['longest frame during 50 MB', fmt(appTp.maxFrameMs), fmt(refTp.maxFrameMs), '< 100 ms']);

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
  rows.push(['logs view, 100,000 lines: all fetched and drawn', fmt(logAll), '—', '< 200 ms (draw)']);
  const f0 = performance.now();
  await page.getByLabel('Search logs').fill('99999');
  await untilText(page, '1 of 100000 lines match');
  rows.push(['logs view: filter 100,000 lines and redraw (incl. CDP)', fmt(performance.now() - f0), '—', '< 200 ms']);

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
  const a0 = usage(serverPids);
  const c0 = usage(chromePids);
  const window = 10;
  await new Promise((r) => setTimeout(r, window * 1000));
  const a1 = usage(serverPids);
  const c1 = usage(chromePids);
  rows.push(['app server RSS (20 containers, 3 terminals)', `${(a1.rssBytes / MB).toFixed(0)} MB`, '—', '—']);
  rows.push(['Chromium RSS, all processes (same)', `${(c1.rssBytes / MB).toFixed(0)} MB`, '—', 'app total < 300 MB']);
  rows.push(['app server idle CPU', `${(((a1.cpuSeconds - a0.cpuSeconds) / window) * 100).toFixed(2)} %`, '—', '< 1 %']);
  rows.push(['Chromium idle CPU, all processes', `${(((c1.cpuSeconds - c0.cpuSeconds) / window) * 100).toFixed(2)} %`, '—', '< 1 %']);
} finally {
  for (const c of cleanups) await c().catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
}

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] as string).length), (['metric', 'app', 'reference', 'target'][i] as string).length));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
console.log(`\nApp benchmark (engine: ${kind})`);
console.log(line(['metric', 'app', 'reference', 'target']));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
