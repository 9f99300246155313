// berth-shim's mark (frame 22): asked on an attach connection, the shim answers in order with the
// log's size and each stream's unfinished line (sent to clients, not logged yet). The log's
// records up to that size, those bytes, then the output after the answer on that connection are
// the process's output exactly once: berthd's seam for attach with logs=1, which holds after a
// berthd restart too (no count of its own needed). Real containers under the shim.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanedAfterEach, AttachClient, FRAME, makeShimBundle, startShim, waitFor, waitForExit, type ShimBundle } from './shim-harness.js';

const MARK = 22;

const { bundles, clients } = cleanedAfterEach();

interface Mark { logSize: number; unlogged: { stdout: string; stderr: string } }

function parseMark(p: Buffer): Mark {
  const logSize = Number(p.readBigUInt64BE(0));
  const outLen = p.readUInt32BE(8);
  const errLen = p.readUInt32BE(12 + outLen);
  expect(p.length).toBe(16 + outLen + errLen);
  return { logSize, unlogged: { stdout: p.subarray(12, 12 + outLen).toString(), stderr: p.subarray(16 + outLen).toString() } };
}

/** Per stream, the text of the log's records in its first `size` bytes (which end on a record). */
function loggedUpTo(path: string, size: number): { stdout: string; stderr: string } {
  const head = readFileSync(path).subarray(0, size).toString('utf8');
  const out = { stdout: '', stderr: '' };
  if (size > 0) expect(head.endsWith('\n')).toBe(true);
  for (const l of head.split('\n').filter(Boolean)) {
    const r = JSON.parse(l) as { log: string; stream: 'stdout' | 'stderr' };
    out[r.stream] += r.log;
  }
  return out;
}

/** Text of the frames of one type after frame index `from`. */
const after = (c: AttachClient, from: number, type: number): string =>
  Buffer.concat(c.frames.slice(from + 1).filter((f) => f.type === type).map((f) => f.data)).toString();

async function startedClient(args: string[]): Promise<{ b: ShimBundle; c: AttachClient }> {
  const b = makeShimBundle({ args });
  bundles.push(b);
  await startShim(b);
  const c = await AttachClient.connect(b);
  clients.push(c);
  // Waited for (as berthd's connection is while a client is attached): a test reading slower
  // than the flood is not dropped at 1 MiB.
  c.send(FRAME.interactive);
  c.send(FRAME.start);
  await waitFor('the start result', () => c.frames.find((f) => f.type === FRAME.startResult));
  return { b, c };
}

async function mark(c: AttachClient): Promise<{ mark: Mark; index: number }> {
  const before = c.frames.length;
  c.send(MARK);
  const { index } = await waitFor('the mark', () => { const i = c.frames.findIndex((f, n) => n >= before && f.type === MARK); return i >= 0 ? { index: i } : undefined; });
  return { mark: parseMark(c.frames[index]!.data), index };
}

describe('berth-shim: the mark (frame 22)', () => {
  it('names the log\'s size and the unfinished line the log does not hold yet', async () => {
    const { b, c } = await startedClient(['sh', '-c', "echo first; printf 'half a'; printf 'n error' >&2; sleep 1; echo ' line'; echo ' end' >&2"]);
    await waitFor('the unfinished lines at the client', () => c.text().includes('half a') && c.text(FRAME.stderr).includes('error'));
    const { mark: m, index } = await mark(c);
    expect(m.unlogged).toEqual({ stdout: 'half a', stderr: 'n error' });
    expect(loggedUpTo(b.logPath, m.logSize)).toEqual({ stdout: 'first\n', stderr: '' });
    expect((await waitForExit(b)).exitCode).toBe(0);
    // The log up to the mark, the unlogged bytes, then what came after the mark: all, once.
    expect(`first\n${m.unlogged.stdout}${after(c, index, FRAME.stdout)}`).toBe('first\nhalf a line\n');
    expect(`${m.unlogged.stderr}${after(c, index, FRAME.stderr)}`).toBe('n error end\n');
  }, 30_000);

  it('marks taken while 10 MB flow split the output exactly: log up to the mark + unlogged + what follows = everything', async () => {
    const lines = 100_000;
    // The shell sleeps after the flood, so a mark sent as the flood ends still finds the shim
    // there (after the exit it only lingers for its clients to close).
    const { b, c } = await startedClient(['sh', '-c', `awk 'BEGIN{for(i=0;i<${lines};i++){printf "%07d %s", i, "x"; printf " %091d\\n", 0}}'; sleep 2`]);
    const marks: { mark: Mark; index: number }[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 20 * i));
      marks.push(await mark(c));
    }
    expect((await waitForExit(b, 60_000)).exitCode).toBe(0);
    const want = Array.from({ length: lines }, (_, i) => `${String(i).padStart(7, '0')} x ${'0'.repeat(91)}\n`).join('');
    await waitFor('every byte at the client', () => c.bytes() >= want.length, 30_000);
    let mid = 0;
    for (const { mark: m, index } of marks) {
      const logged = loggedUpTo(b.logPath, m.logSize).stdout;
      if (logged.length > 0 && logged.length < want.length) mid++;
      const joined = logged + m.unlogged.stdout + after(c, index, FRAME.stdout);
      expect(joined.length).toBe(want.length);
      expect(joined === want).toBe(true);
    }
    // At least one mark fell in the middle of the flow (not before the first line or after the last).
    expect(mid).toBeGreaterThan(0);
  }, 90_000);
});
