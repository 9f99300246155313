// A volume that is empty when its container starts gets what the image has at its mount point
// (files, owners, modes, links, and the directory's own owner and mode), as dockerd does, unless
// it was mounted with nocopy. So `-v data:/var/lib/app` starts from the image's files.
import { lstatSync, readdirSync } from 'node:fs';
import { resolveInRoot } from './safe-path.js';
import { runProgram } from '../util/spawner.js';
import type { ResolvedMount } from '../oci/from-docker-config.js';

/** What the image has at `destination` (resolved inside the root), when it is a non-empty directory. */
function imageContent(rootfs: string, destination: string): string | undefined {
  let path: string;
  try { path = resolveInRoot(rootfs, destination); } catch { return undefined; }
  try {
    if (!lstatSync(path).isDirectory()) return undefined;
    return readdirSync(path).length ? path : undefined;
  } catch { return undefined; }
}

function isEmptyDir(path: string): boolean {
  try { return readdirSync(path).length === 0; } catch { return false; }
}

export async function populateVolumes(rootfs: string, mounts: readonly ResolvedMount[]): Promise<void> {
  for (const m of mounts) {
    if (m.type !== 'volume' || m.noCopy || !isEmptyDir(m.source)) continue;
    const from = imageContent(rootfs, m.destination);
    if (!from) continue;
    // cp -a copies symlinks as links (never following one out of the root), keeps owners, modes,
    // times, xattrs and hard links, and `from/.` gives the volume's root the directory's own.
    try {
      await runProgram('cp', ['-a', '--', `${from}/.`, m.source], { timeoutMs: 600_000 });
    } catch (e) {
      throw new Error(`copy the image's ${m.destination} into volume ${m.name ?? m.source}: ${(e as Error).message}`);
    }
  }
}
