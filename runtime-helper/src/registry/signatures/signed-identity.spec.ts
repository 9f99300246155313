import { describe, it, expect } from 'vitest';
import { identityMismatch } from './signed-identity.js';
import { parseReference } from '../reference.js';

const digest = `sha256:${'c'.repeat(64)}`;

describe('signedIdentity', () => {
  it('matchRepoDigestOrExact (the default): exact name:tag for tags, the repository for digests', () => {
    const tagged = parseReference('reg.example/app:1.0');
    expect(identityMismatch(undefined, tagged, 'reg.example/app:1.0')).toBeUndefined();
    expect(identityMismatch(undefined, tagged, 'reg.example/app:latest')).toBe('it names reg.example/app:latest, not reg.example/app:1.0');
    expect(identityMismatch(undefined, parseReference(`reg.example/app@${digest}`), 'reg.example/app:whatever')).toBeUndefined();
    expect(identityMismatch(undefined, parseReference(`reg.example/app@${digest}`), 'reg.example/other:1')).toMatch(/not repository reg\.example\/app/);
    // Signed names are normalised like pulled ones.
    expect(identityMismatch(undefined, parseReference('busybox:1'), 'docker.io/library/busybox:1')).toBeUndefined();
    expect(identityMismatch(undefined, tagged, 'Not A Reference')).toMatch(/not a valid image reference/);
  });

  it('matchExact, matchRepository, exactReference, exactRepository, remapIdentity', () => {
    const tagged = parseReference('reg.example/app:1.0');
    expect(identityMismatch({ type: 'matchExact' }, parseReference(`reg.example/app@${digest}`), 'reg.example/app:1')).toMatch(/not reg\.example\/app@sha256/);
    expect(identityMismatch({ type: 'matchRepository' }, tagged, 'reg.example/app:2')).toBeUndefined();
    expect(identityMismatch({ type: 'exactReference', dockerReference: 'signer.example/app:9' }, tagged, 'signer.example/app:9')).toBeUndefined();
    expect(identityMismatch({ type: 'exactReference', dockerReference: 'signer.example/app:9' }, tagged, 'reg.example/app:1.0')).toMatch(/exactReference/);
    expect(identityMismatch({ type: 'exactRepository', dockerRepository: 'signer.example/app' }, tagged, 'signer.example/app:3')).toBeUndefined();
    const remap = { type: 'remapIdentity' as const, prefix: 'mirror.example/team', signedPrefix: 'reg.example' };
    expect(identityMismatch(remap, parseReference('mirror.example/team/app:1.0'), 'reg.example/app:1.0')).toBeUndefined();
    expect(identityMismatch(remap, parseReference('mirror.example/teamx/app:1.0'), 'reg.example/app:1.0')).toMatch(/not mirror\.example\/teamx\/app:1\.0/);
  });
});
