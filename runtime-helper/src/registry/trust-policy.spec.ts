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

  it('refuses signedBy as a documented gap, never letting the image through', () => {
    expect(() => policy.checkPull(parseReference('signed.example/app'))).toThrow(/requires signedBy signatures .* cannot verify signatures yet/);
  });

  it('rejects everything with a reject default, and refuses invalid files', () => {
    const strict = TrustPolicy.parse({ default: [{ type: 'reject' }] }, 'strict');
    expect(() => strict.checkPull(parseReference('anything'))).toThrow(/rejected \(scope default\)/);
    expect(() => TrustPolicy.parse({ default: [] }, 'empty.json')).toThrow(/read trust policy empty\.json: default/);
    expect(() => TrustPolicy.parse({ default: [{ type: 'maybe' }] }, 'x.json')).toThrow(/read trust policy x\.json/);
  });
});
