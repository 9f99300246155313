// Reads a container's json-file log for `docker logs`: tail, since, until, and follow (polling the
// file for growth until the container stops and the file is drained).
import { closeSync, openSync, readSync, statSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseLogLine, timeToNanos, type LogEntry } from './json-log.js';

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  /** Seconds since the epoch (fractions allowed); 0 = no bound. */
  since: number;
  until: number;
  /** Lines from the end; -1 = all. */
  tail: number;
  follow: boolean;
}

/** Docker's since/until: a unix timestamp ("1700000000.5") or an RFC 3339 time. */
export function parseTimeParam(raw: string | undefined): number {
  if (!raw) return 0;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw);
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new Error(`invalid time value: ${raw}`);
  return t / 1000;
}

function wanted(e: LogEntry, o: LogOptions): boolean {
  if (e.stream === 'stdout' ? !o.stdout : !o.stderr) return false;
  const ns = timeToNanos(e.time);
  if (o.since && ns < BigInt(Math.floor(o.since * 1e9))) return false;
  if (o.until && ns > BigInt(Math.floor(o.until * 1e9))) return false;
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
  if (!o.follow || (o.until && o.until * 1000 < Date.now())) return;
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
    if (o.until && o.until * 1000 < Date.now()) return;
    await sleep(50);
  }
}
