// Pull of a ~180 MB (61 MB gzipped) multi-layer Debian minbase image from a local
// docker-registry, side by side in one run: berthd (docker CLI -> berthd), berthd hashing each
// layer's diffID on its event loop (BERTH_PULL_DIFFID=js, the "before" of hashing in the untar
// child), berthd with its previous in-process unpacker (BERTH_UNPACKER=js, the "before" of the native one), a real
// dockerd (--insecure-registry), `skopeo copy` into an OCI directory (no unpack), and the floor:
// reading and gunzipping the same blobs from disk (3 at a time, as the engines download, and
// one at a time); and, for what file creation alone costs here, GNU tar -xzf of the same blobs.
//
// Method: rounds are interleaved (every contender once per round) so the load other work puts
// on the machine spreads over all of them. Each engine pulls into a fresh, empty store every
// round, and no store is deleted until every round is done: on a filesystem without a journal
// (this VM's ext4) creating files right after thousands were deleted is several times slower
// (ext4 skips recently deleted inodes one by one), which would make each round punish the next.
// BENCH_DELETE_BETWEEN=1 deletes each store right after its round instead, to see that effect.
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { ensureImage } from './_pull-image.js';
import { startRegistry } from '../test-support/registry.js';
import { startDockerd } from '../test-support/dockerd.js';
import { skopeoCopy } from '../test-support/registry-image.js';
import { startBerthd, runDocker } from '../runtime-helper/test/support/berthd.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const deleteBetween = process.env.BENCH_DELETE_BETWEEN === '1';
// BENCH_PROFILE_DIR=DIR: the plain berthd contender runs under the CPU profiler (_cpu-prof-hook.mjs),
// one .cpuprofile per daemon in DIR.
const profileDir = process.env.BENCH_PROFILE_DIR;
const profileHook = new URL('./_cpu-prof-hook.mjs', import.meta.url).pathname;
const run = promisify(execFile);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function gunzipAll(files: string[], parallel: number): Promise<number> {
  let out = 0;
  const queue = [...files];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      await pipeline(createReadStream(f, { highWaterMark: 1 << 20 }), createGunzip({ chunkSize: 256 * 1024 }), new Writable({ write(c: Buffer, _e, cb) { out += c.length; cb(); } }));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

async function untarAll(files: string[], dir: string, parallel: number): Promise<void> {
  const queue = files.map((f, i) => ({ f, to: join(dir, String(i)) }));
  const worker = async () => {
    for (let j = queue.shift(); j; j = queue.shift()) {
      mkdirSync(j.to, { recursive: true });
      await run('tar', ['-xzf', j.f, '-C', j.to, '--numeric-owner', '--xattrs']);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

interface Stoppable { stop(): Promise<unknown> }

async function main(): Promise<void> {
  const img = ensureImage();
  const registry = await startRegistry();
  const ref = `${registry.host}/bench/minbase:v1`;
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-pull-'));
  const names = {
    floorPar: 'floor: read + gunzip blobs, 3 at a time',
    floorSeq: 'floor: read + gunzip blobs, one at a time',
    berthd: 'berthd (docker pull)',
    berthdHashJs: 'berthd, diffID hashed on its event loop (BERTH_PULL_DIFFID=js)',
    berthdJs: 'berthd, previous JS unpacker (BERTH_UNPACKER=js)',
    dockerd: 'dockerd 20.10 (docker pull)',
    skopeo: 'skopeo copy -> OCI dir (no unpack)',
    tar: 'reference: GNU tar -xzf of the blobs, 3 at a time (no network, no verify)',
  };
  const ms = new Map<string, number[]>(Object.values(names).map((n) => [n, []]));
  const later: Stoppable[] = [];
  const finish = async (s: Stoppable) => { if (deleteBetween) await s.stop(); else later.push(s); };
  let unpacked = 0;

  // CPU seconds of the daemon process (its event loop, GC and thread pool) and of its exited
  // children (the untar helpers) over one pull: less noisy than wall time on a shared machine.
  const cpu = new Map<string, { self: number[]; children: number[] }>();
  const cpuOf = (pid: number) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is [0], so utime, stime, cutime, cstime are [11..14].
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = 100; // USER_HZ (getconf CLK_TCK) on Linux
    return { self: (Number(f[11]) + Number(f[12])) / tick, children: (Number(f[13]) + Number(f[14])) / tick };
  };
  const pullWithBerthd = async (name: string, env: Record<string, string>) => {
    Object.assign(process.env, env);
    const d = await startBerthd().finally(() => { for (const k of Object.keys(env)) delete process.env[k]; });
    try {
      const before = cpuOf(d.child.pid!);
      ms.get(name)!.push(await timed(async () => {
        const r = await runDocker(d.host, ['pull', '-q', ref]);
        if (r.code !== 0) throw new Error(`${name}: pull failed: ${r.stderr}`);
      }));
      const after = cpuOf(d.child.pid!);
      const c = cpu.get(name) ?? { self: [], children: [] };
      c.self.push(after.self - before.self);
      c.children.push(after.children - before.children);
      cpu.set(name, c);
    } finally { await finish(d); }
  };

  try {
    await skopeoCopy(`oci:${img.layout}:${img.tag}`, `docker://${ref}`, { extra: ['--preserve-digests'] });
    for (let i = 0; i < rounds; i++) {
      ms.get(names.floorPar)!.push(await timed(async () => { unpacked = await gunzipAll(img.layers.map((l) => l.file), 3); }));
      ms.get(names.floorSeq)!.push(await timed(() => gunzipAll(img.layers.map((l) => l.file), 1)));
      await pullWithBerthd(names.berthd, profileDir ? { NODE_OPTIONS: `--import ${profileHook}` } : {});
      await pullWithBerthd(names.berthdHashJs, { BERTH_PULL_DIFFID: 'js' });
      await pullWithBerthd(names.berthdJs, { BERTH_UNPACKER: 'js' });
      const peer = await startDockerd({ extraArgs: ['--insecure-registry', registry.host] });
      try {
        ms.get(names.dockerd)!.push(await timed(async () => {
          const r = await runDocker(peer.host, ['pull', '-q', ref]);
          if (r.code !== 0) throw new Error(`dockerd pull failed: ${r.stderr}`);
        }));
      } finally { await finish(peer); }
      // What creating these files costs this filesystem by itself: tar, into an empty dir.
      const untarDir = join(work, `tar-${i}`);
      ms.get(names.tar)!.push(await timed(() => untarAll(img.layers.map((l) => l.file), untarDir, 3)));
      if (deleteBetween) rmSync(untarDir, { recursive: true, force: true });
      const dest = join(work, `oci-${i}`);
      ms.get(names.skopeo)!.push(await timed(() => run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${dest}:x`])));
    }
  } finally {
    for (const s of later) await s.stop().catch((e: unknown) => console.error(e));
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const mb = img.totalCompressed / 1e6;
  const floor = median(ms.get(names.floorPar)!);
  const berth = median(ms.get(names.berthd)!);
  const dockerd = median(ms.get(names.dockerd)!);
  const s = (x: number) => (x / 1000).toFixed(2);
  console.log(`image: ${img.layers.length} gzip layers, ${mb.toFixed(1)} MB compressed, ${(unpacked / 1e6).toFixed(1)} MB unpacked; ${rounds} interleaved rounds; stores ${deleteBetween ? 'deleted after each round' : 'kept until the end'}`);
  console.log('');
  console.log('| pull | median s | min s | every round s | compressed MB/s (median) | x floor (3 at a time) |');
  console.log('| --- | ---: | ---: | --- | ---: | ---: |');
  for (const [name, xs] of ms) {
    const m = median(xs);
    console.log(`| ${name} | ${s(m)} | ${s(Math.min(...xs))} | ${xs.map(s).join(', ')} | ${(mb / (m / 1000)).toFixed(0)} | ${(m / floor).toFixed(2)} |`);
  }
  console.log('');
  console.log('| berthd CPU per pull (medians) | berthd process s | its children (untar) s | total s |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, c] of cpu) {
    console.log(`| ${name} | ${median(c.self).toFixed(2)} | ${median(c.children).toFixed(2)} | ${(median(c.self) + median(c.children)).toFixed(2)} |`);
  }
  console.log('');
  const vsDockerd = dockerd / berth;
  const vsFloor = berth / floor;
  console.log('| target (medians) | measured | target | met |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| berthd faster than dockerd | ${vsDockerd.toFixed(2)}x (${s(berth)} s vs ${s(dockerd)} s) | >= 1.50x | ${vsDockerd >= 1.5 ? 'yes' : 'NO'} |`);
  console.log(`| berthd within the gunzip floor | ${vsFloor.toFixed(2)}x (${s(berth)} s vs ${s(floor)} s) | <= 1.50x | ${vsFloor <= 1.5 ? 'yes' : 'NO'} |`);
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
