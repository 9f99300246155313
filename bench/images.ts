// `docker load` and `docker save` of a ~100 MB image (Debian bookworm minbase from debootstrap)
// against berthd and a real dockerd, side by side in one run. The image is built once and cached
// under .cache/bench/; the Debian mirror is read from the host's apt sources at run time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../test-support/paths.js';
import { startDockerd, type Dockerd } from '../test-support/dockerd.js';
import { startBerthd, runDocker, type Berthd } from '../runtime-helper/test/support/berthd.js';

const cache = resolve(repoRoot, '.cache/bench');
const rootfsDir = join(cache, 'bookworm-minbase');
const rootfsTar = join(cache, 'bookworm-minbase-slim.tar');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const image = 'bench/bookworm:minbase';

/** The first Debian mirror (not the security one) in the apt sources, one-line or deb822 format. */
function debianMirror(): string {
  const candidates: string[] = [];
  if (existsSync('/etc/apt/sources.list')) {
    for (const line of readFileSync('/etc/apt/sources.list', 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
      if (m && !m[2]?.includes('security') && m[1]) candidates.push(m[1]);
    }
  }
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sources')).sort()) {
      for (const stanza of readFileSync(join(dir, f), 'utf8').split(/\n\s*\n/)) {
        const uris = /^URIs:\s*(.+)$/m.exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
        const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1] ?? '';
        if (/\bbookworm\b/.test(suites) && !suites.includes('security')) candidates.push(...uris);
      }
    }
  }
  const mirror = candidates[0];
  if (!mirror) throw new Error('no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources');
  return mirror;
}

function buildRootfs(): void {
  if (existsSync(rootfsTar)) return;
  mkdirSync(cache, { recursive: true });
  if (!existsSync(join(rootfsDir, 'etc/debian_version'))) {
    const tmp = `${rootfsDir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    const mirror = debianMirror();
    console.log(`building the bench image: debootstrap --variant=minbase bookworm from ${mirror} (once; cached in .cache/bench)`);
    execFileSync('debootstrap', ['--variant=minbase', 'bookworm', tmp, mirror], { stdio: ['ignore', 'ignore', 'inherit'] });
    rmSync(rootfsDir, { recursive: true, force: true });
    renameSync(tmp, rootfsDir);
  }
  // Like Debian's official container images: no apt package lists or downloaded .debs (~125 MB left).
  execFileSync('sh', ['-c', 'rm -rf var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb'], { cwd: rootfsDir });
  execFileSync('tar', ['-C', rootfsDir, '--numeric-owner', '--xattrs', '-cf', `${rootfsTar}.tmp`, '.']);
  renameSync(`${rootfsTar}.tmp`, rootfsTar);
}

/** Times one docker CLI call. Dirty pages from the previous step are flushed first, so neither engine pays for the other's writeback. */
async function cli(host: string, args: string[]): Promise<number> {
  execFileSync('sync');
  const started = process.hrtime.bigint();
  const r = await runDocker(host, args);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} against ${host} failed: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  buildRootfs();
  let dockerd: Dockerd | undefined;
  let berthd: Berthd | undefined;
  try {
    [dockerd, berthd] = await Promise.all([startDockerd(), startBerthd()]);
    const engines = [{ name: 'dockerd', host: dockerd.host, dir: dockerd.dataRoot }, { name: 'berthd', host: berthd.host, dir: berthd.dir }];
    // One archive both engines load: dockerd imports the rootfs and saves it.
    await cli(dockerd.host, ['import', rootfsTar, image]);
    const archive = join(berthd.dir, 'bench-image.tar');
    await cli(dockerd.host, ['save', '-o', archive, image]);
    await cli(dockerd.host, ['rmi', image]);
    const sizeMb = statSync(archive).size / 1e6;

    const times: Record<string, { load: number[]; save: number[] }> = { dockerd: { load: [], save: [] }, berthd: { load: [], save: [] } };
    for (let i = 0; i < runs; i++) {
      for (const e of engines) {
        times[e.name]?.load.push(await cli(e.host, ['load', '-q', '-i', archive]));
        const out = join(berthd.dir, `saved-${e.name}.tar`);
        times[e.name]?.save.push(await cli(e.host, ['save', '-o', out, image]));
        rmSync(out, { force: true });
        await cli(e.host, ['rmi', image]);
      }
    }
    const row = (op: 'load' | 'save'): string => {
      const d = median(times.dockerd?.[op] ?? []);
      const b = median(times.berthd?.[op] ?? []);
      return `| docker ${op.padEnd(4)} | ${d.toFixed(0).padStart(12)} | ${b.toFixed(0).padStart(11)} | ${(d / b).toFixed(2).padStart(17)} | ${b <= d ? 'yes' : 'no '} |`;
    };
    console.log(`\nImage: Debian bookworm minbase (apt lists and caches removed), archive ${sizeMb.toFixed(1)} MB; median of ${runs} runs, engines alternating (ms, wall clock of the docker CLI)\n`);
    console.log('| operation   | dockerd (ms) | berthd (ms) | dockerd / berthd | target met |');
    console.log('| ----------- | ------------ | ----------- | ----------------- | ---------- |');
    console.log(row('load'));
    console.log(row('save'));
  } finally {
    await berthd?.stop();
    await dockerd?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench/images: ${(err as Error).message}`);
  process.exit(1);
});
