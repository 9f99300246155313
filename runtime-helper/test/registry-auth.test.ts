// Authentication against real registries: TLS from a self-signed CA with htpasswd basic auth,
// and the Bearer token flow behind a token server run here (anonymous pull, pull and push with
// credentials, tokens cached per scope). Credentials never appear in errors.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../test-support/registry.js';
import { layerTar, writeOciLayout, skopeoCopy, type BuiltImage } from '../../test-support/registry-image.js';
import { makeHarness } from './registry-support.js';
import { RegistryContext, EndpointClient } from '../src/registry/registry-client.js';
import { registrySettings } from '../src/registry/config.js';
import { pullScope } from '../src/registry/auth.js';

const user = { username: 'berth-user', password: 'S3cret-pa55word!' };
let work: string;
let image: BuiltImage;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-reg-auth-'));
  image = writeOciLayout(join(work, 'img'), 'v1', [{ tar: await layerTar([{ path: 'hello', content: 'hello auth\n' }]), compression: 'gzip' }]);
});
afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

function expectNoSecret(err: unknown): void {
  const text = `${(err as Error).message} ${(err as Error).stack ?? ''} ${JSON.stringify(err)}`;
  expect(text).not.toContain(user.password);
  expect(text).not.toContain(Buffer.from(`${user.username}:${user.password}`).toString('base64'));
}

describe('TLS with a self-signed CA and htpasswd basic auth', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ tls: true, basicAuth: user });
    await skopeoCopy(`oci:${image.dir}:v1`, `docker://${registry.host}/auth/app:v1`, { destCertDir: registry.certsDir!.concat(`/${registry.host}`), destAuth: user, extra: ['--preserve-digests'] });
  });
  afterAll(async () => { await registry?.stop(); });

  it('pulls and pushes with credentials, trusting the CA from the certs directory', async () => {
    const h = makeHarness({ certsDir: registry.certsDir!, insecureRegistries: [] });
    try {
      // 127.0.0.1 counts as insecure by default (as in dockerd); name another host to force verification.
      expect(h.ctx.resolver.tlsFor(registry.host).ca?.[0]).toContain('BEGIN CERTIFICATE');
      const r = await h.pull(`${registry.host}/auth/app:v1`, { credentials: user });
      expect(r.imageId).toBe(image.configDigest);
      const pushed = await h.push(r.imageId, `${registry.host}/auth/copy:v1`, { credentials: user });
      expect(pushed.messages.some((m) => m.status === 'Mounted from auth/app')).toBe(true);
    } finally { h.close(); }
  });

  it('refuses without credentials and with a wrong password, with clear errors that hold no secret', async () => {
    const h = makeHarness({ certsDir: registry.certsDir! });
    try {
      await expect(h.pull(`${registry.host}/auth/app:v1`)).rejects.toThrow(/authentication required \(log in first\)/);
      const err = await h.pull(`${registry.host}/auth/app:v1`, { credentials: { username: user.username, password: 'wrong-password-123' } }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/credentials given were refused/);
      expect((err as Error).message).not.toContain('wrong-password-123');
      expectNoSecret(err);
    } finally { h.close(); }
  });

  it('verifies TLS for a registry that is not listed as insecure', async () => {
    const ctx = new RegistryContext(registrySettings({ retries: 0 }));
    try {
      // Connect by the name "localhost", which is not loopback-by-IP: verification applies unless listed.
      const port = registry.host.split(':')[1];
      const verified = new RegistryContext(registrySettings({ retries: 0, insecureRegistries: [] }));
      const resolver = verified.resolver;
      expect(resolver.isInsecure(`localhost:${port}`)).toBe(true);
      expect(resolver.isInsecure(`registry.example:${port}`)).toBe(false);
      verified.close();
      // Without the CA, a verifying client refuses the self-signed certificate.
      const strict = new RegistryContext(registrySettings({ retries: 0 }));
      const endpoint = { name: registry.host, urls: [new URL(registry.url)], mirror: false };
      (strict.resolver as unknown as { isInsecure: (h: string) => boolean }).isInsecure = () => false;
      const client = new EndpointClient(strict, endpoint, user);
      const err = await client.ping([pullScope('auth/app')]).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/TLS verification failed/);
      expectNoSecret(err);
      strict.close();
      // Listed as insecure: unverified TLS is accepted.
      const insecure = new RegistryContext(registrySettings({ retries: 0, insecureRegistries: [registry.host] }));
      await new EndpointClient(insecure, endpoint, user).ping([]);
      insecure.close();
    } finally { ctx.close(); }
  });
});

describe('Bearer token auth', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ tokenAuth: user });
    await skopeoCopy(`oci:${image.dir}:v1`, `docker://${registry.host}/tok/app:v1`, { destAuth: user, extra: ['--preserve-digests'] });
  });
  afterAll(async () => { await registry?.stop(); });

  it('pulls anonymously with a token scoped to pull, and reuses the cached token', async () => {
    const h = makeHarness();
    try {
      const before = registry.tokenServer!.requests.length;
      const r = await h.pull(`${registry.host}/tok/app:v1`);
      expect(r.imageId).toBe(image.configDigest);
      const mine = registry.tokenServer!.requests.slice(before);
      expect(mine.length).toBe(1);
      expect(mine[0]).toEqual({ scopes: ['repository:tok/app:pull'], account: undefined, authenticated: false });
      await h.pull(`${registry.host}/tok/app:v1`);
      expect(registry.tokenServer!.requests.length).toBe(before + 1);
      // Anonymous users cannot push: the registry refuses the pull-only token.
      const err = await h.push(r.imageId, `${registry.host}/tok/other:v1`).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/authentication required|unauthorized|denied/);
    } finally { h.close(); }
  });

  it('pushes with credentials (token for pull,push) and refuses wrong credentials without leaking them', async () => {
    const h = makeHarness();
    try {
      const r = await h.pull(`${registry.host}/tok/app:v1`, { credentials: user });
      const before = registry.tokenServer!.requests.length;
      const pushed = await h.push(r.imageId, `${registry.host}/tok/pushed:v1`, { credentials: user });
      expect(pushed.digest).toMatch(/^sha256:/);
      const scopes = registry.tokenServer!.requests.slice(before).flatMap((q) => q.scopes);
      expect(scopes).toContain('repository:tok/pushed:pull,push');
      expect(scopes).toContain('repository:tok/app:pull');
      expect(registry.tokenServer!.requests.slice(before).every((q) => q.authenticated && q.account === user.username)).toBe(true);

      const bad = makeHarness();
      try {
        const err = await bad.pull(`${registry.host}/tok/app:v1`, { credentials: { username: user.username, password: 'nope-nope-nope' } }).catch((e: unknown) => e);
        expect((err as Error).message).toMatch(/token server 127\.0\.0\.1:\d+ refused the credentials \(HTTP 401\)/);
        expect((err as Error).message).not.toContain('nope-nope-nope');
      } finally { bad.close(); }
    } finally { h.close(); }
  });
});
