// Pull from a real docker-registry over plain HTTP (loopback counts as insecure, as in dockerd):
// images pushed by skopeo, with gzip, zstd and uncompressed layers, by tag and by digest, a
// multi-platform index, layers already present, and a blob corrupted in the registry's storage.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../test-support/registry.js';
import { layerTar, writeOciLayout, skopeoCopy, sha256, type BuiltImage } from '../../test-support/registry-image.js';
import { makeHarness, type Harness } from './registry-support.js';
import { chainIdsOf } from '../src/registry/pull.js';

let registry: TestRegistry;
let work: string;
let image: BuiltImage;

beforeAll(async () => {
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'berth-reg-pull-'));
  image = writeOciLayout(join(work, 'mixed'), 'v1', [
    { tar: await layerTar([{ path: 'etc/one.txt', content: 'layer one, gzip\n' }, { path: 'bin/tool', content: Buffer.alloc(300_000, 7), mode: 0o755 }]), compression: 'gzip' },
    { tar: await layerTar([{ path: 'etc/two.txt', content: 'layer two, zstd\n' }]), compression: 'zstd' },
    { tar: await layerTar([{ path: 'etc/three.txt', content: 'layer three, plain tar\n' }]), compression: 'none' },
  ]);
  await skopeoCopy(`oci:${image.dir}:v1`, `docker://${registry.host}/test/mixed:v1`, { extra: ['--preserve-digests'] });
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function withHarness(fn: (h: Harness) => Promise<void>): () => Promise<void> {
  return async () => {
    const h = makeHarness();
    try { await fn(h); } finally { h.close(); }
  };
}

describe('pull from a plain-HTTP registry', () => {
  it('pulls gzip, zstd and uncompressed layers skopeo pushed, unpacked and verified', withHarness(async (h) => {
    const r = await h.pull(`${registry.host}/test/mixed:v1`);
    expect(r.imageId).toBe(image.configDigest);
    expect(r.manifestDigest).toBe(image.manifestDigest);
    const chain = chainIdsOf(image.layers.map((l) => l.diffId));
    for (const c of chain) expect(h.svc.layers.has(c)).toBe(true);
    expect(readFileSync(join(h.svc.layers.diffDir(chain[0]!), 'etc/one.txt'), 'utf8')).toBe('layer one, gzip\n');
    expect(readFileSync(join(h.svc.layers.diffDir(chain[1]!), 'etc/two.txt'), 'utf8')).toBe('layer two, zstd\n');
    expect(readFileSync(join(h.svc.layers.diffDir(chain[2]!), 'etc/three.txt'), 'utf8')).toBe('layer three, plain tar\n');
    // The compressed blobs are kept byte for byte for push.
    for (const l of image.layers) expect(h.svc.blobs.has(l.digest)).toBe(true);
    expect(h.svc.refs.get({ domain: registry.host, path: 'test/mixed', tag: 'v1' })).toBe(image.configDigest);
    expect(h.leftovers()).toEqual([]);

    const statuses = r.messages.map((m) => m.status);
    expect(statuses[0]).toBe('Pulling from test/mixed');
    for (const l of image.layers) {
      const id = l.digest.slice(7, 19);
      const mine = r.messages.filter((m) => m.id === id).map((m) => m.status);
      expect(mine[0]).toBe('Pulling fs layer');
      expect(mine).toContain('Downloading');
      expect(mine.at(-1)).toBe('Pull complete');
      const dl = r.messages.filter((m) => m.id === id && m.status === 'Downloading').at(-1)!;
      expect(dl.progressDetail).toEqual({ current: l.size, total: l.size });
    }
    expect(statuses).toContain(`Digest: ${image.manifestDigest}`);
    expect(statuses.at(-1)).toBe(`Status: Downloaded newer image for ${registry.host}/test/mixed:v1`);

    // Second pull: every layer already there, image up to date.
    const again = await h.pull(`${registry.host}/test/mixed:v1`);
    const againStatuses = again.messages.map((m) => m.status);
    expect(againStatuses.filter((s) => s === 'Already exists')).toHaveLength(3);
    expect(againStatuses).not.toContain('Downloading');
    expect(againStatuses.at(-1)).toBe(`Status: Image is up to date for ${registry.host}/test/mixed:v1`);
  }));

  it('lets two pulls of the same image run at once', withHarness(async (h) => {
    const [a, b] = await Promise.all([h.pull(`${registry.host}/test/mixed:v1`), h.pull(`${registry.host}/test/mixed@${image.manifestDigest}`)]);
    expect(a.imageId).toBe(image.configDigest);
    expect(b.imageId).toBe(image.configDigest);
    for (const c of chainIdsOf(image.layers.map((l) => l.diffId))) expect(h.svc.layers.has(c)).toBe(true);
    expect(h.leftovers()).toEqual([]);
  }));

  it('pulls by digest and records the repo@digest reference', withHarness(async (h) => {
    const r = await h.pull(`${registry.host}/test/mixed@${image.manifestDigest}`);
    expect(r.imageId).toBe(image.configDigest);
    expect(h.svc.refs.get({ domain: registry.host, path: 'test/mixed', digest: image.manifestDigest })).toBe(image.configDigest);
    expect(h.svc.refs.get({ domain: registry.host, path: 'test/mixed', tag: 'latest' })).toBeUndefined();
  }));

  it('refuses a digest the registry does not have, and an unknown tag, naming them', withHarness(async (h) => {
    const missing = `sha256:${'ab'.repeat(32)}`;
    await expect(h.pull(`${registry.host}/test/mixed@${missing}`)).rejects.toThrow(/manifest test\/mixed:sha256:abab.*not found/);
    await expect(h.pull(`${registry.host}/test/mixed:nope`)).rejects.toThrow(/test\/mixed:nope.*not found/);
    await expect(h.pull(`${registry.host}/test/absent:v1`)).rejects.toThrow(/not found/);
  }));

  it('picks the requested platform from a multi-platform OCI index built here', withHarness(async (h) => {
    const amd = writeOciLayout(join(work, 'amd'), 'x', [{ tar: await layerTar([{ path: 'arch', content: 'amd64\n' }]), compression: 'gzip' }], { os: 'linux', architecture: 'amd64' });
    const arm = writeOciLayout(join(work, 'arm'), 'x', [{ tar: await layerTar([{ path: 'arch', content: 'arm64\n' }]), compression: 'gzip' }], { os: 'linux', architecture: 'arm64', variant: 'v8' });
    const armv7 = writeOciLayout(join(work, 'armv7'), 'x', [{ tar: await layerTar([{ path: 'arch', content: 'armv7\n' }]), compression: 'gzip' }], { os: 'linux', architecture: 'arm', variant: 'v7' });
    for (const [img, t] of [[amd, 'amd64'], [arm, 'arm64'], [armv7, 'armv7']] as const) {
      await skopeoCopy(`oci:${img.dir}:x`, `docker://${registry.host}/test/multi:${t}`, { extra: ['--preserve-digests'] });
    }
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: armv7.manifestDigest, size: armv7.manifestBytes.length, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: arm.manifestDigest, size: arm.manifestBytes.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amd.manifestDigest, size: amd.manifestBytes.length, platform: { os: 'linux', architecture: 'amd64' } },
      ],
    }));
    const put = await fetch(`${registry.url}/v2/test/multi/manifests/latest`, { method: 'PUT', headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: index });
    expect(put.status).toBe(201);

    const def = await h.pull(`${registry.host}/test/multi:latest`);
    expect(def.imageId).toBe(amd.configDigest);
    expect(def.manifestDigest).toBe(sha256(index));
    const a = await h.pull(`${registry.host}/test/multi:latest`, { platform: 'linux/arm64' });
    expect(a.imageId).toBe(arm.configDigest);
    const v7 = await h.pull(`${registry.host}/test/multi:latest`, { platform: 'linux/arm/v7' });
    expect(v7.imageId).toBe(armv7.configDigest);
    const chainArm = chainIdsOf(arm.layers.map((l) => l.diffId));
    expect(readFileSync(join(h.svc.layers.diffDir(chainArm[0]!), 'arch'), 'utf8')).toBe('arm64\n');
    await expect(h.pull(`${registry.host}/test/multi:latest`, { platform: 'linux/s390x' })).rejects.toThrow(/no manifest for platform linux\/s390x \(offered: linux\/arm\/v7, linux\/arm64\/v8, linux\/amd64\)/);
  }));

  it('fails cleanly on a blob corrupted in the registry storage, storing nothing of it', withHarness(async (h) => {
    const img = writeOciLayout(join(work, 'corrupt'), 'c', [
      { tar: await layerTar([{ path: 'ok', content: 'fine\n' }]), compression: 'gzip' },
      { tar: await layerTar([{ path: 'big', content: Buffer.alloc(2_000_000, 1) }]), compression: 'gzip' },
    ]);
    await skopeoCopy(`oci:${img.dir}:c`, `docker://${registry.host}/test/corrupt:c`, { extra: ['--preserve-digests'] });
    const bad = img.layers[1]!;
    const file = registry.blobDataPath(bad.digest);
    expect(existsSync(file)).toBe(true);
    const bytes = readFileSync(file);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    await expect(h.pull(`${registry.host}/test/corrupt:c`)).rejects.toThrow(new RegExp(`blob test/corrupt@${bad.digest}: downloaded content has digest sha256:[a-f0-9]{64}, refusing it`));
    const chain = chainIdsOf(img.layers.map((l) => l.diffId));
    expect(h.svc.layers.has(chain[1]!)).toBe(false);
    expect(h.svc.blobs.has(bad.digest)).toBe(false);
    expect(h.svc.images.has(img.configDigest)).toBe(false);
    expect(h.leftovers()).toEqual([]);
  }));
});
