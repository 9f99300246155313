// Attach clients that stop reading while a container writes fast. berthd reads one shim
// connection for all of a container's clients, so it honours each client's backpressure itself:
// a read-only client (no stdin) is disconnected once 1 MiB is queued for it, as berth-shim drops
// its own read-only clients, and the container and its log go on (the log never waits for a
// viewer); an interactive client (stdin attached) holds the shim connection back while its socket
// is full, so the container blocks on write and the client gets every byte once it reads again.
// Either way berthd's memory stays bounded. The same read-only case under a real dockerd, for
// comparison: dockerd blocks the container's output (and its log) on the slow attach writer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerCli, runDocker, type Berthd } from './support/berthd.js';
import { berthdWithBusybox } from './support/berthd-suite.js';
import { demux, rawAttach, rssBytes, type RawAttach } from './support/raw-attach.js';
import { startDockerd, type Dockerd } from '../../test-support/dockerd.js';
import { busyboxImage } from '../../test-support/paths.js';

const berthd = berthdWithBusybox();
let b: Berthd;
beforeAll(() => { b = berthd(); });

/** Tens of MB/s: 2 MB of 201-byte lines, a 0.1 s pause, again. Fast enough that buffering it for
 * a stalled client would cost berthd far more than the bound below within seconds. */
const LINE = '0123456789'.repeat(20);
const FAST_WRITER = `while :; do yes ${LINE} | head -c 2000000; usleep 100000; done`;
/** A log record of one such line: the raw output is the log's size times LINE+1 over this. */
const RECORD = JSON.stringify({ log: `${LINE}\n`, stream: 'stdout', time: '2026-11-30T02:55:34.123456789Z' }).length + 1;
const RSS_BOUND = 32 * 1024 * 1024;

async function logPathOf(host: string, id: string): Promise<string> {
  const r = await runDocker(host, ['inspect', '--format', '{{.LogPath}}', id]);
  if (r.code !== 0) throw new Error(`inspect ${id}: ${r.stderr}`);
  return r.stdout.trim();
}
const sizeOf = (path: string): number => { try { return statSync(path).size; } catch { return 0; } };

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Samples berthd's VmRSS every 50 ms while `during` runs; the highest seen. */
async function peakRss(pid: number, during: () => Promise<void>): Promise<number> {
  let peak = rssBytes(pid);
  let on = true;
  const sampler = (async () => { while (on) { peak = Math.max(peak, rssBytes(pid)); await sleep(50); } })();
  try { await during(); } finally { on = false; await sampler; }
  return Math.max(peak, rssBytes(pid));
}

/** A read-only attach that reads for a moment, then stops reading for `stallMs`. */
async function stalledViewer(socketPath: string, id: string, stallMs: number, logPath: string): Promise<{ viewer: RawAttach; logGrowth: number; lateGrowth: number }> {
  const viewer = await rawAttach(socketPath, id, 'stream=1&stdout=1&stderr=1');
  await until('the first output', () => viewer.bytes() > 0);
  viewer.pause();
  const atPause = sizeOf(logPath);
  await sleep(stallMs - 2000);
  const late = sizeOf(logPath);
  await sleep(2000);
  // Growth over the whole stall, and over its last 2 s (after any disconnect or block set in).
  return { viewer, logGrowth: sizeOf(logPath) - atPause, lateGrowth: sizeOf(logPath) - late };
}

describe('attach: a client that stops reading', () => {
  it('a read-only client is disconnected at 1 MiB behind; berthd\'s RSS stays bounded and the container and its log go on', async () => {
    const id = (await b.docker(['run', '-d', '--network', 'none', 'busybox', 'sh', '-c', FAST_WRITER])).trim();
    const logPath = await logPathOf(b.host, id);
    const pid = b.child.pid!;
    try {
      // Nobody attached for a while: the shim may drop berthd's own connection in a burst (nothing
      // waits for it then); berthd connects again, so the clients below still get the output.
      await sleep(1500);
      // A reader that keeps up first: berthd's heap takes its first growth step under the flow
      // (V8 sizes its young generation at the first burst) before the measure starts.
      const warm = await rawAttach(b.socket, id, 'stream=1&stdout=1&stderr=1');
      const drops = (): number => b.log().split('read-only client fell').length - 1;
      const dropsBefore = drops();
      await sleep(2000);
      // Output flowed through berthd: the reader got 1 MiB, or (a loaded machine starving this
      // process) fell 1 MiB behind and was cut off by the rule itself.
      await until('1 MiB through berthd', () => warm.bytes() > 1 << 20 || (warm.closed() && drops() > dropsBefore), 20_000);
      warm.close();
      await sleep(300);

      const before = rssBytes(pid);
      let stalled!: Awaited<ReturnType<typeof stalledViewer>>;
      const peak = await peakRss(pid, async () => { stalled = await stalledViewer(b.socket, id, 6000, logPath); });
      const { viewer, logGrowth, lateGrowth } = stalled;
      console.log(`berthd, read-only client stalled 6 s: container wrote ${(logGrowth * (LINE.length + 1) / RECORD / 1e6).toFixed(1)} MB (${(logGrowth / 1e6).toFixed(1)} MB of log) meanwhile, ${(lateGrowth / 1e6).toFixed(1)} MB of log in the last 2 s; berthd VmRSS ${(before / 1048576).toFixed(1)} MiB before, peak ${(peak / 1048576).toFixed(1)} MiB (+${((peak - before) / 1048576).toFixed(1)} MiB)`);

      // Offered far more than the bound: buffering it for the client would have shown.
      expect(logGrowth * (LINE.length + 1) / RECORD).toBeGreaterThan(1.5 * RSS_BOUND);
      expect(peak - before).toBeLessThan(RSS_BOUND);
      // The log did not wait for the viewer: it grew to the end of the stall.
      expect(lateGrowth).toBeGreaterThan(4_000_000);

      // Reading again, the viewer gets what was queued before the cut, then the end.
      viewer.resume();
      await until('the viewer to see the disconnect', () => viewer.closed(), 10_000);
      expect(viewer.bytes()).toBeLessThan(16 * 1024 * 1024);
      expect(b.log()).toMatch(/read-only client fell 1048576 bytes behind/);
      // Still running, and a new client gets live output.
      expect((await b.docker(['inspect', '--format', '{{.State.Running}}', id])).trim()).toBe('true');
      const again = await rawAttach(b.socket, id, 'stream=1&stdout=1');
      await until('live output for a new client', () => again.bytes() > 100_000);
      again.close();
    } finally {
      await b.docker(['rm', '-f', id]);
    }
  }, 90_000);

  it('an interactive client (stdin attached) holds the container back while it does not read, then gets every byte intact', async () => {
    const lines = 200_000; // 100 bytes each: 20 MB
    const script = `read go; awk 'BEGIN{for(i=0;i<${lines};i++)printf "%07d %091d\\n",i,0}'; echo done >&2`;
    const id = (await b.docker(['run', '-d', '-i', '--network', 'none', 'busybox', 'sh', '-c', script])).trim();
    const logPath = await logPathOf(b.host, id);
    const pid = b.child.pid!;
    const drops = (): number => b.log().split('read-only client fell').length;
    const dropsBefore = drops();
    try {
      const c = await rawAttach(b.socket, id, 'stream=1&stdin=1&stdout=1&stderr=1');
      const before = rssBytes(pid);
      let stalledLog = 0;
      let stalledFor = 0;
      const peak = await peakRss(pid, async () => {
        c.writeStdin('go\n');
        await until('the first output', () => c.bytes() > 0);
        c.pause();
        await sleep(1500);
        stalledLog = sizeOf(logPath);
        await sleep(2500);
        stalledFor = sizeOf(logPath) - stalledLog;
      });
      console.log(`berthd, interactive client stalled 4 s: log ${(stalledLog / 1e6).toFixed(1)} MB at the stall, +${stalledFor} bytes in its last 2.5 s; berthd VmRSS +${((peak - before) / 1048576).toFixed(1)} MiB`);
      // The container is blocked on write: nothing more reached the log, nothing was dropped.
      expect(stalledFor).toBe(0);
      expect(stalledLog).toBeLessThan(lines * 100);
      expect(c.closed()).toBe(false);
      expect(peak - before).toBeLessThan(RSS_BOUND);

      c.resume();
      await c.done; // berthd ends the connection after the exit
      const { stdout, stderr } = demux(c.data());
      const want = Array.from({ length: lines }, (_, i) => `${String(i).padStart(7, '0')} ${'0'.repeat(91)}\n`).join('');
      expect(stdout.length).toBe(want.length);
      expect(stdout.toString() === want).toBe(true);
      expect(stderr.toString()).toBe('done\n');
      expect((await b.docker(['wait', id])).trim()).toBe('0');
      expect(drops()).toBe(dropsBefore);
    } finally {
      await b.docker(['rm', '-f', id]);
    }
  }, 90_000);
});

describe('attach: the client a container was started for', () => {
  it('docker run (no -i) into a reader that waits 3 s first gets every byte: the run\'s own client is waited for, not cut off', async () => {
    const bytes = 20_000_000;
    const pid = b.child.pid!;
    const run = (reader: string): Promise<string> => new Promise<string>((resolve, reject) => execFile('sh', ['-c', `${dockerCli} run --rm --network none busybox sh -c 'yes ${LINE} | head -c ${bytes}' | ${reader}`],
      { env: { ...process.env, DOCKER_HOST: b.host } }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(stdout))));
    // A reader that keeps up first (berthd's heap takes its first growth step under the flow).
    expect(Number((await run('wc -c')).trim())).toBe(bytes);
    const before = rssBytes(pid);
    let out = '';
    const peak = await peakRss(pid, async () => { out = await run('(sleep 3; wc -c)'); });
    console.log(`berthd, docker run into a reader that waits 3 s: ${out.trim()} of ${bytes} bytes; berthd VmRSS +${((peak - before) / 1048576).toFixed(1)} MiB`);
    expect(Number(out.trim())).toBe(bytes);
    expect(peak - before).toBeLessThan(RSS_BOUND);
  }, 90_000);
});

/** The state dir of the berth-shim running container `id` (from its command line). */
function shimStateDir(id: string): string {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let args: string[];
    try { args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (!args[0]?.endsWith('berth-shim') || args[args.indexOf('--id') + 1] !== id || args.includes('--exec')) continue;
    return args[args.indexOf('--state-dir') + 1]!;
  }
  throw new Error(`no berth-shim runs container ${id}`);
}

describe('berthd\'s own shim connection', () => {
  it('dropped by the shim while berthd lags with no client attached, it is made again: later attaches get the output, stop sees the exit', async () => {
    const id = (await b.docker(['run', '-d', '--network', 'none', 'busybox', 'sh', '-c', FAST_WRITER])).trim();
    const shimLog = join(shimStateDir(id), 'shim.log');
    const pid = b.child.pid!;
    try {
      await sleep(1000); // the 1 MiB start backlog is full: nothing waits for berthd now
      // berthd stops reading for a while (a stalled event loop): the shim drops its connection
      // rather than holding the container back for it.
      process.kill(pid, 'SIGSTOP');
      try {
        await until('the shim to drop berthd\'s connection', () => /attach client \d+: too slow/.test(readFileSync(shimLog, 'utf8')), 10_000);
      } finally { process.kill(pid, 'SIGCONT'); }
      const viewer = await rawAttach(b.socket, id, 'stream=1&stdout=1');
      const dropsBefore = b.log().split('read-only client fell').length;
      // Live output again: 1 MB read, or (this process starved by a loaded machine) the viewer
      // fell 1 MiB behind it and was cut off by the read-only rule, which needs the output too.
      await until('live output after the reconnect', () => viewer.bytes() > 1_000_000
        || (viewer.closed() && b.log().split('read-only client fell').length > dropsBefore));
      viewer.close();
      await b.docker(['stop', '-t', '1', id]);
      const state = JSON.parse(await b.docker(['inspect', '--format', '{{json .State}}', id])) as { Running: boolean; ExitCode: number };
      expect(state.Running).toBe(false);
      expect(state.ExitCode).toBe(137); // sh ignores SIGTERM as pid 1: killed after the timeout
    } finally {
      await b.docker(['rm', '-f', id]);
    }
  }, 60_000);
});

describe('the same read-only case under a real dockerd', () => {
  let d: Dockerd | undefined;
  beforeAll(async () => {
    d = await startDockerd();
    const r = await runDocker(d.host, ['import', busyboxImage().tar, 'busybox']);
    if (r.code !== 0) throw new Error(`import into dockerd: ${r.stderr}`);
  }, 120_000);
  afterAll(async () => { await d?.stop(); }, 60_000);

  it('dockerd blocks the container (and its log) on a read-only client that stops reading, and keeps the client', async () => {
    const host = d!.host;
    const id = (await runDocker(host, ['run', '-d', '--network', 'none', 'busybox', 'sh', '-c', FAST_WRITER])).stdout.trim();
    const logPath = await logPathOf(host, id);
    try {
      const { viewer, logGrowth, lateGrowth } = await stalledViewer(d!.socket, id, 6000, logPath);
      console.log(`dockerd, read-only client stalled 6 s: container wrote ${(logGrowth / 1e6).toFixed(1)} MB of log meanwhile, ${lateGrowth} bytes in the last 2 s; client still connected: ${!viewer.closed()}`);
      // The writer is blocked once the client's buffers are full: the log stopped.
      expect(lateGrowth).toBe(0);
      // Reading again, the client is still attached and the output (and the log) flow again.
      const logAtResume = sizeOf(logPath);
      const at = viewer.bytes();
      viewer.resume();
      await until('output after the resume', () => viewer.bytes() > at + 1_000_000);
      await until('the log to grow again', () => sizeOf(logPath) > logAtResume);
      expect(viewer.closed()).toBe(false);
      viewer.close();
    } finally {
      await runDocker(host, ['rm', '-f', id]);
    }
  }, 90_000);
});
