// Turns an engine connection (a DOCKER_HOST-style URL) into a dockerode client.
import Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EngineConnection } from '../shared/contract.js';

export const DEFAULT_BERTHD_HOST = 'unix:///run/berth/berth.sock';

export function parseHost(host: string): Docker.DockerOptions {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new Error(`parse engine host '${host}': not a URL (use unix:///path, tcp://host:port or ssh://user@host)`);
  }
  switch (url.protocol) {
    case 'unix:':
      if (!url.pathname) throw new Error(`parse engine host '${host}': no socket path`);
      return { socketPath: url.pathname };
    case 'tcp:':
    case 'http:':
    case 'https:':
      return { host: url.hostname, port: Number(url.port || 2375), protocol: url.protocol === 'https:' ? 'https' : 'http' };
    case 'ssh:':
      return { protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), username: decodeURIComponent(url.username) || undefined } as Docker.DockerOptions;
    default:
      throw new Error(`parse engine host '${host}': unsupported scheme '${url.protocol}'`);
  }
}

function readTlsFile(conn: EngineConnection, what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`connect to ${conn.host}: read TLS ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** How an ssh connection authenticates: the connection's key file, else the ssh agent, else the
 * user's default keys (as ssh(1) would try them). The remote runs `docker system dial-stdio`. */
export function sshAuth(conn: EngineConnection): { privateKey?: Buffer; agent?: string } {
  if (conn.sshKey) {
    try {
      return { privateKey: readFileSync(conn.sshKey) };
    } catch (err) {
      throw new Error(`connect to ${conn.host}: read ssh key ${conn.sshKey}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (process.env.SSH_AUTH_SOCK) return { agent: process.env.SSH_AUTH_SOCK };
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const p = join(homedir(), '.ssh', name);
    if (existsSync(p)) return { privateKey: readFileSync(p) };
  }
  return {};
}

/** The fingerprint ssh-keygen -l prints: SHA256 of the host key blob, base64 without padding. */
export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** `onHostKey` sees the server's host key fingerprint at every ssh connection. A connection with a
 * recorded key accepts only that key; one without accepts the first (trust on first use: the
 * hub records it). */
export function dockerFor(conn: EngineConnection, onHostKey?: (fingerprint: string) => void): Docker {
  const opts = parseHost(conn.host);
  if (opts.protocol === 'ssh') {
    const hostVerifier = (key: Buffer): boolean => {
      const fp = sshFingerprint(key);
      onHostKey?.(fp);
      return !conn.sshHostKey || fp === conn.sshHostKey;
    };
    opts.sshOptions = { ...sshAuth(conn), readyTimeout: 10_000, hostVerifier };
  } else if (conn.tls && (conn.tls.ca || conn.tls.cert || conn.tls.key)) {
    // tcp + TLS: files on disk, as DOCKER_CERT_PATH would give them.
    opts.protocol = 'https';
    if (conn.tls.ca) opts.ca = readTlsFile(conn, 'CA', conn.tls.ca);
    if (conn.tls.cert) opts.cert = readTlsFile(conn, 'certificate', conn.tls.cert);
    if (conn.tls.key) opts.key = readTlsFile(conn, 'key', conn.tls.key);
  }
  return new Docker(opts);
}
