// Turns an engine connection (a DOCKER_HOST-style URL) into a dockerode client.
import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
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
      return { protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), username: url.username || undefined } as Docker.DockerOptions;
    default:
      throw new Error(`parse engine host '${host}': unsupported scheme '${url.protocol}'`);
  }
}

export function dockerFor(conn: EngineConnection): Docker {
  const opts = parseHost(conn.host);
  if (conn.tls && (conn.tls.ca || conn.tls.cert || conn.tls.key)) {
    // tcp + TLS: files on disk, as DOCKER_CERT_PATH would give them.
    opts.protocol = 'https';
    if (conn.tls.ca) opts.ca = readFileSync(conn.tls.ca);
    if (conn.tls.cert) opts.cert = readFileSync(conn.tls.cert);
    if (conn.tls.key) opts.key = readFileSync(conn.tls.key);
  }
  return new Docker(opts);
}
