// The daemon itself: TCP only with mutual TLS (the docker CLI with client certificates), the vfs
// storage driver when asked for, and flag errors that name the flag.
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxImage } from '../../test-support/paths.js';
import { startBerthd, berthdMain, dockerCli, type Berthd } from './support/berthd.js';

const started: Berthd[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const d of started) await d.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate. */
function makeCerts(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  dirs.push(dir);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=berth test CA'], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'server.ext'], dir);
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'client.csr', '-subj', '/CN=client'], dir);
  openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'cert.pem', '-days', '1', '-extfile', 'client.ext'], dir);
  return dir;
}

describe('berthd as a daemon', () => {
  it('serves TCP only with mutual TLS', async () => {
    const certs = makeCerts();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const d = await startBerthd(['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', join(certs, 'ca.pem'), '--tlscert', join(certs, 'server.pem'), '--tlskey', join(certs, 'server-key.pem')]);
    started.push(d);
    const env = { ...process.env, DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_CONFIG: join(certs, 'cfg') };
    const ok = spawnSync(dockerCli, ['--tlsverify', '--tlscacert', join(certs, 'ca.pem'), '--tlscert', join(certs, 'cert.pem'), '--tlskey', join(certs, 'key.pem'), 'version', '--format', '{{.Server.APIVersion}}'], { env, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('1.45');
    // Without a client certificate the TLS handshake is refused.
    const noCert = spawnSync(dockerCli, ['--tlsverify', '--tlscacert', join(certs, 'ca.pem'), 'version'], { env, encoding: 'utf8' });
    expect(noCert.status).not.toBe(0);
    expect(noCert.stderr).toMatch(/certificate|tls|handshake/i);
  });

  it('uses the vfs driver when asked and still imports and inspects images', async () => {
    const d = await startBerthd(['-s', 'vfs']);
    started.push(d);
    expect((await d.docker(['info', '--format', '{{.Driver}}'])).trim()).toBe('vfs');
    await d.docker(['import', busyboxImage().tar, 'vfs/busybox:1']);
    expect((await d.docker(['inspect', '--format', '{{.GraphDriver.Name}}', 'vfs/busybox:1'])).trim()).toBe('vfs');
  });

  it('names a bad flag and exits with 125', () => {
    const r = spawnSync(process.execPath, [berthdMain, '--no-such-flag'], { encoding: 'utf8' });
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/unknown flag: --no-such-flag/);
    const bad = spawnSync(process.execPath, [berthdMain, '-s', 'zfs', '-H', `unix://${join(tmpdir(), 'berth-zfs.sock')}`, '--data-root', join(tmpdir(), `berth-zfs-${process.pid}`)], { encoding: 'utf8' });
    rmSync(join(tmpdir(), `berth-zfs-${process.pid}`), { recursive: true, force: true });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/storage driver "zfs" is not supported/);
  });
});
