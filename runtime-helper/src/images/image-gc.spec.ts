// The collector on a real store in a temp dir: leases keep what writes in progress committed
// (a pulled layer and its compressed blob before the image exists), everything else unreferenced
// goes, records before blobs, and a journal left behind makes the next start collect.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { ImageService } from './image-service.js';
import { EventBus } from '../events/bus.js';
import { silentLogger } from '../util/log.js';
import { sha256Digest } from '../util/digest.js';

let root: string;
let svc: ImageService;

async function tarOf(name: string, content: string): Promise<Buffer> {
  const p = pack();
  p.entry({ name, mode: 0o644 }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A layer and its compressed copy, as a pull commits them (blob, layer, distribution record). */
async function pulledLayer(name: string): Promise<{ diffId: string; gzDigest: string }> {
  const tar = await tarOf(name, `${name}\n`);
  const gz = gzipSync(tar);
  const gzDigest = svc.blobs.putBuffer(gz);
  const diffId = sha256Digest(tar);
  await svc.layers.ensure(diffId, null, { allowDevices: false, allowSetuid: false }, () => Readable.from([tar]));
  await svc.distribution.add(diffId, { digest: gzDigest, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: gz.length, repository: 'test/x' });
  return { diffId, gzDigest };
}

function configFor(diffIds: string[]): Buffer {
  return Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds }, history: [] }));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'berth-gc-spec-'));
  svc = new ImageService(root, 'vfs', new EventBus(), silentLogger());
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('image garbage collection', () => {
  it('keeps what a lease pinned until it is released, then deletes the unreferenced layer, blob and record', async () => {
    const lease = svc.lease();
    const { diffId, gzDigest } = await pulledLayer('pulled');
    // Another image's removal collects meanwhile: the pull's layer has no image yet.
    const during = svc.collect();
    expect(during.layers).toEqual([]);
    expect(svc.layers.has(diffId)).toBe(true);
    expect(svc.blobs.has(gzDigest)).toBe(true);
    expect(svc.distribution.sources(diffId)).toHaveLength(1);
    lease.release();
    const after = svc.collect();
    expect(after.layers).toEqual([diffId]);
    expect(after.blobs).toContain(gzDigest);
    expect(svc.layers.has(diffId)).toBe(false);
    expect(svc.blobs.list()).toEqual([]);
    expect(JSON.parse(readFileSync(join(root, 'image/distribution.json'), 'utf8'))).toEqual({});
    expect(readdirSync(join(root, 'image/l'))).toEqual([]);
    expect(readdirSync(join(root, 'image/layers'))).toEqual([]);
  });

  it('an image keeps its config, layer chain and compressed copies; removing it takes them all', async () => {
    const lease = svc.lease();
    const { diffId, gzDigest } = await pulledLayer('base');
    const image = svc.images.add(configFor([diffId]));
    lease.release();
    expect(svc.collect().blobs).toEqual([]);
    expect(svc.blobs.has(image.id) && svc.blobs.has(gzDigest) && svc.layers.has(diffId)).toBe(true);
    const out = svc.remove(image.id, { force: false, noprune: false });
    expect(out).toEqual([{ Deleted: image.id }, { Deleted: diffId }]);
    expect(svc.blobs.list()).toEqual([]);
    expect(existsSync(svc.paths.gcJournal)).toBe(false);
  });

  it('a journal left by a crash makes the next start collect; without one, nothing is touched at start', async () => {
    const { diffId } = await pulledLayer('orphan');
    // No journal: an orphan stays until a collection runs (start does not scan on its own).
    svc = new ImageService(root, 'vfs', new EventBus(), silentLogger());
    expect(svc.layers.has(diffId)).toBe(true);
    writeFileSync(svc.paths.gcJournal, '{}');
    svc = new ImageService(root, 'vfs', new EventBus(), silentLogger());
    expect(svc.layers.has(diffId)).toBe(false);
    expect(svc.blobs.list()).toEqual([]);
    expect(existsSync(svc.paths.gcJournal)).toBe(false);
  });

  it('an expiring lease left idle ends by itself and its garbage is collected', async () => {
    const lease = svc.gc.leases.acquire({ idleMs: 30 });
    // Held while the layer streams in: the idle clock does not run, however long it takes.
    lease.hold();
    const { diffId } = await pulledLayer('abandoned');
    await new Promise((r) => setTimeout(r, 80));
    expect(lease.active).toBe(true);
    expect(svc.collect().layers).toEqual([]);
    expect(lease.layers.has(diffId)).toBe(true);
    lease.unhold();
    await new Promise((r) => setTimeout(r, 120));
    expect(lease.active).toBe(false);
    expect(svc.layers.has(diffId)).toBe(false);
  });
});
