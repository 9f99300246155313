// The /etc/hosts and /etc/resolv.conf berthd bind-mounts into a container, written as dockerd
// 20.10 writes them: its standard hosts block plus --add-host entries; the host's resolv.conf
// (without loopback nameservers, which mean nothing in another network namespace) unless
// --dns, --dns-search or --dns-option replace its parts.
import { isIP } from 'node:net';
import { HostOptionError } from '../oci/host-options.js';

const HOSTS_BLOCK = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** `name:ip` entries of --add-host (the CLI's form; IPv6 addresses keep their colons).
 * `host-gateway` is the bridge's own address (`hostGateway`), as dockerd's docker0 address. */
export function parseExtraHosts(entries: string[], hostGateway?: string): { name: string; ip: string }[] {
  return entries.map((e) => {
    const i = e.indexOf(':');
    if (i <= 0) throw new HostOptionError(`bad format for add-host: "${e}"`);
    const name = e.slice(0, i);
    const ip = e.slice(i + 1).replace(/^\[(.*)\]$/, '$1');
    if (ip === 'host-gateway') {
      if (hostGateway) return { name, ip: hostGateway };
      throw new HostOptionError('unable to derive the IP value for host-gateway: berthd runs without a bridge (start it with --bridge)');
    }
    if (!isIP(ip)) throw new HostOptionError(`invalid IP address in add-host: "${ip}"`);
    return { name, ip };
  });
}

/** `bridgeIp`: the container's address on berthd's bridge or its first user network, once it has
 * one (at start). `peers`: the other containers on its user networks (network/user/hosts-entries.ts). */
export function hostsFile(networkMode: string, hostname: string, extraHosts: string[], bridgeIp?: string, hostGateway?: string, peers: string[] = []): string {
  const lines = [...HOSTS_BLOCK];
  // dockerd writes the container's bridge address; without a bridge berthd names it on 127.0.1.1.
  if (networkMode !== 'host' && networkMode !== 'none' && !networkMode.startsWith('container:')) lines.push(`${bridgeIp ?? '127.0.1.1'}\t${hostname}`);
  for (const h of parseExtraHosts(extraHosts, hostGateway)) lines.push(`${h.ip}\t${h.name}`);
  lines.push(...peers);
  return `${lines.join('\n')}\n`;
}

export interface DnsSettings { Dns?: string[] | null | undefined; DnsSearch?: string[] | null | undefined; DnsOptions?: string[] | null | undefined }

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

export function resolvConf(hostResolvConf: string, networkMode: string, dns: DnsSettings): string {
  for (const ip of dns.Dns ?? []) if (!isIP(ip)) throw new HostOptionError(`IP address is not correctly formatted: ${ip}`);
  const lines = hostResolvConf.split('\n');
  const field = (key: string): string[] => lines.map((l) => l.trim()).filter((l) => l.startsWith(`${key} `) || l.startsWith(`${key}\t`)).map((l) => l.slice(key.length).trim());
  const given = Boolean(dns.Dns?.length || dns.DnsSearch?.length || dns.DnsOptions?.length);
  if (!given) {
    if (networkMode === 'host') return hostResolvConf;
    // The host's file, less the loopback nameservers; Docker's public defaults if none is left.
    const kept = lines.filter((l) => { const m = /^\s*nameserver\s+(\S+)/.exec(l); return !m || !isLoopback(m[1]!); });
    const text = kept.join('\n');
    if (/^\s*nameserver\s/m.test(text)) return text.endsWith('\n') || text === '' ? text : `${text}\n`;
    return `${text.trimEnd()}${text.trim() ? '\n' : ''}nameserver 8.8.8.8\nnameserver 8.8.4.4\n`;
  }
  const search = dns.DnsSearch?.length ? dns.DnsSearch : field('search').flatMap((s) => s.split(/\s+/));
  const servers = dns.Dns?.length ? dns.Dns : field('nameserver').filter((ip) => networkMode === 'host' || !isLoopback(ip));
  const options = dns.DnsOptions?.length ? dns.DnsOptions : field('options').flatMap((s) => s.split(/\s+/));
  const out: string[] = [];
  // "." alone means "no search domains", as in Docker.
  const searchList = search.filter((s) => s !== '.');
  if (searchList.length) out.push(`search ${searchList.join(' ')}`);
  for (const s of servers) out.push(`nameserver ${s}`);
  if (options.length) out.push(`options ${options.join(' ')}`);
  return `${out.join('\n')}\n`;
}
