// The app's engine layer (EngineHub -> dockerFor -> dockerode) over the two remote transports,
// with real sockets: tcp with mutual TLS to a berthd listening on 127.0.0.1 with a throwaway CA,
// and ssh through a real sshd on 127.0.0.1 (a temp host key and authorized_keys) whose session
// runs `docker system dial-stdio` against the local berthd socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SettingsStore } from '../electron/src/config/settings-store.js';
import { EngineHub } from '../electron/src/engine/hub.js';
import { freePort } from '../test-support/registry.js';
import { loadBusybox, startBerthd, type EngineUnderTest } from './support/engine.js';

const SSHD = '/usr/sbin/sshd';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A CA, a server certificate for 127.0.0.1, a client certificate, and a second CA nobody uses. */
function makeCerts(dir: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=berth app test CA'], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'server.ext'], dir);
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'client.csr', '-subj', '/CN=berth app'], dir);
  openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'cert.pem', '-days', '1', '-extfile', 'client.ext'], dir);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca-key.pem', '-out', 'other-ca.pem', '-days', '1', '-subj', '/CN=some other CA'], dir);
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

interface Sshd { port: string; key: string; otherKey: string; child: ChildProcess; log: string }

/** sshd on 127.0.0.1 only, key auth only, with DOCKER_HOST set for its sessions. */
async function startSshd(dir: string, dockerHost: string): Promise<Sshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} not found: scripts/setup.sh --test installs openssh-server`);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation directory
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'berth-app-test', '-f', join(dir, 'client_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'not-authorized', '-f', join(dir, 'other_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(config, [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    `SetEnv DOCKER_HOST=${dockerHost}`,
    '',
  ].join('\n'));
  const log = join(dir, 'sshd.log');
  const out = openSync(log, 'a');
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', out, out] });
  const deadline = Date.now() + 10_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${readFileSync(log, 'utf8')}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`sshd did not listen on 127.0.0.1:${port}: ${readFileSync(log, 'utf8')}`); }
    await sleep(50);
  }
  return { port: String(port), key: join(dir, 'client_key'), otherKey: join(dir, 'other_key'), child, log };
}

describe('engine connections over tcp+TLS and ssh', () => {
  let dir: string;
  let berthd: EngineUnderTest & { dir: string };
  let tlsPort: number;
  let sshd: Sshd;
  const hub = new EngineHub(new SettingsStore(null));
  const connect = async (name: string, host: string, opts: { tls?: { ca?: string; cert?: string; key?: string }; sshKey?: string } = {}) => {
    const conn = hub.add(name, host, opts.tls, opts.sshKey);
    hub.use(conn.id);
    return hub.status();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-e2e-conn-'));
    makeCerts(dir);
    tlsPort = await freePort();
    berthd = await startBerthd(['-H', `tcp://127.0.0.1:${tlsPort}`, '--tlsverify', '--tlscacert', join(dir, 'ca.pem'), '--tlscert', join(dir, 'server.pem'), '--tlskey', join(dir, 'server-key.pem')]);
    await loadBusybox(berthd.client);
    sshd = await startSshd(dir, berthd.host);
  });

  afterAll(async () => {
    sshd?.child.kill('SIGTERM');
    await berthd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects over tcp with mutual TLS and uses the engine', async () => {
    const status = await connect('berthd over TLS', `tcp://127.0.0.1:${tlsPort}`, { tls: { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } });
    expect(status.error).toBeUndefined();
    expect(status).toMatchObject({ connected: true, kind: 'berthd', apiVersion: '1.45' });
    const images = await hub.docker().listImages();
    expect(images.flatMap((i) => i.RepoTags ?? [])).toContain('busybox:test');
    // A container round trip over the TLS connection: create, start, wait, logs.
    const c = await hub.docker().createContainer({ Image: 'busybox:test', Cmd: ['echo', 'over-tls'], HostConfig: { NetworkMode: 'none' } });
    try {
      await c.start();
      expect((await c.wait()).StatusCode).toBe(0);
      const logs = (await c.logs({ stdout: true })) as unknown as Buffer;
      expect(logs.toString()).toContain('over-tls');
    } finally {
      await c.remove({ force: true });
    }
  });

  it('says why a TLS connection fails: no client certificate, an unknown CA, a missing file', async () => {
    const noCert = await connect('no client cert', `tcp://127.0.0.1:${tlsPort}`, { tls: { ca: join(dir, 'ca.pem') } });
    expect(noCert.connected).toBe(false);
    expect(noCert.error).toMatch(new RegExp(`connect to tcp://127\\.0\\.0\\.1:${tlsPort}: .*(certificate|handshake|socket hang up|ECONNRESET)`, 'i'));
    const otherCa = await connect('other CA', `tcp://127.0.0.1:${tlsPort}`, { tls: { ca: join(dir, 'other-ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } });
    expect(otherCa.connected).toBe(false);
    expect(otherCa.error).toMatch(/self[- ]signed|unable to verify|certificate/i);
    const plain = await connect('plain http to a TLS port', `tcp://127.0.0.1:${tlsPort}`);
    expect(plain.connected).toBe(false);
    const missing = await connect('missing file', `tcp://127.0.0.1:${tlsPort}`, { tls: { ca: join(dir, 'nope.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } });
    expect(missing.connected).toBe(false);
    expect(missing.error).toMatch(/read TLS CA .*nope\.pem: ENOENT/);
  });

  it('connects over ssh (docker system dial-stdio on the far side) to the engine socket', async () => {
    const status = await connect('berthd over ssh', `ssh://root@127.0.0.1:${sshd.port}`, { sshKey: sshd.key });
    expect(status.error).toBeUndefined();
    expect(status).toMatchObject({ connected: true, kind: 'berthd', apiVersion: '1.45' });
    const images = await hub.docker().listImages();
    expect(images.flatMap((i) => i.RepoTags ?? [])).toContain('busybox:test');
    const info = (await hub.docker().info()) as { Name?: string; Driver?: string };
    expect(info.Driver).toBe(((await berthd.client.info()) as { Driver?: string }).Driver);
    // The host key was recorded at the first connection: the one ssh-keygen reads from sshd's key.
    const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')], { encoding: 'utf8' }).split(' ')[1];
    expect(hub.active.sshHostKey).toBe(expected);
  });

  it('refuses a server whose host key is not the recorded one', async () => {
    const other = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'other_key.pub')], { encoding: 'utf8' }).split(' ')[1] as string;
    const conn = hub.add('recorded key differs', `ssh://root@127.0.0.1:${sshd.port}`, undefined, sshd.key);
    conn.sshHostKey = other;
    hub.use(conn.id);
    const status = await hub.status();
    expect(status.connected).toBe(false);
    const real = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')], { encoding: 'utf8' }).split(' ')[1];
    expect(status.error).toContain(`the server's ssh host key is ${real}, not ${other} as recorded`);
  });

  it('says why an ssh connection fails: a key the server does not accept, nothing listening', async () => {
    const refusedKey = await connect('wrong key', `ssh://root@127.0.0.1:${sshd.port}`, { sshKey: sshd.otherKey });
    expect(refusedKey.connected).toBe(false);
    expect(refusedKey.error).toMatch(/authentication methods failed|authentication/i);
    const closed = await freePort();
    const nobody = await connect('nothing there', `ssh://root@127.0.0.1:${closed}`, { sshKey: sshd.key });
    expect(nobody.connected).toBe(false);
    expect(nobody.error).toMatch(/ECONNREFUSED|not reachable/);
  });
});
