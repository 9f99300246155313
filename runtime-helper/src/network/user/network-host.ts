// A user network's host side: its Linux bridge (br-<12 hex>) with the gateway address, the
// MASQUERADE rule for its subnet in berthd's nat chain (not for internal networks), and the
// isolation rules that drop traffic between different user networks (dockerd's
// DOCKER-ISOLATION-STAGE-1/2, here BERTH-ISOLATION-1/2 in the filter table). Every step is
// idempotent: berthd's start runs it again for each stored network.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCidr } from '../bridge/cidr.js';
import { natChain } from '../bridge/host-setup.js';
import { run } from '../bridge/programs.js';
import type { UserNetwork } from './user-network.js';

export const isolation1 = 'BERTH-ISOLATION-1';
export const isolation2 = 'BERTH-ISOLATION-2';

async function ipt(table: string, args: string[]): Promise<void> { await run('iptables', ['-w', '-t', table, ...args]); }
async function exists(table: string, args: string[]): Promise<boolean> {
  try { await run('iptables', ['-w', '-t', table, '-C', ...args]); return true; } catch { return false; }
}
async function ensureRule(table: string, chain: string, rule: string[], insert = false): Promise<void> {
  if (!(await exists(table, [chain, ...rule]))) await ipt(table, [insert ? '-I' : '-A', chain, ...rule]);
}
async function deleteRule(table: string, chain: string, rule: string[]): Promise<void> {
  while (await exists(table, [chain, ...rule])) await ipt(table, ['-D', chain, ...rule]);
}
async function ensureChain(table: string, chain: string): Promise<void> {
  const listed = (await run('iptables', ['-w', '-t', table, '-S'])).stdout;
  if (!new RegExp(`^-N ${chain}$`, 'm').test(listed)) await ipt(table, ['-N', chain]);
}

/** Whether iptables works here (user networks need it for their nat and isolation rules). */
export async function iptablesUsable(): Promise<boolean> {
  try { await run('iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING']); return true; } catch { return false; }
}

const masquerade = (n: UserNetwork): string[] => ['-s', n.Subnet, '!', '-o', n.Bridge, '-j', 'MASQUERADE'];

async function linkExists(name: string): Promise<{ kind?: string; addrs: string[] } | undefined> {
  try {
    const { stdout } = await run('ip', ['-j', '-d', 'addr', 'show', 'dev', name]);
    const l = (JSON.parse(stdout) as { linkinfo?: { info_kind?: string }; addr_info?: { family: string; local: string; prefixlen: number }[] }[])[0];
    return { kind: l?.linkinfo?.info_kind, addrs: (l?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`) };
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** The MTU of the network's bridge and veths: its driver option, else berthd's --mtu. */
export function mtuOf(n: UserNetwork, daemonMtu: number): number {
  const o = n.Options['com.docker.network.driver.mtu'];
  return o ? Number(o) : daemonMtu;
}

const masquerades = (n: UserNetwork): boolean => !n.Internal && n.Options['com.docker.network.bridge.enable_ip_masquerade'] !== 'false';

export async function setUpNetworkHost(n: UserNetwork, daemonMtu: number, ipForward: boolean): Promise<void> {
  const mtu = mtuOf(n, daemonMtu);
  const gatewayCidr = `${n.Gateway}/${parseCidr(n.Subnet).prefixLen}`;
  let link = await linkExists(n.Bridge);
  if (!link) {
    await run('ip', ['link', 'add', 'name', n.Bridge, 'mtu', String(mtu), 'type', 'bridge']);
    link = { kind: 'bridge', addrs: [] };
  } else if (link.kind !== 'bridge') throw new Error(`network ${n.Name}: the interface ${n.Bridge} exists and is not a bridge`);
  if (!link.addrs.includes(gatewayCidr)) await run('ip', ['addr', 'add', gatewayCidr, 'dev', n.Bridge]);
  await run('ip', ['link', 'set', 'dev', n.Bridge, 'up']);
  if (!n.Internal) {
    if (ipForward) {
      const f = '/proc/sys/net/ipv4/ip_forward';
      if (readFileSync(f, 'utf8').trim() !== '1') writeFileSync(f, '1\n');
    }
  }
  if (masquerades(n)) {
    await ensureChain('nat', natChain);
    await ensureRule('nat', 'POSTROUTING', ['-j', natChain]);
    await ensureRule('nat', natChain, masquerade(n));
  }
  await ensureIsolation(n);
}

/** Stage 1: traffic coming from this network's bridge and leaving by another interface goes to
 * stage 2, which drops what goes out on another user network's bridge. An internal network's
 * traffic from or to anything outside its subnet is dropped in stage 1. */
async function ensureIsolation(n: UserNetwork): Promise<void> {
  await ensureChain('filter', isolation1);
  await ensureChain('filter', isolation2);
  await ensureRule('filter', 'FORWARD', ['-j', isolation1], true);
  await ensureRule('filter', isolation1, ['-i', n.Bridge, '!', '-o', n.Bridge, '-j', isolation2]);
  await ensureRule('filter', isolation2, ['-o', n.Bridge, '-j', 'DROP']);
  if (n.Internal) {
    await ensureRule('filter', isolation1, ['-i', n.Bridge, '!', '-d', n.Subnet, '-j', 'DROP']);
    await ensureRule('filter', isolation1, ['-o', n.Bridge, '!', '-s', n.Subnet, '-j', 'DROP']);
  }
}

/** Removes the bridge and every rule made for the network. */
export async function tearDownNetworkHost(n: UserNetwork): Promise<void> {
  await run('ip', ['link', 'del', n.Bridge]).catch(() => undefined);
  await deleteRule('nat', natChain, masquerade(n)).catch(() => undefined);
  await deleteRule('filter', isolation1, ['-i', n.Bridge, '!', '-o', n.Bridge, '-j', isolation2]).catch(() => undefined);
  await deleteRule('filter', isolation2, ['-o', n.Bridge, '-j', 'DROP']).catch(() => undefined);
  await deleteRule('filter', isolation1, ['-i', n.Bridge, '!', '-d', n.Subnet, '-j', 'DROP']).catch(() => undefined);
  await deleteRule('filter', isolation1, ['-o', n.Bridge, '!', '-s', n.Subnet, '-j', 'DROP']).catch(() => undefined);
}

/** Once no user network is left: berthd's isolation chains and their jump, and the nat chain if
 * nothing else (the default bridge) has a rule in it, so a host berthd no longer needs them on
 * is left as found (dockerd keeps its chains). */
export async function removeEmptyChains(): Promise<void> {
  const filter = (await run('iptables', ['-w', '-S'])).stdout;
  if (!new RegExp(`^-A (${isolation1}|${isolation2}) `, 'm').test(filter)) {
    await deleteRule('filter', 'FORWARD', ['-j', isolation1]).catch(() => undefined);
    for (const c of [isolation1, isolation2]) if (filter.includes(`-N ${c}\n`)) await ipt('filter', ['-X', c]).catch(() => undefined);
  }
  const nat = (await run('iptables', ['-w', '-t', 'nat', '-S'])).stdout;
  if (nat.includes(`-N ${natChain}\n`) && !nat.includes(`-A ${natChain} `)) {
    await deleteRule('nat', 'POSTROUTING', ['-j', natChain]).catch(() => undefined);
    await ipt('nat', ['-X', natChain]).catch(() => undefined);
  }
}
