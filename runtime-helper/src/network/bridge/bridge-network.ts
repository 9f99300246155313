// The bridge of one berthd: set up at start (a failure leaves containers with lo only, as
// without --bridge), then each bridge-mode container gets an address and a veth at start and
// gives the address back at exit.
import { writeFileSync } from 'node:fs';
import type { Logger } from '../../util/log.js';
import { hostsFile } from '../../containers/etc-files.js';
import type { ContainerRecord } from '../../containers/record.js';
import { builtinNetworkOfMode } from '../networks/builtin-networks.js';
import { parseIpv4 } from './cidr.js';
import { AddressPool } from './ipam.js';
import { setUpHost } from './host-setup.js';
import { endpointFor, plugContainer, unplug, type BridgeEndpoint } from './veth.js';
import type { BridgeSettings } from './bridge-settings.js';
import type { UserNetworks } from '../user/user-networks.js';

export class BridgeNetwork {
  /** Set once the host side is up: only then do containers get an eth0. */
  active: BridgeSettings | undefined;
  private pool: AddressPool | undefined;
  /** The user-defined networks (network/user/), set by bridge-of.ts. */
  user: UserNetworks | undefined;

  constructor(private readonly settings: BridgeSettings | undefined, private readonly dataRoot: string, private readonly log: Logger) {}

  async setUp(): Promise<void> {
    await this.setUpDefault();
    await this.user?.setUp().catch((err: unknown) => this.log.warn({ err }, 'user-defined networks not set up'));
  }

  private async setUpDefault(): Promise<void> {
    const s = this.settings;
    if (!s) return;
    try {
      this.pool = new AddressPool(this.dataRoot, s.subnet, s.gateway.address);
      const warnings = await setUpHost(s);
      for (const w of warnings) this.log.warn(w);
      this.active = s;
      this.log.info({ bridge: s.name }, 'bridge network ready');
    } catch (err) {
      this.log.warn({ err }, `bridge network ${s.name} not set up: containers get a network namespace with only lo`);
    }
  }

  /** Whether this container gets an eth0 on the bridge. */
  wants(r: ContainerRecord): boolean {
    return this.active !== undefined && builtinNetworkOfMode(r.HostConfig.NetworkMode) === 'bridge';
  }

  /** The container's address and link, made in the namespace of its (created, not started) init. */
  async connect(r: ContainerRecord, pid: number, workDir: string): Promise<BridgeEndpoint> {
    const s = this.active!;
    const ip = this.pool!.allocate(r.Id);
    try {
      return await plugContainer(s, pid, ip, workDir);
    } catch (e) {
      this.pool!.release(r.Id);
      throw e;
    }
  }

  /** At start: eth0 on the default bridge (if it wants one), then each user network's
   * interface, then its /etc/hosts and those of the other members of its networks. */
  async plugAll(r: ContainerRecord, pid: number, workDir: string): Promise<void> {
    if (this.wants(r)) r.BridgeEndpoint = await this.connect(r, pid, workDir);
    const user = this.user;
    const networks = Object.keys(r.UserNetworks ?? {});
    if (user && networks.length) {
      await user.plugAll(r, pid, workDir);
      user.refreshHosts(r, networks);
    } else if (r.BridgeEndpoint) {
      writeFileSync(r.HostsPath, hostsFile(r.HostConfig.NetworkMode, r.Config.Hostname, r.HostConfig.ExtraHosts ?? [], r.BridgeEndpoint.IPAddress, r.BridgeEndpoint.Gateway));
    }
  }

  /** At exit: the address is free again. Its link goes with the namespace, unless another
   * container (--network container:) holds that: then the host end is deleted here. */
  disconnect(r: ContainerRecord, namespaceShared = false): void {
    const ep = r.BridgeEndpoint;
    r.BridgeEndpoint = undefined;
    this.pool?.release(r.Id);
    if (ep && namespaceShared) void unplug(ep.HostVeth);
    const left = this.user?.releaseAll(r, namespaceShared) ?? [];
    if (left.length) this.user!.refreshHosts(r, left);
  }

  /** After a restart, once the records are back: running containers keep their addresses
   * (a record saved before its address was is given it from the pool's file), the others' go. */
  retain(records: ContainerRecord[]): void {
    this.user?.retain(records);
    const pool = this.pool;
    if (!pool || !this.active) return;
    const running = new Set<string>();
    for (const r of records) {
      if (!r.State.Running) continue;
      running.add(r.Id);
      const held = pool.addressOf(r.Id);
      if (r.BridgeEndpoint) pool.reserve(r.Id, parseIpv4(r.BridgeEndpoint.IPAddress));
      else if (held !== undefined && builtinNetworkOfMode(r.HostConfig.NetworkMode) === 'bridge') r.BridgeEndpoint = endpointFor(this.active, held, '');
    }
    pool.retainOnly(running);
  }
}
