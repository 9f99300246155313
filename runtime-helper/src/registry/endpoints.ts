// Which URLs serve a registry name: its mirrors in order, then the origin. Docker Hub's name
// docker.io is served by its API host. Insecure names (listed, or loopback as dockerd does) may
// use plain HTTP or unverified TLS; everything else is https with verification.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlockList, isIP } from 'node:net';
import type { RegistrySettings } from './config.js';
import { defaultDomain, dockerHubApiHost } from './reference.js';
import type { TlsSettings } from './transport.js';

export interface Endpoint {
  /** The registry name the reference used (docker.io, 127.0.0.1:5000). */
  name: string;
  /** Base URL candidates in the order to try: https first, http only for insecure hosts. */
  urls: URL[];
  mirror: boolean;
}

export class EndpointResolver {
  private readonly insecureNames = new Set<string>();
  private readonly insecureNets = new BlockList();
  private readonly caCache = new Map<string, string[]>();

  constructor(private readonly settings: RegistrySettings) {
    for (const entry of settings.insecureRegistries) {
      const e = entry.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
      const [addr, bits] = e.split('/');
      if (bits !== undefined && addr && isIP(addr)) this.insecureNets.addSubnet(addr, Number(bits), isIP(addr) === 6 ? 'ipv6' : 'ipv4');
      else this.insecureNames.add(e.toLowerCase());
    }
    // dockerd treats loopback as insecure by default.
    this.insecureNets.addSubnet('127.0.0.0', 8, 'ipv4');
    this.insecureNets.addSubnet('::1', 128, 'ipv6');
  }

  isInsecure(host: string): boolean {
    const h = host.toLowerCase();
    if (this.insecureNames.has(h)) return true;
    const bare = h.startsWith('[') ? h.slice(1, h.indexOf(']')) : h.replace(/:\d+$/, '');
    if (this.insecureNames.has(bare)) return true;
    if (bare === 'localhost') return true;
    const v = isIP(bare);
    return v !== 0 && this.insecureNets.check(bare, v === 6 ? 'ipv6' : 'ipv4');
  }

  endpointsFor(name: string): Endpoint[] {
    const mirrors = [
      ...(name === defaultDomain ? this.settings.registryMirrors : []),
      ...(this.settings.mirrors[name] ?? []),
    ];
    const out: Endpoint[] = mirrors.map((m) => {
      const u = new URL(m);
      const base = new URL(`${u.protocol}//${u.host}`);
      return { name, urls: [base], mirror: true };
    });
    const host = name === defaultDomain ? dockerHubApiHost : name;
    out.push({ name, urls: this.isInsecure(host) ? [new URL(`https://${host}`), new URL(`http://${host}`)] : [new URL(`https://${host}`)], mirror: false });
    return out;
  }

  tlsFor = (host: string): TlsSettings => {
    const ca = this.caFor(host);
    return { verify: !this.isInsecure(host), ...(ca.length > 0 ? { ca } : {}) };
  };

  private caFor(host: string): string[] {
    if (!this.settings.certsDir) return [];
    let cached = this.caCache.get(host);
    if (cached) return cached;
    cached = [];
    const dir = join(this.settings.certsDir, host.replace(/:/g, ':'));
    try {
      for (const f of readdirSync(dir)) if (f.endsWith('.crt')) cached.push(readFileSync(join(dir, f), 'utf8'));
    } catch { /* no directory: system roots only */ }
    this.caCache.set(host, cached);
    return cached;
  }
}
