// A container's link to the bridge: a veth pair whose host end joins the bridge and whose other
// end is the container's eth0 (its address, Docker's MAC, the route via the bridge, the MTU).
// Made after the runtime created the container's namespaces and before its process runs.
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatCidr, formatIpv4, macOf } from './cidr.js';
import { programPath, run } from './programs.js';
import type { BridgeSettings } from './bridge-settings.js';

/** What inspect shows of a container on the bridge; kept in its record while it runs. */
export interface BridgeEndpoint {
  IPAddress: string;
  IPPrefixLen: number;
  Gateway: string;
  MacAddress: string;
  /** The host end's name ("" when unknown, after a restart that found only the address). */
  HostVeth: string;
}

export function endpointFor(s: BridgeSettings, ip: number, hostVeth: string): BridgeEndpoint {
  return { IPAddress: formatIpv4(ip), IPPrefixLen: s.subnet.prefixLen, Gateway: formatIpv4(s.gateway.address), MacAddress: macOf(ip), HostVeth: hostVeth };
}

/** Two `ip -batch` runs: the pair made on the host with its peer put straight into the
 * container's namespace as eth0; then, inside it (nsenter), the address, link and route. */
export async function plugContainer(s: BridgeSettings, pid: number, ip: number, workDir: string): Promise<BridgeEndpoint> {
  const hostVeth = `veth${randomBytes(4).toString('hex').slice(0, 7)}`;
  const ep = endpointFor(s, ip, hostVeth);
  const mtu = String(s.mtu);
  const hostBatch = join(workDir, 'bridge-host.ip');
  const nsBatch = join(workDir, 'bridge-ns.ip');
  writeFileSync(hostBatch, [
    `link add ${hostVeth} mtu ${mtu} type veth peer name eth0 mtu ${mtu} address ${ep.MacAddress} netns ${pid}`,
    `link set ${hostVeth} master ${s.name} up`,
  ].join('\n') + '\n');
  writeFileSync(nsBatch, [
    `addr add ${formatCidr(ip, s.subnet.prefixLen)} dev eth0`,
    'link set lo up',
    'link set eth0 up',
    `route add default via ${ep.Gateway} dev eth0`,
  ].join('\n') + '\n');
  try {
    await run('ip', ['-batch', hostBatch]);
    await run('nsenter', [`--net=/proc/${pid}/ns/net`, '--', programPath('ip') ?? 'ip', '-batch', nsBatch]);
  } catch (e) {
    await unplug(hostVeth);
    throw new Error(`connect container process ${pid} to bridge ${s.name}: ${(e as Error).message}`, { cause: e });
  } finally {
    rmSync(hostBatch, { force: true });
    rmSync(nsBatch, { force: true });
  }
  return ep;
}

/** The host end goes with the container's namespace; removed here too in case another
 * container (--network container:) still holds that namespace. */
export async function unplug(hostVeth: string): Promise<void> {
  if (!hostVeth) return;
  await run('ip', ['link', 'del', hostVeth]).catch(() => undefined);
}
