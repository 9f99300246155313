// berth-runtime's compiled seccomp filter cache (<data-root>/runtime/berth-runtime/@seccomp-cache)
// is cleaned by berthd at start and on `docker system prune` / `docker container prune`: entries
// unused for weeks go, the count is capped, stale temp files go, nothing else is touched. A
// running container never needs its entry (it has its own copy in its state dir): exec into it
// still runs under its filter after the entry is gone, and the next run compiles and stores again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBerthd, runDocker, type Berthd } from './support/berthd.js';
import { removeContainersAndStop } from './support/berthd-suite.js';
import { busyboxImage } from '../../test-support/paths.js';
import { defaultSeccompCachePolicy } from '../src/containers/seccomp-cache.js';

const DAY = 24 * 60 * 60 * 1000;
let berth: Berthd;
let dataRoot: string;
const cacheDir = (): string => join(dataRoot, 'runtime', 'berth-runtime', '@seccomp-cache');
const entries = (): string[] => readdirSync(cacheDir()).filter((n) => /^[0-9a-f]{16}\.bpf$/.test(n)).sort();

async function ok(args: string[]): Promise<string> {
  const r = await runDocker(berth.host, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Last access and modification set `daysAgo` days back. */
function age(path: string, daysAgo: number): void {
  const t = (Date.now() - daysAgo * DAY) / 1000;
  utimesSync(path, t, t);
}

async function restartBerthd(): Promise<void> {
  berth.child.kill('SIGKILL');
  for (let i = 0; i < 200 && berth.child.exitCode === null && berth.child.signalCode === null; i++) await sleep(50);
  const restarted = await startBerthd(['--data-root', dataRoot]);
  const old = berth;
  berth = { ...restarted, stop: async () => { const c = await restarted.stop(); await old.stop(); return c; } };
}

beforeAll(async () => {
  berth = await startBerthd();
  dataRoot = berth.dataRoot;
  await ok(['import', busyboxImage().tar, 'busybox']);
}, 120_000);

afterAll(async () => { if (berth) await removeContainersAndStop(berth); }, 60_000);

describe('seccomp filter cache cleanup', () => {
  it('at start: old entries, entries past the cap and stale temp files go; a running container keeps its filter', async () => {
    // Each capability set gives Docker's default profile a different shape: one entry each.
    await ok(['run', '-d', '--name', 'keep', '--network', 'none', 'busybox', 'sleep', '300']);
    await ok(['run', '--rm', '--network', 'none', '--cap-add', 'SYS_PTRACE', 'busybox', 'true']);
    await ok(['run', '--rm', '--network', 'none', '--cap-add', 'SYS_ADMIN', 'busybox', 'true']);
    const real = entries();
    expect(real.length).toBeGreaterThanOrEqual(2);
    // More entries than the cap, each used more recently than the last (copies of a real one).
    const cap = defaultSeccompCachePolicy.maxEntries;
    const fakes = Array.from({ length: cap + 6 }, (_, i) => `f${i.toString(16).padStart(15, '0')}.bpf`);
    fakes.forEach((name, i) => { copyFileSync(join(cacheDir(), real[0]!), join(cacheDir(), name)); age(join(cacheDir(), name), i / 24); });
    for (const e of real) age(join(cacheDir(), e), 30); // after the copies: a read is a use (atime)
    const staleTemp = `${real[0]!.slice(0, 16)}.bpf.4242.tmp`;
    writeFileSync(join(cacheDir(), staleTemp), 'half');
    age(join(cacheDir(), staleTemp), 1 / 24);
    writeFileSync(join(cacheDir(), 'README.local'), 'not the runtime\'s');
    age(join(cacheDir(), 'README.local'), 400);

    await restartBerthd();
    expect(entries()).toEqual(fakes.slice(0, cap).sort());
    const left = readdirSync(cacheDir());
    expect(left).not.toContain(staleTemp);
    expect(left).toContain('README.local');

    // The running container's filter lives in its own state dir: exec still runs filtered.
    expect(await ok(['exec', 'keep', 'grep', '^Seccomp:', '/proc/self/status'])).toMatch(/^Seccomp:\s+2$/m);
    // A new container compiles its profile again and stores it.
    expect(await ok(['run', '--rm', '--network', 'none', 'busybox', 'grep', '^Seccomp:', '/proc/self/status'])).toMatch(/^Seccomp:\s+2$/m);
    expect(entries()).toHaveLength(cap + 1);
    expect(entries().filter((e) => !e.startsWith('f'))).toHaveLength(1);
  });

  it('on docker system prune and docker container prune: entries unused for weeks go, fresh ones stay', async () => {
    for (const e of entries()) age(join(cacheDir(), e), 30);
    await ok(['run', '--rm', '--network', 'none', '--cap-add', 'SYS_ADMIN', 'busybox', 'true']);
    const usedToday = (e: string): boolean => { const st = statSync(join(cacheDir(), e)); return Date.now() - Math.max(st.atimeMs, st.mtimeMs) < DAY; };
    const fresh = entries().filter(usedToday);
    expect(fresh).toHaveLength(1);
    // A hit counts as a use (atime): this one reads the fresh entry, not an old one.
    await ok(['run', '--name', 'done', '--network', 'none', '--cap-add', 'SYS_ADMIN', 'busybox', 'true']);
    const r = await runDocker(berth.host, ['system', 'prune', '-f']);
    expect(r.stdout).toContain('Deleted Containers');
    expect(entries()).toEqual(fresh);
    expect((await ok(['ps', '-a', '--format', '{{.Names}}'])).trim()).toBe('keep');

    // container prune alone does it too.
    age(join(cacheDir(), fresh[0]!), 30);
    await ok(['container', 'prune', '-f']);
    expect(entries()).toEqual([]);
    expect(existsSync(join(cacheDir(), 'README.local'))).toBe(true);
    expect(await ok(['exec', 'keep', 'echo', 'still-filtered'])).toBe('still-filtered\n');
  });
});
