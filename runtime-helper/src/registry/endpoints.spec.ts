import { describe, it, expect } from 'vitest';
import { EndpointResolver } from './endpoints.js';
import { registrySettings } from './config.js';

describe('endpoints', () => {
  const r = new EndpointResolver(registrySettings({
    registryMirrors: ['https://mirror-a.example', 'http://mirror-b.example:5000/'],
    mirrors: { 'quay.example': ['https://quay-mirror.example'] },
    insecureRegistries: ['plain.example:5000', '10.1.0.0/16'],
  }));

  it('tries Docker Hub mirrors in order, then the Hub API host', () => {
    const e = r.endpointsFor('docker.io');
    expect(e.map((x) => [x.urls.map(String), x.mirror])).toEqual([
      [['https://mirror-a.example/'], true],
      [['http://mirror-b.example:5000/'], true],
      [['https://registry-1.docker.io/'], false],
    ]);
    expect(r.endpointsFor('quay.example').map((x) => x.urls[0]!.host)).toEqual(['quay-mirror.example', 'quay.example']);
    expect(r.endpointsFor('other.example')).toHaveLength(1);
  });

  it('allows plain HTTP or unverified TLS only for listed names, CIDRs and loopback', () => {
    expect(r.endpointsFor('plain.example:5000')[0]!.urls.map(String)).toEqual(['https://plain.example:5000/', 'http://plain.example:5000/']);
    expect(r.endpointsFor('secure.example')[0]!.urls.map(String)).toEqual(['https://secure.example/']);
    expect(r.isInsecure('10.1.2.3:5000')).toBe(true);
    expect(r.isInsecure('10.2.0.1')).toBe(false);
    expect(r.isInsecure('127.0.0.1:5000')).toBe(true);
    expect(r.isInsecure('localhost:5000')).toBe(true);
    expect(r.tlsFor('secure.example').verify).toBe(true);
    expect(r.tlsFor('plain.example:5000').verify).toBe(false);
  });
});
