// The user-defined bridge networks of one berthd: the stored list, each network's host side,
// the addresses given on each, and the containers' interfaces on them (at start, exit, connect
// and disconnect), with the /etc/hosts of every member kept up to date.
import { writeFileSync } from 'node:fs';
import type { Logger } from '../../util/log.js';
import type { EventBus } from '../../events/bus.js';
import type { ContainerRecord } from '../../containers/record.js';
import { hostsFile } from '../../containers/etc-files.js';
import { ApiError, Forbidden, InvalidParameter } from '../../api/errors.js';
import { hostRange, networkOf, parseCidr, parseIpv4, formatIpv4, type Ipv4Cidr } from '../bridge/cidr.js';
import { programPath, run } from '../bridge/programs.js';
import { endpointIdOf } from '../networks/endpoints.js';
import { NetworkStore } from './network-store.js';
import { networkFromRequest, type CreateBody } from './create-request.js';
import { iptablesUsable, mtuOf, removeEmptyChains, setUpNetworkHost, tearDownNetworkHost } from './network-host.js';
import { plugInto, unplugHostEnd } from './veth-plug.js';
import { peerLines } from './hosts-entries.js';
import type { UserEndpoint, UserNetwork } from './user-network.js';

export interface HostSettings { mtu: number; ipForward: boolean; iptables: boolean; defaultBridge?: Ipv4Cidr | undefined; hostGateway?: string | undefined }

export class UserNetworks {
  private store: NetworkStore | undefined;
  /** Why user networks cannot be made here, once set up ('' when they can): the end of "not
   * supported by berthd yet ..." */
  unavailable = 'before its networking is set up';
  /** network ID -> container ID -> address. */
  private readonly held = new Map<string, Map<string, number>>();

  constructor(
    private readonly dataRoot: string,
    private readonly log: Logger,
    private readonly events: EventBus,
    private readonly records: () => ContainerRecord[],
    private readonly host: () => HostSettings,
  ) {}

  /** At berthd's start: the stored networks' bridges and rules made again where missing. */
  async setUp(): Promise<void> {
    this.store = new NetworkStore(this.dataRoot);
    // A network's NAT and isolation are iptables rules: without them, no user networks.
    if (!this.host().iptables) {
      this.unavailable = 'without iptables (it runs with --iptables=false)';
      return;
    }
    if (!(await iptablesUsable())) {
      this.unavailable = 'without a working iptables (iptables -t nat -S fails here)';
      this.log.warn('user-defined networks are unavailable: iptables does not work here');
      return;
    }
    this.unavailable = '';
    const h = this.host();
    for (const n of this.store.networks) {
      await setUpNetworkHost(n, h.mtu, h.ipForward).catch((err: unknown) => this.log.warn({ err, network: n.Name }, `network ${n.Name}: host side not set up`));
    }
  }

  list(): UserNetwork[] { return this.store?.networks ?? []; }

  private addresses(netId: string): Map<string, number> {
    let m = this.held.get(netId);
    if (!m) { m = new Map(); this.held.set(netId, m); }
    return m;
  }

  async create(body: CreateBody): Promise<UserNetwork> {
    if (this.unavailable || !this.store) throw new ApiError(501, `user-defined networks are not supported by berthd yet ${this.unavailable}`);
    const h = this.host();
    const n = networkFromRequest(body, { existing: this.store.networks, hostRoutes: await hostRoutes(), defaultBridge: h.defaultBridge });
    try {
      await setUpNetworkHost(n, h.mtu, h.ipForward);
    } catch (e) {
      await tearDownNetworkHost(n);
      throw new ApiError(500, `failed to create network ${n.Name}: ${(e as Error).message}`, { cause: e });
    }
    this.store.add(n);
    this.events.publish('network', 'create', n.Id, { name: n.Name, type: 'bridge' });
    return n;
  }

  /** Running members: dockerd refuses to remove a network with active endpoints. */
  members(n: UserNetwork): ContainerRecord[] {
    return this.records().filter((r) => r.UserNetworks?.[n.Id]?.Live);
  }

  async remove(n: UserNetwork): Promise<void> {
    if (this.members(n).length) throw new Forbidden(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
    await tearDownNetworkHost(n);
    this.store!.remove(n.Id);
    this.held.delete(n.Id);
    if (!this.store!.networks.length) await removeEmptyChains().catch((err: unknown) => this.log.warn({ err }, 'remove empty iptables chains'));
    this.events.publish('network', 'destroy', n.Id, { name: n.Name, type: 'bridge' });
  }

  /** Checks a container's settings for a network (--ip, aliases) as dockerd does at start. */
  checkEndpoint(n: UserNetwork, ep: { IPv4Address?: string | undefined }): void {
    if (!ep.IPv4Address) return;
    if (!n.IpamConfig.some((c) => c.Subnet)) throw new InvalidParameter('user specified IP address is supported only when connecting to networks with user configured subnets');
    let ip: number;
    try { ip = parseIpv4(ep.IPv4Address); } catch { throw new InvalidParameter(`invalid IPv4 address: ${ep.IPv4Address}`); }
    const { first, last } = hostRange(parseCidr(n.Subnet));
    if (ip < first || ip > last) throw new InvalidParameter(`Invalid address ${ep.IPv4Address}: It does not belong to any of this network's subnets`);
    if (formatIpv4(ip) === n.Gateway) throw new Forbidden('Address already in use');
  }

  private allocate(n: UserNetwork, containerId: string, wanted: string | undefined): number {
    const m = this.addresses(n.Id);
    const mine = m.get(containerId);
    if (mine !== undefined) return mine;
    const gateway = parseIpv4(n.Gateway);
    const used = new Set(m.values());
    if (wanted) {
      const ip = parseIpv4(wanted);
      if (used.has(ip) || ip === gateway) throw new Forbidden('Address already in use');
      m.set(containerId, ip);
      return ip;
    }
    // The whole IP range (its own first address too, as libnetwork), within the subnet's hosts.
    const range = parseCidr(n.Range);
    const first = networkOf(range);
    const last = first + 2 ** (32 - range.prefixLen) - 1;
    const subnet = hostRange(parseCidr(n.Subnet));
    for (let ip = Math.max(first, subnet.first); ip <= Math.min(last, subnet.last); ip++) {
      if (ip === gateway || used.has(ip)) continue;
      m.set(containerId, ip);
      return ip;
    }
    throw new Forbidden(`no available IPv4 addresses on this network's address pools: ${n.Name} (${n.Id})`);
  }

  private release(netId: string, containerId: string): void { this.held.get(netId)?.delete(containerId); }

  byId(id: string): UserNetwork | undefined { return this.store?.byId(id); }

  /** The default route goes via the gateway of the network first by name among the container's
   * live non-internal ones (the default bridge counts as "bridge"), as libnetwork picks it; none
   * is left when there is none. */
  private async setDefaultRoute(r: ContainerRecord, pid: number): Promise<void> {
    const candidates: { name: string; gateway: string; ifname: string }[] = [];
    if (r.BridgeEndpoint) candidates.push({ name: 'bridge', gateway: r.BridgeEndpoint.Gateway, ifname: 'eth0' });
    for (const ep of Object.values(r.UserNetworks ?? {})) {
      if (ep.Live && !this.byId(ep.NetworkID)?.Internal) candidates.push({ name: ep.NetworkName, gateway: ep.Live.Gateway, ifname: ep.Live.Ifname });
    }
    candidates.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const first = candidates[0];
    const ip = programPath('ip') ?? 'ip';
    const ns = `--net=/proc/${pid}/ns/net`;
    if (first) await run('nsenter', [ns, '--', ip, 'route', 'replace', 'default', 'via', first.gateway, 'dev', first.ifname]);
    else await run('nsenter', [ns, '--', ip, 'route', 'del', 'default']).catch(() => undefined);
  }

  private nextIfname(r: ContainerRecord): string {
    const used = new Set(Object.values(r.UserNetworks ?? {}).map((ep) => ep.Live?.Ifname).filter(Boolean));
    if (r.BridgeEndpoint) used.add('eth0');
    for (let i = 0; ; i++) if (!used.has(`eth${i}`)) return `eth${i}`;
  }

  /** One network into a container whose init is `pid` (at start or on connect). */
  private async plugOne(r: ContainerRecord, ep: UserEndpoint, pid: number, workDir: string, defaultRoute = false): Promise<void> {
    const n = this.byId(ep.NetworkID);
    if (!n) throw new ApiError(404, `network ${ep.NetworkName} not found`);
    this.checkEndpoint(n, ep);
    const ip = this.allocate(n, r.Id, ep.IPv4Address);
    try {
      ep.Live = await plugInto(n, pid, ip, this.nextIfname(r), defaultRoute && !n.Internal, mtuOf(n, this.host().mtu), workDir, endpointIdOf(r.Id, n.Id));
    } catch (e) {
      this.release(n.Id, r.Id);
      throw e;
    }
    this.events.publish('network', 'connect', n.Id, { container: r.Id, name: n.Name, type: 'bridge' });
  }

  /** At start, after the default bridge: every network the container is on, in order. The
   * default route is set in the same `ip -batch` as the interface of the network that gets it. */
  async plugAll(r: ContainerRecord, pid: number, workDir: string): Promise<void> {
    const names = Object.values(r.UserNetworks ?? {}).filter((ep) => !ep.Live && !this.byId(ep.NetworkID)?.Internal).map((ep) => ep.NetworkName);
    if (r.BridgeEndpoint) names.push('bridge');
    const routed = names.sort()[0];
    for (const ep of Object.values(r.UserNetworks ?? {})) {
      if (ep.Live) continue;
      await this.plugOne(r, ep, pid, workDir, ep.NetworkName === routed);
    }
  }

  /** At exit (or a failed start): the addresses are free again; the links went with the
   * namespace unless another container holds it (`namespaceShared`). */
  releaseAll(r: ContainerRecord, namespaceShared: boolean): string[] {
    const changed: string[] = [];
    for (const ep of Object.values(r.UserNetworks ?? {})) {
      if (!ep.Live) continue;
      if (namespaceShared) void unplugHostEnd(ep.Live.HostVeth);
      ep.Live = undefined;
      this.release(ep.NetworkID, r.Id);
      changed.push(ep.NetworkID);
      const n = this.byId(ep.NetworkID);
      if (n) this.events.publish('network', 'disconnect', n.Id, { container: r.Id, name: n.Name, type: 'bridge' });
    }
    return changed;
  }

  /** `docker network connect`: recorded, and plugged now if the container runs. */
  async connect(r: ContainerRecord, n: UserNetwork, cfg: { Aliases?: string[] | null | undefined; IPv4Address?: string | undefined; IPAMConfig: boolean; DriverOpts: Record<string, string> | null }, workDir: string): Promise<void> {
    if (r.UserNetworks?.[n.Id]) throw new Forbidden(`endpoint with name ${r.Name.replace(/^\//, '')} already exists in network ${n.Name}`);
    const ep: UserEndpoint = {
      NetworkID: n.Id, NetworkName: n.Name, Aliases: cfg.Aliases?.length ? [...cfg.Aliases] : null, ...(cfg.IPv4Address ? { IPv4Address: cfg.IPv4Address } : {}),
      Connected: { IPAMConfig: cfg.IPAMConfig, DriverOpts: cfg.DriverOpts },
    };
    this.checkEndpoint(n, ep);
    if (r.State.Running && r.State.Pid) {
      await this.plugOne(r, ep, r.State.Pid, workDir);
    }
    r.UserNetworks = { ...(r.UserNetworks ?? {}), [n.Id]: ep };
    if (ep.Live) await this.setDefaultRoute(r, r.State.Pid).catch((err: unknown) => this.log.warn({ err, container: r.Id }, 'set the default route'));
    if (ep.Live) this.refreshHosts(r, [n.Id]);
  }

  /** `docker network disconnect`: the interface removed from a running container. */
  async disconnect(r: ContainerRecord, n: UserNetwork): Promise<void> {
    const ep = r.UserNetworks?.[n.Id];
    if (!ep) throw new ApiError(500, `container ${r.Id} is not connected to network ${n.Name}`);
    const wasLive = Boolean(ep.Live);
    if (ep.Live) {
      await unplugHostEnd(ep.Live.HostVeth);
      this.release(n.Id, r.Id);
      this.events.publish('network', 'disconnect', n.Id, { container: r.Id, name: n.Name, type: 'bridge' });
    }
    const rest = { ...r.UserNetworks };
    delete rest[n.Id];
    r.UserNetworks = rest;
    if (wasLive) {
      await this.setDefaultRoute(r, r.State.Pid).catch((err: unknown) => this.log.warn({ err, container: r.Id }, 'set the default route'));
      this.refreshHosts(r, [n.Id]);
    }
  }

  /** After a berthd restart: running containers keep their addresses; the others' are gone. */
  retain(records: ContainerRecord[]): void {
    this.held.clear();
    const changed = new Set<string>();
    for (const r of records) {
      for (const ep of Object.values(r.UserNetworks ?? {})) {
        if (!ep.Live) continue;
        if (!r.State.Running || !this.byId(ep.NetworkID)) { ep.Live = undefined; changed.add(ep.NetworkID); continue; }
        this.addresses(ep.NetworkID).set(r.Id, parseIpv4(ep.Live.IPAddress));
      }
    }
    // Containers that ended while berthd was down leave the files of those still running.
    if (!changed.size) return;
    for (const r of records) {
      if (!r.State.Running || !Object.keys(r.UserNetworks ?? {}).some((id) => changed.has(id))) continue;
      try { writeFileSync(r.HostsPath, this.hostsOf(r, records)); } catch (err) {
        this.log.warn({ err, container: r.Id }, `rewrite /etc/hosts of container ${r.Id}`);
      }
    }
  }

  /** The container's own /etc/hosts, and those of every running member of `networks` (rewritten
   * in place: each is bind-mounted into its container). */
  refreshHosts(r: ContainerRecord, networks: string[]): void {
    const all = this.records();
    const byId = new Map(all.map((x) => [x.Id, x]));
    byId.set(r.Id, r);
    const targets = new Set<ContainerRecord>([r]);
    for (const x of byId.values()) if (networks.some((id) => x.UserNetworks?.[id]?.Live)) targets.add(x);
    for (const t of targets) {
      if (t !== r && !t.State.Running) continue;
      try { writeFileSync(t.HostsPath, this.hostsOf(t, [...byId.values()])); } catch (err) {
        this.log.warn({ err, container: t.Id }, `rewrite /etc/hosts of container ${t.Id}`);
      }
    }
  }

  hostsOf(r: ContainerRecord, all: ContainerRecord[]): string {
    const firstUser = Object.values(r.UserNetworks ?? {}).find((ep) => ep.Live)?.Live?.IPAddress;
    return hostsFile(r.HostConfig.NetworkMode, r.Config.Hostname, r.HostConfig.ExtraHosts ?? [], r.BridgeEndpoint?.IPAddress ?? firstUser, this.host().hostGateway, peerLines(r, all));
  }
}

/** The host's IPv4 routes (other than the default and berthd's bridges), as subnets. */
async function hostRoutes(): Promise<Ipv4Cidr[]> {
  const { stdout } = await run('ip', ['-4', '-j', 'route', 'show']);
  const out: Ipv4Cidr[] = [];
  for (const r of JSON.parse(stdout || '[]') as { dst: string; dev?: string }[]) {
    if (r.dst === 'default') continue;
    try { const c = parseCidr(r.dst); out.push({ address: networkOf(c), prefixLen: c.prefixLen }); } catch { /* not a subnet */ }
  }
  return out;
}
