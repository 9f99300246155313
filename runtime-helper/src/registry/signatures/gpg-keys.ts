// The public keys a signedBy requirement trusts (keyType GPGKeys): keyPath / keyPaths name
// keyring files (binary `gpg --export` or ASCII-armoured), keyData holds one inline, base64 as
// policy.json stores bytes. Relative paths are taken from the policy file's directory.
//
// OpenPGP is done with openpgp.js rather than by spawning gpgv with a temporary keyring: it is a
// well-kept pure-JS implementation, needs no GNUPGHOME or temp files per pull, and tells which key
// made a signature without parsing gpg's status output.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Key } from 'openpgp';
import { RegistryError } from '../errors.js';

export interface GpgKeySource {
  keyType: string;
  keyPath?: string | undefined;
  keyPaths?: string[] | undefined;
  keyData?: string | undefined;
}

export async function loadGpgKeys(req: GpgKeySource, policyDir: string, scope: string): Promise<Key[]> {
  const what = `trust policy signedBy (scope ${scope})`;
  if (req.keyType !== 'GPGKeys') throw new RegistryError('policy', `${what}: keyType ${req.keyType} is not supported (GPGKeys)`);
  const given = [req.keyPath, req.keyPaths, req.keyData].filter((v) => v !== undefined).length;
  if (given !== 1) throw new RegistryError('policy', `${what}: exactly one of keyPath, keyPaths and keyData must be set`);
  const sources: { bytes: Buffer; from: string }[] = [];
  if (req.keyData !== undefined) sources.push({ bytes: Buffer.from(req.keyData, 'base64'), from: 'keyData' });
  for (const p of req.keyPath !== undefined ? [req.keyPath] : (req.keyPaths ?? [])) {
    const path = isAbsolute(p) ? p : resolve(policyDir, p);
    try { sources.push({ bytes: await readFile(path), from: path }); } catch (err) {
      throw new RegistryError('policy', `${what}: read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  // Loaded on first use: openpgp.js costs ~50 ms at import, and most daemons never check signatures.
  const { readKeys } = await import('openpgp');
  const keys: Key[] = [];
  for (const s of sources) {
    try {
      const text = s.bytes.toString('latin1');
      keys.push(...(text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')
        ? await readKeys({ armoredKeys: s.bytes.toString('utf8') })
        : await readKeys({ binaryKeys: new Uint8Array(s.bytes) })));
    } catch (err) {
      throw new RegistryError('policy', `${what}: ${s.from} holds no usable OpenPGP public key: ${(err as Error).message}`);
    }
  }
  if (keys.length === 0) throw new RegistryError('policy', `${what}: no keys in ${sources.map((s) => s.from).join(', ')}`);
  return keys;
}
