// dockerode (the client the Electron app uses) against berthd: ping, version, info, images,
// load, save, tag, history, remove, prune, df and events.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createReadStream } from 'node:fs';
import Docker from 'dockerode';
import { busyboxImage } from '../../test-support/paths.js';
import { startBerthd, type Berthd } from './support/berthd.js';

let d: Berthd;
let docker: Docker;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  d = await startBerthd();
  docker = new Docker({ socketPath: d.socket });
});
afterAll(async () => { await d?.stop(); });

describe('berthd with dockerode', () => {
  it('pings and reports version and info', async () => {
    expect((await docker.ping()).toString()).toBe('OK');
    const v = await docker.version();
    expect(v.ApiVersion).toBe('1.45');
    expect(v.Os).toBe('linux');
    const info = await docker.info() as { DockerRootDir: string; Images: number };
    expect(info.DockerRootDir).toBe(d.dataRoot);
    expect(info.Images).toBe(0);
  });

  it('imports, tags, inspects, saves, loads, removes and prunes images', async () => {
    // import: dockerode's createImage with fromSrc=- streams the rootfs as the body.
    const importStream = await (docker.importImage(createReadStream(busyboxImage().tar), { repo: 'dockerode/bb', tag: '1' } as never) as unknown as Promise<NodeJS.ReadableStream>);
    const importOut = (await readAll(importStream)).toString();
    const id = JSON.parse(importOut.trim().split('\n').pop() ?? '{}').status as string;
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
    await docker.getImage('dockerode/bb:1').tag({ repo: 'dockerode/bb', tag: '2' });
    const list = await docker.listImages({ filters: JSON.stringify({ reference: ['dockerode/bb'] }) });
    expect(list).toHaveLength(1);
    expect(list[0]?.RepoTags?.sort()).toEqual(['dockerode/bb:1', 'dockerode/bb:2']);
    const inspect = await docker.getImage(id).inspect();
    expect(inspect.Id).toBe(id);
    const history = await docker.getImage('dockerode/bb:2').history() as { Id: string }[];
    expect(history[0]?.Id).toBe(id);

    const archive = await readAll(await docker.getImage('dockerode/bb:1').get());
    expect(archive.length).toBeGreaterThan(500_000);
    const removed = await docker.getImage(id).remove({ force: true }) as Record<string, string>[];
    expect(removed).toContainEqual({ Deleted: id });
    expect(await docker.listImages()).toEqual([]);

    const { PassThrough } = await import('node:stream');
    const body = new PassThrough();
    body.end(archive);
    const loadOut = (await readAll(await docker.loadImage(body))).toString();
    expect(loadOut).toContain('Loaded image: dockerode/bb:1');
    expect((await docker.getImage('dockerode/bb:1').inspect()).Id).toBe(id);

    const df = await docker.df() as { LayersSize: number; Images: { Id: string }[] };
    expect(df.Images.map((i) => i.Id)).toEqual([id]);
    expect(df.LayersSize).toBeGreaterThan(0);

    // Untag the only tag: the image becomes dangling, and prune takes it.
    await docker.getImage(id).tag({ repo: 'keep/me', tag: 'x' });
    await docker.getImage('keep/me:x').remove();
    const stillThere = await docker.getImage(id).inspect();
    expect(stillThere.RepoTags).toEqual(['dockerode/bb:1']);
    await docker.getImage('dockerode/bb:1').remove();
    await expect(docker.getImage(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('streams events as they happen', async () => {
    const importStream = await (docker.importImage(createReadStream(busyboxImage().tar), { repo: 'events/bb', tag: '1' } as never) as unknown as Promise<NodeJS.ReadableStream>);
    await readAll(importStream);
    const events = await docker.getEvents({ filters: JSON.stringify({ type: ['image'] }) });
    const seen: { Action: string; Actor: { Attributes: { name?: string } } }[] = [];
    const got = new Promise<void>((resolve) => {
      let buf = '';
      events.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          seen.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
          if (seen.some((e) => e.Action === 'delete')) resolve();
        }
      });
    });
    await docker.getImage('events/bb:1').tag({ repo: 'events/bb', tag: '2' });
    await docker.getImage('events/bb:1').remove();
    await docker.getImage('events/bb:2').remove();
    await got;
    (events as unknown as { destroy(): void }).destroy();
    // As dockerd: untag and delete name the image's ID, not the reference.
    expect(seen.map((e) => `${e.Action} ${e.Actor.Attributes.name ?? ''}`.trim().replace(/sha256:[0-9a-f]{64}/, '<id>'))).toEqual([
      'tag events/bb:2', 'untag <id>', 'untag <id>', 'delete <id>',
    ]);
  });
});
