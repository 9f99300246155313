// What a container may leave behind on the host: cgroup directories, mounts, processes and the
// runtime's state entry. Tests assert this list is empty after delete and after a failed create.
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from './bundle.js';
import { existingCgroupDirs } from './cgroup-probe.js';
import type { RuntimeCli } from './runtime-cli.js';

/** Host mounts whose mount point lies inside `dir`. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mp) => mp === dir || mp.startsWith(`${dir}/`));
}

function linkOf(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** Processes whose root, cwd or command line point into the bundle or name the container id. */
export function processesOf(bundleDir: string, id: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const root = linkOf(`/proc/${name}/root`);
    const cwd = linkOf(`/proc/${name}/cwd`);
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // exited while we looked
    }
    const inBundle = (p: string | undefined) =>
      p !== undefined && (p === bundleDir || p.startsWith(`${bundleDir}/`));
    if (inBundle(root) || inBundle(cwd) || cmdline.includes(id))
      found.push(`pid ${name}: ${cmdline.trim()} (root ${root}, cwd ${cwd})`);
  }
  return found;
}

export interface Leftovers {
  cgroups: string[];
  mounts: string[];
  processes: string[];
  state: string[];
}

/** Everything the container `id` of `bundle` still has on the host. */
export function leftovers(bundle: Bundle, rt: RuntimeCli, id = bundle.id): Leftovers {
  // Any entry under the runtime's --root that names the container (a dir, a lock, a json file).
  const state = existsSync(rt.root)
    ? readdirSync(rt.root)
        .filter((name) => name.includes(id))
        .map((name) => join(rt.root, name))
    : [];
  return {
    cgroups: bundle.cgroupsPath ? existingCgroupDirs(bundle.cgroupsPath) : [],
    mounts: mountsUnder(bundle.dir),
    processes: processesOf(bundle.dir, id),
    state,
  };
}

export const NO_LEFTOVERS: Leftovers = { cgroups: [], mounts: [], processes: [], state: [] };

/** Polls until nothing is left (the kernel removes a cgroup a moment after its last task exits). */
export async function waitForNoLeftovers(
  bundle: Bundle,
  rt: RuntimeCli,
  id = bundle.id,
  timeoutMs = 3000,
): Promise<Leftovers> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const l = leftovers(bundle, rt, id);
    const empty = Object.values(l).every((v: string[]) => v.length === 0);
    if (empty || Date.now() > until) return l;
    await new Promise((r) => setTimeout(r, 50));
  }
}
