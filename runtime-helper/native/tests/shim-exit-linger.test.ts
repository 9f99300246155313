// berth-shim at the container's exit: an attach client still gets every output frame and then a
// clean end of stream, even when it writes to the shim after the exit (berthd sends the stdin
// and close-stdin of `echo | docker run -i` right after the start, racing a fast container).
// Closing a socket with unread input resets the peer, and a write to a closed socket fails with
// EPIPE; Node destroys the connection on either, before reading the output frames waiting in it.
// Real containers under the shim, with the runtime from BERTH_TEST_RUNTIME.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FRAME, makeShimBundle, runtime, startShim, waitFor, waitForExit, type ShimBundle } from './shim-harness.js';

const bundles: ShimBundle[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const b of bundles.splice(0)) await b.cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function frame(type: number, payload: string = ''): Buffer {
  const data = Buffer.from(payload);
  const hdr = Buffer.alloc(8);
  hdr[0] = type;
  hdr.writeUInt32BE(data.length, 4);
  return Buffer.concat([hdr, data]);
}

/** A raw attach client that records frames and how its stream ended ('end' or the error code);
 * onStartResult runs as the start result is parsed, as berthd's reply to it does. */
async function client(b: ShimBundle, onStartResult?: (s: Socket) => void) {
  const s = await new Promise<Socket>((resolve, reject) => {
    const c = connect(join(b.stateDir, 'attach.sock'));
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
  sockets.push(s);
  const frames: Array<{ type: number; data: Buffer }> = [];
  const state = { ended: '' };
  let pending = Buffer.alloc(0);
  s.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const len = pending.readUInt32BE(4);
      if (pending.length < 8 + len) break;
      frames.push({ type: pending[0]!, data: pending.subarray(8, 8 + len) });
      pending = pending.subarray(8 + len);
      if (frames.at(-1)!.type === FRAME.startResult) onStartResult?.(s);
    }
  });
  s.on('end', () => { state.ended ||= 'end'; });
  s.on('error', (e: NodeJS.ErrnoException) => { state.ended ||= e.code ?? e.message; });
  const text = (type: number): string => Buffer.concat(frames.filter((f) => f.type === type).map((f) => f.data)).toString('utf8');
  const closed = (): Promise<boolean> => waitFor('the attach socket to close', () => s.destroyed || s.closed);
  return { s, frames, state, text, closed };
}

function echoBundle(): ShimBundle {
  const b = makeShimBundle({ args: ['sh', '-c', 'echo out; echo err >&2'] });
  bundles.push(b);
  return b;
}

describe('berth-shim: the output reaches a client that writes around the exit', () => {
  it('a client that writes after the exit still reads every frame, then a clean end', async () => {
    const b = echoBundle();
    await startShim(b, ['--stdin']);
    const c = await client(b);
    // Not reading: the output frames wait in this socket while the container exits.
    c.s.pause();
    runtime(['start', b.id]);
    await waitForExit(b);
    await sleep(100);
    // What berthd sends for `echo | docker run -i` when the exit won the race.
    c.s.write(Buffer.concat([frame(FRAME.stdin, '\n'), frame(FRAME.closeStdin)]));
    await sleep(100);
    c.s.resume();
    await c.closed();
    expect(c.text(FRAME.stdout)).toBe('out\n');
    expect(c.text(FRAME.stderr)).toBe('err\n');
    expect(c.state.ended).toBe('end');
  });

  it('20 fast containers, each sent stdin and close-stdin right after its start: every one delivers out and err', async () => {
    for (let i = 0; i < 20; i++) {
      const b = echoBundle();
      await startShim(b, ['--stdin']);
      // berthd's frames for `echo | docker run -i`: the CLI sent its stdin and half-closed already.
      const c = await client(b, (s) => {
        s.write(frame(FRAME.interactive, '\x01'));
        setImmediate(() => s.write(Buffer.concat([frame(FRAME.stdin, '\n'), frame(FRAME.closeStdin)])));
      });
      c.s.write(frame(FRAME.start));
      await c.closed();
      expect(c.frames.find((f) => f.type === FRAME.startResult)?.data.readInt32BE(0)).toBe(0);
      expect({ run: i, stdout: c.text(FRAME.stdout), stderr: c.text(FRAME.stderr), ended: c.state.ended }).toEqual({ run: i, stdout: 'out\n', stderr: 'err\n', ended: 'end' });
      c.s.destroy();
      await bundles.pop()!.cleanup();
    }
  }, 120_000);
});
