// Container start cost: `run` of one bundle whose process is /bin/true, for berth-runtime, crun
// and runc on the same bundle and the same config, beside the floor of creating the same
// namespaces with unshare(1). The config has namespaces pid, mount, uts, ipc and network (only
// lo: no network setup), Docker's default mounts, capabilities and masked paths, and a cgroup.
// Prints median and p90 of RUNS timed runs (after WARMUP untimed ones) per contender.
// BERTH_BENCH_BASELINE=<another berth-runtime> adds it as a contender, for before/after figures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeBundle, uniqueId } from '../test-support/bundle.js';
import { nativeBuild } from '../test-support/paths.js';
import { pause, printTable, shuffled, summarize, timeOnce, type Summary } from './_runtime-timing.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 3;
// Idle time before each timed command: with 50 or more, every run finds the kernel's cgroup lock
// cold (no other cgroup move in the last grace period), as a lone `docker run` does.
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 0);
// The issue's target: berth-runtime's median at most 1.2x crun's.
const TARGET_RATIO = 1.2;

interface Contender {
  name: string;
  /** argv for one timed run; `id` is fresh each time. */
  argv(id: string): string[];
}

function main(): void {
  const bundle = makeBundle({
    args: ['/bin/true'],
    cgroupsPath: null,
    namespaces: ['pid', 'mount', 'uts', 'ipc', 'network'],
  });
  const stateRoot = mkdtempSync(join(tmpdir(), 'berth-bench-state-'));
  // Every runtime gets the same cgroupsPath shape (a fresh child of /berth-bench) and the same config.
  const withCgroup = (id: string): void => {
    bundle.spec.linux!.cgroupsPath = `/berth-bench/${id}`;
  };
  const runtime = (name: string, binary: string): Contender | undefined =>
    existsSync(binary)
      ? { name, argv: (id) => [binary, '--root', join(stateRoot, name), 'run', '--bundle', bundle.dir, id] }
      : undefined;
  const berth = process.env.BERTH_BENCH_RUNTIME ?? resolve(nativeBuild, 'berth-runtime');
  // Another build (e.g. the last commit's) measured in the same run, for before/after figures.
  const baseline = process.env.BERTH_BENCH_BASELINE;
  const contenders = [
    runtime('berth-runtime', berth),
    baseline ? runtime('berth-runtime (baseline)', baseline) : undefined,
    runtime('crun', '/usr/bin/crun'),
    runtime('runc', '/usr/sbin/runc'),
    {
      name: 'unshare (floor)',
      argv: () => ['unshare', '--pid', '--fork', '--mount', '--uts', '--ipc', '--net', 'true'],
    },
  ].filter((c): c is Contender => c !== undefined);
  const missing = ['berth-runtime', 'crun', 'runc'].filter((n) => !contenders.some((c) => c.name === n));

  const results: Summary[] = [];
  try {
    // The config is rewritten only to change cgroupsPath, identically for every contender.
    // Round-robin, so a burst of load on the shared machine hits every contender alike; in a new
    // order each round (see shuffled()).
    const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const c of shuffled(contenders)) {
        const id = uniqueId('bench');
        withCgroup(id);
        bundle.writeConfig();
        pause(GAP_MS);
        const ms = timeOnce(c.argv(id));
        if (i >= WARMUP) samples.get(c.name)!.push(ms);
      }
    }
    for (const c of contenders) results.push(summarize(c.name, samples.get(c.name)!));
  } finally {
    bundle.cleanup();
    rmSync(stateRoot, { recursive: true, force: true });
    spawnSync('sh', [
      '-c',
      'for d in /sys/fs/cgroup/*/berth-bench /sys/fs/cgroup/berth-bench; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done; true',
    ]);
  }

  const crun = results.find((r) => r.name === 'crun');
  const floor = results.find((r) => r.name.startsWith('unshare'));
  console.log(
    `runtime start: ${RUNS} runs of /bin/true each (after ${WARMUP} warm-up runs), wall time of the whole command${GAP_MS ? `, ${GAP_MS} ms idle before each` : ''}`,
  );
  printTable(
    ['contender', 'median ms', 'p90 ms', 'min ms', 'x crun', 'x floor'],
    results.map((r) => [
      r.name,
      r.median.toFixed(2),
      r.p90.toFixed(2),
      r.min.toFixed(2),
      crun ? (r.median / crun.median).toFixed(2) : '-',
      floor ? (r.median / floor.median).toFixed(2) : '-',
    ]),
  );
  const ours = results.find((r) => r.name === 'berth-runtime');
  if (ours && crun) {
    const ratio = ours.median / crun.median;
    console.log(
      `berth-runtime median is ${ratio.toFixed(2)}x crun's (target <= ${TARGET_RATIO}x): ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
    );
  }
  if (missing.length) console.log(`not measured (binary missing): ${missing.join(', ')}`);
}

main();
