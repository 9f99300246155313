import { describe, it, expect } from 'vitest';
import { parseReference, familiarString, canonicalString, withDefaultTag, normaliseRegistryHost, manifestReference } from './reference.js';

describe('parseReference', () => {
  it('normalises Docker Hub short names like docker does', () => {
    expect(parseReference('busybox')).toEqual({ domain: 'docker.io', path: 'library/busybox' });
    expect(parseReference('user/app:1.0')).toEqual({ domain: 'docker.io', path: 'user/app', tag: '1.0' });
    expect(parseReference('docker.io/busybox')).toEqual({ domain: 'docker.io', path: 'library/busybox' });
    expect(parseReference('index.docker.io/library/busybox:1')).toEqual({ domain: 'docker.io', path: 'library/busybox', tag: '1' });
  });

  it('recognises registry hosts by dot, port or localhost', () => {
    expect(parseReference('localhost:5000/name')).toEqual({ domain: 'localhost:5000', path: 'name' });
    expect(parseReference('localhost/name:t')).toEqual({ domain: 'localhost', path: 'name', tag: 't' });
    expect(parseReference('registry.example.com/a/b/c:v2')).toEqual({ domain: 'registry.example.com', path: 'a/b/c', tag: 'v2' });
    expect(parseReference('127.0.0.1:5000/x/y')).toEqual({ domain: '127.0.0.1:5000', path: 'x/y' });
  });

  it('parses digests, with and without a tag', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseReference(`busybox@${d}`)).toEqual({ domain: 'docker.io', path: 'library/busybox', digest: d });
    expect(parseReference(`host:5000/app:v1@${d}`)).toEqual({ domain: 'host:5000', path: 'app', tag: 'v1', digest: d });
    expect(manifestReference(parseReference(`host:5000/app:v1@${d}`))).toBe(d);
  });

  it('rejects bad references with a message naming the problem', () => {
    expect(() => parseReference('')).toThrow(/empty/);
    expect(() => parseReference('Busybox')).toThrow(/lowercase/);
    expect(() => parseReference('busybox:bad tag')).toThrow(/invalid/);
    expect(() => parseReference('busybox@sha256:123')).toThrow(/invalid digest/);
    expect(() => parseReference(`busybox@sha256:${'g'.repeat(64)}`)).toThrow(/invalid sha256 digest/);
    expect(() => parseReference('a//b')).toThrow(/invalid repository name component/);
    expect(() => parseReference(`host:5000/${'a'.repeat(300)}`)).toThrow(/255/);
  });

  it('prints familiar and canonical forms', () => {
    expect(familiarString(withDefaultTag(parseReference('busybox')))).toBe('busybox:latest');
    expect(canonicalString(withDefaultTag(parseReference('busybox')))).toBe('docker.io/library/busybox:latest');
    expect(familiarString(parseReference('user/app:1'))).toBe('user/app:1');
    expect(familiarString(parseReference('localhost:5000/app:1'))).toBe('localhost:5000/app:1');
  });

  it('normalises registry host names given to login', () => {
    expect(normaliseRegistryHost('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normaliseRegistryHost('')).toBe('docker.io');
    expect(normaliseRegistryHost('https://Registry.Example:5000/v2/')).toBe('registry.example:5000');
    expect(normaliseRegistryHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
  });
});
