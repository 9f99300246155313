// Reads a container's json-file log for `docker logs`: tail, since, until, and follow (polling the
// file for growth until the container stops and the file is drained).
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseLogLine, timeToNanos, type LogEntry } from './json-log.js';

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  /** Nanoseconds since the epoch; 0n = no bound. */
  since: bigint;
  until: bigint;
  /** Lines from the end; -1 = all. */
  tail: number;
  follow: boolean;
}

/** Docker's since/until: a unix timestamp ("1700000000.5") or an RFC 3339 time. */
export function parseTimeParam(raw: string | undefined): bigint {
  if (!raw) return 0n;
  // Exact to the nanosecond: the CLI sends "seconds.nanoseconds", and a float would round.
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(raw);
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
  const ns = timeToNanos(raw);
  if (ns === 0n) throw new Error(`invalid time value: ${raw}`);
  return ns;
}

function wanted(e: LogEntry, o: LogOptions): boolean {
  if (e.stream === 'stdout' ? !o.stdout : !o.stderr) return false;
  const ns = timeToNanos(e.time);
  if (o.since && ns < o.since) return false;
  if (o.until && ns > o.until) return false;
  return true;
}

const CHUNK = 1024 * 1024;

interface ReadPosition { offset: number; rest: string }

/** Emits the wanted entries from `pos` to the file's current end, a chunk at a time (awaiting each
 * read, so the first lines go out at once and the event loop keeps serving other requests). */
async function drain(path: string, pos: ReadPosition, decoder: StringDecoder, buf: Buffer, o: LogOptions, emit: (e: LogEntry) => void, cancelled: () => boolean): Promise<ReadPosition> {
  let fh;
  try { fh = await open(path, 'r'); } catch { return pos; /* no output yet */ }
  let { offset, rest } = pos;
  try {
    const size = (await fh.stat()).size;
    while (offset < size && !cancelled()) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - offset), offset);
      if (bytesRead <= 0) break;
      offset += bytesRead;
      const parts = (rest + decoder.write(buf.subarray(0, bytesRead))).split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts) {
        const e = parseLogLine(l);
        if (e && wanted(e, o)) emit(e);
      }
    }
  } finally { await fh.close(); }
  return { offset, rest };
}

export async function readLogs(path: string, o: LogOptions, emit: (e: LogEntry) => void, stillRunning: () => boolean, cancelled: () => boolean): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.alloc(CHUNK);
  let pos: ReadPosition = { offset: 0, rest: '' };
  if (o.tail >= 0) {
    // The last N wanted entries: the whole file is read first (the filter comes before the count).
    let raw = Buffer.alloc(0);
    try { raw = readFileSync(path); } catch { /* no output yet */ }
    const lines = decoder.write(raw).split('\n');
    pos = { offset: raw.length, rest: lines.pop() ?? '' };
    const entries = lines.map(parseLogLine).filter((e): e is LogEntry => e !== null && wanted(e, o));
    for (const e of o.tail === 0 ? [] : entries.slice(-o.tail)) emit(e);
  } else {
    pos = await drain(path, pos, decoder, buf, o, emit, cancelled);
  }
  const untilPassed = (): boolean => o.until !== 0n && o.until < BigInt(Date.now()) * 1_000_000n;
  if (!o.follow || untilPassed()) return;
  for (;;) {
    if (cancelled()) return;
    const running = stillRunning();
    const before = pos.offset;
    pos = await drain(path, pos, decoder, buf, o, emit, cancelled);
    if (pos.offset > before) continue;
    if (!running) return;
    if (untilPassed()) return;
    await sleep(50);
  }
}
