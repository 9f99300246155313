// Where credentials come from: the X-Registry-Auth header the docker CLI sends (base64url JSON),
// and docker's config.json format (auths with base64 "user:pass" or an identity token;
// credsStore / credHelpers naming docker-credential-<name> helper programs).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { normaliseRegistryHost, defaultDomain } from './reference.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** OAuth refresh token (docker's "identitytoken"). */
  identityToken?: string;
  /** A ready bearer token for the registry (X-Registry-Auth "registrytoken"). */
  registryToken?: string;
}

export function hasCredentials(c: Credentials | undefined): c is Credentials {
  return !!c && !!((c.username && c.password) || c.identityToken || c.registryToken);
}

/** Decodes X-Registry-Auth. Bad input yields undefined (anonymous), like dockerd. */
export function decodeRegistryAuthHeader(header: string | undefined): Credentials | undefined {
  if (!header) return undefined;
  let json: unknown;
  try {
    const b64 = header.replace(/-/g, '+').replace(/_/g, '/');
    json = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
  const c: Credentials = {};
  const username = str('username');
  const password = str('password');
  const identityToken = str('identitytoken');
  const registryToken = str('registrytoken');
  if (username) c.username = username;
  if (password) c.password = password;
  if (identityToken) c.identityToken = identityToken;
  if (registryToken) c.registryToken = registryToken;
  return hasCredentials(c) ? c : undefined;
}

export function encodeRegistryAuthHeader(c: Credentials & { serveraddress?: string }): string {
  return Buffer.from(JSON.stringify({
    username: c.username, password: c.password, identitytoken: c.identityToken, registrytoken: c.registryToken, serveraddress: c.serveraddress,
  })).toString('base64url');
}

export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Runs `docker-credential-<helper> get` with the server URL on stdin (the helper protocol). */
export type HelperRunner = (helper: string, serverUrl: string) => Promise<string>;

const runHelper: HelperRunner = (helper, serverUrl) => new Promise((resolve, reject) => {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) { reject(new Error(`credential helper name "${helper}" is not valid`)); return; }
  const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 15_000, maxBuffer: 1 << 20 }, (err, stdout) => {
    // The helper's stderr may echo secrets; report only that it failed.
    if (err) reject(new Error(`credential helper docker-credential-${helper} failed for ${serverUrl}`));
    else resolve(stdout);
  });
  child.stdin?.end(serverUrl);
});

/** Keys docker writes for a host: Hub uses its v1 URL; others the bare host. */
function configKeysFor(host: string): string[] {
  if (host === defaultDomain) return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
}

export class DockerConfigCredentials {
  constructor(private readonly config: DockerConfigFile, private readonly runner: HelperRunner = runHelper) {}

  static async load(path: string, runner?: HelperRunner): Promise<DockerConfigCredentials> {
    let config: DockerConfigFile = {};
    try {
      config = JSON.parse(await readFile(path, 'utf8')) as DockerConfigFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`read docker config ${path}: ${(err as Error).message.split('\n')[0]}`);
    }
    return new DockerConfigCredentials(config, runner);
  }

  async get(registry: string): Promise<Credentials | undefined> {
    const host = normaliseRegistryHost(registry);
    const keys = configKeysFor(host);
    const helper = keys.map((k) => this.config.credHelpers?.[k]).find((h) => h) ?? this.config.credsStore;
    if (helper) {
      const serverUrl = host === defaultDomain ? 'https://index.docker.io/v1/' : host;
      try {
        const out = JSON.parse(await this.runner(helper, serverUrl)) as { Username?: string; Secret?: string };
        if (out.Secret) {
          // Helpers mark identity tokens with the username "<token>".
          return out.Username === '<token>' ? { identityToken: out.Secret } : { username: out.Username ?? '', password: out.Secret };
        }
      } catch {
        // Fall back to the auths section, as the docker CLI does when a helper has nothing.
      }
    }
    const entry = keys.map((k) => this.config.auths?.[k]).find((e) => e)
      ?? Object.entries(this.config.auths ?? {}).find(([k]) => normaliseRegistryHost(k) === host)?.[1];
    if (!entry) return undefined;
    const c: Credentials = {};
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) { c.username = decoded.slice(0, colon); c.password = decoded.slice(colon + 1); }
    }
    if (entry.username) c.username = entry.username;
    if (entry.password) c.password = entry.password;
    if (entry.identitytoken) c.identityToken = entry.identitytoken;
    if (entry.registrytoken) c.registryToken = entry.registrytoken;
    return hasCredentials(c) ? c : undefined;
  }
}
