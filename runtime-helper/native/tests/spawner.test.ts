// berth-spawner (BERTH_TEST_SPAWNER, the ASan build in the runtime-berth-asan pass) through
// berthd's client: what execFile gave its callers, the same way: output, exit codes, signals,
// timeouts, cwd, missing programs, large output; and a clean exit (no leaks under ASan) at EOF.
import { existsSync, mkdtempSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ProgramSpawner, type ProgramError, type RunOptions } from '../../src/util/spawner.js';

const binary = process.env.BERTH_TEST_SPAWNER ?? fileURLToPath(new URL('../build/berth-spawner', import.meta.url));
const spawner = new ProgramSpawner(binary);
const runProgram = (file: string, args: string[], opts: RunOptions = {}) => spawner.run(file, args, opts);
const dir = mkdtempSync(join(tmpdir(), 'berth-spawner-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


async function failure(p: Promise<unknown>): Promise<ProgramError> {
  try { await p; } catch (e) { return e as ProgramError; }
  throw new Error('expected the program to fail');
}

describe('runProgram through berth-spawner', () => {
  it('is the native build that runs (not the execFile fallback)', async () => {
    expect(existsSync(binary)).toBe(true);
    const { stdout } = await runProgram('/bin/sh', ['-c', 'cat /proc/$PPID/comm']);
    expect(stdout.trim()).toBe('berth-spawner');
  });

  it('returns stdout and stderr of a program that exits 0', async () => {
    const r = await runProgram('/bin/sh', ['-c', 'echo out; echo err >&2']);
    expect(r).toEqual({ stdout: 'out\n', stderr: 'err\n' });
  });

  it('rejects with the exit code and both outputs', async () => {
    const e = await failure(runProgram('/bin/sh', ['-c', 'echo partial; echo "it broke" >&2; exit 3']));
    expect(e.code).toBe(3);
    expect(e.signal).toBeNull();
    expect(e.stdout).toBe('partial\n');
    expect(e.stderr).toBe('it broke\n');
    expect(e.message).toContain('it broke');
  });

  it('reports a signal, and kills a program that overruns its timeout', async () => {
    const killed = await failure(runProgram('/bin/sh', ['-c', 'kill -TERM $$']));
    expect(killed.signal).toBe('SIGTERM');
    const t0 = Date.now();
    const late = await failure(runProgram('/bin/sleep', ['30'], { timeoutMs: 200 }));
    expect(late.signal).toBe('SIGKILL');
    expect(late.killed).toBe(true);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('runs in the given cwd and searches PATH for a bare name', async () => {
    const { stdout } = await runProgram('pwd', [], { cwd: dir });
    expect(stdout.trim()).toBe(realpathSync(dir));
  });

  it('says ENOENT for a program that does not exist, and a bad cwd fails cleanly', async () => {
    const e = await failure(runProgram(join(dir, 'no-such-program'), []));
    expect(e.code).toBe('ENOENT');
    const cwd = await failure(runProgram('/bin/true', [], { cwd: join(dir, 'no-such-dir') }));
    expect(cwd.code).toBe('ENOENT');
  });

  it('passes arguments byte for byte and gives the program an empty stdin', async () => {
    const args = ['a b', '', 'ünïcödé', '$HOME', '--x=1'];
    const { stdout } = await runProgram('/bin/sh', ['-c', 'for a in "$@"; do printf "[%s]" "$a"; done; cat', 'sh', ...args]);
    expect(stdout).toBe(args.map((a) => `[${a}]`).join(''));
  });

  it('collects megabytes of output and runs many programs at once', async () => {
    const { stdout } = await runProgram('/bin/sh', ['-c', 'head -c 3000000 /dev/zero | tr "\\0" x']);
    expect(stdout.length).toBe(3_000_000);
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => runProgram('/bin/sh', ['-c', `echo ${i}`])));
    expect(many.map((r) => Number(r.stdout))).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('exits 0 when berthd closes its stdin, leaving a running program alone', async () => {
    const pending = runProgram('/bin/sleep', ['0.3']).catch((e: Error) => e);
    expect(await spawner.close()).toBe(0);
    expect(String(await pending)).toContain('berth-spawner exited');
  });
});
