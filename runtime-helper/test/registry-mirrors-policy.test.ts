// Mirrors tried in order before the origin (a dead one, one without the image, one with it) and
// the trust policy file deciding what may be pulled, through the client and through berthd.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, freePort, type TestRegistry } from '../../test-support/registry.js';
import { layerTar, writeOciLayout, skopeoCopy, type BuiltImage } from '../../test-support/registry-image.js';
import { makeHarness } from './registry-support.js';
import { TrustPolicy } from '../src/registry/trust-policy.js';
import { startBerthd } from './support/berthd.js';

let origin: TestRegistry;
let mirror: TestRegistry;
let emptyMirror: TestRegistry;
let work: string;
let onMirror: BuiltImage;
let onOrigin: BuiltImage;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-reg-mirror-'));
  [origin, mirror, emptyMirror] = await Promise.all([startRegistry(), startRegistry(), startRegistry()]);
  onMirror = writeOciLayout(join(work, 'm'), 'v1', [{ tar: await layerTar([{ path: 'where', content: 'mirror\n' }]), compression: 'gzip' }]);
  onOrigin = writeOciLayout(join(work, 'o'), 'v1', [{ tar: await layerTar([{ path: 'where', content: 'origin\n' }]), compression: 'gzip' }]);
  await skopeoCopy(`oci:${onMirror.dir}:v1`, `docker://${mirror.host}/lib/app:v1`, { extra: ['--preserve-digests'] });
  await skopeoCopy(`oci:${onOrigin.dir}:v1`, `docker://${origin.host}/lib/app:v1`, { extra: ['--preserve-digests'] });
  await skopeoCopy(`oci:${onOrigin.dir}:v1`, `docker://${origin.host}/lib/only-origin:v1`, { extra: ['--preserve-digests'] });
});

afterAll(async () => {
  await Promise.all([origin, mirror, emptyMirror].map((r) => r?.stop()));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('mirrors', () => {
  it('tries the mirrors in order before the origin: dead, then empty, then the one that has it', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const h = makeHarness({ retries: 1, mirrors: { [origin.host]: [dead, emptyMirror.url, mirror.url] } });
    try {
      const r = await h.pull(`${origin.host}/lib/app:v1`);
      expect(r.imageId).toBe(onMirror.configDigest);
      // Tagged under the name asked for, not the mirror's.
      expect(h.svc.refs.get({ domain: origin.host, path: 'lib/app', tag: 'v1' })).toBe(onMirror.configDigest);
      // What no mirror has comes from the origin.
      expect((await h.pull(`${origin.host}/lib/only-origin:v1`)).imageId).toBe(onOrigin.configDigest);
    } finally { h.close(); }
  });

  it('uses only the origin when no mirror is configured', async () => {
    const h = makeHarness();
    try { expect((await h.pull(`${origin.host}/lib/app:v1`)).imageId).toBe(onOrigin.configDigest); } finally { h.close(); }
  });
});

describe('trust policy', () => {
  it('rejects per registry and repository, and accepts the rest', async () => {
    const policy = TrustPolicy.parse({
      default: [{ type: 'insecureAcceptAnything' }],
      transports: { docker: { [`${origin.host}/lib/only-origin`]: [{ type: 'reject' }], [mirror.host]: [{ type: 'reject' }] } },
    }, 'test policy');
    const h = makeHarness();
    try {
      await expect(h.pull(`${origin.host}/lib/only-origin:v1`, { policy })).rejects.toThrow(`trust policy: pulling ${origin.host}/lib/only-origin is rejected (scope ${origin.host}/lib/only-origin)`);
      await expect(h.pull(`${mirror.host}/lib/app:v1`, { policy })).rejects.toThrow(/is rejected/);
      expect((await h.pull(`${origin.host}/lib/app:v1`, { policy })).imageId).toBe(onOrigin.configDigest);
      expect(h.leftovers()).toEqual([]);
    } finally { h.close(); }
  });

  it('is read by berthd from its config file at each pull', async () => {
    const policyFile = join(work, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ default: [{ type: 'reject' }] }));
    const daemonJson = join(work, 'daemon.json');
    writeFileSync(daemonJson, JSON.stringify({ 'trust-policy': policyFile }));
    const d = await startBerthd(['--config-file', daemonJson]);
    try {
      const r = await d.dockerResult(['pull', `${origin.host}/lib/app:v1`]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`trust policy: pulling ${origin.host}/lib/app is rejected (scope default)`);
      writeFileSync(policyFile, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
      expect(await d.docker(['pull', `${origin.host}/lib/app:v1`])).toContain('Status: Downloaded newer image');
    } finally { await d.stop(); }
  });
});

describe('search with a configured search registry', () => {
  it('answers an unqualified term from that registry\'s v2 catalog (it has no /v1/search)', async () => {
    const daemonJson = join(work, 'search-daemon.json');
    writeFileSync(daemonJson, JSON.stringify({ 'search-registry': origin.host }));
    const d = await startBerthd(['--config-file', daemonJson]);
    try {
      const r = await d.request('GET', `/images/search?term=${encodeURIComponent('only')}`);
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual([{ name: `${origin.host}/lib/only-origin`, description: '', star_count: 0, is_official: false, is_automated: false }]);
      const names = (await d.docker(['search', '--format', '{{.Name}}', 'lib'])).trim().split('\n').sort();
      expect(names).toEqual([`${origin.host}/lib/app`, `${origin.host}/lib/only-origin`]);
      expect((await d.docker(['search', '--limit', '1', '--format', '{{.Name}}', 'lib'])).trim().split('\n')).toHaveLength(1);
      expect((await d.docker(['search', '--format', '{{.Name}}', 'nothing-like-this'])).trim()).toBe('');
    } finally { await d.stop(); }
  });
});
