import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTailParam, readLogs, tailStart, type LogOptions, type PositionalReader } from './logs-reader.js';
import type { LogEntry } from './json-log.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function logFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-logs-'));
  dirs.push(dir);
  const path = join(dir, 'c-json.log');
  writeFileSync(path, content);
  return path;
}

/** One json-file record; second `s` of a fixed minute, so since/until can pick lines. */
const rec = (log: string, stream: 'stdout' | 'stderr', s: number): string =>
  `${JSON.stringify({ log: `${log}\n`, stream, time: `2026-01-01T00:00:${String(s).padStart(2, '0')}.5Z` })}\n`;
const nanos = (s: number): bigint => BigInt(Date.parse('2026-01-01T00:00:00Z') / 1000 + s) * 1_000_000_000n;

/** out1 err1 out2 err2 ... out6 err6, line i (from 0) at second i.5. */
const interleaved = Array.from({ length: 6 }, (_, i) => rec(`out${i + 1}`, 'stdout', 2 * i) + rec(`err${i + 1}`, 'stderr', 2 * i + 1)).join('');

async function read(path: string, o: Partial<LogOptions>): Promise<string[]> {
  const out: string[] = [];
  const opts: LogOptions = { stdout: true, stderr: true, since: 0n, until: 0n, tail: -1, follow: false, ...o };
  await readLogs(path, opts, (e: LogEntry) => out.push(e.log.trimEnd()), () => false, () => false);
  return out;
}

describe('tail as dockerd counts it', () => {
  it('counts the file lines before the stream filter', async () => {
    const path = logFile(interleaved);
    expect(await read(path, { tail: 3 })).toEqual(['err5', 'out6', 'err6']);
    expect(await read(path, { tail: 3, stderr: false })).toEqual(['out6']);
    expect(await read(path, { tail: 3, stdout: false })).toEqual(['err5', 'err6']);
  });

  it('applies since and until to the tailed lines; the first line after until ends the read', async () => {
    const path = logFile(interleaved);
    expect(await read(path, { tail: 4, since: nanos(9) })).toEqual(['err5', 'out6', 'err6']);
    // The last 6 lines start at second 6; until second 5 leaves none (not the 6 before it).
    expect(await read(path, { tail: 6, until: nanos(5) })).toEqual([]);
    expect(await read(path, { tail: 6, until: nanos(8) })).toEqual(['out4', 'err4']);
    expect(await read(path, { until: nanos(2) })).toEqual(['out1', 'err1']);
  });

  it('0 lines, all lines, more lines than there are, an empty or missing file', async () => {
    const path = logFile(interleaved);
    expect(await read(path, { tail: 0 })).toEqual([]);
    expect(await read(path, { tail: -1 })).toHaveLength(12);
    expect(await read(path, { tail: 1000 })).toHaveLength(12);
    expect(await read(logFile(''), { tail: 5 })).toEqual([]);
    expect(await read(join(tmpdir(), 'no-such-berth-log.json'), { tail: 5 })).toEqual([]);
  });

  it('a record still being written (no newline yet) is not a line', async () => {
    const path = logFile(interleaved + '{"log":"half');
    expect(await read(path, { tail: 2 })).toEqual(['out6', 'err6']);
    expect(await read(path, { tail: 0 })).toEqual([]);
  });

  it('finds the start across block borders, reading only the end of a large file', async () => {
    const path = logFile('');
    truncateSync(path, 200 * 1024 * 1024); // 200 MB of holes: no newline until the records
    appendFileSync(path, interleaved);
    const fh = await open(path, 'r');
    try {
      let bytes = 0;
      const counting: PositionalReader = {
        read: async (buf, off, len, pos) => { const r = await fh.read(buf, off, len, pos); bytes += r.bytesRead; return r; },
      };
      const size = (await fh.stat()).size;
      const start = await tailStart(counting, size, 3, 16);
      expect(size - start).toBe(Buffer.byteLength(interleaved.split('\n').slice(-4).join('\n')));
      expect(bytes).toBeLessThan(1024);
    } finally { await fh.close(); }
    expect(await read(path, { tail: 2 })).toEqual(['out6', 'err6']);
  });

  it('every count from 0 to past the start, with blocks smaller than a line', async () => {
    const fh = await open(logFile(interleaved), 'r');
    try {
      const size = Buffer.byteLength(interleaved);
      const lines = interleaved.split('\n').slice(0, -1).map((l) => `${l}\n`);
      for (let n = 0; n <= 13; n++) {
        const tailBytes = Buffer.byteLength(lines.slice(Math.max(0, lines.length - n)).join(''));
        expect(await tailStart(fh, size, n, 7), `tail ${n}`).toBe(size - tailBytes);
      }
    } finally { await fh.close(); }
  });
});

describe('the tail parameter as dockerd parses it (strconv.Atoi; else all)', () => {
  it('decimal integers with a sign; everything else and negatives are all', () => {
    expect(parseTailParam('3')).toBe(3);
    expect(parseTailParam('+3')).toBe(3);
    expect(parseTailParam('0')).toBe(0);
    expect(parseTailParam('007')).toBe(7);
    for (const raw of [undefined, '', 'all', 'abc', '-2', '1.5', ' 3', '0x3', '99999999999999999999']) expect(parseTailParam(raw), String(raw)).toBe(-1);
    expect(parseTailParam('9223372036854775807')).toBe(Number.MAX_SAFE_INTEGER);
  });
});
