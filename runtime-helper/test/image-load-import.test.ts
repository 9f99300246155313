// docker load and docker import with layers large enough to be unpacked while they arrive, where
// the unpacker's (berth-fsops untar) hash of the tar is what checks a layer against the config's
// diff_id: plain and gzip layers in docker-archives and OCI layouts load with the right diffIDs
// and files; a layer whose content is not its diff_id, or an OCI blob that is not its digest, is
// refused with nothing stored; gzip layers are kept compressed and `docker save` writes them so
// that berthd and skopeo read the archive back with the same image ID (a pulled image too).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startBerthd, type Berthd } from './support/berthd.js';
import { startRegistry } from '../../test-support/registry.js';
import { layerTar, skopeoCopy, skopeoInspectRaw, writeOciLayout } from '../../test-support/registry-image.js';
import { makeTar } from './support/tars.js';

let work: string;
let d: Berthd;

const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const hex = (digest: string): string => digest.slice(7);

/** A layer tar with a 2 MB file of random bytes (past the archive reader's in-memory limit, even gzipped). */
async function bigLayer(name: string): Promise<Buffer> {
  return makeTar([{ name: 'data/', type: 'directory' }, { name: `data/${name}`, content: randomBytes(2 * 1024 * 1024) }, { name: `data/${name}.txt`, content: `${name}\n` }]);
}

function imageConfig(diffIds: string[]): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'test' })),
  }));
}

/** A docker-archive whose layer files are stored as given (plain or gzip); diffIds default to the real ones. */
async function dockerArchive(layers: { tar: Buffer; gzip: boolean }[], repoTag: string, diffIds = layers.map((l) => sha256(l.tar))): Promise<Buffer> {
  const cfg = imageConfig(diffIds);
  const cfgName = `${hex(sha256(cfg))}.json`;
  return makeTar([
    ...layers.map((l, i) => ({ name: `layer${i}/layer.tar`, content: l.gzip ? gzipSync(l.tar) : l.tar })),
    { name: cfgName, content: cfg },
    { name: 'manifest.json', content: JSON.stringify([{ Config: cfgName, RepoTags: [repoTag], Layers: layers.map((_, i) => `layer${i}/layer.tar`) }]) },
  ]);
}

/** An OCI layout (as a tar) with one image; `lie` stores a layer blob at another path or with other bytes. */
async function ociArchive(layers: { tar: Buffer; gzip: boolean }[], refName: string, lie: { path?: string; bytes?: Buffer } = {}): Promise<Buffer> {
  const blobs = layers.map((l) => (l.gzip ? gzipSync(l.tar) : l.tar));
  const cfg = imageConfig(layers.map((l) => sha256(l.tar)));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(cfg), size: cfg.length },
    layers: blobs.map((b, i) => ({ mediaType: `application/vnd.oci.image.layer.v1.tar${layers[i]!.gzip ? '+gzip' : ''}`, digest: sha256(b), size: b.length })),
  }));
  return makeTar([
    { name: 'oci-layout', content: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, annotations: { 'io.containerd.image.name': refName } }] }) },
    { name: `blobs/sha256/${hex(sha256(manifest))}`, content: manifest },
    { name: `blobs/sha256/${hex(sha256(cfg))}`, content: cfg },
    ...blobs.map((b) => ({ name: `blobs/sha256/${lie.path ?? hex(sha256(b))}`, content: lie.bytes ?? b })),
  ]);
}

async function load(archive: Buffer): Promise<{ ok: boolean; text: string }> {
  const r = await d.request('POST', '/v1.45/images/load', archive);
  const errors = r.body.split('\n').filter(Boolean).map((l) => { try { return (JSON.parse(l) as { error?: string }).error; } catch { return undefined; } }).filter(Boolean);
  const message = r.status === 200 ? '' : ((JSON.parse(r.body) as { message?: string }).message ?? r.body);
  return { ok: r.status === 200 && errors.length === 0, text: [message, ...errors, r.body].join('\n') };
}

interface Inspect { Id: string; RootFS: { Layers: string[] } }
async function inspect(name: string): Promise<Inspect> {
  return (JSON.parse(await d.docker(['image', 'inspect', name])) as Inspect[])[0]!;
}

/** The store's contents that a refused load must leave as they were. */
function storeState(): { blobs: string[]; layers: string[]; tmp: string[]; distribution: string } {
  const blobsDir = join(d.dataRoot, 'image/blobs/sha256');
  const dist = join(d.dataRoot, 'image/distribution.json');
  return {
    blobs: readdirSync(blobsDir).sort(),
    layers: readdirSync(join(d.dataRoot, 'image/layers')).sort(),
    tmp: existsSync(join(d.dataRoot, 'tmp')) ? readdirSync(join(d.dataRoot, 'tmp')).sort() : [],
    distribution: existsSync(dist) ? readFileSync(dist, 'utf8') : '',
  };
}

function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const id of diffIds) out.push(out.length === 0 ? id : sha256(`${out[out.length - 1]} ${id}`));
  return out;
}

function layerFile(chainId: string, path: string): Buffer {
  return readFileSync(join(d.dataRoot, 'image/layers', hex(chainId), 'diff', path));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-load-import-'));
  d = await startBerthd();
}, 60_000);

afterAll(async () => {
  await d?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('docker load with layers checked by the unpacker', () => {
  it('loads a docker-archive with a plain and a gzip layer: right diffIDs and files, the gzip one kept compressed', async () => {
    const plain = await bigLayer('plain');
    const gz = await bigLayer('gz');
    const r = await load(await dockerArchive([{ tar: plain, gzip: false }, { tar: gz, gzip: true }], 'li/mixed:1'));
    expect(r.ok, r.text).toBe(true);
    const img = await inspect('li/mixed:1');
    expect(img.RootFS.Layers).toEqual([sha256(plain), sha256(gz)]);
    const chain = chainIds(img.RootFS.Layers);
    expect(layerFile(chain[0]!, 'data/plain.txt').toString()).toBe('plain\n');
    expect(layerFile(chain[1]!, 'data/gz.txt').toString()).toBe('gz\n');
    const blobs = readdirSync(join(d.dataRoot, 'image/blobs/sha256'));
    // The plain layer is its own blob (named by the unpacker's hash); the gzip one is kept as it came.
    expect(blobs).toContain(hex(sha256(plain)));
    expect(blobs).not.toContain(hex(sha256(gz)));
    const sources = JSON.parse(readFileSync(join(d.dataRoot, 'image/distribution.json'), 'utf8')) as Record<string, { digest: string; mediaType: string }[]>;
    const kept = sources[sha256(gz)]?.[0];
    expect(kept?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    expect(blobs).toContain(hex(kept!.digest));
    expect(storeState().tmp.filter((n) => n.startsWith('spool-'))).toEqual([]);
  });

  it('saves the gzip layer compressed; berthd and skopeo read the archive back with the same image ID', async () => {
    const before = await inspect('li/mixed:1');
    const saved = join(work, 'mixed.tar');
    await d.docker(['save', '-o', saved, 'li/mixed:1']);
    const oci = join(work, 'mixed-oci');
    execFileSync('skopeo', ['copy', '-q', `docker-archive:${saved}`, `oci:${oci}:x`]);
    const ociIndex = JSON.parse(readFileSync(join(oci, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const ociManifest = JSON.parse(readFileSync(join(oci, 'blobs/sha256', hex(ociIndex.manifests[0]!.digest)), 'utf8')) as { config: { digest: string }; layers: { mediaType: string }[] };
    // skopeo rewrites the config as OCI (another digest) but keeps the layers and their diffIDs.
    const ociConfig = JSON.parse(readFileSync(join(oci, 'blobs/sha256', hex(ociManifest.config.digest)), 'utf8')) as { rootfs: { diff_ids: string[] } };
    expect(ociConfig.rootfs.diff_ids).toEqual(before.RootFS.Layers);
    expect(ociManifest.layers).toHaveLength(2);
    // The archive itself: the plain layer as its tar, the gzip one as the compressed blob kept.
    const unpacked = join(work, 'mixed-unpacked');
    execFileSync('mkdir', ['-p', unpacked]);
    execFileSync('tar', ['-C', unpacked, '-xf', saved]);
    const index = JSON.parse(readFileSync(join(unpacked, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(unpacked, 'blobs/sha256', hex(index.manifests[0]!.digest)), 'utf8')) as { layers: { mediaType: string; digest: string }[] };
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar', 'application/vnd.oci.image.layer.v1.tar+gzip']);
    expect(manifest.layers[0]!.digest).toBe(before.RootFS.Layers[0]);
    const gzBlob = readFileSync(join(unpacked, 'blobs/sha256', hex(manifest.layers[1]!.digest)));
    expect(sha256(gzBlob)).toBe(manifest.layers[1]!.digest);
    const dockerManifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
    expect(dockerManifest[0]!.Layers).toEqual(manifest.layers.map((l) => `blobs/sha256/${hex(l.digest)}`));
    await d.docker(['rmi', 'li/mixed:1']);
    expect(await d.docker(['load', '-i', saved])).toContain('Loaded image: li/mixed:1');
    expect((await inspect('li/mixed:1')).Id).toBe(before.Id);
  });

  it('loads an OCI layout with plain and gzip blobs', async () => {
    const plain = await bigLayer('oci-plain');
    const gz = await bigLayer('oci-gz');
    const r = await load(await ociArchive([{ tar: plain, gzip: false }, { tar: gz, gzip: true }], 'docker.io/li/oci:1'));
    expect(r.ok, r.text).toBe(true);
    const img = await inspect('li/oci:1');
    expect(img.RootFS.Layers).toEqual([sha256(plain), sha256(gz)]);
    expect(layerFile(chainIds(img.RootFS.Layers)[1]!, 'data/oci-gz.txt').toString()).toBe('oci-gz\n');
  });

  it.each([
    ['a plain layer whose content is not its diff_id', false],
    ['a gzip layer whose content is not its diff_id', true],
  ])('refuses %s, storing nothing', async (_what, gzip) => {
    const before = storeState();
    const real = await bigLayer(gzip ? 'lie-gz' : 'lie-plain');
    const claimed = `sha256:${'0'.repeat(64)}`;
    const r = await load(await dockerArchive([{ tar: real, gzip }], 'li/lie:1', [claimed]));
    expect(r.ok).toBe(false);
    expect(r.text).toContain(`invalid image archive: layer 1 (layer0/layer.tar) has content ${sha256(real)} but the config's diff_id is ${claimed}`);
    expect(storeState()).toEqual(before);
    expect((await d.dockerResult(['image', 'inspect', 'li/lie:1'])).code).not.toBe(0);
  });

  it('refuses an OCI layout whose large blob is not the digest its path names, storing nothing', async () => {
    const before = storeState();
    const real = await bigLayer('misnamed');
    const wrong = 'ab'.repeat(32);
    const r = await load(await ociArchive([{ tar: real, gzip: false }], 'docker.io/li/misnamed:1', { path: wrong }));
    expect(r.ok).toBe(false);
    // The manifest names the real digest, which is not in the archive.
    expect(r.text).toContain(`invalid image archive: layer "blobs/sha256/${hex(sha256(real))}" is missing`);
    expect(storeState()).toEqual(before);
    // The blob at the right path holding other bytes (hashed by the unpacker as they arrived).
    const other = await bigLayer('other');
    const r2 = await load(await ociArchive([{ tar: real, gzip: false }], 'docker.io/li/misnamed:1', { bytes: other }));
    expect(r2.ok).toBe(false);
    expect(r2.text).toContain(`has digest ${sha256(other)}`);
    expect(storeState()).toEqual(before);
  });
});

describe('docker import with the unpacker\'s hash as the diffID', () => {
  it('imports a plain tar: the diffID is the tar\'s sha256 and the tar is its blob', async () => {
    const tar = await bigLayer('imp-plain');
    const file = join(work, 'imp-plain.tar');
    writeFileSync(file, tar);
    const id = (await d.docker(['import', file, 'li/imp:plain'])).trim();
    const img = await inspect('li/imp:plain');
    expect(img.Id).toBe(id);
    expect(img.RootFS.Layers).toEqual([sha256(tar)]);
    expect(readdirSync(join(d.dataRoot, 'image/blobs/sha256'))).toContain(hex(sha256(tar)));
    expect(layerFile(sha256(tar), 'data/imp-plain.txt').toString()).toBe('imp-plain\n');
  });

  it('imports a gzip tar without inflating it in berthd: kept compressed, saved and loaded back', async () => {
    const tar = await bigLayer('imp-gz');
    const gz = gzipSync(tar);
    const file = join(work, 'imp.tar.gz');
    writeFileSync(file, gz);
    await d.docker(['import', file, 'li/imp:gz']);
    const img = await inspect('li/imp:gz');
    expect(img.RootFS.Layers).toEqual([sha256(tar)]);
    const blobs = readdirSync(join(d.dataRoot, 'image/blobs/sha256'));
    expect(blobs).toContain(hex(sha256(gz)));
    expect(blobs).not.toContain(hex(sha256(tar)));
    expect(layerFile(sha256(tar), 'data/imp-gz.txt').toString()).toBe('imp-gz\n');
    const saved = join(work, 'imp-gz-saved.tar');
    await d.docker(['save', '-o', saved, 'li/imp:gz']);
    await d.docker(['rmi', 'li/imp:gz']);
    expect(await d.docker(['load', '-i', saved])).toContain('Loaded image: li/imp:gz');
    expect((await inspect('li/imp:gz')).Id).toBe(img.Id);
    // Push sends the kept compressed bytes as they are.
    const registry = await startRegistry();
    try {
      const target = `${registry.host}/li/imp:gz`;
      await d.docker(['tag', 'li/imp:gz', target]);
      await d.docker(['push', target]);
      const pushed = JSON.parse((await skopeoInspectRaw(`docker://${target}`)).toString()) as { layers: { digest: string }[] };
      expect(pushed.layers.map((l) => l.digest)).toEqual([sha256(gz)]);
    } finally { await registry.stop(); }
  });

  it('refuses a truncated gzip upload, storing nothing', async () => {
    const before = storeState();
    const gz = gzipSync(await bigLayer('imp-cut'));
    const file = join(work, 'cut.tar.gz');
    writeFileSync(file, gz.subarray(0, gz.length - 4096));
    const r = await d.dockerResult(['import', file, 'li/imp:cut']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unexpected end|truncated|invalid layer tar|gzip/i);
    expect(storeState()).toEqual(before);
  });
});

describe('docker save of a pulled image (its layers kept only compressed)', () => {
  it('writes the pulled gzip blobs, and the archive loads back with the same image ID', async () => {
    const registry = await startRegistry();
    try {
      const img = writeOciLayout(join(work, 'pulled-oci'), 'v1', [
        { tar: await layerTar([{ path: 'etc/pulled', content: 'pulled\n' }]), compression: 'gzip' },
        { tar: await bigLayer('pulled-big'), compression: 'gzip' },
      ]);
      const name = `${registry.host}/li/pulled:v1`;
      await skopeoCopy(`oci:${img.dir}:v1`, `docker://${name}`, { extra: ['--preserve-digests'] });
      await d.docker(['pull', name]);
      const saved = join(work, 'pulled.tar');
      await d.docker(['save', '-o', saved, name]);
      const unpacked = join(work, 'pulled-unpacked');
      execFileSync('mkdir', ['-p', unpacked]);
      execFileSync('tar', ['-C', unpacked, '-xf', saved]);
      const dockerManifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
      expect(dockerManifest[0]!.Layers).toEqual(img.layers.map((l) => `blobs/sha256/${hex(l.digest)}`));
      await d.docker(['rmi', name]);
      expect(await d.docker(['load', '-i', saved])).toContain(`Loaded image: ${name}`);
      expect((await inspect(name)).Id).toBe(img.configDigest);
    } finally { await registry.stop(); }
  });
});
