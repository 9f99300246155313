import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneSeccompCache, pruneSeccompCaches, seccompCacheDirs, SECCOMP_CACHE_DIR } from './seccomp-cache.js';

const DAY = 24 * 60 * 60 * 1000;
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-seccomp-cache-'));
  dirs.push(d);
  return d;
}

/** A file whose last access and modification are `usedDaysAgo` and `writtenDaysAgo` before now. */
function put(path: string, now: number, usedDaysAgo: number, writtenDaysAgo = usedDaysAgo): void {
  writeFileSync(path, 'key\0program');
  utimesSync(path, (now - usedDaysAgo * DAY) / 1000, (now - writtenDaysAgo * DAY) / 1000);
}

const hex = (n: number): string => n.toString(16).padStart(16, '0');
const policy = { maxUnusedMs: 14 * DAY, maxEntries: 5, staleTempMs: 10 * 60 * 1000 };

describe('seccomp filter cache cleanup', () => {
  it('removes entries unused for longer than the policy, by the later of atime and mtime', () => {
    const dir = tempRoot();
    const now = Date.now();
    put(join(dir, `${hex(1)}.bpf`), now, 1);
    put(join(dir, `${hex(2)}.bpf`), now, 20);
    put(join(dir, `${hex(3)}.bpf`), now, 20, 2); // written lately (noatime mounts): kept
    put(join(dir, `${hex(4)}.bpf`), now, 2, 40); // read lately: kept
    const r = pruneSeccompCache(dir, policy, now);
    expect(r.removed).toEqual([join(dir, `${hex(2)}.bpf`)]);
    expect(r.kept).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([hex(1), hex(3), hex(4)].map((h) => `${h}.bpf`));
  });

  it('keeps at most maxEntries, the most recently used', () => {
    const dir = tempRoot();
    const now = Date.now();
    for (let i = 0; i < 9; i++) put(join(dir, `${hex(i)}.bpf`), now, i * 0.5);
    const r = pruneSeccompCache(dir, policy, now);
    expect(r.kept).toBe(5);
    expect(readdirSync(dir).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${hex(i)}.bpf`));
  });

  it('removes stale temp files of a store that died, not one being written; never touches other names, links or directories', () => {
    const dir = tempRoot();
    const now = Date.now();
    put(join(dir, `${hex(1)}.bpf.123.tmp`), now, 1 / 24);
    put(join(dir, `${hex(2)}.bpf.456.tmp`), now, 0);
    put(join(dir, 'notes.txt'), now, 100);
    put(join(dir, `${hex(3)}.bpf.bak`), now, 100);
    mkdirSync(join(dir, `${hex(4)}.bpf`));
    const outside = tempRoot();
    put(join(outside, 'precious'), now, 100);
    symlinkSync(join(outside, 'precious'), join(dir, `${hex(5)}.bpf`));
    pruneSeccompCache(dir, policy, now);
    expect(readdirSync(dir).sort()).toEqual([`${hex(2)}.bpf.456.tmp`, `${hex(3)}.bpf.bak`, `${hex(4)}.bpf`, `${hex(5)}.bpf`, 'notes.txt'].sort());
    expect(existsSync(join(outside, 'precious'))).toBe(true);
  });

  it('finds every runtime root\'s cache under the data root, and follows no link to one', () => {
    const root = tempRoot();
    const now = Date.now();
    for (const rt of ['berth-runtime', 'custom']) {
      mkdirSync(join(root, 'runtime', rt, SECCOMP_CACHE_DIR), { recursive: true });
      put(join(root, 'runtime', rt, SECCOMP_CACHE_DIR, `${hex(1)}.bpf`), now, 30);
      put(join(root, 'runtime', rt, SECCOMP_CACHE_DIR, `${hex(2)}.bpf`), now, 0);
    }
    mkdirSync(join(root, 'runtime', 'crun'), { recursive: true }); // no cache: nothing to do
    const elsewhere = tempRoot();
    put(join(elsewhere, `${hex(9)}.bpf`), now, 30);
    mkdirSync(join(root, 'runtime', 'linked'));
    symlinkSync(elsewhere, join(root, 'runtime', 'linked', SECCOMP_CACHE_DIR));
    expect(seccompCacheDirs(root).sort()).toEqual(['berth-runtime', 'custom'].map((rt) => join(root, 'runtime', rt, SECCOMP_CACHE_DIR)));
    const r = pruneSeccompCaches(root, policy, now);
    expect(r.removed).toHaveLength(2);
    expect(r.kept).toBe(2);
    expect(existsSync(join(elsewhere, `${hex(9)}.bpf`))).toBe(true);
    expect(pruneSeccompCaches(join(root, 'no-such-root'), policy, now)).toEqual({ removed: [], kept: 0 });
  });
});
