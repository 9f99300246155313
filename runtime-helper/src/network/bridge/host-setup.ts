// The host side, made at berthd's start: the bridge device with its address (refusing a subnet a
// host route already covers), IPv4 forwarding, and one MASQUERADE rule for the subnet in a nat
// chain of berthd's own. Each step is idempotent, so a restart finds what the last run made.
import { readFileSync, writeFileSync } from 'node:fs';
import { formatCidr, formatIpv4, networkOf, overlaps, parseCidr } from './cidr.js';
import { run } from './programs.js';
import type { BridgeSettings } from './bridge-settings.js';

export const natChain = 'BERTH-POSTROUTING';

interface IpRoute { dst: string; dev?: string }
interface IpAddrInfo { family: string; local: string; prefixlen: number }
interface IpLink { ifname: string; mtu?: number; linkinfo?: { info_kind?: string }; addr_info?: IpAddrInfo[] }

export async function setUpHost(s: BridgeSettings): Promise<string[]> {
  const warnings: string[] = [];
  await checkRoutes(s);
  await ensureBridge(s);
  if (s.ipForward) enableForwarding();
  if (s.iptables && s.ipMasq) await ensureMasquerade(s);
  const forward = s.iptables ? await run('iptables', ['-S', 'FORWARD']).catch(() => null) : null;
  if (forward && /^-P FORWARD DROP/m.test(forward.stdout)) warnings.push('the iptables FORWARD policy is DROP: containers on the bridge reach each other and the host, but not beyond it');
  return warnings;
}

/** A route to the subnet (or inside it) through any other interface means the addresses are taken. */
async function checkRoutes(s: BridgeSettings): Promise<void> {
  const { stdout } = await run('ip', ['-4', '-j', 'route', 'show', 'table', 'all']);
  const routes = JSON.parse(stdout || '[]') as IpRoute[];
  for (const r of routes) {
    if (r.dst === 'default' || r.dev === s.name || r.dev === 'lo') continue;
    let dst;
    try { dst = parseCidr(r.dst); } catch { continue; } // broadcast, local and other non-CIDR entries
    if (overlaps(dst, s.subnet)) {
      throw new Error(`bridge ${s.name}: subnet ${formatCidr(networkOf(s.subnet), s.subnet.prefixLen)} overlaps the host's route to ${r.dst}${r.dev ? ` on ${r.dev}` : ''}; pick another --bip`);
    }
  }
}

async function linkInfo(name: string): Promise<IpLink | undefined> {
  try {
    const { stdout } = await run('ip', ['-j', '-d', 'addr', 'show', 'dev', name]);
    return (JSON.parse(stdout) as IpLink[])[0];
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
}

async function ensureBridge(s: BridgeSettings): Promise<void> {
  let link = await linkInfo(s.name);
  if (!link) {
    await run('ip', ['link', 'add', 'name', s.name, 'type', 'bridge']);
    link = await linkInfo(s.name);
  } else if (link.linkinfo?.info_kind !== 'bridge') {
    throw new Error(`bridge ${s.name}: the interface exists and is not a bridge`);
  }
  const wanted = formatIpv4(s.gateway.address);
  const v4 = (link?.addr_info ?? []).filter((a) => a.family === 'inet');
  const other = v4.find((a) => a.local !== wanted || a.prefixlen !== s.gateway.prefixLen);
  if (other) throw new Error(`bridge ${s.name}: it has the address ${other.local}/${other.prefixlen}, not --bip ${formatCidr(s.gateway.address, s.gateway.prefixLen)}`);
  if (!v4.length) await run('ip', ['addr', 'add', formatCidr(s.gateway.address, s.gateway.prefixLen), 'dev', s.name]);
  await run('ip', ['link', 'set', 'dev', s.name, 'mtu', String(s.mtu), 'up']);
}

/** net.ipv4.ip_forward=1, as dockerd sets it (and, as dockerd, never sets it back). */
function enableForwarding(): void {
  const file = '/proc/sys/net/ipv4/ip_forward';
  if (readFileSync(file, 'utf8').trim() !== '1') writeFileSync(file, '1\n');
}

async function ruleExists(args: string[]): Promise<boolean> {
  try { await run('iptables', ['-w', '-t', 'nat', '-C', ...args]); return true; } catch { return false; }
}

/** The nat rules: POSTROUTING jumps to berthd's chain, which masquerades the subnet's traffic
 * leaving by any other interface. Nothing else on the host is changed. */
async function ensureMasquerade(s: BridgeSettings): Promise<void> {
  const chains = (await run('iptables', ['-w', '-t', 'nat', '-S'])).stdout;
  if (!new RegExp(`^-N ${natChain}$`, 'm').test(chains)) await run('iptables', ['-w', '-t', 'nat', '-N', natChain]);
  if (!(await ruleExists(['POSTROUTING', '-j', natChain]))) await run('iptables', ['-w', '-t', 'nat', '-A', 'POSTROUTING', '-j', natChain]);
  const rule = masqueradeRule(s);
  if (!(await ruleExists([natChain, ...rule]))) await run('iptables', ['-w', '-t', 'nat', '-A', natChain, ...rule]);
}

export function masqueradeRule(s: BridgeSettings): string[] {
  return ['-s', formatCidr(networkOf(s.subnet), s.subnet.prefixLen), '!', '-o', s.name, '-j', 'MASQUERADE'];
}
