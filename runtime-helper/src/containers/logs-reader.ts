// Reads a container's json-file log for `docker logs`: tail, since, until, and follow (polling the
// file for growth until the container stops and the file is drained).
import { closeSync, openSync, readSync, statSync, readFileSync } from 'node:fs';
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

export async function readLogs(path: string, o: LogOptions, emit: (e: LogEntry) => void, stillRunning: () => boolean, cancelled: () => boolean): Promise<void> {
  let text = '';
  try { text = readFileSync(path, 'utf8'); } catch { /* no output yet */ }
  let offset = Buffer.byteLength(text);
  const lines = text.split('\n');
  let rest = lines.pop() ?? '';
  let entries = lines.map(parseLogLine).filter((e): e is LogEntry => e !== null && wanted(e, o));
  if (o.tail >= 0) entries = o.tail === 0 ? [] : entries.slice(-o.tail);
  for (const e of entries) emit(e);
  const untilPassed = (): boolean => o.until !== 0n && o.until < BigInt(Date.now()) * 1_000_000n;
  if (!o.follow || untilPassed()) return;
  const buf = Buffer.alloc(65536);
  for (;;) {
    if (cancelled()) return;
    const running = stillRunning();
    let size = 0;
    try { size = statSync(path).size; } catch { /* not created yet */ }
    if (size > offset) {
      const fd = openSync(path, 'r');
      try {
        while (offset < size) {
          const n = readSync(fd, buf, 0, Math.min(buf.length, size - offset), offset);
          if (n <= 0) break;
          offset += n;
          const chunk = rest + buf.toString('utf8', 0, n);
          const parts = chunk.split('\n');
          rest = parts.pop() ?? '';
          for (const l of parts) {
            const e = parseLogLine(l);
            if (e && wanted(e, o)) emit(e);
          }
        }
      } finally { closeSync(fd); }
      continue;
    }
    if (!running) return;
    if (untilPassed()) return;
    await sleep(50);
  }
}
