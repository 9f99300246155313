// An image made by `docker commit` (and its imported base) exists in berthd only as uncompressed
// layer tars: push gzips them as they upload. The real docker CLI pushes to the local
// docker-registry; skopeo reads and copies what was pushed; a second push reuses the kept
// compressed blobs; a fresh berthd pulls it back with the same diffIDs and runs it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../test-support/registry.js';
import { skopeoCopy, skopeoInspectRaw } from '../../test-support/registry-image.js';
import { busyboxImage } from '../../test-support/paths.js';
import { startBerthd, type Berthd } from './support/berthd.js';

const run = promisify(execFile);
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let registry: TestRegistry;
let a: Berthd;
let b: Berthd | undefined;
let work: string;
let name: string;
let diffIds: string[];
let pushedDigest: string;

interface Manifest { mediaType: string; config: { digest: string }; layers: { mediaType: string; digest: string; size: number }[] }

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-push-commit-'));
  registry = await startRegistry();
  a = await startBerthd();
  await a.docker(['import', busyboxImage().tar, 'busybox']);
  await a.docker(['run', '--name', 'maker', 'busybox', 'sh', '-c', 'mkdir /made && echo committed > /made/file && head -c 300000 /dev/urandom > /made/random']);
  name = `${registry.host}/commit/app:v1`;
  await a.docker(['commit', 'maker', name]);
  diffIds = (JSON.parse(await a.docker(['image', 'inspect', name])) as { RootFS: { Layers: string[] } }[])[0]!.RootFS.Layers;
}, 120_000);

afterAll(async () => {
  for (const d of [a, b]) {
    if (!d) continue;
    const ids = (await d.dockerResult(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await d.dockerResult(['rm', '-f', ...ids]);
    await d.stop();
  }
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('push of a committed image', () => {
  it('gzips the uncompressed layers while uploading; the registry holds blobs that match the manifest', async () => {
    expect(diffIds).toHaveLength(2);
    const out = await a.docker(['push', name]);
    for (const d of diffIds) expect(out).toContain(`${d.slice(7, 19)}: Pushed`);
    pushedDigest = /v1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(out)![1]!;
    const raw = await skopeoInspectRaw(`docker://${name}`);
    expect(sha256(raw)).toBe(pushedDigest);
    const manifest = JSON.parse(raw.toString()) as Manifest;
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(diffIds.map(() => 'application/vnd.docker.image.rootfs.diff.tar.gzip'));
    // skopeo copies it out (checking every digest) to a directory; each blob gunzips to its diffID.
    const dir = join(work, 'copy');
    await skopeoCopy(`docker://${name}`, `dir:${dir}`, { extra: ['--preserve-digests'] });
    manifest.layers.forEach((l, i) => {
      const blob = readFileSync(join(dir, l.digest.slice(7)));
      expect(sha256(blob)).toBe(l.digest);
      expect(blob.length).toBe(l.size);
      expect(sha256(gunzipSync(blob))).toBe(diffIds[i]);
    });
    // ...and back into another repository, which Berth then pulls (below) as the second witness.
    await skopeoCopy(`dir:${dir}`, `docker://${registry.host}/commit/via-skopeo:v1`, { extra: ['--preserve-digests'] });
  });

  it('keeps the compressed blobs: a second push sends nothing, another repository mounts them, the mapping alone suffices', async () => {
    const again = await a.docker(['push', name]);
    for (const d of diffIds) expect(again).toContain(`${d.slice(7, 19)}: Layer already exists`);
    expect(again).toContain(`v1: digest: ${pushedDigest}`);
    const distribution = JSON.parse(readFileSync(join(a.dataRoot, 'image', 'distribution.json'), 'utf8')) as Record<string, { digest: string; repository: string }[]>;
    for (const d of diffIds) {
      const kept = distribution[d]!.find((s) => s.repository === `${registry.host}/commit/app`)!;
      expect(statSync(join(a.dataRoot, 'image', 'blobs', 'sha256', kept.digest.slice(7))).isFile()).toBe(true);
    }
    const other = `${registry.host}/other/app:v1`;
    await a.docker(['tag', name, other]);
    const mounted = await a.docker(['push', other]);
    for (const d of diffIds) expect(mounted).toContain(`${d.slice(7, 19)}: Mounted from commit/app`);
    expect(mounted).toContain(`v1: digest: ${pushedDigest}`);
    // Without the kept bytes, the recorded diffID -> digest mapping still spares the upload.
    for (const d of diffIds) rmSync(join(a.dataRoot, 'image', 'blobs', 'sha256', distribution[d]![0]!.digest.slice(7)));
    const mappedOnly = await a.docker(['push', name]);
    for (const d of diffIds) expect(mappedOnly).toContain(`${d.slice(7, 19)}: Layer already exists`);
    expect(mappedOnly).toContain(`v1: digest: ${pushedDigest}`);
  });

  it('pulls back into a fresh berthd with the same diffIDs, and runs', async () => {
    b = await startBerthd();
    for (const ref of [name, `${registry.host}/commit/via-skopeo:v1`]) {
      await b.docker(['pull', ref]);
      const inspect = (JSON.parse(await b.docker(['image', 'inspect', ref])) as { RootFS: { Layers: string[] } }[])[0]!;
      expect(inspect.RootFS.Layers).toEqual(diffIds);
    }
    expect(await b.docker(['run', '--rm', name, 'cat', '/made/file'])).toBe('committed\n');
    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${name}`]);
    expect(stdout.trim()).toBe(pushedDigest);
  });
});
