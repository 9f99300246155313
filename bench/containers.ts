// Container lifecycle speed, berthd beside a real dockerd, both driven by the same docker CLI:
// median of 20 `docker run --rm --network none busybox true`; median of 20 `docker exec C true`;
// wall time to start 50 detached sleep containers; memory per running container (daemon plus
// shims/monitors RSS, after minus before, over 50). Targets: run and exec at most 0.3x dockerd's
// medians; at most 1 MB per container. The CLI floor row (`docker ps -q` with no containers) shows
// what the CLI itself costs per command, which no engine can go under; the stub-engine row does
// the same for exec (bench/_stub-engine.ts answers its five requests at once). Both daemons run at once
// and the timed commands alternate between them, so a load spike hits both alike.
// Usage: npx tsx bench/containers.ts   (BERTH_BENCH_RUNTIME picks berthd's runtime; its default otherwise)
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { startBerthd } from '../runtime-helper/test/support/berthd.js';
import { startDockerd } from '../test-support/dockerd.js';
import { busyboxImage } from '../test-support/paths.js';
import { startStubEngine } from './_stub-engine.js';

const RUNS = 20;
const FLEET = 50;

function docker(host: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('/usr/local/bin/docker', args, { env: { ...process.env, DOCKER_HOST: host } }, (err, _o, stderr) => (err ? reject(new Error(`docker ${args.join(' ')}: ${stderr}`)) : resolve())));
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

/**
 * RSS (kB) of the daemon and, apart, of every process whose command line names one of `names` and
 * holds `mark` (the daemon's own directory: other berthds and dockerds may run tests meanwhile).
 */
function rssKb(daemonPid: number, names: string[], mark: string): { daemon: number; monitors: number } {
  const total = { daemon: 0, monitors: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const pid = Number(entry);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (pid !== daemonPid && !(names.some((n) => cmd.includes(n)) && cmd.includes(mark))) continue;
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      total[pid === daemonPid ? 'daemon' : 'monitors'] += m ? Number(m[1]) : 0;
    } catch { /* exited */ }
  }
  return total;
}

interface Result { run: number; exec: number; fleet: number; perContainerKb: number; daemonKb: number; monitorsKb: number; cliFloor: number; execFloor: number }

interface Contender { host: string; daemonPid: number; monitorNames: string[]; monitorMark: string }

/**
 * `cmd` RUNS times on each contender, interleaved (the order alternating each round), so both
 * see the same load from whatever else the machine runs: medians per contender.
 */
async function interleaved(cs: Contender[], cmd: string[]): Promise<number[]> {
  const samples = cs.map(() => [] as number[]);
  for (const c of cs) await docker(c.host, cmd); // warm caches
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? [...cs.keys()].reverse() : [...cs.keys()];
    for (const k of order) samples[k]!.push(await timed(() => docker(cs[k]!.host, cmd)));
  }
  return samples.map(median);
}

/** Fleet start and memory: one contender at a time (memory is read per process name). */
async function fleetAndMemory(c: Contender): Promise<{ fleet: number; perContainerKb: number; daemonKb: number; monitorsKb: number }> {
  const before = rssKb(c.daemonPid, c.monitorNames, c.monitorMark);
  const fleet = await timed(async () => {
    for (let i = 0; i < FLEET; i++) await docker(c.host, ['run', '-d', '--network', 'none', '--name', `bench-${i}`, 'busybox', 'sleep', '600']);
  });
  await new Promise((r) => setTimeout(r, 1000));
  const after = rssKb(c.daemonPid, c.monitorNames, c.monitorMark);
  await docker(c.host, ['rm', '-f', ...Array.from({ length: FLEET }, (_, i) => `bench-${i}`)]);
  const daemonKb = (after.daemon - before.daemon) / FLEET;
  const monitorsKb = (after.monitors - before.monitors) / FLEET;
  return { fleet, perContainerKb: daemonKb + monitorsKb, daemonKb, monitorsKb };
}

async function measure(cs: Contender[]): Promise<Result[]> {
  // The CLI's own cost (process start, /_ping and one cheap request): no command is faster.
  const floor = await interleaved(cs, ['ps', '-q']);
  const run = await interleaved(cs, ['run', '--rm', '--network', 'none', 'busybox', 'true']);
  for (const c of cs) await docker(c.host, ['run', '-d', '--network', 'none', '--name', 'bench-exec', 'busybox', 'sleep', '600']);
  // The stub engine takes its turn among the daemons: the CLI's own exec cost under the same load.
  const stub = await startStubEngine();
  let exec: number[];
  try {
    exec = await interleaved([...cs, { host: stub.host, daemonPid: 0, monitorNames: [], monitorMark: '' }], ['exec', 'bench-exec', 'true']);
  } finally {
    await stub.close();
  }
  const execFloor = exec.pop()!;
  for (const c of cs) await docker(c.host, ['rm', '-f', 'bench-exec']);
  const out: Result[] = [];
  for (const [k, c] of cs.entries()) out.push({ run: run[k]!, exec: exec[k]!, cliFloor: floor[k]!, execFloor, ...(await fleetAndMemory(c)) });
  return out;
}

async function main(): Promise<void> {
  const { tar } = busyboxImage();
  const runtime = process.env.BERTH_BENCH_RUNTIME ?? 'berth-runtime';
  const berth = await startBerthd(process.env.BERTH_BENCH_RUNTIME ? ['--default-runtime', runtime] : []);
  let berthResult: Result;
  let dockerResult: Result;
  try {
    const dockerd = await startDockerd();
    try {
      await berth.docker(['import', tar, 'busybox']);
      await docker(dockerd.host, ['import', tar, 'busybox']);
      const dockerdPid = Number(readFileSync(`${dockerd.dataRoot}/../dockerd.pid`, 'utf8').trim());
      [berthResult, dockerResult] = await measure([
        { host: berth.host, daemonPid: berth.child.pid!, monitorNames: ['berth-shim'], monitorMark: berth.dataRoot },
        { host: dockerd.host, daemonPid: dockerdPid, monitorNames: ['containerd-shim', 'containerd'], monitorMark: dirname(dockerd.dataRoot) },
      ]) as [Result, Result];
    } finally {
      await dockerd.stop();
    }
  } finally {
    await berth.stop();
  }
  const fmt = (n: number, unit: string): string => `${n.toFixed(1)} ${unit}`;
  const mb = (kb: number): string => `${(kb / 1024).toFixed(2)} MB`;
  const rows: [string, string, string, string, string][] = [
    ['median docker run --rm --network none true', fmt(berthResult.run, 'ms'), fmt(dockerResult.run, 'ms'), (berthResult.run / dockerResult.run).toFixed(2), '<= 0.30'],
    ['median docker ps -q, no containers (CLI floor)', fmt(berthResult.cliFloor, 'ms'), fmt(dockerResult.cliFloor, 'ms'), (berthResult.cliFloor / dockerResult.cliFloor).toFixed(2), ''],
    ['median docker exec C true', fmt(berthResult.exec, 'ms'), fmt(dockerResult.exec, 'ms'), (berthResult.exec / dockerResult.exec).toFixed(2), '<= 0.30'],
    ['median docker exec against a stub engine (CLI exec floor)', fmt(berthResult.execFloor, 'ms'), fmt(dockerResult.execFloor, 'ms'), (berthResult.execFloor / dockerResult.exec).toFixed(2), ''],
    [`start ${FLEET} detached sleep containers`, fmt(berthResult.fleet, 'ms'), fmt(dockerResult.fleet, 'ms'), (berthResult.fleet / dockerResult.fleet).toFixed(2), ''],
    ['memory per running container', mb(berthResult.perContainerKb), mb(dockerResult.perContainerKb), (berthResult.perContainerKb / dockerResult.perContainerKb).toFixed(2), '<= 1 MB'],
  ];
  const header: [string, string, string, string, string] = ['measure', `berthd (${runtime})`, 'dockerd', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  const budget = 0.3 * dockerResult.exec - berthResult.execFloor;
  console.log(`\nexec: the engine's own share is ${(berthResult.exec - berthResult.execFloor).toFixed(1)} ms for berthd and ${(dockerResult.exec - berthResult.execFloor).toFixed(1)} ms for dockerd; `
    + `0.3x dockerd (${(0.3 * dockerResult.exec).toFixed(1)} ms) leaves an engine ${budget.toFixed(1)} ms above the CLI's own exec floor.`);
  console.log(`memory per container: berthd ${mb(berthResult.daemonKb)} daemon + ${mb(berthResult.monitorsKb)} berth-shim; `
    + `dockerd ${mb(dockerResult.daemonKb)} daemon + ${mb(dockerResult.monitorsKb)} containerd and its shims.`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
