// The per-data-root folder and the start-up clean-up against real processes: a dir whose shim
// (a program named berth-shim serving that very dir) still runs is kept, named or not.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimShimStateRoot, releaseShimStateRoot, removeOrphanedShimStateRoots, removeStaleShimStateDirs, shimStateDirName, shimStateRoot } from './shim-state-dirs.js';

const scratch = mkdtempSync(join(tmpdir(), 'berth-shim-dirs-'));
const fakeShim = join(scratch, 'berth-shim');
copyFileSync('/bin/sh', fakeShim); // keeps its argv as given while it waits on stdin
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

function fakeShimServing(dir: string): number {
  const child = spawn(fakeShim, ['-c', 'read _', '--id', 'x', '--state-dir', dir], { stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(child);
  if (!child.pid) throw new Error('spawn the fake shim: no pid');
  return child.pid;
}

function stateDir(root: string, name: string, shimPid?: number): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (shimPid !== undefined) writeFileSync(join(dir, 'shim.pid'), `${shimPid}\n`);
  return dir;
}

describe('shimStateRoot', () => {
  it('gives each data root its own short folder under <exec-root>/shims, the same for the same root however written', () => {
    const a = shimStateRoot('/run/berth', '/var/lib/berth');
    expect(a).toMatch(/^\/run\/berth\/shims\/[0-9a-f]{12}$/);
    expect(shimStateRoot('/run/berth', '/var/lib/berth/')).toBe(a);
    expect(shimStateRoot('/run/berth', '/var/lib/../lib/berth')).toBe(a);
    expect(shimStateRoot('/run/berth', '/var/lib/berth2')).not.toBe(a);
    expect(shimStateRoot('/tmp/x', '/var/lib/berth').endsWith(a.slice(-12))).toBe(true);
  });

  it('names a dir by the first 32 hex digits of the id', () => {
    expect(shimStateDirName('ab'.repeat(32))).toBe('ab'.repeat(16));
  });
});

describe('removeStaleShimStateDirs', () => {
  it('removes dirs of dead shims that no id names; keeps named ones and those a live shim serves', () => {
    const root = join(scratch, 'root1');
    const named = 'aa'.repeat(32);
    const dead = stateDir(root, 'de'.repeat(16), 999_999_999);
    const noPid = stateDir(root, 'ad'.repeat(16));
    const namedDir = stateDir(root, shimStateDirName(named), 999_999_999);
    const liveDir = join(root, 'cc'.repeat(16));
    stateDir(root, 'cc'.repeat(16), fakeShimServing(liveDir));
    // A live shim of another dir does not keep this one (a reused pid).
    const reused = stateDir(root, 'dd'.repeat(16), fakeShimServing(join(root, 'elsewhere')));
    const removed = removeStaleShimStateDirs(root, [named]);
    expect(removed.sort()).toEqual(['ad'.repeat(16), 'dd'.repeat(16), 'de'.repeat(16)]);
    for (const d of [dead, noPid, reused]) expect(existsSync(d)).toBe(false);
    expect(existsSync(namedDir)).toBe(true);
    expect(existsSync(liveDir)).toBe(true);
    expect(readdirSync(root).sort()).toEqual(['aa'.repeat(16), 'cc'.repeat(16)]);
  });

  it('leaves files alone (the folder\'s data-root file)', () => {
    const root = claimShimStateRoot(join(scratch, 'exec-files'), join(scratch, 'data-files'));
    expect(removeStaleShimStateDirs(root, [])).toEqual([]);
    expect(readFileSync(join(root, 'data-root'), 'utf8')).toBe(`${join(scratch, 'data-files')}\n`);
  });

  it('a missing folder is nothing to clean', () => {
    expect(removeStaleShimStateDirs(join(scratch, 'never-made'), [])).toEqual([]);
  });
});

describe('removeOrphanedShimStateRoots', () => {
  it('empties and removes the folder of a data root that is gone, keeping live shims\' dirs; an existing data root\'s folder is untouched', () => {
    const exec = join(scratch, 'exec-orphans');
    const own = claimShimStateRoot(exec, join(scratch, 'data-own'));
    mkdirSync(join(scratch, 'data-own'), { recursive: true });
    const ownDead = stateDir(own, 'de'.repeat(16), 999_999_999);
    // Another data root that exists: nothing in its folder is ours to judge.
    mkdirSync(join(scratch, 'data-other'), { recursive: true });
    const other = claimShimStateRoot(exec, join(scratch, 'data-other'));
    const otherDead = stateDir(other, 'de'.repeat(16), 999_999_999);
    // A data root that is gone: dead shims' dirs go, and the folder when nothing is left.
    const gone = claimShimStateRoot(exec, join(scratch, 'data-gone'));
    stateDir(gone, 'de'.repeat(16), 999_999_999);
    stateDir(gone, 'ad'.repeat(16));
    // Gone too, but one shim still runs: its dir and the folder stay.
    const busy = claimShimStateRoot(exec, join(scratch, 'data-gone-busy'));
    stateDir(busy, 'de'.repeat(16), 999_999_999);
    const liveDir = join(busy, 'cc'.repeat(16));
    stateDir(busy, 'cc'.repeat(16), fakeShimServing(liveDir));
    // Without a data-root file (being made, or not berthd's): kept.
    const unnamed = stateDir(join(exec, 'shims'), '0123456789ab');
    const unnamedDead = stateDir(unnamed, 'de'.repeat(16), 999_999_999);
    // The old layout (a state dir right in shims/) is not a folder of a data root.
    const legacy = stateDir(join(exec, 'shims'), 'ef'.repeat(16), 999_999_999);

    const removed = removeOrphanedShimStateRoots(exec, own);
    expect(removed).toEqual([gone.slice(-12)]);
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(ownDead)).toBe(true); // the own folder is removeStaleShimStateDirs' job
    expect(existsSync(otherDead)).toBe(true);
    expect(readdirSync(busy).sort()).toEqual(['cc'.repeat(16), 'data-root']);
    expect(existsSync(unnamedDead)).toBe(true);
    expect(existsSync(legacy)).toBe(true);
  });
});

describe('releaseShimStateRoot', () => {
  it('removes the folder at a clean stop only when no state dir is left in it', () => {
    const exec = join(scratch, 'exec-release');
    const root = claimShimStateRoot(exec, join(scratch, 'data-release'));
    const dir = stateDir(root, 'de'.repeat(16), 999_999_999);
    expect(releaseShimStateRoot(root)).toBe(false);
    expect(existsSync(join(root, 'data-root'))).toBe(true);
    rmSync(dir, { recursive: true });
    expect(releaseShimStateRoot(root)).toBe(true);
    expect(existsSync(root)).toBe(false);
    expect(existsSync(join(exec, 'shims'))).toBe(true);
  });
});
