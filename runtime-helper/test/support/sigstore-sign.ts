// Attaches a sigstore signature to an image in a test registry the way containers/image's
// sigstore signer and cosign store it: payload = {"critical":{"identity":{"docker-reference"},
// "image":{"docker-manifest-digest"},"type":"cosign container image signature"},"optional":{…}},
// signed with SHA-256 by the private key (ECDSA as ASN.1 DER), uploaded as a blob, and listed as a
// layer (media type application/vnd.dev.cosign.simplesigning.v1+json, signature base64 in the
// annotation dev.cosignproject.cosign/signature) of the OCI manifest tagged sha256-<hex>.sig; a
// second signature is appended to the layers already there.
//
// The test signs here because Debian's skopeo and podman are built with sigstore disabled
// ("Debian-local change: sigstore disabled", for signing and verifying alike).
import { createHash, sign, type KeyObject } from 'node:crypto';

export interface SigstoreSignOptions {
  /** Registry base URL (http://127.0.0.1:port). */
  registryUrl: string;
  repository: string;
  manifestDigest: string;
  dockerReference: string;
  key: KeyObject;
  /** Bytes to sign instead of the well-formed payload (for bad-input cases). */
  payload?: Buffer;
  /** Annotation value instead of the real signature. */
  signatureOverride?: string;
}

const ociManifest = 'application/vnd.oci.image.manifest.v1+json';

export function sigstorePayload(manifestDigest: string, dockerReference: string): Buffer {
  return Buffer.from(JSON.stringify({
    critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': manifestDigest }, type: 'cosign container image signature' },
    optional: { creator: 'berth test', timestamp: Math.floor(Date.now() / 1000) },
  }));
}

export async function attachSigstoreSignature(o: SigstoreSignOptions): Promise<void> {
  const payload = o.payload ?? sigstorePayload(o.manifestDigest, o.dockerReference);
  // Ed25519 signs the bytes themselves; ECDSA and RSA a SHA-256 digest.
  const signature = o.signatureOverride ?? sign(o.key.asymmetricKeyType === 'ed25519' ? null : 'sha256', payload, o.key).toString('base64');
  const tag = `${o.manifestDigest.replace(':', '-')}.sig`;
  const base = `${o.registryUrl}/v2/${o.repository}`;
  const existing = await fetch(`${base}/manifests/${tag}`, { headers: { accept: ociManifest } });
  const layers: unknown[] = existing.status === 200 ? ((await existing.json()) as { layers: unknown[] }).layers : [];
  if (existing.status !== 200) await existing.arrayBuffer();
  const config = Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [] } }));
  layers.push({ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: await putBlob(base, payload), size: payload.length, annotations: { 'dev.cosignproject.cosign/signature': signature } });
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await putBlob(base, config), size: config.length },
    layers,
  }));
  const res = await fetch(`${base}/manifests/${tag}`, { method: 'PUT', headers: { 'content-type': ociManifest }, body: manifest });
  if (res.status !== 201) throw new Error(`PUT ${tag}: HTTP ${res.status} ${await res.text()}`);
}

async function putBlob(base: string, bytes: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`start upload: HTTP ${start.status}`);
  const url = new URL(start.headers.get('location')!, base);
  url.searchParams.set('digest', digest);
  const done = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
  await done.arrayBuffer();
  if (done.status !== 201) throw new Error(`upload ${digest}: HTTP ${done.status}`);
  return digest;
}
