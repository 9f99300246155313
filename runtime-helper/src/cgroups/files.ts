// Reading and writing cgroup files. Reads of a missing file give null (a controller that is not
// there); writes fail with the file and the value named, like the C runtime's messages.
import { readFile, writeFile } from 'node:fs/promises';
import { CgroupError } from './errors.js';

const isErrno = (e: unknown): e is NodeJS.ErrnoException => e instanceof Error && 'code' in e;

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (isErrno(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return null;
    throw new CgroupError(500, `read '${path}': ${(e as Error).message}`, isErrno(e) ? e.code : undefined);
  }
}

/** The first number in a file; null when missing; Infinity for "max" or v1's "unlimited" value. */
export async function readNumber(path: string): Promise<number | null> {
  const text = await readText(path);
  if (text === null) return null;
  return parseLimit(text.trim().split(/\s+/)[0] ?? '');
}

/** v1 says "unlimited" with a huge page-aligned number, v2 with "max". */
export function parseLimit(token: string): number {
  if (token === 'max' || token === '-1') return Infinity;
  const n = Number(token);
  if (!Number.isFinite(n)) return 0;
  return n >= 2 ** 62 ? Infinity : n;
}

/** "key value" lines (memory.stat, memory.events, cpu.stat, memory.oom_control). */
export function parseFlatKeyed(text: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^-?\d+$/.test(value)) out[key] = Number(value);
  }
  return out;
}

/** Writes value; `create` is for fake trees, where files do not appear by themselves. */
export async function writeValue(path: string, value: string, create: boolean): Promise<void> {
  try {
    await writeFile(path, value, { flag: create ? 'w' : 'r+' });
  } catch (e) {
    const code = isErrno(e) ? e.code : undefined;
    const reason =
      code === 'EBUSY'
        ? 'Device or resource busy'
        : code === 'EINVAL'
          ? 'Invalid argument'
          : (e as Error).message;
    throw new CgroupError(
      code === 'EINVAL' || code === 'EBUSY' ? 400 : 500,
      `write '${path}' (${value}): ${reason}`,
      code,
    );
  }
}
