import { describe, it, expect } from 'vitest';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { verifySigstoreSignature } from './sigstore-payload.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const digest = `sha256:${'d'.repeat(64)}`;

function claim(extra: { critical?: Record<string, unknown>; optional?: unknown; top?: Record<string, unknown> } = {}): Buffer {
  return Buffer.from(JSON.stringify({
    critical: { identity: { 'docker-reference': 'reg.example/app:1' }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature', ...extra.critical },
    optional: extra.optional === undefined ? { creator: 'test', timestamp: 1700000000 } : extra.optional,
    ...extra.top,
  }));
}

const sig = (payload: Buffer, key: KeyObject): string => sign(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', payload, key).toString('base64');

describe('sigstore payload verification', () => {
  it('accepts ECDSA, RSA and Ed25519 signatures over the payload bytes, naming the key that verified', () => {
    const p = claim();
    const keys = [rsa.publicKey, ec.publicKey, ed.publicKey];
    expect(verifySigstoreSignature(p, sig(p, ec.privateKey), keys)).toEqual({ dockerReference: 'reg.example/app:1', manifestDigest: digest, keyIndex: 1 });
    expect(verifySigstoreSignature(p, sig(p, rsa.privateKey), keys).keyIndex).toBe(0);
    expect(verifySigstoreSignature(p, sig(p, ed.privateKey), keys).keyIndex).toBe(2);
    // cosign writes "optional": null when there are no annotations.
    const n = claim({ optional: null });
    expect(verifySigstoreSignature(n, sig(n, ec.privateKey), [ec.publicKey]).manifestDigest).toBe(digest);
  });

  it('refuses a signature by another key, over other bytes, or not base64', () => {
    const p = claim();
    expect(() => verifySigstoreSignature(p, sig(p, ed.privateKey), [ec.publicKey])).toThrow(/cryptographic signature verification failed/);
    expect(() => verifySigstoreSignature(Buffer.concat([p, Buffer.from(' ')]), sig(p, ec.privateKey), [ec.publicKey])).toThrow(/verification failed/);
    expect(() => verifySigstoreSignature(p, `${sig(p, ec.privateKey)}!`, [ec.publicKey])).toThrow(/not valid base64/);
    expect(() => verifySigstoreSignature(p, undefined, [ec.publicKey])).toThrow(/missing dev\.cosignproject\.cosign\/signature annotation/);
  });

  it('parses the claim as strictly as containers/image once the signature verified', () => {
    const cases: [Buffer, RegExp][] = [
      [claim({ critical: { type: 'atomic container signature' } }), /critical\.type/],
      [claim({ critical: { extra: true } }), /Unrecognized key: "extra"/],
      [claim({ top: { more: 1 } }), /Unrecognized key: "more"/],
      [claim({ optional: { timestamp: 1.5 } }), /optional\.timestamp/],
      [Buffer.from('{"critical":{"identity":{"docker-reference":"x"},"image":{"docker-manifest-digest":"y"},"type":"cosign container image signature"}}'), /optional/],
      [Buffer.from('not json'), /not JSON/],
    ];
    for (const [p, why] of cases) expect(() => verifySigstoreSignature(p, sig(p, ec.privateKey), [ec.publicKey])).toThrow(why);
  });
});
