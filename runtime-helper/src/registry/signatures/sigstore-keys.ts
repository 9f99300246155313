// The public keys a sigstoreSigned requirement trusts: keyPath / keyPaths name PEM files
// ("PUBLIC KEY", as `cosign generate-key-pair` writes cosign.pub), keyData / keyDatas hold PEM
// text base64-encoded as policy.json stores bytes. Relative paths are taken from the policy
// file's directory. Keyless signing (fulcio) and Rekor checks are refused, not skipped: a policy
// that asks for them must not pass on a bare key signature.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { RegistryError } from '../errors.js';
import type { SigstoreSignedRequirement } from '../trust-policy.js';

export async function loadSigstoreKeys(req: SigstoreSignedRequirement, policyDir: string, scope: string): Promise<KeyObject[]> {
  const what = `trust policy sigstoreSigned (scope ${scope})`;
  const unsupported = (['fulcio', 'pki', 'rekorPublicKeyPath', 'rekorPublicKeyPaths', 'rekorPublicKeyData', 'rekorPublicKeyDatas'] as const).filter((k) => req[k] !== undefined);
  if (unsupported.length > 0) throw new RegistryError('policy', `${what}: ${unsupported.join(', ')} is not supported by berthd (only public keys: keyPath, keyPaths, keyData, keyDatas)`);
  const given = [req.keyPath, req.keyPaths, req.keyData, req.keyDatas].filter((v) => v !== undefined).length;
  if (given !== 1) throw new RegistryError('policy', `${what}: exactly one of keyPath, keyPaths, keyData and keyDatas must be set`);
  const sources: { bytes: Buffer; from: string }[] = [];
  const datas = req.keyData !== undefined ? [req.keyData] : (req.keyDatas ?? []);
  datas.forEach((d, i) => sources.push({ bytes: Buffer.from(d, 'base64'), from: req.keyData !== undefined ? 'keyData' : `keyDatas[${i}]` }));
  for (const p of req.keyPath !== undefined ? [req.keyPath] : (req.keyPaths ?? [])) {
    const path = isAbsolute(p) ? p : resolve(policyDir, p);
    try { sources.push({ bytes: await readFile(path), from: path }); } catch (err) {
      throw new RegistryError('policy', `${what}: read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (sources.length === 0) throw new RegistryError('policy', `${what}: the key list is empty`);
  return sources.map((s) => {
    const text = s.bytes.toString('utf8');
    if (!text.includes('-----BEGIN PUBLIC KEY-----')) throw new RegistryError('policy', `${what}: ${s.from} holds no PEM public key (-----BEGIN PUBLIC KEY-----)`);
    try {
      const key = createPublicKey({ key: text, format: 'pem' });
      if (!['ec', 'rsa', 'ed25519'].includes(key.asymmetricKeyType ?? '')) throw new Error(`key type ${key.asymmetricKeyType} is not supported (ECDSA, RSA, Ed25519)`);
      return key;
    } catch (err) {
      throw new RegistryError('policy', `${what}: ${s.from} holds no usable public key: ${(err as Error).message}`);
    }
  });
}
