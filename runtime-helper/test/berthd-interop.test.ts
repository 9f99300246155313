// Archives cross between berthd, a real dockerd and skopeo: what one saves the others load, with
// the same image IDs and the same layer digests, and back again.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxImage } from '../../test-support/paths.js';
import { runDocker } from './support/berthd.js';
import { berthdBesideDockerd } from './support/engine-pair.js';
import { makeTar } from './support/tars.js';

/** The parts of an OCI image config this test rewrites; the rest is copied as it came. */
interface ImageConfig extends Record<string, unknown> {
  rootfs: { type: string; diff_ids: string[] };
  history?: unknown[];
}

const pair = berthdBesideDockerd({ busybox: false });
let work: string;

async function dockerdCli(args: string[]): Promise<string> {
  const r = await runDocker(pair().dockerd.host, args);
  if (r.code !== 0) throw new Error(`dockerd: docker ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function layersOf(inspectJson: string): string[] {
  return (JSON.parse(inspectJson) as { RootFS: { Layers: string[] } }[])[0]?.RootFS.Layers ?? [];
}

beforeAll(() => {
  work = join(pair().berth.dir, 'interop');
  mkdirSync(work);
});

describe('image archives between berthd, dockerd and skopeo', () => {
  it('dockerd -> berthd -> dockerd keeps image IDs and layers (two layers, whiteouts, links)', async () => {
    await dockerdCli(['import', '--change', 'CMD ["/bin/sh"]', busyboxImage().tar, 'interop/base:1']);
    // A second layer with a whiteout, an opaque directory, a symlink and a hard link, built by
    // dockerd itself from a container's changes would need a runtime; a loaded archive does it.
    const top = await makeTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/.wh.hostname' },
      { name: 'usr/', type: 'directory' },
      { name: 'usr/share/', type: 'directory' },
      { name: 'usr/share/.wh..wh..opq' },
      { name: 'usr/share/note.txt', content: 'hello from the top layer\n', mode: 0o640, uid: 1000, gid: 1000 },
      { name: 'usr/share/note-link', type: 'link', linkname: 'usr/share/note.txt' },
      { name: 'usr/share/note-sym', type: 'symlink', linkname: 'note.txt' },
    ]);
    const baseSave = join(work, 'base.tar');
    await dockerdCli(['save', '-o', baseSave, 'interop/base:1']);
    const baseLoaded = await pair().berth.docker(['load', '-i', baseSave]);
    expect(baseLoaded).toContain('Loaded image: interop/base:1');
    const baseInspect = await pair().berth.docker(['image', 'inspect', 'interop/base:1']);
    const config = JSON.parse(readFileSync(join(pair().berth.dataRoot, 'image/blobs/sha256', (JSON.parse(baseInspect)[0].Id as string).slice(7)), 'utf8')) as ImageConfig;
    // Build a two-layer image archive by hand from the base config.
    const { createHash } = await import('node:crypto');
    const topDiff = `sha256:${createHash('sha256').update(top).digest('hex')}`;
    const twoCfg = Buffer.from(JSON.stringify({ ...config, rootfs: { type: 'layers', diff_ids: [...config.rootfs.diff_ids, topDiff] }, history: [...(config.history ?? []), { created: '2024-01-01T00:00:00Z', created_by: 'interop test' }] }));
    const twoId = `sha256:${createHash('sha256').update(twoCfg).digest('hex')}`;
    const baseLayerTar = execFileSync('tar', ['-xOf', baseSave, JSON.parse(execFileSync('tar', ['-xOf', baseSave, 'manifest.json']).toString())[0].Layers[0]], { maxBuffer: 64 << 20 });
    const twoArchive = await makeTar([
      { name: 'l0.tar', content: baseLayerTar },
      { name: 'l1.tar', content: top },
      { name: 'config.json', content: twoCfg },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: ['interop/two:1'], Layers: ['l0.tar', 'l1.tar'] }]) },
    ]);
    const twoTar = join(work, 'two.tar');
    (await import('node:fs')).writeFileSync(twoTar, twoArchive);
    await dockerdCli(['load', '-i', twoTar]);
    const dockerdTwo = await dockerdCli(['image', 'inspect', 'interop/two:1']);
    expect(JSON.parse(dockerdTwo)[0].Id).toBe(twoId);

    // dockerd saves, berthd loads.
    const fromDockerd = join(work, 'from-dockerd.tar');
    await dockerdCli(['save', '-o', fromDockerd, 'interop/two:1']);
    await pair().berth.docker(['load', '-i', fromDockerd]);
    const berthTwo = await pair().berth.docker(['image', 'inspect', 'interop/two:1']);
    expect(JSON.parse(berthTwo)[0].Id).toBe(twoId);
    expect(layersOf(berthTwo)).toEqual(layersOf(dockerdTwo));

    // berthd saves, dockerd (after removing its copy) loads it back.
    const fromBerth = join(work, 'from-pair().berth.tar');
    await pair().berth.docker(['save', '-o', fromBerth, 'interop/two:1']);
    await dockerdCli(['rmi', 'interop/two:1']);
    expect(await dockerdCli(['load', '-i', fromBerth])).toContain('Loaded image: interop/two:1');
    const back = await dockerdCli(['image', 'inspect', 'interop/two:1']);
    expect(JSON.parse(back)[0].Id).toBe(twoId);
    expect(layersOf(back)).toEqual(layersOf(berthTwo));
  });

  it('berthd -> skopeo (OCI layout) -> dockerd and berthd agree; and back through docker-archive', async () => {
    await pair().berth.docker(['import', '--change', 'ENV SKOPEO=1', busyboxImage().tar, 'interop/sk:1']);
    const saved = join(work, 'sk.tar');
    await pair().berth.docker(['save', '-o', saved, 'interop/sk:1']);
    const berthLayers = layersOf(await pair().berth.docker(['image', 'inspect', 'interop/sk:1']));
    const oci = join(work, 'oci');
    execFileSync('skopeo', ['copy', '-q', `docker-archive:${saved}`, `oci:${oci}:sk`]);
    const back = join(work, 'sk-back.tar');
    execFileSync('skopeo', ['copy', '-q', `oci:${oci}:sk`, `docker-archive:${back}:interop/sk:back`]);
    // Both engines load skopeo's archive and compute the same ID (skopeo rewrote the config as OCI).
    expect(await pair().berth.docker(['load', '-i', back])).toContain('Loaded image: interop/sk:back');
    expect(await dockerdCli(['load', '-i', back])).toContain('Loaded image: interop/sk:back');
    const berthBack = await pair().berth.docker(['image', 'inspect', 'interop/sk:back']);
    const dockerdBack = await dockerdCli(['image', 'inspect', 'interop/sk:back']);
    expect(JSON.parse(berthBack)[0].Id).toBe(JSON.parse(dockerdBack)[0].Id);
    expect(layersOf(berthBack)).toEqual(berthLayers);
    expect(layersOf(dockerdBack)).toEqual(berthLayers);
    // The OCI layout itself (as a tar) loads into berthd with the same layers.
    const ociTar = join(work, 'oci.tar');
    execFileSync('tar', ['-C', oci, '-cf', ociTar, '.']);
    const loaded = await pair().berth.docker(['load', '-i', ociTar]);
    expect(loaded).toMatch(/Loaded image ID: sha256:[a-f0-9]{64}/);
    const id = /Loaded image ID: (sha256:[a-f0-9]{64})/.exec(loaded)?.[1] ?? '';
    expect(id).toBe(JSON.parse(berthBack)[0].Id);
    // skopeo reads what berthd wrote as an OCI layout too (docker 25+ archives are both).
    execFileSync('mkdir', ['-p', join(work, 'unpacked')]);
    execFileSync('tar', ['-C', join(work, 'unpacked'), '-xf', saved]);
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', `oci:${join(work, 'unpacked')}:1`]).toString()) as { Layers: string[] };
    expect(inspected.Layers).toEqual(berthLayers);
  });
});
