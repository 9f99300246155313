// Pull of a ~100 MB multi-layer Debian minbase image from a local docker-registry, side by side:
// berthd (docker CLI -> berthd), a real dockerd (--insecure-registry), `skopeo copy` into an OCI
// directory, and the floor: reading and gunzipping the same blobs from disk (3 at a time, as
// berthd downloads, and one at a time). Each engine pulls into an empty store every round.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
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
const run = promisify(execFile);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
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

async function main(): Promise<void> {
  const img = ensureImage();
  const registry = await startRegistry();
  const ref = `${registry.host}/bench/minbase:v1`;
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-pull-'));
  const results: { name: string; ms: number[] }[] = [];
  let unpacked = 0;
  try {
    await skopeoCopy(`oci:${img.layout}:${img.tag}`, `docker://${ref}`, { extra: ['--preserve-digests'] });

    const floorPar: number[] = [];
    const floorSeq: number[] = [];
    for (let i = 0; i < rounds; i++) {
      floorPar.push(await timed(async () => { unpacked = await gunzipAll(img.layers.map((l) => l.file), 3); }));
      floorSeq.push(await timed(() => gunzipAll(img.layers.map((l) => l.file), 1)));
    }
    results.push({ name: 'floor: read + gunzip blobs, 3 at a time', ms: floorPar });
    results.push({ name: 'floor: read + gunzip blobs, one at a time', ms: floorSeq });

    const berth: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const d = await startBerthd();
      try {
        berth.push(await timed(async () => {
          const r = await runDocker(d.host, ['pull', '-q', ref]);
          if (r.code !== 0) throw new Error(`berthd pull failed: ${r.stderr}`);
        }));
      } finally { await d.stop(); }
    }
    results.push({ name: 'berthd (docker pull)', ms: berth });

    const dockerd: number[] = [];
    const peer = await startDockerd({ extraArgs: ['--insecure-registry', registry.host] });
    try {
      for (let i = 0; i < rounds; i++) {
        dockerd.push(await timed(async () => {
          const r = await runDocker(peer.host, ['pull', '-q', ref]);
          if (r.code !== 0) throw new Error(`dockerd pull failed: ${r.stderr}`);
        }));
        const r = await runDocker(peer.host, ['rmi', ref]);
        if (r.code !== 0) throw new Error(`dockerd rmi failed: ${r.stderr}`);
      }
    } finally { await peer.stop(); }
    results.push({ name: 'dockerd 20.10 (docker pull)', ms: dockerd });

    const skopeo: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const dest = join(work, `oci-${i}`);
      skopeo.push(await timed(() => run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${dest}:x`])));
      rmSync(dest, { recursive: true, force: true });
    }
    results.push({ name: 'skopeo copy -> OCI dir (no unpack)', ms: skopeo });
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const mb = img.totalCompressed / 1e6;
  const floor = median(results[0]!.ms);
  const berth = median(results.find((r) => r.name.startsWith('berthd'))!.ms);
  const dockerd = median(results.find((r) => r.name.startsWith('dockerd'))!.ms);
  console.log(`image: ${img.layers.length} gzip layers, ${mb.toFixed(1)} MB compressed, ${(unpacked / 1e6).toFixed(1)} MB unpacked; median of ${rounds} rounds`);
  console.log('');
  console.log('| pull | median s | min s | compressed MB/s | x floor (3 at a time) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const m = median(r.ms);
    console.log(`| ${r.name} | ${(m / 1000).toFixed(2)} | ${(Math.min(...r.ms) / 1000).toFixed(2)} | ${(mb / (m / 1000)).toFixed(0)} | ${(m / floor).toFixed(2)} |`);
  }
  console.log('');
  console.log(`berthd vs dockerd: ${(dockerd / berth).toFixed(2)}x faster (target >= 1.5x); berthd vs floor: ${(berth / floor).toFixed(2)}x (target <= 1.5x)`);
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
