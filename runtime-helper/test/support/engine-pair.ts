// berthd beside a real dockerd, for the suites that run the same docker CLI command on both and
// compare: both daemons started (the busybox test image imported into each, unless not wanted),
// and afterwards every container on both removed and both daemons stopped.
import { afterAll, beforeAll } from 'vitest';
import { startBerthd, runDocker, type Berthd } from './berthd.js';
import { startDockerd, type Dockerd } from '../../../test-support/dockerd.js';
import { busyboxImage } from '../../../test-support/paths.js';

export type EngineName = 'berthd' | 'dockerd';
export interface Engine { name: EngineName; host: string; socket: string }
export interface CliResult { code: number; stdout: string; stderr: string }

/** The two daemons. `berth` may be replaced by a test that restarts berthd on the same data root. */
export interface EnginePair {
  berth: Berthd;
  dockerd: Dockerd;
}

/** The docker CLI's stdout; a non-zero exit throws with the command and its stderr. */
export async function cliOk(host: string, args: string[]): Promise<string> {
  const r = await runDocker(host, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Both engines, berthd first. */
export function enginesOf(pair: EnginePair): Engine[] {
  return [
    { name: 'berthd', host: pair.berth.host, socket: pair.berth.socket },
    { name: 'dockerd', host: pair.dockerd.host, socket: pair.dockerd.socket },
  ];
}

/** The same command on both engines at once (args may depend on the engine's host). */
export async function onBoth(pair: EnginePair, args: string[] | ((host: string) => string[] | Promise<string[]>), input?: string): Promise<Record<EngineName, CliResult>> {
  const [b, d] = await Promise.all(enginesOf(pair).map(async (e) => runDocker(e.host, typeof args === 'function' ? await args(e.host) : args, input)));
  return { berthd: b!, dockerd: d! };
}

/** Registers the file's beforeAll/afterAll; the returned function gives the running pair. */
export function berthdBesideDockerd(opts: { berthdArgs?: string[]; busybox?: boolean } = {}): () => EnginePair {
  let pair: EnginePair | undefined;
  let started: Partial<EnginePair> = {};
  beforeAll(async () => {
    // Each daemon is kept as soon as it is up, so a failure of the other still stops it.
    await Promise.all([
      startBerthd(opts.berthdArgs ?? []).then((b) => { started.berth = b; }),
      startDockerd().then((d) => { started.dockerd = d; }),
    ]);
    pair = started as EnginePair;
    if (opts.busybox !== false) {
      const { tar } = busyboxImage();
      await Promise.all(enginesOf(pair).map((e) => cliOk(e.host, ['import', tar, 'busybox'])));
    }
  }, 180_000);
  afterAll(async () => {
    const live = pair ?? started;
    // berthd's containers outlive it, so they are removed first; dockerd's go the same way.
    await Promise.all([live.berth, live.dockerd].map(async (engine) => {
      if (!engine) return;
      const ids = (await runDocker(engine.host, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await runDocker(engine.host, ['rm', '-f', ...ids]);
    }));
    await Promise.all([live.berth?.stop(), live.dockerd?.stop()]);
    started = {};
  }, 60_000);
  return () => {
    if (!pair) throw new Error('berthd and dockerd are not started (used outside a test?)');
    return pair;
  };
}
