// sigstoreSigned for real: images pushed by skopeo to the local docker-registry, cosign-style
// signatures attached in the registry (tag sha256-<hex>.sig, see support/sigstore-sign.ts) with
// throwaway keys; berthd with a policy trusting key A pulls what A signed, pinned to the verified
// digest, and refuses an unsigned image, one signed by key B and a signature for another tag,
// storing nothing. A multi-platform index is checked per platform, as containers/image does.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../test-support/registry.js';
import { layerTar, writeOciLayout, skopeoCopy, sha256, type BuiltImage } from '../../test-support/registry-image.js';
import { startBerthd, type Berthd } from './support/berthd.js';
import { makeHarness } from './registry-support.js';
import { attachSigstoreSignature, sigstorePayload } from './support/sigstore-sign.js';
import { TrustPolicy } from '../src/registry/trust-policy.js';
import { verifiedPullReference } from '../src/registry/signatures/verify-pull.js';
import { parseReference } from '../src/registry/reference.js';
import { parsePlatform } from '../src/registry/manifest.js';

let registry: TestRegistry;
let work: string;
let berthd: Berthd;
const keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyB = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyC = generateKeyPairSync('ed25519');
const images: Record<string, BuiltImage> = {};
let indexDigest: string;

const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();

async function push(name: string, img: BuiltImage): Promise<void> {
  await skopeoCopy(`oci:${img.dir}:v1`, `docker://${registry.host}/${name}`, { extra: ['--preserve-digests'] });
}

async function signAs(key: KeyObject, repository: string, digest: string, reference: string): Promise<void> {
  await attachSigstoreSignature({ registryUrl: registry.url, repository, manifestDigest: digest, dockerReference: reference, key });
}

async function build(name: string, platform?: { os: string; architecture: string }): Promise<BuiltImage> {
  return writeOciLayout(join(work, 'oci', name), 'v1', [{ tar: await layerTar([{ path: `etc/${name}`, content: `${name}\n` }]), compression: 'gzip' }], platform);
}

function layerEntries(b: Berthd): string[] {
  const dir = join(b.dataRoot, 'image', 'layers');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-sigstore-'));
  registry = await startRegistry();
  writeFileSync(join(work, 'a.pub'), pem(keyA.publicKey));
  writeFileSync(join(work, 'b.pub'), pem(keyB.publicKey));
  for (const n of ['signed', 'unsigned', 'other', 'retag']) images[n] = await build(n);
  images.amd = await build('amd', { os: 'linux', architecture: 'amd64' });
  images.arm = await build('arm', { os: 'linux', architecture: 'arm64' });
  const host = registry.host;
  await push('cs/signed:v1', images.signed!);
  await signAs(keyA.privateKey, 'cs/signed', images.signed!.manifestDigest, `${host}/cs/signed:v1`);
  await push('cs/unsigned:v1', images.unsigned!);
  await push('cs/other:v1', images.other!);
  await signAs(keyB.privateKey, 'cs/other', images.other!.manifestDigest, `${host}/cs/other:v1`);
  await push('cs/retag:v1', images.retag!);
  await push('cs/retag:v2', images.retag!);
  await signAs(keyA.privateKey, 'cs/retag', images.retag!.manifestDigest, `${host}/cs/retag:v1`);
  // A two-platform index whose amd64 image is signed by A and whose arm64 image is not; the
  // index itself carries no signature (containers/image checks the instance it copies).
  await push('cs/multi:amd64', images.amd!);
  await push('cs/multi:arm64', images.arm!);
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: images.arm!.manifestDigest, size: images.arm!.manifestBytes.length, platform: { os: 'linux', architecture: 'arm64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: images.amd!.manifestDigest, size: images.amd!.manifestBytes.length, platform: { os: 'linux', architecture: 'amd64' } },
    ],
  }));
  indexDigest = sha256(index);
  const put = await fetch(`${registry.url}/v2/cs/multi/manifests/latest`, { method: 'PUT', headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: index });
  expect(put.status).toBe(201);
  await signAs(keyA.privateKey, 'cs/multi', images.amd!.manifestDigest, `${host}/cs/multi:latest`);

  const policyFile = join(work, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({
    default: [{ type: 'insecureAcceptAnything' }],
    // keyPath relative to the policy file's directory.
    transports: { docker: { [`${host}/cs`]: [{ type: 'sigstoreSigned', keyPath: 'a.pub' }] } },
  }));
  const daemonJson = join(work, 'daemon.json');
  writeFileSync(daemonJson, JSON.stringify({ 'trust-policy': policyFile }));
  berthd = await startBerthd(['--config-file', daemonJson]);
}, 120_000);

afterAll(async () => {
  await berthd?.stop();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('sigstoreSigned through berthd (signatures attached in the registry)', () => {
  it('pulls the image signed by the trusted key, by the verified digest, under the tag asked for', async () => {
    const name = `${registry.host}/cs/signed:v1`;
    const out = await berthd.docker(['pull', name]);
    expect(out).toContain(`Digest: ${images.signed!.manifestDigest}`);
    const inspect = JSON.parse(await berthd.docker(['image', 'inspect', name])) as { Id: string; RepoTags: string[]; RepoDigests: string[] }[];
    expect(inspect[0]!.Id).toBe(images.signed!.configDigest);
    expect(inspect[0]!.RepoTags).toContain(name);
    expect(inspect[0]!.RepoDigests).toContain(`${registry.host}/cs/signed@${images.signed!.manifestDigest}`);
  });

  it.each([
    ['cs/unsigned:v1', () => `has no sigstore signatures attached (tag ${images.unsigned!.manifestDigest.replace(':', '-')}.sig)`],
    ['cs/other:v1', () => 'no sigstoreSigned signature is acceptable: signature 1: cryptographic signature verification failed: it was not made by any of the trusted keys'],
    ['cs/retag:v2', () => `signature 1 has the wrong identity: it names ${registry.host}/cs/retag:v1, not ${registry.host}/cs/retag:v2`],
    ['cs/multi:latest --platform linux/arm64', () => `the linux/arm64 image ${images.arm!.manifestDigest} of index ${indexDigest} has no sigstore signatures attached`],
  ])('refuses %s, naming the image and the reason, and stores nothing', async (what, reason) => {
    const [name, ...flags] = what.split(' ');
    const before = layerEntries(berthd);
    const r = await berthd.dockerResult(['pull', ...flags, `${registry.host}/${name}`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`trust policy: ${registry.host}/${name} is refused (scope ${registry.host}/cs): `);
    expect(r.stderr).toContain(reason());
    expect(layerEntries(berthd)).toEqual(before);
    if (flags.length === 0) expect((await berthd.dockerResult(['image', 'inspect', `${registry.host}/${name}`])).code).not.toBe(0);
  });

  it('pulls the signed platform of an index, pinned to the index digest', async () => {
    const out = await berthd.docker(['pull', '--platform', 'linux/amd64', `${registry.host}/cs/multi:latest`]);
    expect(out).toContain(`Digest: ${indexDigest}`);
    const inspect = JSON.parse(await berthd.docker(['image', 'inspect', `${registry.host}/cs/multi:latest`])) as { Id: string }[];
    expect(inspect[0]!.Id).toBe(images.amd!.configDigest);
  });

  it('accepts the retagged image by digest (matchRepoDigestOrExact), and leaves other scopes alone', async () => {
    const byDigest = `${registry.host}/cs/retag@${images.retag!.manifestDigest}`;
    expect(await berthd.docker(['pull', byDigest])).toContain(`Digest: ${images.retag!.manifestDigest}`);
    await skopeoCopy(`oci:${images.unsigned!.dir}:v1`, `docker://${registry.host}/open/app:v1`);
    expect(await berthd.docker(['pull', `${registry.host}/open/app:v1`])).toContain('Status: Downloaded newer image');
  });
});

describe('sigstoreSigned through the client (keyData, keyPaths, bad signatures)', () => {
  const ref = () => parseReference(`${registry.host}/cs/unsigned:v1`);
  const digest = () => images.unsigned!.manifestDigest;

  it('takes keyData and keyPaths (RSA and Ed25519 keys too), and the puller refuses a pull that skipped the check', async () => {
    const h = makeHarness();
    try {
      const keyData = Buffer.from(pem(keyA.publicKey)).toString('base64');
      const policy = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyData }] }, 'inline');
      await expect(h.pull(`${registry.host}/cs/signed:v1`, { policy })).rejects.toThrow(/requires sigstoreSigned signatures .* not verified for this pull/);
      const pinned = await verifiedPullReference(h.ctx, policy, parseReference(`${registry.host}/cs/signed:v1`));
      expect(pinned.digest).toBe(images.signed!.manifestDigest);
      expect((await h.pull(`${registry.host}/cs/signed:v1@${pinned.digest}`, { policy })).imageId).toBe(images.signed!.configDigest);
      // B's RSA signature verifies once B is among the keys.
      const both = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyPaths: [join(work, 'a.pub'), join(work, 'b.pub')] }] }, 'both');
      expect((await verifiedPullReference(h.ctx, both, parseReference(`${registry.host}/cs/other:v1`))).digest).toBe(images.other!.manifestDigest);
      // An Ed25519 signature (signed over the payload bytes) on the otherwise unsigned image.
      await signAs(keyC.privateKey, 'cs/unsigned', digest(), `${registry.host}/cs/unsigned:v1`);
      const ed = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyData: Buffer.from(pem(keyC.publicKey)).toString('base64') }] }, 'ed');
      expect((await verifiedPullReference(h.ctx, ed, ref())).digest).toBe(digest());
      expect(h.leftovers()).toEqual([]);
    } finally { h.close(); }
  });

  it('refuses forged, malformed and misdirected signatures, saying why for each', async () => {
    const host = registry.host;
    const a = keyA.privateKey;
    // 1: a signature of A copied from the signed image (claims the other digest).
    const copied = sigstorePayload(images.signed!.manifestDigest, `${host}/cs/unsigned:v1`);
    await attachSigstoreSignature({ registryUrl: registry.url, repository: 'cs/unsigned', manifestDigest: digest(), dockerReference: '', key: a, payload: copied });
    // 2: A's signature over a payload with an extra critical field.
    const extra = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': `${host}/cs/unsigned:v1` }, image: { 'docker-manifest-digest': digest() }, type: 'cosign container image signature', extra: 1 }, optional: null }));
    await attachSigstoreSignature({ registryUrl: registry.url, repository: 'cs/unsigned', manifestDigest: digest(), dockerReference: '', key: a, payload: extra });
    // 3: an annotation that is not base64; 4: a valid signature over other bytes.
    await attachSigstoreSignature({ registryUrl: registry.url, repository: 'cs/unsigned', manifestDigest: digest(), dockerReference: `${host}/cs/unsigned:v1`, key: a, signatureOverride: 'not base64!' });
    await attachSigstoreSignature({ registryUrl: registry.url, repository: 'cs/unsigned', manifestDigest: digest(), dockerReference: `${host}/cs/unsigned:v1`, key: a, signatureOverride: sign('sha256', Buffer.from('other bytes'), a).toString('base64') });
    const policy = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyPath: join(work, 'a.pub') }] }, 'p');
    const h = makeHarness();
    try {
      const err = String(await verifiedPullReference(h.ctx, policy, ref()).catch((e: Error) => e));
      // signature 1 is the Ed25519 one from the test before: not A's.
      expect(err).toContain('signature 1: cryptographic signature verification failed');
      expect(err).toContain(`signature 2 is for manifest ${images.signed!.manifestDigest}, not ${digest()}`);
      expect(err).toContain('signature 3: the signed payload is not a cosign image claim: critical: Unrecognized key: "extra"');
      expect(err).toContain('signature 4: the signature annotation is not valid base64');
      expect(err).toContain('signature 5: cryptographic signature verification failed');
      expect(h.leftovers()).toEqual([]);
    } finally { h.close(); }
  });

  it('refuses keyless (fulcio) policies, keys that are no PEM public key, and says so for a missing key file', async () => {
    const h = makeHarness();
    try {
      const fulcio = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', fulcio: { caPath: '/ca.pem', oidcIssuer: 'https://issuer.invalid', subjectEmail: 'a@b.invalid' }, rekorPublicKeyPath: '/rekor.pub' }] }, 'f');
      await expect(verifiedPullReference(h.ctx, fulcio, parseReference(`${registry.host}/cs/signed:v1`))).rejects.toThrow(/sigstoreSigned \(scope default\): fulcio, rekorPublicKeyPath is not supported by berthd/);
      const garbage = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyData: Buffer.from('hello').toString('base64') }] }, 'g');
      await expect(verifiedPullReference(h.ctx, garbage, parseReference(`${registry.host}/cs/signed:v1`))).rejects.toThrow(/keyData holds no PEM public key/);
      const missing = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyPath: join(work, 'missing.pub') }] }, 'm');
      await expect(verifiedPullReference(h.ctx, missing, parseReference(`${registry.host}/cs/signed:v1`))).rejects.toThrow(/read key file .*missing\.pub: ENOENT/);
      const twice = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyPath: 'a.pub', keyData: 'eA==' }] }, 't');
      await expect(verifiedPullReference(h.ctx, twice, parseReference(`${registry.host}/cs/signed:v1`))).rejects.toThrow(/exactly one of keyPath, keyPaths, keyData and keyDatas/);
      // The amd64 instance is what is checked, whatever platform the daemon runs on.
      const policy = TrustPolicy.parse({ default: [{ type: 'sigstoreSigned', keyPath: join(work, 'a.pub') }] }, 'p');
      const pinned = await verifiedPullReference(h.ctx, policy, parseReference(`${registry.host}/cs/multi:latest`), undefined, parsePlatform('linux/amd64'));
      expect(pinned.digest).toBe(indexDigest);
    } finally { h.close(); }
  });
});
