// Hints for failed pulls, from messages as berthd, dockerd and podman write them.
import { describe, expect, it } from 'vitest';
import { pullHint } from './pull-hint';

describe('pull hint', () => {
  it('a registry that cannot be looked up names its host and offers a mirror or a file', () => {
    const berthd = 'pull nosuch:1: GET https://registry-1.docker.io/v2/library/nosuch/manifests/1: ENOTFOUND (after 6 attempts)';
    expect(pullHint(berthd)).toBe('The engine cannot find registry-1.docker.io (no DNS or no network). Add a registry mirror the engine can reach in Settings, or load the image from a file.');
    const dockerd = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.1:53: server misbehaving';
    expect(pullHint(dockerd)).toMatch(/^The engine cannot find registry-1\.docker\.io /);
  });

  it('nothing listening, a timeout, credentials, an unknown tag, a bad name', () => {
    expect(pullHint('Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused')).toBe('Nothing answers at 127.0.0.1:1: is the registry running, and is the address right?');
    expect(pullHint('pull x: GET https://r.local:5000/v2/: ECONNREFUSED')).toMatch(/^Nothing answers at r\.local:5000:/);
    expect(pullHint('Get "https://r.local/v2/": net/http: request canceled (Client.Timeout exceeded) i/o timeout')).toMatch(/^r\.local did not answer in time/);
    expect(pullHint('pull x: unauthorized: authentication required')).toMatch(/^The registry wants credentials/);
    expect(pullHint('manifest for busybox:nope not found: manifest unknown: manifest unknown')).toMatch(/^The registry has no image by that name and tag/);
    expect(pullHint('pull: invalid input: image: image reference: like busybox')).toBe('Type a name like busybox, library/alpine:3 or host:5000/name:tag.');
  });

  it('anything else gets the general advice', () => {
    expect(pullHint('something odd')).toBe('Check the name and tag, that the registry is reachable from the engine, and try again.');
  });
});
