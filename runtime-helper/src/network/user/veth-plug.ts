// A container's interface on a user network: a veth pair whose host end joins the network's
// bridge and whose other end is made straight in the container's namespace as ethN (address,
// Docker's MAC, the MTU; the default route via the gateway when the container has no other).
// Works the same at start (before the process runs) and on a running container (connect).
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatCidr, formatIpv4, macOf, parseCidr } from '../bridge/cidr.js';
import { programPath, run } from '../bridge/programs.js';
import type { LiveEndpoint, UserNetwork } from './user-network.js';

export async function plugInto(n: UserNetwork, pid: number, ip: number, ifname: string, defaultRoute: boolean, mtu: number, workDir: string, endpointId: string): Promise<LiveEndpoint> {
  const hostVeth = `veth${randomBytes(4).toString('hex').slice(0, 7)}`;
  const prefixLen = parseCidr(n.Subnet).prefixLen;
  const ep: LiveEndpoint = { EndpointID: endpointId, IPAddress: formatIpv4(ip), IPPrefixLen: prefixLen, Gateway: n.Gateway, MacAddress: macOf(ip), HostVeth: hostVeth, Ifname: ifname };
  const tag = randomBytes(3).toString('hex');
  const hostBatch = join(workDir, `net-${tag}-host.ip`);
  const nsBatch = join(workDir, `net-${tag}-ns.ip`);
  writeFileSync(hostBatch, [
    `link add ${hostVeth} mtu ${mtu} type veth peer name ${ifname} mtu ${mtu} address ${ep.MacAddress} netns ${pid}`,
    `link set ${hostVeth} master ${n.Bridge} up`,
  ].join('\n') + '\n');
  writeFileSync(nsBatch, [
    `addr add ${formatCidr(ip, prefixLen)} brd + dev ${ifname}`, // the broadcast address too, as libnetwork sets it
    'link set lo up',
    `link set ${ifname} up`,
    ...(defaultRoute ? [`route replace default via ${n.Gateway} dev ${ifname}`] : []),
  ].join('\n') + '\n');
  try {
    await run('ip', ['-batch', hostBatch]);
    await run('nsenter', [`--net=/proc/${pid}/ns/net`, '--', programPath('ip') ?? 'ip', '-batch', nsBatch]);
  } catch (e) {
    await unplugHostEnd(hostVeth);
    throw new Error(`connect container process ${pid} to network ${n.Name}: ${(e as Error).message}`, { cause: e });
  } finally {
    rmSync(hostBatch, { force: true });
    rmSync(nsBatch, { force: true });
  }
  return ep;
}

/** Deleting the host end deletes the pair: the container's ethN goes with it. */
export async function unplugHostEnd(hostVeth: string): Promise<void> {
  if (!hostVeth) return;
  await run('ip', ['link', 'del', hostVeth]).catch(() => undefined);
}
