// A real dockerd 20.10 with bridges, for the comparisons that need dockerd's networking (published
// ports, user-defined networks): inside a new network namespace (lo up) so its bridges, veths and
// iptables rules never touch the host's, on its own socket, data root and cgroup parent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mountsUnder } from '../../../test-support/leftovers.js';
import { runDocker } from './berthd.js';

export interface BridgeDockerd { host: string; pid: () => number; stop(): Promise<void> }

/** `tag` names its temp dir and cgroup parent (berth-<tag>-dockerd-*). */
export async function startBridgeDockerd(tag: string): Promise<BridgeDockerd> {
  const ddir = mkdtempSync(join(tmpdir(), `berth-${tag}-dockerd-`));
  const socket = join(ddir, 'docker.sock');
  const cgroupParent = `berth-${tag}-dockerd-${process.pid}`;
  const out = openSync(join(ddir, 'dockerd.log'), 'a');
  const child: ChildProcess = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', '/usr/sbin/dockerd',
    '-H', `unix://${socket}`, '--data-root', join(ddir, 'data'), '--exec-root', join(ddir, 'exec'), '--pidfile', join(ddir, 'pid'),
    '--storage-driver', 'overlay2', '--cgroup-parent', `/${cgroupParent}`], { stdio: ['ignore', out, out] });
  const host = `unix://${socket}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`dockerd exited ${child.exitCode}: ${readFileSync(join(ddir, 'dockerd.log'), 'utf8')}`);
    if ((await runDocker(host, ['version'])).code === 0) break;
    if (i > 600) throw new Error('dockerd did not answer within 60 s');
    await sleep(100);
  }
  return {
    host,
    pid: () => child.pid!,
    async stop() {
      const ids = (await runDocker(host, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await runDocker(host, ['rm', '-f', ...ids]);
      child.kill('SIGTERM');
      for (let i = 0; i < 200 && child.exitCode === null && child.signalCode === null; i++) await sleep(100);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const m of mountsUnder(ddir).sort().reverse()) spawnSync('umount', ['-l', m]);
      rmSync(ddir, { recursive: true, force: true, maxRetries: 3 });
      for (const root of ['/sys/fs/cgroup/unified', ...readdirSync('/sys/fs/cgroup').map((d) => `/sys/fs/cgroup/${d}`)]) {
        try { rmdirSync(`${root}/${cgroupParent}`); } catch { /* absent */ }
      }
    },
  };
}
