// The engine under test: a real dockerd started for the run (default), or berthd
// (BERTH_E2E_ENGINE=berthd: runtime-helper/dist/main.js on its own socket and data root).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { startDockerd } from '../../test-support/dockerd.js';
import { busyboxImage, repoRoot } from '../../test-support/paths.js';

export interface EngineUnderTest { kind: 'dockerd' | 'berthd'; host: string; client: Docker; stop(): Promise<void> }

export type EngineKind = 'dockerd' | 'berthd';

/** BERTH_E2E_ENGINE=dockerd|berthd picks one; unset, both run (berthd once it is built). */
export function enginesUnderTest(): EngineKind[] {
  const env = process.env.BERTH_E2E_ENGINE;
  if (env === 'dockerd' || env === 'berthd') return [env];
  if (env) throw new Error(`BERTH_E2E_ENGINE='${env}': expected dockerd or berthd`);
  return existsSync(resolve(repoRoot, 'runtime-helper/dist/main.js')) ? ['dockerd', 'berthd'] : ['dockerd'];
}

/** berthd on its own socket and data root; `extraArgs` add hosts (tcp + TLS) or registry flags. */
export async function startBerthd(extraArgs: string[] = []): Promise<EngineUnderTest & { dir: string }> {
  const main = resolve(repoRoot, 'runtime-helper/dist/main.js');
  if (!existsSync(main)) throw new Error(`BERTH_E2E_ENGINE=berthd: ${main} is not built (npm run build)`);
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-berthd-'));
  const socket = join(dir, 'berth.sock');
  const log = openSync(join(dir, 'berthd.log'), 'a');
  const child: ChildProcess = spawn(process.execPath, [main, '-H', `unix://${socket}`, '--data-root', join(dir, 'data'), ...extraArgs], { stdio: ['ignore', log, log] });
  const client = new Docker({ socketPath: socket });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`berthd exited with ${child.exitCode}; see ${dir}/berthd.log`);
    try { await client.ping(); break; } catch { /* not yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`berthd did not answer /_ping; see ${dir}/berthd.log`); }
    await sleep(100);
  }
  return {
    kind: 'berthd', host: `unix://${socket}`, client, dir,
    async stop() {
      for (const c of await client.listContainers({ all: true }).catch(() => [])) await client.getContainer(c.Id).remove({ force: true }).catch(() => {});
      child.kill('SIGTERM');
      const until = Date.now() + 10_000;
      while (child.exitCode === null && child.signalCode === null && Date.now() < until) await sleep(100);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startEngine(kind: EngineKind): Promise<EngineUnderTest> {
  if (kind === 'berthd') return startBerthd();
  const d = await startDockerd();
  return { kind: 'dockerd', host: d.host, client: d.client, stop: () => d.stop() };
}

/** Loads the busybox test image as busybox:test. */
export async function loadBusybox(client: Docker): Promise<void> {
  const { tar } = busyboxImage();
  const { createReadStream } = await import('node:fs');
  const stream = await client.importImage(createReadStream(tar) as never, { repo: 'busybox', tag: 'test' } as never);
  await new Promise<void>((res, rej) => client.modem.followProgress(stream as never, (err: Error | null) => (err ? rej(err) : res())));
}
