// Garbage collection of the image store, driven by the real docker CLI against a real berthd and
// a real registry: what `docker rmi` and the prunes leave on disk under the data root (blobs,
// unpacked layers, short links, distribution.json), that shared layers stay while another image
// uses them, that a container keeps its image's layers after `rmi -f`, that the reclaimed space
// the CLI prints is what `docker system df` counted, and that a collection interrupted by a crash
// (a journal left behind, or a real kill -9) is finished at the next start. Also: `docker save`
// of an image whose layer content is missing answers a JSON error before any tar is sent.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes, createHash } from 'node:crypto';
import { watch, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { startBerthd, type Berthd } from './support/berthd.js';
import { startRegistry, type TestRegistry } from '../../test-support/registry.js';
import { skopeoCopy, writeOciLayout, type BuiltImage } from '../../test-support/registry-image.js';
import { makeTar } from './support/tars.js';

let work: string;
let registry: TestRegistry;
let d: Berthd;
let imgA: BuiltImage;
let imgC: BuiltImage;

const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const hex = (digest: string): string => digest.slice(7);

/** A layer tar with `mb` MB of random bytes under `name` (random: gzip cannot shrink it). */
async function layer(name: string, kb: number): Promise<Buffer> {
  return makeTar([{ name: `${name}/`, type: 'directory' }, { name: `${name}/data`, content: randomBytes(kb * 1024) }, { name: `${name}.txt`, content: `${name}\n` }]);
}

function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const id of diffIds) out.push(out.length === 0 ? id : sha256(`${out[out.length - 1]} ${id}`));
  return out;
}

interface StoreFiles { blobs: string[]; layers: string[]; links: string[]; meta: string[]; tmp: string[]; distribution: Record<string, { digest: string }[]>; references: Record<string, string>; journal: boolean }

function store(dataRoot = currentDataRoot()): StoreFiles {
  const img = join(dataRoot, 'image');
  const ls = (p: string) => (existsSync(p) ? readdirSync(p).sort() : []);
  const json = <T>(p: string, empty: T): T => (existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) as T : empty);
  return {
    blobs: ls(join(img, 'blobs/sha256')).map((h) => `sha256:${h}`),
    layers: ls(join(img, 'layers')),
    links: ls(join(img, 'l')),
    meta: ls(join(img, 'meta')),
    tmp: ls(join(dataRoot, 'tmp')),
    distribution: json(join(img, 'distribution.json'), {}),
    references: json<{ references?: Record<string, string> }>(join(img, 'repositories.json'), {}).references ?? {},
    journal: existsSync(join(img, 'gc-in-progress.json')),
  };
}

function expectEmpty(s: StoreFiles): void {
  expect(s.blobs).toEqual([]);
  expect(s.layers).toEqual([]);
  expect(s.links).toEqual([]);
  expect(s.meta).toEqual([]);
  expect(s.tmp).toEqual([]);
  expect(s.distribution).toEqual({});
  expect(s.references).toEqual({});
  expect(s.journal).toBe(false);
}

/** Every image record's config, layers (and their short links) and kept blobs are present. */
function expectImageWhole(s: StoreFiles, img: BuiltImage): void {
  expect(s.blobs).toContain(img.configDigest);
  for (const c of chainIds(img.layers.map((l) => l.diffId))) expect(s.layers).toContain(hex(c));
  for (const l of img.layers) {
    expect(s.blobs).toContain(l.digest);
    expect(s.distribution[l.diffId]?.map((x) => x.digest)).toContain(l.digest);
  }
  expect(s.links.length).toBe(s.layers.length);
}

/** What the docker CLI prints for a byte count (go-units HumanSize: 4 significant digits, SI). */
function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${Number(v.toPrecision(4))}${units[i]}`;
}

async function layersSize(): Promise<number> {
  return (JSON.parse((await d.request('GET', '/v1.45/system/df')).body) as { LayersSize: number }).LayersSize;
}

const nameA = () => `${registry.host}/gc/a:1`;
const nameC = () => `${registry.host}/gc/c:1`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-gc-'));
  registry = await startRegistry();
  // Two images sharing a base layer; each has one layer of its own.
  const base = await layer('base', 600);
  imgA = writeOciLayout(join(work, 'a'), '1', [{ tar: base, compression: 'gzip' }, { tar: await layer('a', 300), compression: 'gzip' }]);
  imgC = writeOciLayout(join(work, 'c'), '1', [{ tar: base, compression: 'gzip' }, { tar: await layer('c', 200), compression: 'gzip' }]);
  await skopeoCopy(`oci:${imgA.dir}:1`, `docker://${nameA()}`, { extra: ['--preserve-digests'] });
  await skopeoCopy(`oci:${imgC.dir}:1`, `docker://${nameC()}`, { extra: ['--preserve-digests'] });
  d = await startBerthd(['--default-runtime', 'crun']);
}, 120_000);

afterAll(async () => {
  await d?.stop();
  await registry?.stop();
  // Data roots moved under work/ by the restart tests: a container left by a failed test may
  // still have its snapshot mounted there.
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mp = line.split(' ')[4];
    if (work && mp?.startsWith(work)) execFileSync('umount', ['-l', mp]);
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('image garbage collection', () => {
  it('rmi of one of two images sharing a base keeps the shared blobs and deletes the other\'s; the second rmi leaves nothing', async () => {
    await d.docker(['pull', nameA()]);
    await d.docker(['pull', nameC()]);
    let s = store();
    expectImageWhole(s, imgA);
    expectImageWhole(s, imgC);
    expect(s.layers.length).toBe(3);
    const [baseDigest, aDigest] = imgA.layers.map((l) => l.digest);
    const aChain = chainIds(imgA.layers.map((l) => l.diffId));

    const out = await d.docker(['rmi', nameA()]);
    expect(out).toContain(`Untagged: ${nameA()}`);
    expect(out).toContain(`Deleted: ${imgA.configDigest}`);
    expect(out).toContain(`Deleted: ${aChain[1]}`);
    expect(out).not.toContain(`Deleted: ${aChain[0]}`);
    s = store();
    expectImageWhole(s, imgC);
    expect(s.blobs).not.toContain(aDigest);
    expect(s.blobs).not.toContain(imgA.configDigest);
    expect(s.blobs).toContain(baseDigest);
    expect(s.layers).not.toContain(hex(aChain[1]!));
    expect(s.layers).toContain(hex(aChain[0]!));
    expect(Object.keys(s.distribution).sort()).toEqual(imgC.layers.map((l) => l.diffId).sort());
    expect(s.meta.length).toBe(1);
    expect(s.journal).toBe(false);
    // The survivor's files are intact in its layers.
    expect(readFileSync(join(currentDataRoot(), 'image/layers', hex(chainIds(imgC.layers.map((l) => l.diffId))[1]!), 'diff/c.txt'), 'utf8')).toBe('c\n');

    await d.docker(['rmi', nameC()]);
    expectEmpty(store());
    expect(await layersSize()).toBe(0);

    // Pulling again after the collection works and brings every file back.
    await d.docker(['pull', nameA()]);
    expectImageWhole(store(), imgA);
    await d.docker(['rmi', nameA()]);
    expectEmpty(store());
  }, 120_000);

  it('docker image prune -a and docker system prune -a reclaim everything and report what system df counted', async () => {
    for (const prune of [['image', 'prune', '-a', '-f'], ['system', 'prune', '-a', '-f']]) {
      await d.docker(['pull', nameA()]);
      await d.docker(['pull', nameC()]);
      const before = await layersSize();
      expect(before).toBeGreaterThan(1_000_000);
      const out = await d.docker(prune);
      expect(out.toLowerCase()).toContain(`deleted: ${imgA.configDigest}`);
      expect(out.toLowerCase()).toContain(`deleted: ${imgC.configDigest}`);
      expect(out).toContain(`Total reclaimed space: ${humanSize(before)}`);
      expect(await layersSize()).toBe(0);
      expectEmpty(store());
    }
  }, 120_000);

  it('a loaded gzip OCI archive: its kept compressed blob goes with docker rmi', async () => {
    const tar = await layer('loaded', 2048); // past the archive reader's in-memory limit: kept compressed
    const gz = gzipSync(tar);
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(tar)] }, history: [{ created_by: 'gc test' }] }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(cfg), size: cfg.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(gz), size: gz.length }],
    }));
    const archive = await makeTar([
      { name: 'oci-layout', content: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
      { name: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, annotations: { 'io.containerd.image.name': 'gc/loaded:1' } }] }) },
      { name: `blobs/sha256/${hex(sha256(manifest))}`, content: manifest },
      { name: `blobs/sha256/${hex(sha256(cfg))}`, content: cfg },
      { name: `blobs/sha256/${hex(sha256(gz))}`, content: gz },
    ]);
    const file = join(work, 'loaded.tar');
    writeFileSync(file, archive);
    expect(await d.docker(['load', '-i', file])).toContain('Loaded image: gc/loaded:1');
    const s = store();
    expect(s.blobs).toContain(sha256(gz));
    expect(s.distribution[sha256(tar)]?.map((x) => x.digest)).toEqual([sha256(gz)]);
    expect(s.layers).toEqual([hex(sha256(tar))]);
    await d.docker(['rmi', 'gc/loaded:1']);
    expectEmpty(store());
  }, 60_000);

  it('a container keeps its image and layers after rmi -f untags it; image prune takes them once the container is gone', async () => {
    await d.docker(['pull', nameA()]);
    const id = (await d.docker(['create', nameA(), '/bin/true'])).trim();
    const out = await d.docker(['rmi', '-f', nameA()]);
    expect(out).toContain(`Untagged: ${nameA()}`);
    expect(out).not.toContain('Deleted:');
    const kept = store();
    expectImageWhole(kept, imgA);
    expect(Object.keys(kept.references)).toEqual([]);
    // Dangling but in use: a prune leaves it.
    await d.docker(['image', 'prune', '-a', '-f']);
    expectImageWhole(store(), imgA);
    await d.docker(['rm', id]);
    const pruned = await d.docker(['image', 'prune', '-f']);
    expect(pruned.toLowerCase()).toContain(`deleted: ${imgA.configDigest}`);
    expectEmpty(store());
  }, 60_000);

  it('a garbage collection interrupted by a crash is finished at the next start (journal left, half the deletions done)', async () => {
    await d.docker(['pull', nameA()]);
    await d.docker(['pull', nameC()]);
    const dataRoot = currentDataRoot();
    // Stop berthd (keeping its data root), then leave the store as a crash mid-collection after
    // `rmi a` would: a's reference and record gone, the journal written, a's layer renamed away
    // (not yet deleted), its config blob deleted, its compressed blob and records still there.
    const keep = join(work, 'kept-data');
    await stopKeeping(dataRoot, keep);
    const img = join(keep, 'image');
    const refs = JSON.parse(readFileSync(join(img, 'repositories.json'), 'utf8')) as { references: Record<string, string> };
    refs.references = Object.fromEntries(Object.entries(refs.references).filter(([, id]) => id !== imgA.configDigest));
    writeFileSync(join(img, 'repositories.json'), JSON.stringify(refs));
    rmSync(join(img, 'meta', `${hex(imgA.configDigest)}.json`));
    writeFileSync(join(img, 'gc-in-progress.json'), JSON.stringify({ started: new Date().toISOString(), pid: 1 }));
    const aChain = chainIds(imgA.layers.map((l) => l.diffId));
    renameSync(join(img, 'layers', hex(aChain[1]!)), join(img, 'layers', '.tmp-gc-0123456789abcdef'));
    rmSync(join(img, 'blobs/sha256', hex(imgA.configDigest)));

    d = await startBerthd(['--default-runtime', 'crun', '--data-root', keep]);
    const s = store(keep);
    expect(s.journal).toBe(false);
    expectImageWhole(s, imgC);
    expect(s.layers.length).toBe(2);
    expect(s.blobs).not.toContain(imgA.layers[1]!.digest);
    expect(s.distribution[imgA.layers[1]!.diffId]).toBeUndefined();
    expect(d.log()).toContain('interrupted by a crash');
    // The store is whole: the survivor saves and A pulls again.
    const saved = join(work, 'c-saved.tar');
    await d.docker(['save', '-o', saved, nameC()]);
    expect(readFileSync(saved).length).toBeGreaterThan(800_000);
    await d.docker(['pull', nameA()]);
    expectImageWhole(store(keep), imgA);
  }, 120_000);

  it('kill -9 during docker rmi: after the restart each image is whole or gone with all its own files', async () => {
    await d.docker(['pull', nameA()]);
    await d.docker(['pull', nameC()]);
    const dataRoot = currentDataRoot();
    // Remove both at once and kill mid-way.
    // SIGKILL the moment the sweep renames its first layer out of the way (inotify), so the kill
    // lands mid-sweep or just after it; every outcome must leave a whole store.
    const child = d.child;
    let killed = false;
    const watcher = watch(join(dataRoot, 'image/layers'), (_event, file) => {
      if (file?.startsWith('.tmp-gc-') && !killed) { killed = true; child.kill('SIGKILL'); }
    });
    const rmis = [d.dockerResult(['rmi', nameA()]), d.dockerResult(['rmi', nameC()])];
    await Promise.all(rmis);
    watcher.close();
    expect(killed).toBe(true);
    while (child.exitCode === null && child.signalCode === null) await new Promise((r) => setTimeout(r, 20));
    const journalLeft = existsSync(join(dataRoot, 'image/gc-in-progress.json'));
    const keep = join(work, 'kept-data-2');
    await stopKeeping(dataRoot, keep);
    d = await startBerthd(['--default-runtime', 'crun', '--data-root', keep]);
    const s = store(keep);
    expect(s.journal).toBe(false);
    // Killed mid-collection: the restart says it finished the job.
    if (journalLeft) expect(d.log()).toContain('interrupted by a crash');
    for (const img of [imgA, imgC]) {
      const present = s.meta.includes(`${hex(img.configDigest)}.json`);
      if (present) expectImageWhole(s, img);
    }
    const live = [imgA, imgC].filter((img) => s.meta.includes(`${hex(img.configDigest)}.json`));
    // Nothing left that no surviving image references: blobs, layers, records.
    const wantBlobs = new Set(live.flatMap((img) => [img.configDigest, ...img.layers.map((l) => l.digest)]));
    expect(s.blobs.filter((b) => !wantBlobs.has(b))).toEqual([]);
    const wantLayers = new Set(live.flatMap((img) => chainIds(img.layers.map((l) => l.diffId)).map(hex)));
    expect(s.layers.filter((l) => !wantLayers.has(l))).toEqual([]);
    expect(Object.keys(s.distribution).filter((k) => !live.some((img) => img.layers.some((l) => l.diffId === k)))).toEqual([]);
    // A later collection (rmi of whatever survived) leaves the store empty either way.
    // (By ID: the kill may have come after the untag and before the delete, leaving it dangling.)
    for (const img of live) await d.docker(['rmi', img.configDigest]);
    await d.docker(['image', 'prune', '-a', '-f']);
    expectEmpty(store(keep));
  }, 120_000);
});

describe('docker save with missing layer content', () => {
  it('answers 500 with a JSON message naming the layer and the image, before any tar byte', async () => {
    const tar = await layer('save-missing', 16);
    const imported = (await d.docker(['import', '-', 'gc/missing:1'], { input: tar })).trim();
    const diffId = sha256(tar);
    rmSync(join(currentDataRoot(), 'image/blobs/sha256', hex(diffId)));
    const r = await d.request('GET', '/v1.45/images/gc/missing:1/get');
    expect(r.status).toBe(500);
    expect(r.headers['content-type']).toMatch(/json/);
    const message = (JSON.parse(r.body) as { message: string }).message;
    expect(message).toContain(diffId);
    expect(message).toContain('gc/missing:1');
    expect(message).toContain(imported);
    const cli = await d.dockerResult(['save', '-o', join(work, 'missing.tar'), 'gc/missing:1']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain(diffId);
    await d.docker(['rmi', 'gc/missing:1']);
  }, 60_000);
});

/** The data root the running berthd uses (its --data-root flag may point away from d.dataRoot). */
function currentDataRoot(): string {
  const args = d.child.spawnargs;
  const i = args.lastIndexOf('--data-root');
  return args[i + 1]!;
}

/** Stops berthd and moves its data root to `keep` (stop() removes the test dir). */
async function stopKeeping(dataRoot: string, keep: string): Promise<void> {
  if (d.child.exitCode === null && d.child.signalCode === null) {
    d.child.kill('SIGTERM');
    while (d.child.exitCode === null && d.child.signalCode === null) await new Promise((r) => setTimeout(r, 50));
  }
  renameSync(dataRoot, keep);
  await d.stop();
}
