// Log throughput of berth-shim: a container writes a fixed amount of output; we time from
// `runtime start` to exit.json (the shim writes it once every byte is in the log) and read the
// shim's own CPU time from /proc/PID/stat just before it exits. The first row is the same
// container writing to /dev/null inside, i.e. what the container itself costs.
// Usage: npx tsx bench/shim-log.ts   (BERTH_BENCH_RUNTIME picks the OCI runtime; crun by default)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

process.env.BERTH_TEST_RUNTIME = process.env.BERTH_BENCH_RUNTIME ?? '/usr/bin/crun';

interface Case {
  name: string;
  script: string;
}

const CASES: Case[] = [
  {
    name: '1M short lines, to /dev/null inside (floor)',
    script: 'yes hello-world-line | head -n 1000000 > /dev/null',
  },
  { name: '1M short lines (17 B) to stdout', script: 'yes hello-world-line | head -n 1000000' },
  {
    name: '1M short lines, half on stderr',
    script: 'yes hello-world-line | head -n 500000; yes hello-world-line | head -n 500000 >&2',
  },
  {
    name: '2000 lines of 20 kB (split at 16 KiB)',
    script:
      'i=0; l=$(head -c 20000 /dev/zero | tr \'\\000\' x); while [ $i -lt 2000 ]; do echo "$l"; i=$((i+1)); done',
  },
];

const TICK_MS = 10; // USER_HZ is 100 on Linux

async function measure(c: Case): Promise<{ wallMs: number; cpuMs: number; logBytes: number }> {
  const { makeShimBundle, startShim, runtime } =
    await import('../runtime-helper/native/tests/shim-harness.js');
  const b = makeShimBundle({ args: ['sh', '-c', c.script] });
  try {
    const { shimPid } = await startShim(b);
    const t0 = process.hrtime.bigint();
    runtime(['start', b.id]);
    let stat = '';
    while (!existsSync(join(b.stateDir, 'exit.json'))) {
      try {
        stat = readFileSync(`/proc/${shimPid}/stat`, 'utf8');
      } catch {
        /* exiting */
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = (Number(f[11]) + Number(f[12])) * TICK_MS;
    return { wallMs, cpuMs, logBytes: existsSync(b.logPath) ? statSync(b.logPath).size : 0 };
  } finally {
    await b.cleanup();
  }
}

async function main(): Promise<void> {
  const { runtimeBinary, shimBinary } = await import('../runtime-helper/native/tests/shim-harness.js');
  console.log(`berth-shim: ${shimBinary}\nruntime:    ${runtimeBinary}\n`);
  console.log('| output | wall ms (start → exit.json) | shim CPU ms | log MB |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const c of CASES) {
    const r = await measure(c);
    console.log(`| ${c.name} | ${r.wallMs.toFixed(0)} | ${r.cpuMs} | ${(r.logBytes / 1e6).toFixed(1)} |`);
  }
  console.log('\nshim CPU is sampled every 5 ms until exit.json appears (10 ms resolution).');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
