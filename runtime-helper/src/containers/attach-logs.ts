// attach with logs=1: the json-file log replayed a chunk at a time (paced by the client), then
// the live output, with nothing lost or repeated at the seam. berth-shim logs every read of
// output before it sends it on, and answers a mark request (frame 22) in order with the log's
// size and each stream's unfinished line (sent, not logged yet): the log up to that size, those
// bytes, then what follows the mark on the connection are the output exactly once. The live
// output is held from the mark on while the log is replayed; a client slow enough for the held
// output to pass HELD_MAX has it dropped and is marked again: the log holds it (the replay goes
// on from the first mark's size), so berthd's memory stays bounded and the container never
// waits for a read-only client. A process without marks (the in-process monitor) or a shim
// that does not answer (one started before marks existed) gets the old seam: the file's size
// when the hold began (a line in flight then can come twice, an unfinished one lose its start).
import { statSync } from 'node:fs';
import type { Duplex, Writable } from 'node:stream';
import type { MonitoredProcess } from './monitor.js';
import { readLogs, type LogOptions } from './logs-reader.js';
import { pacingOf } from './stdio-pump.js';

type Stream = 'stdout' | 'stderr';

/** Where a process's output stands in its log (berth-shim's frame 22). */
export interface LogMark {
  /** The log file's size: every record of the output sent before the mark, and nothing after. */
  logSize: number;
  /** Per stream, output sent before the mark that the log does not hold yet (an unfinished line). */
  unlogged: Record<Stream, Buffer>;
}

interface Markable { requestMark(onMark: (mark: LogMark | null) => void): void }

export interface ReplayOptions {
  tty: boolean;
  stdout: boolean;
  stderr: boolean;
  /** The client left: stop reading. */
  cancelled(): boolean;
  warn(message: string): void;
}

const BATCH = 256 * 1024;
const ALL: LogOptions = { stdout: true, stderr: true, since: 0n, until: 0n, tail: -1, follow: false };

/**
 * Writes log output to a client in batches (raw with a tty, else Docker's frames), each line
 * encoded straight into the batch (no buffer per line: a big log makes no garbage to collect);
 * `pace` sends the batch and waits while the client is behind, so a slow client holds the read
 * back.
 */
export function logWriter(socket: Writable, o: { tty: boolean; stdout: boolean; stderr: boolean }) {
  let batch = Buffer.allocUnsafe(BATCH);
  let used = 0;
  const flush = (): void => {
    if (used === 0) return;
    if (!socket.destroyed && !socket.writableEnded) socket.write(batch.subarray(0, used));
    batch = Buffer.allocUnsafe(BATCH);
    used = 0;
  };
  const push = (stream: Stream, data: string | Buffer): void => {
    if (!(stream === 'stdout' ? o.stdout : o.stderr)) return;
    const len = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (len === 0) return;
    const need = len + (o.tty ? 0 : 8);
    if (used + need > batch.length) {
      flush();
      if (need > batch.length) batch = Buffer.allocUnsafe(need); // one line longer than a batch
    }
    if (!o.tty) {
      batch.writeUInt32BE((stream === 'stdout' ? 1 : 2) << 24, used); // type, then three zero bytes
      batch.writeUInt32BE(len, used + 4);
      used += 8;
    }
    used += typeof data === 'string' ? batch.write(data, used) : data.copy(batch, used);
  };
  const pace = async (): Promise<void> => {
    flush();
    if (!socket.writableNeedDrain || socket.destroyed || socket.writableEnded) return;
    await new Promise<void>((resolve) => {
      const done = (): void => { socket.off('drain', done); socket.off('close', done); resolve(); };
      socket.on('drain', done);
      socket.on('close', done);
    });
  };
  return { push, flush, pace };
}

/** Replays the whole log and returns (logs=1 with no live stream, or no running process). */
export async function replayLog(socket: Duplex, logPath: string, o: ReplayOptions): Promise<void> {
  const w = logWriter(socket, o);
  await readLogs(logPath, ALL, (e) => w.push(e.stream, e.log), () => false, o.cancelled, { pace: w.pace });
  w.flush();
}

/** Held live output beyond this is dropped (the log has it) and the replay goes on. */
export const HELD_MAX = 1 << 20;
/** How long a mark may take before the old seam is used (a shim without frame 22 never answers). */
const MARK_TIMEOUT_MS = 5000;

/** The live output held from one moment on; `overflowed` once it passed HELD_MAX (then dropped). */
class Hold {
  readonly chunks: [Stream, Buffer][] = [];
  private bytes = 0;
  overflowed = false;
  constructor(private readonly proc: MonitoredProcess) { proc.on('output', this.add); }
  private readonly add = (stream: Stream, data: Buffer): void => {
    if (this.overflowed) return;
    this.bytes += data.length;
    if (this.bytes <= HELD_MAX) { this.chunks.push([stream, data]); return; }
    this.overflowed = true;
    this.chunks.length = 0;
    this.stop();
  };
  stop(): void { this.proc.off('output', this.add); }
}

/** Marks the output and starts holding it in the same step; null mark: held from now, no mark. */
function markAndHold(proc: MonitoredProcess): Promise<{ mark: LogMark | null; hold: Hold }> {
  const markable = proc as Partial<Markable>;
  if (typeof markable.requestMark !== 'function') return Promise.resolve({ mark: null, hold: new Hold(proc) });
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(() => { settled = true; resolve({ mark: null, hold: new Hold(proc) }); }, MARK_TIMEOUT_MS);
    markable.requestMark!((mark) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Called while the shim's answer is parsed: the output after it is what the hold gets.
      resolve({ mark, hold: new Hold(proc) });
    });
  });
}

const fileSize = (path: string): number => { try { return statSync(path).size; } catch { return 0; } };

/**
 * Replays the log, then writes the held live output and calls `goLive` in the same tick: no
 * output event falls between the two.
 */
export async function replayLogThenLive(socket: Duplex, logPath: string, proc: MonitoredProcess, o: ReplayOptions, goLive: () => void): Promise<void> {
  // Attached from the start, so the shim waits for berthd's connection rather than dropping it
  // (and the held output with it) in a burst; what is held stays bounded by HELD_MAX.
  const pacing = pacingOf(proc);
  const me = {};
  pacing?.setAttached(me, true);
  try { await replayThenLive(socket, logPath, proc, o, goLive); } finally { pacing?.setAttached(me, false); }
}

async function replayThenLive(socket: Duplex, logPath: string, proc: MonitoredProcess, o: ReplayOptions, goLive: () => void): Promise<void> {
  const w = logWriter(socket, o);
  const emit = (e: { stream: Stream; log: string }): void => w.push(e.stream, e.log);
  let from = 0; // the log is replayed up to here
  for (;;) {
    const { mark, hold } = await markAndHold(proc);
    const endAt = mark ? mark.logSize : fileSize(logPath);
    if (endAt < from) {
      o.warn(`attach: the log was rotated during the replay (${from} bytes replayed, now ${endAt}): lines between may be missing`);
      from = 0;
    }
    try {
      await readLogs(logPath, ALL, emit, () => false, o.cancelled, { startAt: from, endAt, pace: w.pace });
    } catch (e) { hold.stop(); throw e; }
    from = endAt;
    if (o.cancelled()) { hold.stop(); return; }
    // The client fell more than HELD_MAX behind the live output: the log has what was dropped.
    if (hold.overflowed) continue;
    hold.stop();
    // From here to goLive nothing awaits: the held output and the live output meet exactly.
    if (mark) for (const s of ['stdout', 'stderr'] as const) w.push(s, mark.unlogged[s]);
    for (const [s, data] of hold.chunks) w.push(s, data);
    w.flush();
    goLive();
    return;
  }
}
