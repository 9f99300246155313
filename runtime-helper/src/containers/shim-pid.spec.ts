// The shim identity check against real processes: a program named berth-shim whose argv names
// another state dir (what a reused pid looks like) is not this dir's shim.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isShimOf, liveShimPid } from './shim-pid.js';
import { createServer } from 'node:net';
import { ShimProcess, shimAlive } from './shim-process.js';
import { isExecShimOf } from './orphan-shim.js';

const root = mkdtempSync(join(tmpdir(), 'berth-shim-pid-'));
const fakeShim = join(root, 'berth-shim');
copyFileSync('/bin/sh', fakeShim); // keeps its argv as given while it waits on stdin
const children: ChildProcess[] = [];

function stateDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A live process whose command line is `<program> -c 'read _' <args...>`. */
function fakeProcess(program: string, args: string[]): number {
  const child = spawn(program, ['-c', 'read _', ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(child);
  if (!child.pid) throw new Error(`spawn ${program}: no pid`);
  return child.pid;
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('shim pid identity', () => {
  it('a berth-shim of another state dir is not this dir\'s shim', () => {
    const mine = stateDir('mine');
    const other = stateDir('other');
    const pid = fakeProcess(fakeShim, ['--id', 'x', '--state-dir', other]);
    writeFileSync(join(mine, 'shim.pid'), `${pid}\n`);
    expect(isShimOf(pid, mine)).toBe(false);
    expect(liveShimPid(mine)).toBe(0);
    expect(shimAlive(mine)).toBe(false);
    // The same process is the other dir's shim.
    writeFileSync(join(other, 'shim.pid'), `${pid}\n`);
    expect(shimAlive(other)).toBe(true);
    expect(liveShimPid(other)).toBe(pid);
  });

  it('a state dir named only as a prefix, or as another option\'s value, does not count', () => {
    const dir = stateDir('prefix');
    const a = fakeProcess(fakeShim, ['--state-dir', `${dir}x`]);
    const b = fakeProcess(fakeShim, ['--bundle', dir, '--state-dir', stateDir('elsewhere')]);
    for (const pid of [a, b]) {
      writeFileSync(join(dir, 'shim.pid'), `${pid}\n`);
      expect(shimAlive(dir)).toBe(false);
    }
  });

  it('another program with this state dir in its argv is not a shim', () => {
    const dir = stateDir('notshim');
    const pid = fakeProcess('/bin/sh', ['--state-dir', dir]);
    writeFileSync(join(dir, 'shim.pid'), `${pid}\n`);
    expect(shimAlive(dir)).toBe(false);
  });

  it('exec shims are told apart from container shims of the same dir', () => {
    const dir = stateDir('exec');
    const container = fakeProcess(fakeShim, ['--id', 'c', '--state-dir', dir]);
    const exec = fakeProcess(fakeShim, ['--exec', '--process', '/p.json', '--id', 'c', '--state-dir', dir]);
    expect(isExecShimOf(container, dir)).toBe(false);
    expect(isExecShimOf(exec, dir)).toBe(true);
    expect(isShimOf(container, dir)).toBe(true);
  });

  it('a missing, empty, garbage or dead pid file is not alive', () => {
    const dir = stateDir('bad');
    expect(shimAlive(dir)).toBe(false);
    for (const text of ['', 'abc', '-1', '0']) {
      writeFileSync(join(dir, 'shim.pid'), text);
      expect(shimAlive(dir)).toBe(false);
    }
    const dead = spawn('/bin/true');
    return new Promise<void>((resolve) => dead.on('exit', () => {
      writeFileSync(join(dir, 'shim.pid'), `${dead.pid}`);
      expect(shimAlive(dir)).toBe(false);
      resolve();
    }));
  });

  it('a container whose shim died is ended even when its pid now runs another container\'s shim', async () => {
    const dir = stateDir('died');
    const other = stateDir('reused');
    // The shim's attach socket: it accepts, then the "shim" dies without writing exit.json.
    const server = createServer((conn) => conn.destroy());
    await new Promise<void>((resolve) => server.listen(join(dir, 'attach.sock'), resolve));
    try {
      writeFileSync(join(dir, 'shim.pid'), `${fakeProcess(fakeShim, ['--id', 'b', '--state-dir', other])}\n`);
      const proc = new ShimProcess(12345, false, dir);
      await proc.connect();
      const started = Date.now();
      const exit = await proc.exited;
      expect(exit).toMatchObject({ exitCode: 255, oomKilled: false });
      expect(exit.error).toMatch(/shim died without recording the exit/);
      // Not the ~290 s of polling a pid that looked alive.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      server.close();
    }
  }, 30_000);
});
