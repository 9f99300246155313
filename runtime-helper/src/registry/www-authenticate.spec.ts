import { describe, it, expect } from 'vitest';
import { parseWwwAuthenticate } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads a Bearer challenge with quoted parameters', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' } },
    ]);
  });

  it('reads Basic, unquoted values, escapes and several challenges in one header', () => {
    expect(parseWwwAuthenticate('Basic realm="a \\"quoted\\" realm", Bearer realm=https://x/t, service=svc')).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
      { scheme: 'bearer', params: { realm: 'https://x/t', service: 'svc' } },
    ]);
  });

  it('accepts several headers and nothing at all', () => {
    expect(parseWwwAuthenticate(['Basic realm="r"', 'Bearer realm="t"']).map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});
