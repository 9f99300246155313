// signedBy for real: throwaway GPG keys in a temp GNUPGHOME, images signed by skopeo (simple
// signing, written to a lookaside set in a registries.d directory) and pushed to the local
// docker-registry; berthd with a policy trusting key A pulls what A signed and refuses an
// unsigned image, an image signed by key B and a signature for another tag, storing nothing.
// A multi-platform list is checked as containers/image checks it when it copies one platform's
// image out of it: the signature must be for that image's manifest, and skopeo (same policy) is
// the witness that accepts and refuses the same lists.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { startRegistry, type TestRegistry } from '../../test-support/registry.js';
import { layerTar, writeOciLayout, skopeoCopy, sha256, type BuiltImage } from '../../test-support/registry-image.js';
import { startBerthd, type Berthd } from './support/berthd.js';
import { makeHarness } from './registry-support.js';
import { TrustPolicy } from '../src/registry/trust-policy.js';
import { verifiedPullReference } from '../src/registry/signatures/verify-pull.js';
import { parseReference } from '../src/registry/reference.js';

const run = promisify(execFile);

let registry: TestRegistry;
let work: string;
let gnupg: string;
let lookasideDir: string;
let lookasideServer: http.Server;
let lookasideUrl: string;
let keyA: string;
let keyB: string;
let policyFile: string;
let registriesD: string;
let berthd: Berthd;
const digests: Record<string, string> = {};
const images: Record<string, BuiltImage> = {};

async function gpg(args: string[]): Promise<string> {
  return (await run('gpg', ['--batch', '--no-tty', ...args], { env: { ...process.env, GNUPGHOME: gnupg } })).stdout;
}

async function makeKey(uid: string, algo: string): Promise<string> {
  await gpg(['--passphrase', '', '--quick-gen-key', uid, algo, 'sign', 'never']);
  const fpr = (await gpg(['--with-colons', '--list-keys', uid])).split('\n').find((l) => l.startsWith('fpr:'))!.split(':')[9]!;
  const file = join(work, `${fpr}.gpg`);
  writeFileSync(file, Buffer.from((await run('gpg', ['--batch', '--export', fpr], { env: { ...process.env, GNUPGHOME: gnupg }, encoding: 'buffer' })).stdout));
  writeFileSync(join(work, `${fpr}.asc`), await gpg(['--armor', '--export', fpr]));
  return fpr;
}

/** skopeo copy to the registry, signed by `signBy` when given (it writes to lookaside-staging). */
async function pushImage(name: string, build: BuiltImage, signBy?: string): Promise<void> {
  const args = ['copy', '--quiet', '--retry-times', '0', '--dest-tls-verify=false', '--registries.d', registriesD];
  if (signBy) args.push('--sign-by', signBy);
  args.push(`oci:${build.dir}:v1`, `docker://${registry.host}/${name}`);
  await run('skopeo', args, { env: { ...process.env, GNUPGHOME: gnupg, REGISTRY_AUTH_FILE: '/nonexistent/berth-test-auth.json' } });
  const raw = await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${registry.host}/${name}`]);
  digests[name] = raw.stdout.trim();
}

async function build(name: string): Promise<BuiltImage> {
  return writeOciLayout(join(work, 'oci', name), 'v1', [{ tar: await layerTar([{ path: `etc/${name}`, content: `${name}\n` }]), compression: 'gzip' }]);
}

/** One OCI layout holding an amd64 and an arm64 image under an index tagged `x`. */
async function buildMulti(name: string): Promise<{ dir: string; indexDigest: string; amd: BuiltImage; arm: BuiltImage }> {
  const amd = writeOciLayout(join(work, 'oci', `${name}-amd`), 'x', [{ tar: await layerTar([{ path: 'arch', content: `${name} amd64\n` }]), compression: 'gzip' }]);
  const arm = writeOciLayout(join(work, 'oci', `${name}-arm`), 'x', [{ tar: await layerTar([{ path: 'arch', content: `${name} arm64\n` }]), compression: 'gzip' }], { os: 'linux', architecture: 'arm64' });
  const dir = join(work, 'oci', name);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const img of [amd, arm]) for (const f of readdirSync(join(img.dir, 'blobs', 'sha256'))) copyFileSync(join(img.dir, 'blobs', 'sha256', f), join(dir, 'blobs', 'sha256', f));
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [amd, arm].map((img, i) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.manifestDigest, size: img.manifestBytes.length, platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' } })),
  }));
  const indexDigest = sha256(index);
  writeFileSync(join(dir, 'blobs', 'sha256', indexDigest.slice(7)), index);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest, size: index.length, annotations: { 'org.opencontainers.image.ref.name': 'x' } }] }));
  return { dir, indexDigest, amd, arm };
}

/** skopeo copies the list, each instance and the index, signing what `sign` says (lookaside-staging). */
async function pushMulti(name: string, dir: string, sign: 'all' | 'index-only' | 'none'): Promise<void> {
  const base = ['copy', '--quiet', '--retry-times', '0', '--dest-tls-verify=false', '--registries.d', registriesD, '--preserve-digests'];
  const env = { env: { ...process.env, GNUPGHOME: gnupg, REGISTRY_AUTH_FILE: '/nonexistent/berth-test-auth.json' } };
  const dest = `docker://${registry.host}/${name}`;
  if (sign === 'index-only') {
    // The images unsigned first, then the list alone, signed.
    await run('skopeo', [...base, '--multi-arch', 'all', `oci:${dir}:x`, dest], env);
    await run('skopeo', [...base, '--multi-arch', 'index-only', '--sign-by', keyA, `oci:${dir}:x`, dest], env);
    return;
  }
  await run('skopeo', [...base, '--multi-arch', 'all', ...(sign === 'all' ? ['--sign-by', keyA] : []), `oci:${dir}:x`, dest], env);
}

/** skopeo's own verdict on pulling `name` (linux/amd64) under the test's policy.json. */
async function skopeoVerdict(name: string): Promise<{ ok: boolean; stderr: string }> {
  const out = join(work, `skopeo-out-${Math.random().toString(16).slice(2)}`);
  // The same policy with an absolute keyPath (containers/image does not resolve it against the file).
  const skopeoPolicy = join(work, 'skopeo-policy.json');
  writeFileSync(skopeoPolicy, JSON.stringify({
    default: [{ type: 'insecureAcceptAnything' }],
    transports: { docker: { [`${registry.host}/sig`]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: join(work, `${keyA}.gpg`) }] } },
  }));
  try {
    await run('skopeo', ['--policy', skopeoPolicy, '--registries.d', registriesD, '--override-arch', 'amd64', '--override-os', 'linux', 'copy', '--src-tls-verify=false', `docker://${registry.host}/${name}`, `dir:${out}`]);
    return { ok: true, stderr: '' };
  } catch (err) {
    return { ok: false, stderr: String((err as { stderr?: string }).stderr ?? err) };
  } finally { rmSync(out, { recursive: true, force: true }); }
}

/** Serves the lookaside directory over http://127.0.0.1 (the signatures as a web server would). */
function serveDir(dir: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(dir) || !existsSync(path)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function layerEntries(b: Berthd): string[] {
  const dir = join(b.dataRoot, 'image', 'layers');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-sig-'));
  gnupg = join(work, 'gnupg');
  mkdirSync(gnupg, { mode: 0o700 });
  lookasideDir = join(work, 'lookaside');
  mkdirSync(lookasideDir);
  registry = await startRegistry();
  lookasideServer = await serveDir(lookasideDir);
  lookasideUrl = `http://127.0.0.1:${(lookasideServer.address() as AddressInfo).port}`;
  // skopeo writes to lookaside-staging (a file: URL); readers use lookaside (here over http).
  registriesD = join(work, 'registries.d');
  mkdirSync(registriesD);
  writeFileSync(join(registriesD, 'test.yaml'), `docker:\n  ${registry.host}:\n    lookaside: ${lookasideUrl}\n    lookaside-staging: file://${lookasideDir}\n`);
  keyA = await makeKey('Berth Test A <a@berth.invalid>', 'ed25519');
  keyB = await makeKey('Berth Test B <b@berth.invalid>', 'rsa2048');
  for (const n of ['signed', 'unsigned', 'other', 'retag']) images[n] = await build(n);
  await pushImage('sig/signed:v1', images.signed!, keyA);
  await pushImage('sig/unsigned:v1', images.unsigned!);
  await pushImage('sig/other:v1', images.other!, keyB);
  await pushImage('sig/retag:v1', images.retag!, keyA);
  // The same manifest under another tag: its signature (stored by digest) names :v1.
  await skopeoCopy(`docker://${registry.host}/sig/retag:v1`, `docker://${registry.host}/sig/retag:v2`, { extra: ['--preserve-digests'] });
  policyFile = join(work, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({
    default: [{ type: 'insecureAcceptAnything' }],
    transports: { docker: { [`${registry.host}/sig`]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: `${keyA}.gpg` }] } },
  }));
  const daemonJson = join(work, 'daemon.json');
  writeFileSync(daemonJson, JSON.stringify({ 'trust-policy': policyFile, 'registries-d': registriesD }));
  berthd = await startBerthd(['--config-file', daemonJson]);
}, 120_000);

afterAll(async () => {
  await berthd?.stop();
  await registry?.stop();
  await new Promise((resolve) => lookasideServer?.close(resolve));
  if (gnupg) await run('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: gnupg } }).catch(() => {});
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('signedBy through berthd (lookaside over http)', () => {
  it('pulls the image signed by the trusted key, by the verified digest, under the tag asked for', async () => {
    const name = `${registry.host}/sig/signed:v1`;
    const out = await berthd.docker(['pull', name]);
    expect(out).toContain(`Digest: ${digests['sig/signed:v1']}`);
    const inspect = JSON.parse(await berthd.docker(['image', 'inspect', name])) as { Id: string; RepoTags: string[]; RepoDigests: string[] }[];
    expect(inspect[0]!.Id).toBe(images.signed!.configDigest);
    expect(inspect[0]!.RepoTags).toContain(name);
    expect(inspect[0]!.RepoDigests).toContain(`${registry.host}/sig/signed@${digests['sig/signed:v1']}`);
  });

  it.each([
    ['sig/unsigned:v1', `has no signatures in the lookaside ${lookasideUrlPlaceholder()}`],
    ['sig/other:v1', 'which is not in the trusted keys'],
    ['sig/retag:v2', 'has the wrong identity: it names'],
  ])('refuses %s, naming the image and the reason, and stores nothing', async (name, reason) => {
    const before = layerEntries(berthd);
    const r = await berthd.dockerResult(['pull', `${registry.host}/${name}`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`trust policy: ${registry.host}/${name} is refused (scope ${registry.host}/sig): `);
    expect(r.stderr).toContain(reason.replace('%LOOKASIDE%', lookasideUrl));
    if (name === 'sig/other:v1') expect(r.stderr).toContain(keyB.slice(-16));
    expect(layerEntries(berthd)).toEqual(before);
    expect((await berthd.dockerResult(['image', 'inspect', `${registry.host}/${name}`])).code).not.toBe(0);
    expect(readdirSync(join(berthd.dataRoot, 'tmp')).length === 0 || !existsSync(join(berthd.dataRoot, 'tmp'))).toBe(true);
  });

  it('accepts the same image by digest (matchRepoDigestOrExact), and the other tag once signed for it', async () => {
    const byDigest = `${registry.host}/sig/retag@${digests['sig/retag:v1']}`;
    expect(await berthd.docker(['pull', byDigest])).toContain(`Digest: ${digests['sig/retag:v1']}`);
    // Signing :v2 as well adds a second signature for the same digest; now :v2 is accepted.
    await pushImage('sig/retag:v2', images.retag!, keyA);
    expect(await berthd.docker(['pull', `${registry.host}/sig/retag:v2`])).toContain('Status:');
  });

  it('leaves repositories outside the signedBy scope alone', async () => {
    await skopeoCopy(`oci:${images.unsigned!.dir}:v1`, `docker://${registry.host}/open/app:v1`);
    expect(await berthd.docker(['pull', `${registry.host}/open/app:v1`])).toContain('Status: Downloaded newer image');
  });
});

describe('signedBy and multi-platform lists (as containers/image: the platform image is what must be signed)', () => {
  it('pulls a list skopeo signed with --multi-arch all, and pins it to the index digest', async () => {
    const m = await buildMulti('all');
    await pushMulti('sig/multi-all:v1', m.dir, 'all');
    expect((await skopeoVerdict('sig/multi-all:v1')).ok).toBe(true);
    const name = `${registry.host}/sig/multi-all:v1`;
    expect(await berthd.docker(['pull', '--platform', 'linux/amd64', name])).toContain(`Digest: ${m.indexDigest}`);
    const inspect = JSON.parse(await berthd.docker(['image', 'inspect', name])) as { Id: string; RepoDigests: string[] }[];
    expect(inspect[0]!.Id).toBe(m.amd.configDigest);
    expect(inspect[0]!.RepoDigests).toContain(`${registry.host}/sig/multi-all@${m.indexDigest}`);
    expect(await berthd.docker(['pull', '--platform', 'linux/arm64', name])).toContain(`Digest: ${m.indexDigest}`);
  });

  it('refuses a list whose index alone is signed (its images are not), as skopeo does, storing nothing', async () => {
    const m = await buildMulti('idx');
    await pushMulti('sig/multi-idx:v1', m.dir, 'index-only');
    // The index's signature is there: only the instance's is missing.
    expect(existsSync(join(lookasideDir, 'sig', `multi-idx@${m.indexDigest.replace(':', '=')}`, 'signature-1'))).toBe(true);
    const witness = await skopeoVerdict('sig/multi-idx:v1');
    expect(witness.ok).toBe(false);
    expect(witness.stderr).toContain('Source image rejected');
    const before = layerEntries(berthd);
    const r = await berthd.dockerResult(['pull', '--platform', 'linux/amd64', `${registry.host}/sig/multi-idx:v1`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`trust policy: ${registry.host}/sig/multi-idx:v1 is refused (scope ${registry.host}/sig): the linux/amd64 image ${m.amd.manifestDigest} of index ${m.indexDigest} has no signatures in the lookaside`);
    expect(layerEntries(berthd)).toEqual(before);
  });

  it('accepts a list whose images are signed but whose index is not (containers/image checks the image it copies)', async () => {
    const m = await buildMulti('inst');
    // Sign the images by copying each alone, then push the unsigned index over them.
    for (const img of [m.amd, m.arm]) {
      await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--registries.d', registriesD, '--preserve-digests', '--sign-by', keyA, `oci:${img.dir}:x`, `docker://${registry.host}/sig/multi-inst:v1`], { env: { ...process.env, GNUPGHOME: gnupg } });
    }
    await pushMulti('sig/multi-inst:v1', m.dir, 'none');
    expect(existsSync(join(lookasideDir, 'sig', `multi-inst@${m.indexDigest.replace(':', '=')}`))).toBe(false);
    expect((await skopeoVerdict('sig/multi-inst:v1')).ok).toBe(true);
    expect(await berthd.docker(['pull', '--platform', 'linux/amd64', `${registry.host}/sig/multi-inst:v1`])).toContain(`Digest: ${m.indexDigest}`);
  });
});

describe('signedBy through the client (lookaside as file://, keyData inline)', () => {
  it('pins the reference to the verified digest, and the puller refuses a pull that skipped the check', async () => {
    const keyData = readFileSync(join(work, `${keyA}.gpg`)).toString('base64');
    const policy = TrustPolicy.parse({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyData }] }, 'inline');
    const h = makeHarness({ lookaside: { [registry.host]: `file://${lookasideDir}` } });
    try {
      const ref = parseReference(`${registry.host}/sig/signed:v1`);
      await expect(h.pull(`${registry.host}/sig/signed:v1`, { policy })).rejects.toThrow(/requires signedBy signatures .* not verified for this pull/);
      const pinned = await verifiedPullReference(h.ctx, policy, ref);
      expect(pinned).toEqual({ ...ref, digest: digests['sig/signed:v1'] });
      const r = await h.pull(`${registry.host}/sig/signed:v1@${pinned.digest}`, { policy });
      expect(r.imageId).toBe(images.signed!.configDigest);
      await expect(verifiedPullReference(h.ctx, policy, parseReference(`${registry.host}/sig/other:v1`))).rejects.toThrow(/sig\/other:v1 is refused \(scope default\): no signedBy signature is acceptable: signature 1: signed by key [0-9A-F]{16}, which is not in the trusted keys/);
      expect(h.leftovers()).toEqual([]);
    } finally { h.close(); }
  });

  it('refuses a signature copied from another image, and bytes that are no signature', async () => {
    const policy = TrustPolicy.parse({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: join(work, `${keyA}.gpg`) }] }, 'p');
    const h = makeHarness({ lookaside: { [registry.host]: `file://${lookasideDir}` } });
    const sigDir = (name: string, digest: string) => join(lookasideDir, name, '..', `${name.split('/').pop()!.split(':')[0]}@${digest.replace(':', '=')}`);
    const target = sigDir('sig/unsigned:v1', digests['sig/unsigned:v1']!);
    try {
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'signature-1'), readFileSync(join(sigDir('sig/signed:v1', digests['sig/signed:v1']!), 'signature-1')));
      writeFileSync(join(target, 'signature-2'), 'not a signature');
      const err = await verifiedPullReference(h.ctx, policy, parseReference(`${registry.host}/sig/unsigned:v1`)).catch((e: Error) => e);
      expect(String(err)).toContain(`signature 1 is for manifest ${digests['sig/signed:v1']}, not ${digests['sig/unsigned:v1']}`);
      expect(String(err)).toContain('signature 2: not an OpenPGP message');
    } finally {
      rmSync(target, { recursive: true, force: true });
      h.close();
    }
  });

  it('reads an armoured keyring, and reports a lookaside that answers 500', async () => {
    const policy = TrustPolicy.parse({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPaths: [join(work, `${keyB}.asc`), join(work, `${keyA}.asc`)] }] }, 'p');
    const ok = makeHarness({ lookaside: { [registry.host]: lookasideUrl } });
    try {
      expect((await verifiedPullReference(ok.ctx, policy, parseReference(`${registry.host}/sig/other:v1`))).digest).toBe(digests['sig/other:v1']);
    } finally { ok.close(); }
    const broken = http.createServer((_req, res) => { res.writeHead(500).end('boom'); });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/sigs`;
    const h = makeHarness({ lookaside: { [registry.host]: url } });
    try {
      await expect(verifiedPullReference(h.ctx, policy, parseReference(`${registry.host}/sig/signed:v1`)))
        .rejects.toThrow(`trust policy: ${registry.host}/sig/signed:v1 is refused (scope default): cannot read its signatures: GET signature ${url}/sig/signed@${digests['sig/signed:v1']!.replace(':', '=')}/signature-1: HTTP 500`);
      expect(h.leftovers()).toEqual([]);
    } finally {
      h.close();
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  it('says so when no lookaside is configured, and when a key file is missing', async () => {
    const h = makeHarness();
    try {
      const policy = TrustPolicy.parse({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: join(work, 'missing.gpg') }] }, 'p');
      await expect(verifiedPullReference(h.ctx, policy, parseReference(`${registry.host}/sig/signed:v1`))).rejects.toThrow(/is refused \(scope default\): no signature lookaside is configured/);
      const h2 = makeHarness({ lookaside: { [registry.host]: `file://${lookasideDir}` } });
      try {
        await expect(verifiedPullReference(h2.ctx, policy, parseReference(`${registry.host}/sig/signed:v1`))).rejects.toThrow(/read key file .*missing\.gpg: ENOENT/);
      } finally { h2.close(); }
    } finally { h.close(); }
  });
});

function lookasideUrlPlaceholder(): string { return '%LOOKASIDE%'; }
