// Exec cost: `<runtime> exec ID /bin/true` into a running container, for berth-runtime, crun and
// runc, each exec'ing into its own container made from the same bundle and config as berthd makes
// them (Docker's default capabilities, mounts, masked paths and seccomp profile; namespaces pid,
// mount, uts, ipc, network with only lo; a cgroup). Prints median and p90 of RUNS timed execs
// (after WARMUP untimed ones) per contender, round-robin in a new order each round.
// BERTH_BENCH_BASELINE=<another berth-runtime> adds it as a contender, for before/after figures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeBundle, uniqueId } from '../test-support/bundle.js';
import { nativeBuild } from '../test-support/paths.js';
import { DEFAULT_CAPABILITIES } from '../runtime-helper/src/oci/defaults.js';
import { defaultSeccompProfile } from '../runtime-helper/src/oci/seccomp-default.js';
import { pause, printTable, shuffled, summarize, timeOnce, type Summary } from './_runtime-timing.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 3;
// Idle time before each timed command: with 50 or more, every run finds the kernel's cgroup lock
// cold (no other cgroup move in the last grace period), as a lone `docker run` does.
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 0);
// The issue gives no ratio for exec; crun is the yardstick, as for `run`.
const TARGET_RATIO = 1.2;

interface Contender {
  name: string;
  binary: string;
  root: string;
  id: string;
}

function runtimeCmd(c: Contender, ...args: string[]): string[] {
  return [c.binary, '--root', c.root, ...args];
}

function main(): void {
  const bundle = makeBundle({
    args: ['/bin/sleep', '100000'],
    cgroupsPath: null,
    namespaces: ['pid', 'mount', 'uts', 'ipc', 'network'],
    seccomp: defaultSeccompProfile({ capabilities: [...DEFAULT_CAPABILITIES] }),
  });
  const stateRoot = mkdtempSync(join(tmpdir(), 'berth-bench-state-'));
  const berth = process.env.BERTH_BENCH_RUNTIME ?? resolve(nativeBuild, 'berth-runtime');
  // Another build (e.g. the last commit's) measured in the same run, for before/after figures.
  const baseline = process.env.BERTH_BENCH_BASELINE;
  const candidates: Array<[string, string]> = [
    ['berth-runtime', berth],
    ...(baseline ? [['berth-runtime (baseline)', baseline] as [string, string]] : []),
    ['crun', '/usr/bin/crun'],
    ['runc', '/usr/sbin/runc'],
  ];
  const contenders: Contender[] = candidates
    .filter(([, bin]) => existsSync(bin))
    .map(([name, binary]) => ({ name, binary, root: join(stateRoot, name), id: uniqueId('bench') }));
  const missing = candidates.filter(([name]) => !contenders.some((c) => c.name === name)).map(([n]) => n);

  const results: Summary[] = [];
  const started: Contender[] = [];
  try {
    for (const c of contenders) {
      bundle.spec.linux!.cgroupsPath = `/berth-bench/${c.id}`;
      bundle.writeConfig();
      // The container keeps the stdio it was given: no pipes, or spawnSync would wait for them.
      const argv = runtimeCmd(c, 'run', '--detach', '--bundle', bundle.dir, c.id);
      const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}`);
      started.push(c);
    }
    const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const c of shuffled(contenders)) {
        pause(GAP_MS);
        const ms = timeOnce(runtimeCmd(c, 'exec', c.id, '/bin/true'));
        if (i >= WARMUP) samples.get(c.name)!.push(ms);
      }
    }
    for (const c of contenders) results.push(summarize(c.name, samples.get(c.name)!));
  } finally {
    for (const c of started) spawnSync(c.binary, ['--root', c.root, 'delete', '--force', c.id], { stdio: 'ignore' });
    bundle.cleanup();
    rmSync(stateRoot, { recursive: true, force: true });
    spawnSync('sh', [
      '-c',
      'for d in /sys/fs/cgroup/*/berth-bench /sys/fs/cgroup/berth-bench; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done; true',
    ]);
  }

  const crun = results.find((r) => r.name === 'crun');
  console.log(
    `runtime exec: ${RUNS} execs of /bin/true into a running container with Docker's default seccomp profile (after ${WARMUP} warm-ups), wall time of the whole command${GAP_MS ? `, ${GAP_MS} ms idle before each` : ''}`,
  );
  printTable(
    ['contender', 'median ms', 'p90 ms', 'min ms', 'x crun'],
    results.map((r) => [
      r.name,
      r.median.toFixed(2),
      r.p90.toFixed(2),
      r.min.toFixed(2),
      crun ? (r.median / crun.median).toFixed(2) : '-',
    ]),
  );
  const ours = results.find((r) => r.name === 'berth-runtime');
  if (ours && crun) {
    const ratio = ours.median / crun.median;
    console.log(
      `berth-runtime exec median is ${ratio.toFixed(2)}x crun's (target <= ${TARGET_RATIO}x): ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
    );
  }
  if (missing.length) console.log(`not measured (binary missing): ${missing.join(', ')}`);
}

main();
