// Memory of idle berth-shims: starts N containers (`sleep`) each under its own shim, lets them
// settle, and prints every shim's VmRSS (anonymous + file-backed pages, from /proc/PID/status)
// and Pss with the median. Target (issue 2): under 1 MB per idle shim.
// Usage: npx tsx bench/shim-rss.ts [N]   (BERTH_BENCH_RUNTIME picks the OCI runtime; crun by default)
import { readFileSync } from 'node:fs';
import type { ShimBundle } from '../runtime-helper/native/tests/shim-harness.js';

const N = Number(process.argv[2] ?? process.env.BENCH_SHIMS ?? 10);
const TARGET_KB = 1024;
// The harness reads BERTH_TEST_RUNTIME when it loads (hence the dynamic import below); the
// benchmark defaults to crun so it runs whatever state berth-runtime is in.
process.env.BERTH_TEST_RUNTIME = process.env.BERTH_BENCH_RUNTIME ?? '/usr/bin/crun';

interface Row {
  shimPid: number;
  rss: number;
  anon: number;
  file: number;
  pss: number;
}

function statusKb(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

/** Proportional set size: file pages shared by all shims count once across them. */
function pssKb(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  if (!m) throw new Error(`no Pss in /proc/${pid}/smaps_rollup`);
  return Number(m[1]);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  const bundles: ShimBundle[] = [];
  const rows: Row[] = [];
  try {
    const { makeShimBundle, runShim, runtime, runtimeBinary, shimArgs, shimBinary } =
      await import('../runtime-helper/native/tests/shim-harness.js');
    for (let i = 0; i < N; i++) {
      const b = makeShimBundle({ args: ['sleep', '100000'] });
      bundles.push(b);
      const r = await runShim(shimArgs(b));
      if (r.code !== 0) throw new Error(`berth-shim: ${r.stderr}`);
      runtime(['start', b.id]);
      rows.push({
        shimPid: (JSON.parse(r.stdout) as { shimPid: number }).shimPid,
        rss: 0,
        anon: 0,
        file: 0,
        pss: 0,
      });
    }
    await new Promise((r) => setTimeout(r, 1000)); // idle: nothing to read, no client
    for (const row of rows) {
      row.rss = statusKb(row.shimPid, 'VmRSS');
      row.anon = statusKb(row.shimPid, 'RssAnon');
      row.file = statusKb(row.shimPid, 'RssFile');
      row.pss = pssKb(row.shimPid);
    }
    console.log(`berth-shim: ${shimBinary}`);
    console.log(`runtime:    ${runtimeBinary}\n`);
    console.log('| shim pid | VmRSS kB | RssAnon kB | RssFile kB | Pss kB |');
    console.log('| ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) console.log(`| ${r.shimPid} | ${r.rss} | ${r.anon} | ${r.file} | ${r.pss} |`);
    const med = median(rows.map((r) => r.rss));
    const col = (k: keyof Row): number => median(rows.map((r) => r[k]));
    console.log(
      `| **median of ${rows.length}** | **${med}** | ${col('anon')} | ${col('file')} | ${col('pss')} |`,
    );
    console.log(`\ntarget: idle VmRSS < ${TARGET_KB} kB — ${med < TARGET_KB ? 'met' : 'NOT met'}`);
  } finally {
    for (const b of bundles) await b.cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
