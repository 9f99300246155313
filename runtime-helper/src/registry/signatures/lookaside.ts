// Reads an image's signatures from a lookaside store, laid out as containers/image writes it:
// <base>/<repository path>@<algorithm>=<hex>/signature-1, -2, … up to the first that is absent.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { RegistryError } from '../errors.js';
import type { Transport } from '../transport.js';
import { readBody, drain, safeUrl } from '../transport.js';

/** As containers/image: a signature is small, and a store answering forever is refused. */
export const maxSignatureBytes = 4 * 1024 * 1024;
export const maxSignatures = 128;

export function signatureUrl(base: URL, repositoryPath: string, manifestDigest: string, index: number): URL {
  const [alg, hex] = manifestDigest.split(':');
  if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-zA-Z0-9=_-]+$/.test(hex)) {
    throw new RegistryError('bad-response', `signature lookup: invalid manifest digest ${manifestDigest}`);
  }
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${repositoryPath}@${alg}=${hex}/signature-${index}`;
  return url;
}

/** Every signature stored for the manifest, in order; none is an empty list. */
export async function fetchSignatures(transport: Transport, base: URL, repositoryPath: string, manifestDigest: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 1; i <= maxSignatures; i++) {
    const url = signatureUrl(base, repositoryPath, manifestDigest, i);
    const sig = url.protocol === 'file:' ? await readFileSignature(url) : await readHttpSignature(transport, url);
    if (sig === undefined) return out;
    out.push(sig);
  }
  throw new RegistryError('too-large', `signature lookup ${safeUrl(base)}: more than ${maxSignatures} signatures for ${repositoryPath}@${manifestDigest}`);
}

async function readFileSignature(url: URL): Promise<Buffer | undefined> {
  const path = fileURLToPath(url);
  try {
    const buf = await readFile(path);
    if (buf.length > maxSignatureBytes) throw new RegistryError('too-large', `read signature ${path}: larger than ${maxSignatureBytes} bytes`);
    return buf;
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RegistryError('bad-response', `read signature ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function readHttpSignature(transport: Transport, url: URL): Promise<Buffer | undefined> {
  const what = `GET signature ${safeUrl(url)}`;
  const res = await transport.request({ method: 'GET', url });
  if (res.status === 404) { await drain(res); return undefined; }
  if (res.status !== 200) {
    await drain(res);
    throw new RegistryError(res.status >= 500 ? 'server' : 'bad-response', `${what}: HTTP ${res.status}`);
  }
  return readBody(res, maxSignatureBytes, what);
}
