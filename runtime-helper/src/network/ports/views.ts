// Published ports as dockerd 20.10 shows them: inspect's NetworkSettings.Ports (every exposed
// port of a running container, with its bindings or null) and the list's Ports (one entry per
// binding, exposed-only ports without IP and PublicPort). Stopped containers show none.
import { comparePortKeys } from './bindings.js';
import type { BoundPort } from './forwarder.js';

export interface PortsViewInput {
  running: boolean;
  networkMode: string;
  exposed: Record<string, unknown> | null | undefined;
  bound: BoundPort[];
}

function shown(v: PortsViewInput): boolean {
  const m = v.networkMode;
  return v.running && m !== 'host' && m !== 'none' && !m.startsWith('container:');
}

export function inspectPorts(v: PortsViewInput): Record<string, { HostIp: string; HostPort: string }[] | null> {
  if (!shown(v)) return {};
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const key of Object.keys(v.exposed ?? {})) out[key] = null;
  for (const p of v.bound) {
    const key = `${p.containerPort}/${p.proto}`;
    (out[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  }
  return Object.fromEntries(Object.keys(out).sort(comparePortKeys).map((k) => [k, out[k]!]));
}

export interface ListPort { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }

export function listPorts(v: PortsViewInput): ListPort[] {
  const ports = inspectPorts(v);
  const out: ListPort[] = [];
  for (const [key, bindings] of Object.entries(ports)) {
    const [port, type = 'tcp'] = key.split('/');
    if (!bindings) { out.push({ PrivatePort: Number(port), Type: type }); continue; }
    for (const b of bindings) out.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type });
  }
  return out;
}
