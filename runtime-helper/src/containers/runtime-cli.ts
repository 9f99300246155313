// The OCI runtime command line (berth-runtime, crun or runc: the same runc-style CLI) as async
// functions. Every failure names the verb, the container and what the runtime said.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OciResources, OciState } from '../oci/spec.js';
import { runProgram, type ProgramError } from '../util/spawner.js';

export class RuntimeError extends Error {
  constructor(readonly verb: string, readonly id: string, readonly stderr: string) {
    super(`runtime ${verb} ${id}: ${stderr.trim().split('\n').pop() ?? 'failed'}`);
  }
}

export class RuntimeCli {
  constructor(readonly binary: string, readonly stateRoot: string) {}

  globalArgs(): string[] {
    return ['--root', this.stateRoot];
  }

  async run(verb: string, id: string, args: string[], timeoutMs = 30_000): Promise<string> {
    try {
      return (await runProgram(this.binary, [...this.globalArgs(), ...args], { timeoutMs })).stdout;
    } catch (e) {
      const err = e as ProgramError;
      throw new RuntimeError(verb, id, err.stderr || err.message);
    }
  }

  async state(id: string): Promise<OciState | null> {
    try {
      return JSON.parse(await this.run('state', id, ['state', id])) as OciState;
    } catch {
      return null;
    }
  }

  kill(id: string, signal: string, all = false): Promise<string> {
    return this.run('kill', id, ['kill', ...(all ? ['--all'] : []), id, signal]);
  }

  delete(id: string, force = true): Promise<string> {
    return this.run('delete', id, ['delete', ...(force ? ['--force'] : []), id]);
  }

  pause(id: string): Promise<string> {
    return this.run('pause', id, ['pause', id]);
  }

  resume(id: string): Promise<string> {
    return this.run('resume', id, ['resume', id]);
  }

  async ps(id: string): Promise<number[]> {
    const out = await this.run('ps', id, ['ps', '--format', 'json', id]);
    return JSON.parse(out) as number[];
  }

  async update(id: string, resources: OciResources): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'berth-update-'));
    const file = join(dir, 'resources.json');
    try {
      writeFileSync(file, JSON.stringify(resources));
      await this.run('update', id, ['update', '--resources', file, id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
