// Starts a real dockerd (Debian's docker.io) on its own socket, data root and exec root, as a
// peer to compare Berth with. It gets no bridge and no iptables rules, so several can run at once
// beside anything else on the host; containers use --network none or host.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, openSync, readdirSync, rmdirSync } from 'node:fs';
import { mountsUnder } from './leftovers.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';

export interface Dockerd {
  socket: string;
  host: string; // DOCKER_HOST value
  dataRoot: string;
  client: Docker;
  logFile: string;
  stop(): Promise<void>;
}

export interface DockerdOptions {
  /** Extra OCI runtimes: name -> binary path (dockerd --add-runtime). */
  runtimes?: Record<string, string>;
  extraArgs?: string[];
}

export async function startDockerd(opts: DockerdOptions = {}): Promise<Dockerd> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const dataRoot = join(dir, 'data');
  const logFile = join(dir, 'dockerd.log');
  const cgroupParent = `berth-test-dockerd-${process.pid}`;
  const args = [
    '-H', `unix://${socket}`,
    '--data-root', dataRoot,
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'dockerd.pid'),
    '--bridge', 'none',
    '--iptables=false',
    '--ip-masq=false',
    '--ip-forward=false',
    '--storage-driver', 'overlay2',
    '--cgroup-parent', `/${cgroupParent}`,
    ...Object.entries(opts.runtimes ?? {}).flatMap(([name, path]) => ['--add-runtime', `${name}=${path}`]),
    ...(opts.extraArgs ?? []),
  ];
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn('/usr/sbin/dockerd', args, { stdio: ['ignore', out, out] });
  const client = new Docker({ socketPath: socket });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}; see ${logFile}`);
    if (existsSync(socket)) {
      try { await client.ping(); break; } catch { /* not ready */ }
    }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`dockerd did not answer /_ping within 60s; see ${logFile}`); }
    await sleep(100);
  }
  return {
    socket, host: `unix://${socket}`, dataRoot, client, logFile,
    async stop() {
      try {
        for (const c of await client.listContainers({ all: true })) await client.getContainer(c.Id).remove({ force: true }).catch(() => {});
      } catch { /* daemon may be gone */ }
      child.kill('SIGTERM');
      const until = Date.now() + 20_000;
      while (child.exitCode === null && child.signalCode === null && Date.now() < until) await sleep(100);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      // dockerd leaves its exec root's netns/default bind-mounted once a --network host container
      // ran: unmounted (deepest first) so the directory can go.
      for (const m of mountsUnder(dir).sort().reverse()) spawnSync('umount', ['-l', m]);
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      removeCgroupParent(cgroupParent);
    },
  };
}

/** dockerd makes the --cgroup-parent in every hierarchy and leaves it: remove it once empty. */
function removeCgroupParent(name: string): void {
  const roots = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'];
  for (const dir of readdirSync('/sys/fs/cgroup')) roots.push(`/sys/fs/cgroup/${dir}`);
  for (const root of roots) {
    try {
      rmdirSync(`${root}/${name}`);
    } catch {
      /* absent, or still used by another dockerd of this test process */
    }
  }
}
