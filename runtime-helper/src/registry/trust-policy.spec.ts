import { describe, it, expect } from 'vitest';
import { TrustPolicy } from './trust-policy.js';
import { parseReference } from './reference.js';

const policy = TrustPolicy.parse({
  default: [{ type: 'insecureAcceptAnything' }],
  transports: {
    docker: {
      'blocked.example': [{ type: 'reject' }],
      'blocked.example/allowed': [{ type: 'insecureAcceptAnything' }],
      'docker.io/library/busybox:evil': [{ type: 'reject' }],
      'signed.example': [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/etc/pki/key.gpg' }],
      '*.wild.example': [{ type: 'reject' }],
    },
  },
}, 'test');

describe('trust policy', () => {
  it('uses the most specific scope', () => {
    expect(() => policy.checkPull(parseReference('blocked.example/app:1'))).toThrow('trust policy: pulling blocked.example/app is rejected (scope blocked.example)');
    expect(() => policy.checkPull(parseReference('blocked.example/allowed/sub:1'))).not.toThrow();
    expect(() => policy.checkPull(parseReference('busybox:evil'))).toThrow(/docker.io\/library\/busybox:evil/);
    expect(() => policy.checkPull(parseReference('busybox:latest'))).not.toThrow();
    expect(() => policy.checkPull(parseReference('reg.wild.example/x'))).toThrow(/rejected \(scope \*\.wild\.example\)/);
  });

  it('lets a signedBy image through only by a digest whose signatures were verified', () => {
    const ref = parseReference('signed.example/app:1');
    expect(() => policy.checkPull(ref)).toThrow(/requires signedBy signatures \(scope signed\.example\), and they were not verified for this pull/);
    expect(() => policy.checkPull(ref, { signaturesPending: true })).not.toThrow();
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(() => policy.checkPull({ ...ref, digest })).toThrow(/not verified/);
    policy.markVerified(ref, digest);
    expect(() => policy.checkPull({ ...ref, digest })).not.toThrow();
    expect(() => policy.checkPull({ ...ref, digest: `sha256:${'b'.repeat(64)}` })).toThrow(/not verified/);
    expect(policy.signatureRequirementsFor(ref).requirements).toHaveLength(1);
    expect(policy.signatureRequirementsFor(parseReference('busybox')).requirements).toHaveLength(0);
  });

  it('treats sigstoreSigned as a signature requirement, parsed strictly, and checks signedIdentity shapes', () => {
    const p = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyPath: '/k.pub', signedIdentity: { type: 'matchRepository' } }] }, 'sig.json');
    const ref = parseReference('x/y');
    expect(() => p.checkPull(ref)).toThrow(/requires sigstoreSigned signatures \(scope default\), and they were not verified for this pull/);
    expect(() => p.checkPull(ref, { signaturesPending: true })).not.toThrow();
    const digest = `sha256:${'c'.repeat(64)}`;
    p.markVerified(ref, digest);
    expect(() => p.checkPull({ ...ref, digest })).not.toThrow();
    expect(p.signatureRequirementsFor(ref).requirements.map((r) => r.type)).toEqual(['sigstoreSigned']);
    expect(() => TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyPath: '/k.pub', keyFile: '/x' }] }, 'typo.json')).toThrow(/read trust policy typo\.json: default\.0: Unrecognized key/);
    expect(() => TrustPolicy.parse({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/k', signedIdentity: { type: 'matchWhatever' } }] }, 'id.json')).toThrow(/read trust policy id\.json: default\.0/);
  });

  it('rejects everything with a reject default, and refuses invalid files', () => {
    const strict = TrustPolicy.parse({ default: [{ type: 'reject' }] }, 'strict');
    expect(() => strict.checkPull(parseReference('anything'))).toThrow(/rejected \(scope default\)/);
    expect(() => TrustPolicy.parse({ default: [] }, 'empty.json')).toThrow(/read trust policy empty\.json: default/);
    expect(() => TrustPolicy.parse({ default: [{ type: 'maybe' }] }, 'x.json')).toThrow(/read trust policy x\.json/);
  });
});
