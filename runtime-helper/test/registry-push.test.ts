// Push to a real docker-registry: blobs the registry has are skipped, blobs in another
// repository are mounted, the rest uploaded (monolithic and chunked); skopeo then copies what
// Berth pushed out and back, and Berth pulls the copy.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../test-support/registry.js';
import { layerTar, writeOciLayout, skopeoCopy, skopeoInspectRaw, sha256, type BuiltImage } from '../../test-support/registry-image.js';
import { makeHarness, type Harness } from './registry-support.js';
import { chainIdsOf } from '../src/registry/pull.js';

let registry: TestRegistry;
let other: TestRegistry;
let work: string;
let image: BuiltImage;
let h: Harness;

beforeAll(async () => {
  registry = await startRegistry();
  other = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'berth-reg-push-'));
  image = writeOciLayout(join(work, 'src'), 'v1', [
    { tar: await layerTar([{ path: 'etc/base', content: 'base\n' }, { path: 'data/blob', content: randomBytes(400_000) }]), compression: 'gzip' },
    { tar: await layerTar([{ path: 'etc/top', content: 'top, zstd\n' }]), compression: 'zstd' },
  ]);
  await skopeoCopy(`oci:${image.dir}:v1`, `docker://${registry.host}/src/app:v1`, { extra: ['--preserve-digests'] });
  h = makeHarness();
  await h.pull(`${registry.host}/src/app:v1`);
});

afterAll(async () => {
  h?.close();
  await registry?.stop();
  await other?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('push', () => {
  it('mounts layers from the repository they were pulled from, then skips them on a second push', async () => {
    const r = await h.push(image.configDigest, `${registry.host}/dst/app:v2`);
    const statuses = r.messages.map((m) => m.status);
    expect(statuses[0]).toBe(`The push refers to repository [${registry.host}/dst/app]`);
    for (const l of image.layers) {
      const id = l.diffId.slice(7, 19);
      const mine = r.messages.filter((m) => m.id === id).map((m) => m.status);
      expect(mine[0]).toBe('Preparing');
      expect(mine.at(-1)).toBe('Mounted from src/app');
    }
    expect(statuses).toContain(`v2: digest: ${r.digest} size: ${r.size}`);
    expect(r.messages.at(-1)?.aux).toEqual({ Tag: 'v2', Digest: r.digest, Size: r.size });
    const raw = await skopeoInspectRaw(`docker://${registry.host}/dst/app:v2`);
    expect(sha256(raw)).toBe(r.digest);
    const manifest = JSON.parse(raw.toString()) as { config: { digest: string }; layers: { digest: string }[] };
    expect(manifest.config.digest).toBe(image.configDigest);
    expect(manifest.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.digest));

    const again = await h.push(image.configDigest, `${registry.host}/dst/app:v3`);
    for (const l of image.layers) {
      expect(again.messages.filter((m) => m.id === l.diffId.slice(7, 19)).at(-1)?.status).toBe('Layer already exists');
    }
  });

  it('uploads to another registry monolithically and in chunks; skopeo copies it out and back; Berth pulls the copy', async () => {
    const mono = await h.push(image.configDigest, `${other.host}/mono/app:v1`);
    for (const l of image.layers) {
      const mine = mono.messages.filter((m) => m.id === l.diffId.slice(7, 19));
      expect(mine.at(-1)?.status).toBe('Pushed');
      expect(mine.filter((m) => m.status === 'Pushing').at(-1)?.progressDetail).toEqual({ current: l.size, total: l.size });
    }
    // Chunks of 64 KiB force several PATCH requests for the big layer.
    const chunked = await h.push(image.configDigest, `${other.host}/chunked/app:v1`, { upload: { chunkThreshold: 1024, chunkSize: 64 * 1024 } });
    expect(chunked.digest).toBe(mono.digest);
    expect(chunked.messages.filter((m) => m.status === 'Pushed')).toHaveLength(2);

    // skopeo: out of the registry into an OCI dir, and back under a new name.
    const out = join(work, 'skopeo-out');
    await skopeoCopy(`docker://${other.host}/chunked/app:v1`, `oci:${out}:copy`);
    await skopeoCopy(`oci:${out}:copy`, `docker://${other.host}/roundtrip/app:v1`);
    const fresh = makeHarness();
    try {
      const pulled = await fresh.pull(`${other.host}/roundtrip/app:v1`);
      expect(pulled.imageId).toBe(image.configDigest);
      const chain = chainIdsOf(image.layers.map((l) => l.diffId));
      expect(readFileSync(join(fresh.svc.layers.diffDir(chain[1]!), 'etc/top'), 'utf8')).toBe('top, zstd\n');
      expect(readFileSync(join(fresh.svc.layers.diffDir(chain[0]!), 'data/blob')).length).toBe(400_000);
    } finally {
      fresh.close();
    }
  });

  it('refuses to push to a digest reference', async () => {
    await expect(h.push(image.configDigest, `${other.host}/x/y@${image.manifestDigest}`)).rejects.toThrow(/cannot push to a digest reference/);
  });
});
