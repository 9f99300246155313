// The set-up most container suites share: one berthd for the file (on berthd's default runtime,
// or BERTH_CONTAINERS_RUNTIME), the busybox test image imported, and afterwards every container
// removed and the daemon stopped.
import { afterAll, beforeAll } from 'vitest';
import { busyboxImage } from '../../../test-support/paths.js';
import { startBerthd, type Berthd } from './berthd.js';

/** `--default-runtime` from BERTH_CONTAINERS_RUNTIME (crun, runc or a path), if set. */
export const runtimeArgs = process.env.BERTH_CONTAINERS_RUNTIME ? ['--default-runtime', process.env.BERTH_CONTAINERS_RUNTIME] : [];

/** Removes every container (running ones too), then stops the daemon. */
export async function removeContainersAndStop(b: Berthd): Promise<void> {
  const ids = (await b.dockerResult(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (ids.length) await b.dockerResult(['rm', '-f', ...ids]);
  await b.stop();
}

/** Registers the file's beforeAll/afterAll; the returned function gives the running berthd. */
export function berthdWithBusybox(args: string[] = runtimeArgs): () => Berthd {
  let b: Berthd | undefined;
  beforeAll(async () => {
    b = await startBerthd(args);
    await b.docker(['import', busyboxImage().tar, 'busybox']);
  }, 120_000);
  afterAll(async () => { if (b) await removeContainersAndStop(b); }, 60_000);
  return () => {
    if (!b) throw new Error('berthd is not started (used outside a test?)');
    return b;
  };
}
