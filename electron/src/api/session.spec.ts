// The API contract through the real session and client: typed calls, validation at the edge with
// messages naming the field, engine errors naming the operation, streams ending with errors.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsStore } from '../config/settings-store.js';
import { EngineHub } from '../engine/hub.js';
import { ApiCallError } from '../shared/client.js';
import type { RequestName } from '../shared/contract.js';
import { requestSchemas, streamSchemas } from './schemas.js';
import { makeHandlers } from './handlers.js';
import { connectInMemory } from './test-channel.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'berth-api-'));
  dirs.push(dir);
  const store = new SettingsStore(join(dir, 'app.json'));
  const hub = new EngineHub(store);
  // An engine that is not there: the error paths are what this suite checks.
  hub.overrideHost(`unix://${join(dir, 'no-engine.sock')}`);
  return { dir, hub, ...connectInMemory(hub) };
}

const goodSpec = {
  image: 'busybox:test', env: [], ports: [], volumes: [], restart: 'no' as const, tty: true, interactive: true,
  resources: { memory: 64 * 1024 * 1024, cpuShares: 512, cpusetCpus: '', pidsLimit: 0, blkioWeight: 0 },
};

describe('API contract', () => {
  it('has a schema and a handler for every request, and a schema for every stream', () => {
    const handlers = makeHandlers(setup().hub);
    expect(Object.keys(requestSchemas).sort()).toEqual(Object.keys(handlers).sort());
    expect(Object.keys(streamSchemas).sort()).toEqual(['build', 'events', 'logs', 'pull', 'push', 'stats', 'terminal']);
  });

  it('ends a build with the folder\'s problem before the engine is asked, then with the engine\'s absence', async () => {
    const { client, dir } = setup();
    const spec = { context: join(dir, 'nope'), dockerfile: 'Dockerfile', tags: [], buildArgs: {}, noCache: false };
    const missing = await new Promise<ApiCallError | undefined>((resolve) => client.open('build', spec, { onEnd: resolve }));
    expect(missing?.message).toBe(`open build: build context ${join(dir, 'nope')}: no such folder`);
    expect(await client.call('build.check', { context: dir, dockerfile: 'Dockerfile' })).toMatchObject({ dockerfileFound: false, problem: `Dockerfile Dockerfile: no such file in ${dir}` });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox:test\n');
    const down = await new Promise<ApiCallError | undefined>((resolve) => client.open('build', { ...spec, context: dir }, { onEnd: resolve }));
    expect(down?.message).toMatch(/engine not reachable \(ENOENT\)/);
  });

  it('round-trips settings and writes them to disk', async () => {
    const { client, dir } = setup();
    const before = await client.call('settings.get', {});
    expect(before.theme).toBe('system');
    expect(before.terminalRenderer).toBe('auto');
    const after = await client.call('settings.set', { settings: { theme: 'dark', scrollback: 2000, terminalRenderer: 'dom' } });
    expect(after).toMatchObject({ theme: 'dark', scrollback: 2000, terminalRenderer: 'dom' });
    expect(JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')).settings).toMatchObject({ theme: 'dark', terminalRenderer: 'dom' });
    const bad = await client.call('settings.set', { settings: { terminalRenderer: 'vulkan' as never } }).catch((e: Error) => e);
    expect((bad as ApiCallError).status).toBe(400);
    expect((bad as Error).message).toMatch(/terminalRenderer/);
  });

  it('rejects bad input with a 400 that names the field', async () => {
    const { client, logged } = setup();
    const bad = { ...goodSpec, resources: { ...goodSpec.resources, memory: 'lots' } };
    const err = await client.call('containers.run', { spec: bad as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect((err as ApiCallError).status).toBe(400);
    // The person reads the field and the problem; the method name goes to the log only.
    expect((err as Error).message).toMatch(/^invalid input: spec\.resources\.memory/);
    expect(logged[0]).toMatch(/^containers\.run: invalid input: spec\.resources\.memory/);
    const small = await client.call('containers.update', { id: 'x', resources: { memory: 1024 } }).catch((e: Error) => e);
    expect((small as Error).message).toMatch(/minimum limit is 6 MiB/);
    const blkio = await client.call('containers.update', { id: 'x', resources: { blkioWeight: 5 } }).catch((e: Error) => e);
    expect((blkio as Error).message).toMatch(/blkio weight: between 10 and 1000/);
  });

  it('answers an unknown request with 404 and a malformed message with 400', async () => {
    const { client } = setup();
    const err = await client.call('no.such' as RequestName, {} as never).catch((e: ApiCallError) => e);
    expect((err as ApiCallError).status).toBe(404);
    expect((err as Error).message).toBe("unknown request 'no.such'");
  });

  it('says what to do when the engine is down, and logs the operation by its method name', async () => {
    const { client, logged } = setup();
    const err = await client.call('containers.list', { all: true }).catch((e: Error) => e);
    expect((err as Error).message).toBe('engine not reachable (ENOENT): start it or pick another engine in Settings');
    expect(logged).toContain('containers.list: engine not reachable (ENOENT): start it or pick another engine in Settings');
    const status = await client.call('engine.status', {});
    expect(status.connected).toBe(false);
    expect(status.error).toMatch(/connect to unix:.*no-engine\.sock/);
  });

  it('refuses an engine address that is not a URL', async () => {
    const { client } = setup();
    const err = await client.call('engines.add', { name: 'x', host: 'not a url' }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/parse engine host 'not a url'/);
    const added = await client.call('engines.add', { name: 'podman', host: 'unix:///run/podman/podman.sock' });
    const list = await client.call('engines.list', {});
    expect(list.engines.map((e) => e.id)).toContain(added.id);
    const builtin = await client.call('engines.remove', { id: 'berthd' }).catch((e: Error) => e);
    expect((builtin as Error).message).toMatch(/built-in engine cannot be removed/);
  });

  it('ends a stream opened with bad params, and one whose engine is down, with the reason', async () => {
    const { client } = setup();
    const bad = await new Promise<ApiCallError | undefined>((resolve) => client.open('terminal', { id: 'c', mode: 'exec', cols: 0, rows: 24 }, { onEnd: resolve }));
    expect(bad?.status).toBe(400);
    expect(bad?.message).toMatch(/terminal: invalid input: cols/);
    const down = await new Promise<ApiCallError | undefined>((resolve) => client.open('logs', { id: 'c', follow: true, timestamps: false, tail: 0 }, { onEnd: resolve }));
    expect(down?.message).toMatch(/open logs: engine not reachable/);
  });

  it('fails calls in flight when the transport goes away', async () => {
    const { client, session } = setup();
    session.dispose();
    const p = client.call('settings.get', {});
    client.disconnect('connection to the app lost');
    await expect(p).rejects.toThrow('connection to the app lost');
  });
});
