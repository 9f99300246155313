// Registries that misbehave: 500s, a truncated blob, a blob with the wrong content, a manifest
// of absurd size, thousands of layers, redirect loops, a stalled transfer. Each is a clear error
// after bounded retries where retrying makes sense, with nothing half-stored; a broken
// connection resumes with Range. Then the same through berthd, which stays up.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startBadRegistry, type BadRegistry } from './registry-bad-server.js';
import { makeHarness, type Harness } from './registry-support.js';
import { startBerthd, type Berthd } from './support/berthd.js';

let bad: BadRegistry;
beforeAll(async () => { bad = await startBadRegistry(); });
afterAll(async () => { await bad?.close(); });

/** Each case pulls into a fresh store (they share one layer), so "nothing stored" is exact. */
async function expectCleanFailure(name: string, message: RegExp): Promise<void> {
  const h = makeHarness({ retries: 3, retryBaseMs: 10, idleTimeoutMs: 400 });
  try {
    await pullFails(h, name, message);
  } finally { h.close(); }
}

async function pullFails(h: Harness, name: string, message: RegExp): Promise<void> {
  const err = await h.pull(`${bad.host}/${name}`).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toMatch(message);
  expect(h.leftovers()).toEqual([]);
  expect(h.svc.layers.list()).toEqual([]);
  expect(h.svc.images.list()).toEqual([]);
  expect(h.svc.blobs.has(bad.layerDigest)).toBe(false);
}

describe('pull from a misbehaving registry', () => {
  let h: Harness;
  beforeAll(() => { h = makeHarness({ retries: 3, retryBaseMs: 10, idleTimeoutMs: 400 }); });
  afterAll(() => h?.close());

  it('retries 500s a bounded number of times, then names the status', async () => {
    const before = bad.log.filter((l) => l.includes('/err500/')).length;
    await expectCleanFailure('err500/app:v1', /GET manifest err500\/app:v1: registry answered HTTP 500: UNKNOWN boom \(after 4 attempts\)/);
    expect(bad.log.filter((l) => l.includes('/err500/')).length - before).toBe(4);
  });

  it('gets through a registry that fails twice and then answers', async () => {
    const r = await h.pull(`${bad.host}/flaky/app:v1`);
    expect(r.imageId).toMatch(/^sha256:/);
  });

  it('resumes a broken blob download with a Range request from the byte it reached', async () => {
    const fresh = makeHarness({ retries: 3, retryBaseMs: 10 });
    try {
      await fresh.pull(`${bad.host}/resume/app:v1`);
      const blobGets = bad.log.filter((l) => l.startsWith(`GET /v2/resume/app/blobs/${bad.layerDigest}`));
      expect(blobGets[0]).toBe(`GET /v2/resume/app/blobs/${bad.layerDigest}`);
      expect(blobGets[1]).toMatch(/ bytes=\d+-$/);
      expect(Number(/bytes=(\d+)-/.exec(blobGets[1]!)![1])).toBeGreaterThan(0);
      expect(fresh.leftovers()).toEqual([]);
    } finally { fresh.close(); }
  });

  it('gives up on a blob that is always truncated', async () => {
    await expectCleanFailure('truncated/app:v1', new RegExp(`blob truncated/app@${bad.layerDigest}: (connection ended|transfer failed) after \\d+ of ${bad.layerSize} bytes.*gave up after 4 attempts`));
  });

  it('refuses a blob whose content does not match its digest', async () => {
    await expectCleanFailure('wrongdigest/app:v1', /downloaded content has digest sha256:[a-f0-9]{64}, refusing it/);
  });

  it('refuses a layer that unpacks to something other than the config says, before the store keeps it', async () => {
    await expectCleanFailure('wrongdiffid/app:v1', new RegExp(`layer ${bad.layerDigest} unpacks to sha256:[a-f0-9]{64}, but the config says sha256:0{64}`));
  });

  it('fetches a non-distributable layer from its URL only where allowed', async () => {
    await expectCleanFailure('foreign/app:v1', new RegExp(`layer ${bad.layerDigest} is non-distributable and its URLs are not allowed`));
    const allowed = makeHarness({ allowNondistributableArtifacts: [bad.host] });
    try {
      const r = await allowed.pull(`${bad.host}/foreign/app:v1`);
      expect(r.imageId).toMatch(/^sha256:/);
      expect(bad.log).toContain(`GET /foreign/${bad.layerDigest}`);
    } finally { allowed.close(); }
  });

  it('stops reading a manifest of absurd size at the limit', async () => {
    await expectCleanFailure('hugemanifest/app:v1', /GET manifest hugemanifest\/app:v1: more than the limit of 4194304 bytes/);
  });

  it('refuses a manifest with thousands of layers', async () => {
    await expectCleanFailure('manylayers/app:v1', /manifest has 5000 layers, more than the limit of 127/);
  });

  it('stops following a redirect loop', async () => {
    await expectCleanFailure('redirect/app:v1', /more than 10 redirects/);
    await expectCleanFailure('blobredirect/app:v1', /more than 10 redirects/);
  });

  it('times out a stalled transfer, retries, then gives up', async () => {
    await expectCleanFailure('stall/app:v1', new RegExp(`blob stall/app@${bad.layerDigest}: stalled after \\d+ of ${bad.layerSize} bytes \\(GET .*: no data for 400ms\\) \\(gave up after 4 attempts\\)`));
  });
});

describe('cancelling a pull', () => {
  it('stops the transfers when the client goes away and leaves nothing behind', async () => {
    const h = makeHarness({ idleTimeoutMs: 30_000 });
    try {
      const abort = new AbortController();
      const seen = bad.log.length;
      const pulling = h.pull(`${bad.host}/stall/app:v1`, { signal: abort.signal });
      // The stalled blob has started: cancel as the API route does when the client disconnects.
      const started = () => bad.log.slice(seen).includes(`GET /v2/stall/app/blobs/${bad.layerDigest}`);
      for (let i = 0; i < 250 && !started(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(started()).toBe(true);
      abort.abort(new Error('client disconnected'));
      await expect(pulling).rejects.toThrow(/client disconnected|aborted/);
      // The stalled connection is closed now, not when the 30 s stall timeout would fire.
      for (let i = 0; i < 100 && bad.stalledOpen() > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(bad.stalledOpen()).toBe(0);
      expect(h.leftovers()).toEqual([]);
      expect(h.svc.layers.list()).toEqual([]);
    } finally { h.close(); }
  });
});

describe('berthd with a misbehaving registry', () => {
  let d: Berthd;
  beforeAll(async () => {
    process.env.BERTH_REGISTRY_IDLE_TIMEOUT_MS = '500';
    try { d = await startBerthd(); } finally { delete process.env.BERTH_REGISTRY_IDLE_TIMEOUT_MS; }
  });
  afterAll(async () => { await d?.stop(); });

  it('answers each bad registry with a clear error, stores nothing, and stays up', async () => {
    const cases: [string, RegExp][] = [
      ['wrongdigest/app:v1', /refusing it/],
      ['manylayers/app:v1', /5000 layers/],
      ['redirect/app:v1', /redirects/],
      ['hugemanifest/app:v1', /limit of 4194304 bytes/],
      ['truncated/app:v1', /gave up after/],
    ];
    for (const [name, message] of cases) {
      const r = await d.dockerResult(['pull', `${bad.host}/${name}`]);
      expect(r.code, name).not.toBe(0);
      expect(r.stderr, name).toMatch(message);
    }
    expect((await d.docker(['images', '-q'])).trim()).toBe('');
    expect((await d.request('GET', '/_ping')).status).toBe(200);
    const info = JSON.parse(await d.docker(['info', '--format', '{{json .Images}}'])) as number;
    expect(info).toBe(0);
  });
});
