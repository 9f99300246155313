// Docker's json-file log format: one JSON object a line, {"log","stream","time"}, the time in
// RFC 3339 with nanoseconds. Writer (for monitors that do not write their own) and parser.
import { createWriteStream, type WriteStream } from 'node:fs';
import { nowNano } from './record.js';

export interface LogEntry {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

export class JsonLogWriter {
  private readonly out: WriteStream;
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'a', mode: 0o640 });
  }

  /** Splits at newlines as Docker does; a trailing partial line waits for more or for close. */
  write(stream: 'stdout' | 'stderr', data: Buffer): void {
    const text = this.partial[stream] + data.toString('utf8');
    const lines = text.split('\n');
    this.partial[stream] = lines.pop() ?? '';
    const time = nowNano();
    for (const l of lines) this.out.write(JSON.stringify({ log: l + '\n', stream, time }) + '\n');
    // Keep long partial lines from growing without bound (Docker cuts at 16 KB).
    if (this.partial[stream].length > 16384) {
      this.out.write(JSON.stringify({ log: this.partial[stream], stream, time }) + '\n');
      this.partial[stream] = '';
    }
  }

  close(): Promise<void> {
    const time = nowNano();
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.out.write(JSON.stringify({ log: this.partial[stream], stream, time }) + '\n');
      this.partial[stream] = '';
    }
    return new Promise((resolve) => this.out.end(resolve));
  }
}

export function parseLogLine(line: string): LogEntry | null {
  try {
    const e = JSON.parse(line) as LogEntry;
    return typeof e.log === 'string' ? e : null;
  } catch {
    return null;
  }
}

/** Nanoseconds since the epoch of an RFC 3339 time with up to 9 fractional digits. */
export function timeToNanos(time: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return 0n;
  const secs = BigInt(Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000));
  return secs * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}
