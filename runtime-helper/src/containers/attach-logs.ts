// attach with logs=1: the json-file log replayed a chunk at a time (paced by the client), then
// the live output, with nothing lost or repeated at the seam. The live output is held from the
// moment the replay's end is fixed; the file read up to that moment holds every complete line
// the client's live stream has not seen yet, and maybe some it will still see (logged, still on
// the way from the shim). What a process tells in its OutputMark (bytes of each stream received
// so far, and from when its log records are its own) says exactly how many bytes of the live
// output the replay already gave, or which received bytes (an unfinished line the shim has not
// logged yet) it did not. Without a mark (a shim berthd reconnected to after a restart, the
// in-process monitor) the replay ends at that moment and the live output follows as it comes.
import { statSync } from 'node:fs';
import type { Duplex, Writable } from 'node:stream';
import type { MonitoredProcess } from './monitor.js';
import { readLogs, type LogOptions } from './logs-reader.js';
import { timeToNanos, type LogEntry } from './json-log.js';

type Stream = 'stdout' | 'stderr';

export interface OutputMark {
  /** This run's records are those timed at or after this (ns since the epoch); null: unknown. */
  since: bigint | null;
  /** Bytes of each stream the process's listeners got so far. */
  received: Record<Stream, number>;
  /** Per stream, the received bytes after the last newline (a line the log may not hold yet). */
  openLine: Record<Stream, Buffer>;
}

interface MarkedProcess { outputMark(): OutputMark }

function markOf(proc: MonitoredProcess): OutputMark | null {
  const p = proc as Partial<MarkedProcess>;
  return typeof p.outputMark === 'function' ? p.outputMark() : null;
}

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

/**
 * Replays the log, then calls `goLive` with the bytes of each stream the client already has
 * (for the pump to drop), in the same tick as the held live output was written: no output
 * event falls between the two.
 */
export async function replayLogThenLive(socket: Duplex, logPath: string, proc: MonitoredProcess, o: ReplayOptions, goLive: (skip: Record<Stream, number>) => void): Promise<void> {
  const held: [Stream, Buffer][] = [];
  const hold = (stream: Stream, data: Buffer): void => { held.push([stream, data]); };
  // The seam: from here on the live output is held, and the replay reads the file as it is now.
  proc.on('output', hold);
  const mark = markOf(proc);
  let endAt: number;
  try { endAt = statSync(logPath).size; } catch { endAt = 0; }

  const w = logWriter(socket, o);
  // Bytes of each stream of this run's records the replay gave.
  const given = { stdout: 0, stderr: 0 };
  const since = mark?.since ?? null;
  const sinceSecond = since === null ? '' : new Date(Number(since / 1_000_000n)).toISOString().slice(0, 19);
  const ofThisRun = (e: LogEntry): boolean => {
    // Whole seconds compare as text; only records in the run's first second need the exact time.
    const second = e.time.slice(0, 19);
    return second > sinceSecond || (second === sinceSecond && timeToNanos(e.time) >= since!);
  };
  const emit = (e: LogEntry): void => {
    if (since !== null && ofThisRun(e)) given[e.stream] += Buffer.byteLength(e.log);
    w.push(e.stream, e.log);
  };
  try {
    await readLogs(logPath, ALL, emit, () => false, o.cancelled, { endAt, pace: w.pace });
  } finally {
    proc.off('output', hold);
  }
  // From here to goLive nothing awaits: the held output and the live output meet exactly.
  const skip = { stdout: 0, stderr: 0 };
  if (mark && since !== null) {
    for (const s of ['stdout', 'stderr'] as const) {
      const missing = mark.received[s] - given[s];
      if (missing > 0) {
        // Received before the seam but not logged yet: the end of the unfinished line.
        if (missing <= mark.openLine[s].length) w.push(s, mark.openLine[s].subarray(mark.openLine[s].length - missing));
        else o.warn(`attach ${s}: the log holds ${missing} bytes fewer than were received (rotated or not UTF-8): the replay may miss a line`);
      } else skip[s] = -missing;
    }
  }
  for (const [s, data] of held) {
    const n = Math.min(skip[s], data.length);
    skip[s] -= n;
    w.push(s, data.subarray(n));
  }
  w.flush();
  goLive(skip);
}
