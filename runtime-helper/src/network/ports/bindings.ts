// Published ports as the API gives them (HostConfig.PortBindings, PublishAllPorts, the exposed
// ports of Config and image): validated with dockerd's words where dockerd refuses, and clearly
// where Berth cannot do what dockerd would (sctp), then expanded into the host listeners a
// container's forwarder binds.
import { isIP } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { badPorts } from './errors.js';

export type PortProto = 'tcp' | 'udp';

/** One host listener to bind: `hostPort` 0 = any free port; a range = the first free one. */
export interface ListenerSpec {
  proto: PortProto;
  containerPort: number;
  hostIp: string;
  hostPortLo: number;
  hostPortHi: number;
}

const bindingSchema = z.object({
  HostIp: z.string().optional().default(''),
  HostPort: z.string().optional().default(''),
}).passthrough();

export const portBindingsSchema = z.record(z.string(), z.array(bindingSchema).nullable()).nullish();
export type PortBindings = z.infer<typeof portBindingsSchema>;

/** What create and start read from a container's settings. */
export interface PortSettings {
  NetworkMode?: string;
  PortBindings?: unknown;
  PublishAllPorts?: unknown;
}

/** "80/tcp" -> [80, 'tcp']; "80" means tcp, as in dockerd. */
export function parsePortKey(key: string): [number, PortProto] {
  const m = /^([^/]*)(?:\/(.*))?$/.exec(key)!;
  const proto = (m[2] ?? 'tcp').toLowerCase();
  const port = parsePortNumber(m[1]!);
  if (port === null) throw badPorts(`invalid port specification: "${m[1]}"`);
  if (port === 0) throw badPorts(`invalid container port "${key}": a published port needs a container port from 1 to 65535`);
  if (proto === 'sctp') throw badPorts(`cannot publish "${key}": Berth forwards tcp and udp ports only, not sctp`);
  if (proto !== 'tcp' && proto !== 'udp') throw badPorts(`invalid protocol "${proto}" in port "${key}": tcp or udp`);
  return [port, proto];
}

function parsePortNumber(s: string): number | null {
  if (!/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n <= 65535 ? n : null;
}

/** "" or "0" (any), "8080", "8000-8010" -> [lo, hi]. */
function parseHostPort(s: string): [number, number] {
  if (s === '') return [0, 0];
  const [lo, hi, extra] = s.split('-');
  const a = parsePortNumber(lo!);
  const b = hi === undefined ? a : parsePortNumber(hi);
  if (a === null || extra !== undefined) throw badPorts(`invalid port specification: "${lo}"`);
  if (b === null) throw badPorts(`invalid port specification: "${hi}"`);
  if (b < a || (a === 0 && b !== 0)) throw badPorts(`invalid host port range "${s}"`);
  return [a, b];
}

/** Checks PortBindings and PublishAllPorts; throws a 400 naming the bad part. */
export function validatePortBindings(hc: PortSettings): PortBindings {
  const parsed = portBindingsSchema.safeParse(hc.PortBindings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badPorts(`HostConfig.PortBindings${issue.path.map((p) => `[${JSON.stringify(p)}]`).join('')}: ${issue.message}`);
  }
  if (hc.PublishAllPorts !== undefined && hc.PublishAllPorts !== null && typeof hc.PublishAllPorts !== 'boolean') {
    throw badPorts('HostConfig.PublishAllPorts: expected a boolean');
  }
  for (const [key, list] of Object.entries(parsed.data ?? {})) {
    parsePortKey(key);
    for (const b of list ?? []) {
      if (b.HostIp !== '' && isIP(b.HostIp) === 0) throw badPorts(`invalid host IP address "${b.HostIp}" for port ${key}: not an IP address`);
      parseHostPort(b.HostPort);
    }
  }
  return parsed.data;
}

function publishing(hc: PortSettings): boolean {
  return Object.keys((hc.PortBindings as Record<string, unknown> | null | undefined) ?? {}).length > 0 || hc.PublishAllPorts === true;
}

/**
 * create's check, dockerd's rules: a container that joins another's network namespace can
 * neither publish nor expose ports (400); under --network host published ports are discarded
 * with a warning (returned); --network none accepts them and publishes nothing, as dockerd.
 */
export function checkPortsForNetworkMode(hc: PortSettings, requestExposed: Record<string, unknown> | null | undefined): string[] {
  validatePortBindings(hc);
  const mode = hc.NetworkMode ?? '';
  if (mode.startsWith('container:')) {
    if (publishing(hc)) throw badPorts('conflicting options: port publishing and the container type network mode');
    if (Object.keys(requestExposed ?? {}).length > 0) throw badPorts('conflicting options: port exposing and the container type network mode');
  }
  if (mode === 'host' && publishing(hc)) return ['Published ports are discarded when using host network mode'];
  return [];
}

/** Config.ExposedPorts as dockerd stores it: the image's, the request's and every published port. */
export function exposedPorts(imageExposed: unknown, requestExposed: unknown, hc: PortSettings): Record<string, object> | undefined {
  const keys = new Set<string>();
  for (const src of [imageExposed, requestExposed, hc.PortBindings]) {
    for (const key of Object.keys((src as Record<string, unknown> | null | undefined) ?? {})) {
      try {
        const [port, proto] = parsePortKey(key);
        keys.add(`${port}/${proto}`);
      } catch { keys.add(key); } // an image's odd entry is kept as given
    }
  }
  if (keys.size === 0) return undefined;
  return Object.fromEntries([...keys].map((k) => [k, {}]));
}

/** Whether this host has IPv6 (dockerd binds "::" beside "0.0.0.0" for an empty HostIp). */
export function hostHasIpv6(): boolean {
  try { return existsSync('/proc/net/if_inet6') && readFileSync('/proc/net/if_inet6', 'utf8').trim() !== ''; } catch { return false; }
}

/**
 * The listeners a running container's forwarder binds, in dockerd's order of appearance:
 * each binding of PortBindings, then (PublishAllPorts) every exposed port not bound yet, on any
 * free host port. An empty HostIp is 0.0.0.0 and, with IPv6, "::" (two listeners, as dockerd).
 * Nothing for the network modes that publish nothing (host, none, container:).
 */
export function listenersFor(hc: PortSettings, exposed: Record<string, unknown> | null | undefined, ipv6 = hostHasIpv6()): ListenerSpec[] {
  const mode = hc.NetworkMode ?? '';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return [];
  const bindings = validatePortBindings(hc) ?? {};
  const out: ListenerSpec[] = [];
  const add = (proto: PortProto, containerPort: number, hostIp: string, hostPort: string): void => {
    const [lo, hi] = parseHostPort(hostPort);
    const ips = hostIp !== '' ? [hostIp] : ipv6 ? ['0.0.0.0', '::'] : ['0.0.0.0'];
    for (const ip of ips) out.push({ proto, containerPort, hostIp: ip, hostPortLo: lo, hostPortHi: hi });
  };
  const bound = new Set<string>();
  for (const key of Object.keys(bindings).sort(comparePortKeys)) {
    const [port, proto] = parsePortKey(key);
    bound.add(`${port}/${proto}`);
    for (const b of bindings[key] ?? []) add(proto, port, b.HostIp, b.HostPort);
  }
  if (hc.PublishAllPorts === true) {
    for (const key of Object.keys(exposed ?? {}).sort(comparePortKeys)) {
      let parsed: [number, PortProto];
      try { parsed = parsePortKey(key); } catch { continue; } // an exposed sctp port: nothing to publish
      if (!bound.has(`${parsed[0]}/${parsed[1]}`)) add(parsed[1], parsed[0], '', '');
    }
  }
  return out;
}

/** By port number, then protocol (tcp first). */
export function comparePortKeys(a: string, b: string): number {
  const [pa = '', ta = 'tcp'] = a.split('/');
  const [pb = '', tb = 'tcp'] = b.split('/');
  return Number(pa) - Number(pb) || ta.localeCompare(tb);
}
