// The real docker CLI against a real berthd and real registries: import, push, pull by tag and
// by digest, run the pulled image, search, login and logout (TLS + htpasswd), with skopeo as the
// second witness. Credentials never reach berthd's log or the CLI's error output.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxImage } from '../../test-support/paths.js';
import { startRegistry, type TestRegistry } from '../../test-support/registry.js';
import { skopeoCopy, skopeoInspectRaw, sha256, layerTar, writeOciLayout } from '../../test-support/registry-image.js';
import { startBerthd, dockerCli, type Berthd } from './support/berthd.js';

const user = { username: 'cli-user', password: 'Cli-Pa55-secret-word' };
let plain: TestRegistry;
let secure: TestRegistry;
let token: TestRegistry;
let d: Berthd;
let work: string;
let dockerConfig: string;

function docker(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(dockerCli, args, { env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: dockerConfig }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await docker(args, input);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-reg-cli-'));
  dockerConfig = join(work, 'docker-config');
  plain = await startRegistry();
  secure = await startRegistry({ tls: true, basicAuth: user });
  token = await startRegistry({ tokenAuth: user });
  const daemonJson = join(work, 'daemon.json');
  writeFileSync(daemonJson, JSON.stringify({ 'registry-certs-dir': secure.certsDir }));
  // crun runs the pulled image: this suite tests the registry path, not berth-runtime.
  // -D: debug logging is where a leaked credential would show up first.
  d = await startBerthd(['-D', '--config-file', daemonJson, '--default-runtime', 'crun']);
});

afterAll(async () => {
  await d?.stop();
  await plain?.stop();
  await secure?.stop();
  await token?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('docker CLI -> berthd -> registry', () => {
  let digest = '';
  const name = () => `${plain.host}/cli/busybox`;

  it('pushes an imported image, and skopeo sees it', async () => {
    await ok(['import', busyboxImage().tar, `${name()}:v1`]);
    const out = await ok(['push', `${name()}:v1`]);
    expect(out).toContain(`The push refers to repository [${name()}]`);
    expect(out).toMatch(/Pushed/);
    const m = /v1: digest: (sha256:[a-f0-9]{64}) size: (\d+)/.exec(out);
    expect(m).not.toBeNull();
    digest = m![1]!;
    const raw = await skopeoInspectRaw(`docker://${name()}:v1`);
    expect(sha256(raw)).toBe(digest);
    expect(raw.length).toBe(Number(m![2]));
    // A second push finds every layer there.
    expect(await ok(['push', `${name()}:v1`])).toMatch(/Layer already exists/);
  });

  it('pulls by tag and by digest after the image was removed, and runs it', async () => {
    await ok(['rmi', `${name()}:v1`]);
    const out = await ok(['pull', `${name()}:v1`]);
    expect(out).toContain(`v1: Pulling from cli/busybox`);
    expect(out).toContain(`Digest: ${digest}`);
    expect(out).toContain(`Status: Downloaded newer image for ${name()}:v1`);
    const repoDigests = JSON.parse(await ok(['image', 'inspect', '--format', '{{json .RepoDigests}}', `${name()}:v1`])) as string[];
    expect(repoDigests).toContain(`${name()}@${digest}`);
    expect(await ok(['pull', `${name()}:v1`])).toContain(`Status: Image is up to date for ${name()}:v1`);

    await ok(['rmi', `${name()}:v1`]);
    const byDigest = await ok(['pull', `${name()}@${digest}`]);
    expect(byDigest).toContain(`Digest: ${digest}`);
    const ids = await ok(['images', '--digests', '--format', '{{.Repository}}@{{.Digest}}']);
    expect(ids).toContain(`${name()}@${digest}`);
    const run = await ok(['run', '--rm', '--network', 'none', `${name()}@${digest}`, 'echo', 'pulled-and-running']);
    expect(run.trim()).toBe('pulled-and-running');
  });

  it('pulls what skopeo copied back under another name', async () => {
    const oci = join(work, 'oci');
    await skopeoCopy(`docker://${name()}:v1`, `oci:${oci}:x`);
    await skopeoCopy(`oci:${oci}:x`, `docker://${plain.host}/cli/from-skopeo:v9`);
    const out = await ok(['pull', `${plain.host}/cli/from-skopeo:v9`]);
    expect(out).toContain('Status: Downloaded newer image');
    expect(await ok(['run', '--rm', '--network', 'none', `${plain.host}/cli/from-skopeo:v9`, 'cat', '/etc/group'])).toContain('berth:x:1000:');
  });

  it('pulls the platform asked for from a multi-platform index', async () => {
    const amd = writeOciLayout(join(work, 'amd'), 'x', [{ tar: await layerTar([{ path: 'arch', content: 'amd64\n' }]), compression: 'gzip' }], { os: 'linux', architecture: 'amd64' });
    const arm = writeOciLayout(join(work, 'arm'), 'x', [{ tar: await layerTar([{ path: 'arch', content: 'arm64\n' }]), compression: 'zstd' }], { os: 'linux', architecture: 'arm64', variant: 'v8' });
    await skopeoCopy(`oci:${amd.dir}:x`, `docker://${plain.host}/multi/app:amd64`, { extra: ['--preserve-digests'] });
    await skopeoCopy(`oci:${arm.dir}:x`, `docker://${plain.host}/multi/app:arm64`, { extra: ['--preserve-digests'] });
    const index = JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: arm.manifestDigest, size: arm.manifestBytes.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amd.manifestDigest, size: amd.manifestBytes.length, platform: { os: 'linux', architecture: 'amd64' } },
      ],
    });
    const put = await fetch(`${plain.url}/v2/multi/app/manifests/latest`, { method: 'PUT', headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: index });
    expect(put.status).toBe(201);
    await ok(['pull', '--platform', 'linux/arm64', `${plain.host}/multi/app:latest`]);
    expect((await ok(['image', 'inspect', '--format', '{{.Id}} {{.Architecture}}', `${plain.host}/multi/app:latest`])).trim()).toBe(`${arm.configDigest} arm64`);
    await ok(['pull', `${plain.host}/multi/app:latest`]);
    expect((await ok(['image', 'inspect', '--format', '{{.Id}} {{.Architecture}}', `${plain.host}/multi/app:latest`])).trim()).toBe(`${amd.configDigest} amd64`);
  });

  it('searches the registry catalog, with limit and the stars filter', async () => {
    const out = await ok(['search', '--format', '{{.Name}}', `${plain.host}/cli`]);
    const names = out.trim().split('\n').sort();
    expect(names).toEqual([`${plain.host}/cli/busybox`, `${plain.host}/cli/from-skopeo`]);
    expect((await ok(['search', '--limit', '1', '--format', '{{.Name}}', `${plain.host}/cli`])).trim().split('\n')).toHaveLength(1);
    expect((await ok(['search', '--filter', 'stars=1', '--format', '{{.Name}}', `${plain.host}/cli`])).trim()).toBe('');
  });

  it('reports a clear error for an unknown image and stays up', async () => {
    const r = await docker(['pull', `${plain.host}/cli/absent:v1`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cli\/absent:v1.*not found/);
    expect(await ok(['version', '--format', '{{.Server.Version}}'])).toBeTruthy();
  });

  it('logs in to a TLS registry with basic auth, pushes and pulls with the stored credentials, logs out', async () => {
    const bad = await docker(['login', secure.host, '-u', user.username, '--password-stdin'], 'wrong-password-xyz\n');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/refused the username or password/);
    expect(bad.stderr).not.toContain('wrong-password-xyz');

    const good = await ok(['login', secure.host, '-u', user.username, '--password-stdin'], `${user.password}\n`);
    expect(good).toContain('Login Succeeded');
    await ok(['tag', `${plain.host}/cli/from-skopeo:v9`, `${secure.host}/private/app:v1`]);
    const pushed = await ok(['push', `${secure.host}/private/app:v1`]);
    expect(pushed).toMatch(/v1: digest: sha256:[a-f0-9]{64}/);
    await ok(['rmi', `${secure.host}/private/app:v1`]);
    expect(await ok(['pull', `${secure.host}/private/app:v1`])).toContain('Status: ');

    expect(await ok(['logout', secure.host])).toContain(`Removing login credentials for ${secure.host}`);
    await ok(['rmi', `${secure.host}/private/app:v1`]);
    const denied = await docker(['pull', `${secure.host}/private/app:v1`]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/authentication required/);

    // The Bearer flow: login checks the credentials with the token server; push gets a pull,push token.
    const badToken = await docker(['login', token.host, '-u', user.username, '--password-stdin'], 'not-the-password\n');
    expect(badToken.code).not.toBe(0);
    expect(badToken.stderr).toMatch(/refused the username or password/);
    expect(await ok(['login', token.host, '-u', user.username, '--password-stdin'], `${user.password}\n`)).toContain('Login Succeeded');
    await ok(['tag', `${plain.host}/cli/from-skopeo:v9`, `${token.host}/tok/app:v1`]);
    expect(await ok(['push', `${token.host}/tok/app:v1`])).toMatch(/v1: digest: sha256:/);
    expect(token.tokenServer!.requests.some((q) => q.authenticated && q.scopes.includes('repository:tok/app:pull,push'))).toBe(true);
    await ok(['logout', token.host]);
    // Anonymous pull is allowed by this token server; anonymous push is not.
    await ok(['rmi', `${token.host}/tok/app:v1`]);
    expect(await ok(['pull', `${token.host}/tok/app:v1`])).toContain('Status: Downloaded newer image');
    await ok(['tag', `${token.host}/tok/app:v1`, `${token.host}/tok/other:v1`]);
    const anonPush = await docker(['push', `${token.host}/tok/other:v1`]);
    expect(anonPush.code).not.toBe(0);

    const log = readFileSync(d.logFile, 'utf8');
    expect(log).not.toContain('not-the-password');
    expect(log).not.toContain(user.password);
    expect(log).not.toContain('wrong-password-xyz');
    expect(log).not.toContain(Buffer.from(`${user.username}:${user.password}`).toString('base64'));
  });
});
