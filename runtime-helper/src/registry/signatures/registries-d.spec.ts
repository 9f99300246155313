import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LookasideConfig } from './registries-d.js';
import { signatureUrl } from './lookaside.js';
import { parseReference } from '../reference.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-regd-'));
  writeFileSync(join(dir, 'a.yaml'), [
    'default-docker:',
    '  lookaside: file:///var/lib/sigs',
    'docker:',
    '  reg.example:5000:',
    '    lookaside: https://sigs.example/all',
    '  reg.example:5000/team/app:',
    '    sigstore: http://127.0.0.1:8080/app',
    '    sigstore-staging: file:///srv/app',
    '  writer.example:',
    '    lookaside-staging: file:///only/for/writers',
  ].join('\n'));
  writeFileSync(join(dir, 'ignored.conf'), 'not: [yaml');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('registries.d lookaside', () => {
  it('picks the most specific scope, the older sigstore name, then default-docker', () => {
    const c = LookasideConfig.load(dir);
    expect(c.sourceFor(parseReference('reg.example:5000/team/app:1'))?.url.href).toBe('http://127.0.0.1:8080/app');
    expect(c.sourceFor(parseReference('reg.example:5000/team/other'))?.url.href).toBe('https://sigs.example/all');
    expect(c.sourceFor(parseReference('writer.example/x'))?.url.href).toBe('file:///var/lib/sigs');
    expect(c.sourceFor(parseReference('busybox'))?.from).toMatch(/a\.yaml default-docker$/);
  });

  it('lets registry-lookaside override, and has nothing for an absent directory', () => {
    const c = LookasideConfig.load(join(dir, 'absent'), { 'reg.example:5000': 'file:///explicit' });
    expect(c.sourceFor(parseReference('reg.example:5000/team/app'))?.url.href).toBe('file:///explicit');
    expect(c.sourceFor(parseReference('busybox'))).toBeUndefined();
  });

  it('refuses a scope set twice, bad YAML and unsupported URLs with the file named', () => {
    const bad = mkdtempSync(join(tmpdir(), 'berth-regd-bad-'));
    try {
      writeFileSync(join(bad, '1.yaml'), 'docker:\n  h.example:\n    lookaside: file:///a\n');
      writeFileSync(join(bad, '2.yaml'), 'docker:\n  h.example:\n    lookaside: file:///b\n');
      expect(() => LookasideConfig.load(bad)).toThrow(/scope h\.example is configured twice/);
      writeFileSync(join(bad, '2.yaml'), 'docker: [unclosed');
      expect(() => LookasideConfig.load(bad)).toThrow(/read registries\.d file .*2\.yaml/);
      writeFileSync(join(bad, '2.yaml'), 'docker:\n  g.example:\n    lookaside: ftp://x/y\n');
      expect(() => LookasideConfig.load(bad)).toThrow(/2\.yaml docker\.g\.example: lookaside ftp: URLs are not supported/);
    } finally { rmSync(bad, { recursive: true, force: true }); }
  });

  it('lays out signature URLs as containers/image does', () => {
    const d = `sha256:${'ab'.repeat(32)}`;
    expect(signatureUrl(new URL('http://127.0.0.1:8080/sigs/'), 'team/app', d, 2).href).toBe(`http://127.0.0.1:8080/sigs/team/app@sha256=${'ab'.repeat(32)}/signature-2`);
    expect(signatureUrl(new URL('file:///srv/sigs'), 'library/busybox', d, 1).pathname).toBe(`/srv/sigs/library/busybox@sha256=${'ab'.repeat(32)}/signature-1`);
    expect(() => signatureUrl(new URL('file:///x'), 'a', 'sha256:../../etc', 1)).toThrow(/invalid manifest digest/);
  });
});
