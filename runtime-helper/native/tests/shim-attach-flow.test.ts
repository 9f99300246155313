// berth-shim's output flow control for a container's main process: an interactive attach client
// (frame 21, sent by berthd for a client with stdin) is waited for — the shim stops reading the
// container's output while it lags, so the container blocks on write and neither client nor log
// loses a byte — while a read-only client that stops reading is dropped at 1 MiB and the container
// runs on. Real containers under the shim, with the runtime from BERTH_TEST_RUNTIME.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AttachClient,
  cleanedAfterEach,
  FRAME,
  makeShimBundle,
  readLog,
  runtime,
  startShim,
  waitFor,
  waitForExit,
  type ShimBundle,
} from './shim-harness.js';

const { bundles, clients } = cleanedAfterEach();

const LINE = 100; // bytes per line, newline included

/** A container writing `lines` numbered lines of 100 bytes (20 MB for 200000) to stdout, and the
 * number of lines written so far to /progress every 1000 lines (rewritten whole each time). */
function writerBundle(lines: number, terminal: boolean): ShimBundle {
  const script = `BEGIN{for(i=0;i<${lines};i++){printf "%07d %091d\\n", i, 0; if(i%1000==0){print i > "/progress"; close("/progress")}} print "${lines}" > "/progress"}`;
  const b = makeShimBundle({ args: ['awk', script], terminal });
  bundles.push(b);
  return b;
}

function expected(lines: number, terminal: boolean): string {
  const parts: string[] = [];
  const nl = terminal ? '\r\n' : '\n'; // the pty's onlcr
  for (let i = 0; i < lines; i++) parts.push(`${String(i).padStart(7, '0')} ${'0'.repeat(91)}${nl}`);
  return parts.join('');
}

/** Lines the container's writer got through so far (-1 before the first report). */
function progress(b: ShimBundle): number {
  const path = join(b.dir, 'rootfs', 'progress');
  const text = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
  return text === '' ? -1 : Number(text);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function attach(b: ShimBundle): Promise<AttachClient> {
  const c = await AttachClient.connect(b);
  clients.push(c);
  return c;
}

/** Starts the container through this client's start frame (ordered after its earlier frames). */
async function startVia(c: AttachClient): Promise<void> {
  c.send(FRAME.start);
  const result = await waitFor('the start result', () => c.frames.find((f) => f.type === FRAME.startResult));
  expect(result.data.readInt32BE(0)).toBe(0);
}

/**
 * The stalled-writer set-up: a client that declares itself interactive (frame 21 with `payload`),
 * stops reading (not even the start result) and starts the container; once the pipe, the shim's
 * queue and the socket are full the writer makes no progress at all. Checks it stands still for
 * `stillMs` and has not finished; returns the client and where the writer stopped.
 */
async function stalledInteractiveWriter(b: ShimBundle, lines: number, opts: { payload?: Buffer; stillMs?: number } = {}): Promise<{ c: AttachClient; stalledAt: number }> {
  const c = await attach(b);
  c.send(FRAME.interactive, opts.payload);
  c.pause();
  c.send(FRAME.start);
  await sleep(1500);
  const stalledAt = progress(b);
  await sleep(opts.stillMs ?? 1000);
  expect(progress(b)).toBe(stalledAt);
  expect(stalledAt).toBeLessThan(lines);
  return { c, stalledAt };
}

function shimLog(b: ShimBundle): string {
  const path = join(b.stateDir, 'shim.log');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Every stdout byte the log holds, in order. */
function loggedText(b: ShimBundle): string {
  return readLog(b.logPath).records.map((r) => r.log).join('');
}

describe('berth-shim: an interactive client is waited for', () => {
  for (const terminal of [false, true]) {
    it(`a slow interactive client gets all 20 MB in order, the log too, and the writer blocks while it lags (${terminal ? 'pty' : 'pipes'})`, async () => {
      const lines = 200_000;
      const b = writerBundle(lines, terminal);
      await startShim(b, terminal ? ['--terminal'] : []);
      const c = await attach(b);
      c.send(FRAME.interactive, Buffer.from([1]));
      await startVia(c);

      // Slow reading: short bursts with pauses between (short enough that a fast machine cannot
      // move the whole 20 MB in them: 10 bursts of 20 ms once did, and the writer had finished).
      for (let i = 0; i < 4; i++) {
        c.pause();
        await sleep(100);
        c.resume();
        await sleep(5);
      }
      // A long stall: once the pty or pipe, the shim's queue and the socket are full, the writer
      // makes no progress at all until the client reads again.
      c.pause();
      await sleep(1000);
      const stalledAt = progress(b);
      const receivedAt = c.bytes();
      await sleep(2000);
      expect(progress(b)).toBe(stalledAt);
      expect(stalledAt).toBeGreaterThanOrEqual(0);
      expect(stalledAt).toBeLessThan(lines);
      // What is queued is bounded by the high watermark plus the buffers, far below 20 MB.
      expect(receivedAt).toBeLessThan(lines * LINE);
      c.resume();

      const exit = await waitForExit(b, 60_000);
      expect(exit.exitCode).toBe(0);
      const want = expected(lines, terminal);
      await waitFor('every byte at the client', () => c.bytes() >= want.length, 30_000);
      expect(c.bytes()).toBe(want.length);
      expect(c.text() === want).toBe(true);
      expect(progress(b)).toBe(lines);
      // The log has every byte in order: nothing was read from the container while it waited.
      const logged = loggedText(b);
      expect(logged.length).toBe(want.length);
      expect(logged === want).toBe(true);
      expect(shimLog(b)).not.toMatch(/too slow/);
      expect(shimLog(b)).toMatch(/interactive \(output waits for it\)/);
    }, 120_000);
  }

  it('reading resumes at once when a lagging interactive client disconnects', async () => {
    const lines = 40_000; // 4 MB: four times the read-only backlog
    const b = writerBundle(lines, false);
    await startShim(b);
    const { c } = await stalledInteractiveWriter(b, lines);
    expect(existsSync(join(b.stateDir, 'exit.json'))).toBe(false);
    c.close();
    const exit = await waitForExit(b, 15_000);
    expect(exit.exitCode).toBe(0);
    expect(progress(b)).toBe(lines);
    const logged = loggedText(b);
    expect(logged === expected(lines, false)).toBe(true);
  }, 60_000);

  it('a client that turns interactive off (frame 21, payload 0) is dropped at 1 MiB again', async () => {
    const lines = 40_000;
    const b = writerBundle(lines, false);
    await startShim(b);
    const { c } = await stalledInteractiveWriter(b, lines, { payload: Buffer.from([1]) });
    c.send(FRAME.interactive, Buffer.from([0]));
    const exit = await waitForExit(b, 15_000);
    expect(exit.exitCode).toBe(0);
    expect(shimLog(b)).toMatch(/read-only \(dropped when 1 MiB behind\)/);
    expect(shimLog(b)).toMatch(/attach client \d+: too slow/);
    expect(loggedText(b) === expected(lines, false)).toBe(true);
  }, 60_000);
});

describe('berth-shim: after the exit an interactive client is waited for only briefly', () => {
  it('a container killed while an interactive client lags still gets its exit recorded, and the log what it wrote', async () => {
    const lines = 200_000;
    const b = writerBundle(lines, false);
    await startShim(b);
    const { stalledAt } = await stalledInteractiveWriter(b, lines, { stillMs: 500 }); // and it never reads again
    runtime(['kill', b.id, 'KILL']);
    // Waited for at most the drain time (3 s), then output is read again (into the log), the
    // laggard dropped, and the exit recorded: a stuck terminal cannot hold `docker stop` forever.
    const exit = await waitForExit(b, 20_000);
    expect(exit.exitCode).toBe(137);
    expect(shimLog(b)).toMatch(/interactive client still lags \d+ ms after the exit; no longer waiting for it/);
    // The log holds a whole prefix of the output: every line the writer got out, none lost between.
    const logged = loggedText(b);
    expect(expected(lines, false).startsWith(logged)).toBe(true);
    expect(logged.length).toBeGreaterThanOrEqual(stalledAt * LINE - 64 * 1024);
  }, 60_000);
});

describe('berth-shim: a read-only client is not waited for', () => {
  it('a read-only client that stops reading is dropped at 1 MiB; the container runs on and logs everything while an interactive client keeps up', async () => {
    const lines = 200_000;
    const b = writerBundle(lines, false);
    await startShim(b);
    const viewer = await attach(b); // read-only: no frame 21
    viewer.pause();
    const user = await attach(b);
    user.send(FRAME.interactive, Buffer.from([1]));
    await startVia(user);
    await waitFor('the read-only client to be dropped', () => /attach client \d+: too slow/.test(shimLog(b)), 30_000);
    const atDrop = progress(b);
    expect(atDrop).toBeLessThan(lines);
    // The container goes on writing (and the log on growing) after the drop.
    await waitFor('the writer to move on after the drop', () => progress(b) > atDrop, 15_000);
    const exit = await waitForExit(b, 60_000);
    expect(exit.exitCode).toBe(0);
    const want = expected(lines, false);
    expect(loggedText(b) === want).toBe(true);
    await waitFor('every byte at the interactive client', () => user.bytes() >= want.length, 30_000);
    expect(user.text() === want).toBe(true);
    // The viewer got at most what was sent before the cut: its backlog and the socket buffers.
    viewer.resume();
    await waitFor('the read-only client to see the disconnect', () => viewer.closed);
    expect(viewer.bytes()).toBeLessThan(want.length / 4);
  }, 120_000);
});
