// Starts Debian's docker-registry (distribution 2.8) on 127.0.0.1:<free port> with filesystem
// storage in a temp dir, in three flavours: plain HTTP; TLS from a self-signed CA (made here with
// openssl) plus htpasswd basic auth (apache2-utils' htpasswd -B); and token auth behind a small
// Bearer token server run in this process (JWTs signed with a test RSA key whose certificate is
// the registry's rootcertbundle).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, createSign, createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, openSync, existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RegistryUser { username: string; password: string }

export interface TokenServer {
  url: string;
  service: string;
  /** Every token request the server saw (scopes, account, whether credentials were valid). */
  requests: { scopes: string[]; account: string | undefined; authenticated: boolean }[];
  close(): Promise<void>;
}

export interface TestRegistry {
  /** host:port as written in image references. */
  host: string;
  /** Base URL (http:// or https://). */
  url: string;
  storageDir: string;
  /** PEM of the CA that signed the TLS certificate (TLS flavour). */
  caPem?: string;
  /** Directory laid out like /etc/docker/certs.d: <dir>/<host>/ca.crt (TLS flavour). */
  certsDir?: string;
  user?: RegistryUser;
  tokenServer?: TokenServer;
  logFile: string;
  /** Path of a blob's data file in the registry's storage. */
  blobDataPath(digest: string): string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  tls?: boolean;
  /** htpasswd basic auth with this user (use with tls: docker clients send basic auth only over TLS). */
  basicAuth?: RegistryUser;
  /** Bearer token auth with a token server that knows this user; anonymous gets pull only. */
  tokenAuth?: RegistryUser;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
}

/** A CA and a server certificate for 127.0.0.1 / localhost, made with openssl. */
export function makeTlsFiles(dir: string): { caCert: string; caKey: string; cert: string; key: string } {
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', '/CN=Berth test CA']);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1']);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run('openssl', ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { caCert, caKey, cert, key };
}

function ensureHtpasswd(): void {
  try { run('htpasswd', ['-v']); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      execFileSync('apt-get', ['install', '-y', '-q', 'apache2-utils'], { stdio: 'ignore' });
    }
  }
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const storageDir = join(dir, 'storage');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const logFile = join(dir, 'registry.log');
  let tls: ReturnType<typeof makeTlsFiles> | undefined;
  let certsDir: string | undefined;
  let tokenServer: TokenServer | undefined;
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (opts.tls) {
    tls = makeTlsFiles(dir);
    lines.push('  tls:', `    certificate: ${tls.cert}`, `    key: ${tls.key}`);
    certsDir = join(dir, 'certs.d');
    execFileSync('mkdir', ['-p', join(certsDir, host)]);
    writeFileSync(join(certsDir, host, 'ca.crt'), readFileSync(tls.caCert));
  }
  if (opts.basicAuth) {
    ensureHtpasswd();
    const file = join(dir, 'htpasswd');
    writeFileSync(file, run('htpasswd', ['-Bbn', opts.basicAuth.username, opts.basicAuth.password]));
    lines.push('auth:', '  htpasswd:', '    realm: berth-test', `    path: ${file}`);
  } else if (opts.tokenAuth) {
    tokenServer = await startTokenServer(dir, `registry-${port}`, opts.tokenAuth);
    lines.push('auth:', '  token:', `    realm: ${tokenServer.url}`, `    service: ${tokenServer.service}`, '    issuer: berth-test-issuer',
      `    rootcertbundle: ${join(dir, 'token.crt')}`);
  }
  const config = join(dir, 'config.yml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', out, out] });
  const url = `${opts.tls ? 'https' : 'http'}://${host}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    if (await answers(url, tls ? readFileSync(tls.caCert, 'utf8') : undefined)) break;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`docker-registry did not answer on ${url} within 20s; see ${logFile}`); }
    await sleep(50);
  }
  return {
    host, url, storageDir, logFile,
    ...(tls ? { caPem: readFileSync(tls.caCert, 'utf8'), certsDir } : {}),
    ...(opts.basicAuth ? { user: opts.basicAuth } : opts.tokenAuth ? { user: opts.tokenAuth } : {}),
    ...(tokenServer ? { tokenServer } : {}),
    blobDataPath: (digest: string) => {
      const hex = digest.replace(/^sha256:/, '');
      return join(storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    },
    async stop() {
      child.kill('SIGTERM');
      const until = Date.now() + 10_000;
      while (child.exitCode === null && child.signalCode === null && Date.now() < until) await sleep(50);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await tokenServer?.close();
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

function answers(url: string, ca: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const lib = url.startsWith('https') ? https : http;
    const req = lib.get(`${url}/v2/`, { ...(ca ? { ca } : {}), agent: false }, (res) => { res.resume(); resolve(true); });
    req.setTimeout(1000, () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** docker/libtrust's key id: base32 of the first 30 bytes of sha256(SPKI DER), in groups of 4. */
function libtrustKeyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const b32 = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return b32.match(/.{1,4}/g)!.join(':');
}

function base32(buf: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

async function startTokenServer(dir: string, service: string, user: RegistryUser): Promise<TokenServer> {
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=Berth test token signer']);
  const keyPem = readFileSync(keyFile, 'utf8');
  const kid = libtrustKeyId(createPublicKey(keyPem).export({ type: 'spki', format: 'pem' }) as string);
  const requests: TokenServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    const auth = req.headers.authorization;
    let account: string | undefined;
    let authenticated = false;
    if (auth?.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      account = u;
      authenticated = u === user.username && p.join(':') === user.password;
      if (!authenticated) {
        requests.push({ scopes, account, authenticated });
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"invalid credentials"}');
        return;
      }
    }
    requests.push({ scopes, account, authenticated });
    // Authenticated users get what they ask; anonymous users may only pull.
    const access = scopes.map((s) => {
      const [type, ...rest] = s.split(':');
      const actions = (rest.pop() ?? '').split(',').filter(Boolean);
      return { type, name: rest.join(':'), actions: authenticated ? actions : actions.filter((a) => a === 'pull') };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', kid };
    const claims = { iss: 'berth-test-issuer', sub: account ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const signingInput = `${enc(header)}.${enc(claims)}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(keyPem).toString('base64url');
    const token = `${signingInput}.${signature}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/token`,
    service,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function registryAvailable(): boolean {
  return existsSync('/usr/bin/docker-registry');
}
