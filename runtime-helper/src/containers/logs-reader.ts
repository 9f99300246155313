// Reads a container's json-file log for `docker logs`: tail, since, until, and follow (polling the
// file for growth until the container stops and the file is drained). The order is dockerd's
// (20.10 json-file driver): tail counts the file's lines, stdout and stderr alike; since and until
// then apply to those lines (the first line after `until` ends the read); the stream filter comes
// last. So `--tail 3` of interleaved output with only stdout asked for can give fewer than 3 lines.
import { open, readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
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

const INT64_MAX = (1n << 63n) - 1n;

/**
 * The `tail` query parameter as dockerd reads it (Go's strconv.Atoi): a decimal integer with an
 * optional sign is that many lines; anything else ("all", "", "1.5", " 3", out of int64 range)
 * and any negative number mean all lines. Returns -1 for all.
 */
export function parseTailParam(raw: string | undefined): number {
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return -1;
  const n = BigInt(raw);
  if (n < 0n || n > INT64_MAX) return -1;
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

/** What tailStart needs of a file: reads at a position (a FileHandle is one). */
export interface PositionalReader { read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> }

const TAIL_BLOCK = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Where the last `lines` complete lines of the file's first `size` bytes begin, found by reading
 * backwards from `size` a block at a time (a few lines of a huge log read a few kilobytes). Bytes
 * after the last newline are a record still being written: not a line yet, so not counted.
 */
export async function tailStart(fh: PositionalReader, size: number, lines: number, blockSize = TAIL_BLOCK): Promise<number> {
  return (await tailStartCounted(fh, size, lines, blockSize)).start;
}

/** tailStart, and how many complete lines lie after the start (fewer than asked: the whole file). */
async function tailStartCounted(fh: PositionalReader, size: number, lines: number, blockSize = TAIL_BLOCK): Promise<{ start: number; found: number }> {
  // The line N from the end starts right after newline N+1 from the end.
  let wanted = lines + 1;
  const buf = Buffer.alloc(Math.min(blockSize, Math.max(size, 1)));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - buf.length);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    if (bytesRead < end - start) return { start: 0, found: lines + 1 - wanted }; // the file shrank under us: read it all
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] === NEWLINE && --wanted === 0) return { start: start + i + 1, found: lines };
    }
    end = start;
  }
  return { start: 0, found: lines + 1 - wanted };
}

const CHUNK = 1024 * 1024;

interface ReadPosition { offset: number; rest: string }

/** How a reader other than `docker logs` drives the read. */
export interface ReadControl {
  /** Read no further than this offset (the size the caller saw at its moment). */
  endAt?: number;
  /** Start here instead of at the tail's start (a record boundary the caller read up to before). */
  startAt?: number;
  /** Awaited after each chunk's lines were emitted: a slow client holds the read back. */
  pace?: () => Promise<void>;
}

/** What one pass over the file did. */
interface Drained { pos: ReadPosition; untilReached: boolean }

/** Per entry: false skips it (before `since`), 'stop' ends the read (after `until`). */
function timeCheck(e: LogEntry, o: LogOptions): boolean | 'stop' {
  if (!o.since && !o.until) return true;
  const ns = timeToNanos(e.time);
  if (o.since && ns < o.since) return false;
  if (o.until && ns > o.until) return 'stop';
  return true;
}

/** Emits the wanted entries from `pos` up to `limit` (default: the file's current end), a chunk
 * at a time (awaiting each read, so the first lines go out at once and the event loop keeps
 * serving other requests). */
async function drain(path: string, pos: ReadPosition, decoder: StringDecoder, buf: Buffer, o: LogOptions, emit: (e: LogEntry) => void, cancelled: () => boolean, limit?: number, pace?: () => Promise<void>): Promise<Drained> {
  let fh;
  try { fh = await open(path, 'r'); } catch { return { pos, untilReached: false }; /* no output yet */ }
  let { offset, rest } = pos;
  try {
    const size = limit ?? (await fh.stat()).size;
    // Smaller than what was read: the shim rotated the file (--log-opt max-size); the new one
    // is read from its start. Lines written to the old one after the last read are not sent.
    if (size < offset) { offset = 0; rest = ''; }
    while (offset < size && !cancelled()) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - offset), offset);
      if (bytesRead <= 0) break;
      offset += bytesRead;
      const parts = (rest + decoder.write(buf.subarray(0, bytesRead))).split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts) {
        const e = parseLogLine(l);
        if (!e) continue;
        const t = timeCheck(e, o);
        if (t === 'stop') return { pos: { offset, rest }, untilReached: true };
        if (t && (e.stream === 'stdout' ? o.stdout : o.stderr)) emit(e);
      }
      if (pace) await pace();
    }
  } finally { await fh.close(); }
  return { pos: { offset, rest }, untilReached: false };
}

/** The offset to start from, the lines after it (when tail asks a number) and the file's size at
 * open (what tail counts back from). */
async function startOf(path: string, tail: number): Promise<{ start: number; found: number; size: number }> {
  let fh;
  try { fh = await open(path, 'r'); } catch { return { start: 0, found: 0, size: 0 }; /* no output yet */ }
  try {
    const size = (await fh.stat()).size;
    if (tail < 0) return { start: 0, found: 0, size };
    return { ...(await tailStartCounted(fh, size, tail)), size };
  } finally { await fh.close(); }
}

/** The rotated files of a log (`--log-opt max-file`), oldest first: path.N ... path.1. */
async function rotatedFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = `${basename(path)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  const numbers = names.filter((n) => n.startsWith(base) && /^\d+$/.test(n.slice(base.length))).map((n) => Number(n.slice(base.length)));
  return numbers.sort((a, b) => b - a).map((n) => `${path}.${n}`);
}

/** Where to read each rotated file from, so that they and the live file's `found` lines make the tail. */
async function olderStarts(files: string[], tail: number, foundInLive: number): Promise<{ path: string; start: number }[]> {
  if (tail < 0) return files.map((path) => ({ path, start: 0 }));
  const out: { path: string; start: number }[] = [];
  let need = tail - foundInLive;
  for (const path of [...files].reverse()) {
    if (need <= 0) break;
    const r = await startOf(path, need);
    out.unshift({ path, start: r.start });
    need -= r.found;
  }
  return out;
}

export async function readLogs(path: string, o: LogOptions, emit: (e: LogEntry) => void, stillRunning: () => boolean, cancelled: () => boolean, control: ReadControl = {}): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.alloc(CHUNK);
  // What was in the file at the request is read up to that size, so tail counts what it sent.
  const { start, found, size: atOpen } = await startOf(path, o.tail);
  // Rotated files first, except for a reader that resumes at an offset of the live file.
  if (control.startAt === undefined) {
    for (const f of await olderStarts(await rotatedFiles(path), o.tail, found)) {
      const r = await drain(f.path, { offset: f.start, rest: '' }, new StringDecoder('utf8'), buf, o, emit, cancelled, undefined, control.pace);
      if (r.untilReached) return;
    }
  }
  const size = control.endAt === undefined ? atOpen : Math.min(atOpen, control.endAt);
  let { pos, untilReached } = await drain(path, { offset: Math.min(control.startAt ?? start, size), rest: '' }, decoder, buf, o, emit, cancelled, size, control.pace);
  const untilPassed = (): boolean => untilReached || (o.until !== 0n && o.until < BigInt(Date.now()) * 1_000_000n);
  if (!o.follow || untilPassed()) return;
  for (;;) {
    if (cancelled()) return;
    const running = stillRunning();
    const before = pos.offset;
    ({ pos, untilReached } = await drain(path, pos, decoder, buf, o, emit, cancelled, undefined, control.pace));
    if (untilReached) return;
    if (pos.offset > before) continue;
    if (!running) return;
    if (untilPassed()) return;
    await sleep(50);
  }
}
