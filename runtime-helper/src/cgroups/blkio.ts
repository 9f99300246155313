// Block I/O counters in Docker's entry form, from v1's "8:0 Read 4096" lines or v2's io.stat
// "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 ..." lines.
import type { BlkioEntry } from './types.js';

export function parseBlkioV1(text: string | null): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    // sectors_recursive lines have no op: "8:0 16".
    const m = /^(\d+):(\d+)(?: (\S+))? (\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3] ?? '', value: Number(m[4]) });
  }
  return out;
}

/** Splits io.stat into the bytes and the request counts Docker reports. */
export function parseIoStatV2(text: string | null): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [dev, ...fields] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    const kv = Object.fromEntries(fields.map((f) => f.split('=') as [string, string]));
    const push = (list: BlkioEntry[], op: string, key: string): void => {
      if (kv[key] !== undefined) list.push({ major, minor, op, value: Number(kv[key]) });
    };
    push(bytes, 'read', 'rbytes');
    push(bytes, 'write', 'wbytes');
    push(ios, 'read', 'rios');
    push(ios, 'write', 'wios');
  }
  return { bytes, ios };
}
