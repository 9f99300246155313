import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRegistryAuthHeader, encodeRegistryAuthHeader, DockerConfigCredentials } from './credentials.js';

describe('X-Registry-Auth', () => {
  it('decodes what the docker CLI sends (base64url JSON)', () => {
    const header = Buffer.from(JSON.stringify({ username: 'u', password: 'p?>~', serveraddress: 'host:5000' })).toString('base64url');
    expect(decodeRegistryAuthHeader(header)).toEqual({ username: 'u', password: 'p?>~' });
    expect(decodeRegistryAuthHeader(encodeRegistryAuthHeader({ identityToken: 'tok' }))).toEqual({ identityToken: 'tok' });
  });

  it('treats empty, "{}" and garbage as anonymous', () => {
    expect(decodeRegistryAuthHeader(undefined)).toBeUndefined();
    expect(decodeRegistryAuthHeader('e30=')).toBeUndefined();
    expect(decodeRegistryAuthHeader('%%%not-base64')).toBeUndefined();
    expect(decodeRegistryAuthHeader(Buffer.from('"a string"').toString('base64'))).toBeUndefined();
  });
});

describe('docker config.json credentials', () => {
  let dir: string;
  let oldPath: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-creds-'));
    // A real credential helper program, speaking the docker-credential-helpers protocol.
    const helper = join(dir, 'docker-credential-berthtest');
    writeFileSync(helper, '#!/bin/sh\nread server\nif [ "$1" = get ] && [ "$server" = "helped.example:5000" ]; then echo \'{"ServerURL":"helped.example:5000","Username":"hu","Secret":"hs"}\'; else echo "credentials not found in native keychain" >&2; exit 1; fi\n');
    chmodSync(helper, 0o755);
    writeFileSync(join(dir, 'docker-credential-tokenstore'), '#!/bin/sh\nread server\necho \'{"Username":"<token>","Secret":"refresh-token"}\'\n');
    chmodSync(join(dir, 'docker-credential-tokenstore'), 0o755);
    oldPath = process.env.PATH;
    process.env.PATH = `${dir}:${oldPath ?? ''}`;
  });
  afterAll(() => {
    process.env.PATH = oldPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads auths entries for Docker Hub and other hosts', async () => {
    const c = new DockerConfigCredentials({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hub:hubpass').toString('base64') },
        'plain.example:5000': { auth: Buffer.from('pu:pp:with:colons').toString('base64') },
        'https://withscheme.example': { username: 'su', password: 'sp' },
      },
    });
    expect(await c.get('docker.io')).toEqual({ username: 'hub', password: 'hubpass' });
    expect(await c.get('plain.example:5000')).toEqual({ username: 'pu', password: 'pp:with:colons' });
    expect(await c.get('withscheme.example')).toEqual({ username: 'su', password: 'sp' });
    expect(await c.get('unknown.example')).toBeUndefined();
  });

  it('asks credHelpers first, then credsStore, and falls back to auths', async () => {
    const c = new DockerConfigCredentials({
      credHelpers: { 'helped.example:5000': 'berthtest' },
      credsStore: 'tokenstore',
      auths: { 'fallback.example': { auth: Buffer.from('fu:fp').toString('base64') } },
    });
    expect(await c.get('helped.example:5000')).toEqual({ username: 'hu', password: 'hs' });
    expect(await c.get('other.example')).toEqual({ identityToken: 'refresh-token' });
    const onlyHelper = new DockerConfigCredentials({ credHelpers: { 'fallback.example': 'berthtest' }, auths: { 'fallback.example': { auth: Buffer.from('fu:fp').toString('base64') } } });
    expect(await onlyHelper.get('fallback.example')).toEqual({ username: 'fu', password: 'fp' });
  });

  it('loads a file, and a missing file means no credentials', async () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ auths: { 'h.example': { auth: Buffer.from('a:b').toString('base64') } } }));
    expect(await (await DockerConfigCredentials.load(file)).get('h.example')).toEqual({ username: 'a', password: 'b' });
    expect(await (await DockerConfigCredentials.load(join(dir, 'absent.json'))).get('h.example')).toBeUndefined();
    writeFileSync(file, '{broken');
    await expect(DockerConfigCredentials.load(file)).rejects.toThrow(/read docker config .*config\.json/);
  });
});
