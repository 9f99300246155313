// Create mounts the container's snapshot in the background: every reader of the container's
// root asked for right after create (commit, export, diff, cp, inspect) must wait for that mount
// and answer as it would a moment later. Raw API calls sent the moment create answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import tar from 'tar-stream';
import { startBerthd, type Berthd } from './support/berthd.js';
import { busyboxImage } from '../../test-support/paths.js';

let b: Berthd;
const runtimeArgs = process.env.BERTH_CONTAINERS_RUNTIME ? ['--default-runtime', process.env.BERTH_CONTAINERS_RUNTIME] : [];

beforeAll(async () => {
  b = await startBerthd(runtimeArgs);
  await b.docker(['import', busyboxImage().tar, 'busybox']);
});

afterAll(async () => {
  if (!b) return;
  const ids = (await b.dockerResult(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (ids.length) await b.dockerResult(['rm', '-f', ...ids]);
  await b.dockerResult(['rmi', '-f', 'race:commit']);
  await b.stop();
});

function raw(method: string, path: string, body?: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: b.socket, method, path, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function create(name: string): Promise<string> {
  const r = await raw('POST', `/containers/create?name=${name}`, JSON.stringify({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } }));
  expect(r.status, r.body.toString()).toBe(201);
  return (JSON.parse(r.body.toString()) as { Id: string }).Id;
}

async function tarNames(buf: Buffer): Promise<string[]> {
  const names: string[] = [];
  const extract = tar.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (h, stream, next) => { names.push(h.name.replace(/^\.?\//, '')); stream.resume(); stream.on('end', next); });
    extract.on('finish', resolve);
    extract.on('error', reject);
    extract.end(buf);
  });
  return names;
}

describe('readers of a just-created container root', () => {
  it('export right after create gives the image root', async () => {
    for (let i = 0; i < 3; i++) {
      const id = await create(`race-export-${i}`);
      const r = await raw('GET', `/containers/${id}/export`);
      expect(r.status).toBe(200);
      expect(await tarNames(r.body)).toEqual(expect.arrayContaining(['bin/busybox', 'etc/passwd']));
    }
  });

  it('diff right after create lists nothing', async () => {
    for (let i = 0; i < 3; i++) {
      const id = await create(`race-diff-${i}`);
      const r = await raw('GET', `/containers/${id}/changes`);
      expect(r.status, r.body.toString()).toBe(200);
      expect(JSON.parse(r.body.toString())).toBeNull();
    }
  });

  it('archive (docker cp out) right after create reads the image file', async () => {
    const id = await create('race-cp');
    const r = await raw('GET', `/containers/${id}/archive?path=/etc/passwd`);
    expect(r.status, r.body.toString()).toBe(200);
    expect(await tarNames(r.body)).toEqual(['passwd']);
  });

  it('inspect right after create shows the mounted root', async () => {
    const id = await create('race-inspect');
    const r = await raw('GET', `/containers/${id}/json`);
    const view = JSON.parse(r.body.toString()) as { GraphDriver: { Data: { MergedDir: string; UpperDir: string } } };
    expect(view.GraphDriver.Data.MergedDir).not.toBe('');
    expect(view.GraphDriver.Data.UpperDir).not.toBe('');
  });

  it('commit right after create makes an image that runs', async () => {
    await create('race-commit');
    const r = await raw('POST', '/commit?container=race-commit&repo=race&tag=commit&comment=just-created');
    expect(r.status, r.body.toString()).toBe(201);
    expect((JSON.parse(r.body.toString()) as { Id: string }).Id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await b.docker(['run', '--rm', '--network', 'none', 'race:commit', 'cat', '/etc/passwd'])).toContain('root:');
    expect(await b.docker(['history', '--format', '{{.Comment}}', 'race:commit'])).toContain('just-created');
    // The container itself still starts from its (now mounted) root.
    expect((await b.dockerResult(['start', '-a', 'race-commit'])).code).toBe(0);
  });
});
