// The containers' addresses on the bridge's subnet, kept in <data root>/network/bridge/ipam.json
// so that a berthd restart finds which addresses its running containers hold. The lowest free
// address is given (never the network, broadcast or gateway address).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../util/atomic.js';
import { formatCidr, formatIpv4, hostRange, networkOf, parseIpv4, type Ipv4Cidr } from './cidr.js';

const fileSchema = z.object({ subnet: z.string(), addresses: z.record(z.string(), z.string()) });

export class AddressPool {
  private readonly file: string;
  private readonly subnetText: string;
  /** container ID -> address (as a number). */
  private readonly held = new Map<string, number>();

  constructor(dataRoot: string, private readonly subnet: Ipv4Cidr, private readonly gateway: number) {
    this.file = join(dataRoot, 'network', 'bridge', 'ipam.json');
    this.subnetText = formatCidr(networkOf(subnet), subnet.prefixLen);
    this.load();
  }

  /** A damaged file is set aside in the log's words by the caller; addresses of another subnet
   * (--bip changed) are dropped. */
  private load(): void {
    if (!existsSync(this.file)) return;
    let parsed;
    try { parsed = fileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8'))); } catch (e) {
      throw new Error(`load bridge addresses from ${this.file}: ${(e as Error).message}`, { cause: e });
    }
    if (parsed.subnet !== this.subnetText) return;
    const { first, last } = hostRange(this.subnet);
    for (const [id, ip] of Object.entries(parsed.addresses)) {
      try {
        const n = parseIpv4(ip);
        if (n >= first && n <= last && n !== this.gateway) this.held.set(id, n);
      } catch { /* not an address: dropped */ }
    }
  }

  private save(): void {
    const addresses = Object.fromEntries([...this.held].map(([id, n]) => [id, formatIpv4(n)]));
    // The rename is not fsynced: a lost update after a host crash finds no container running.
    writeFileAtomic(this.file, `${JSON.stringify({ subnet: this.subnetText, addresses }, null, 2)}\n`, 0o600, false);
  }

  addressOf(id: string): number | undefined { return this.held.get(id); }

  /** The container's address: the one it holds, or the lowest free one. */
  allocate(id: string): number {
    const mine = this.held.get(id);
    if (mine !== undefined) return mine;
    const used = new Set(this.held.values());
    const { first, last } = hostRange(this.subnet);
    for (let n = first; n <= last; n++) {
      if (n === this.gateway || used.has(n)) continue;
      this.held.set(id, n);
      this.save();
      return n;
    }
    throw new Error(`no free address on the bridge's subnet ${this.subnetText} for container ${id}`);
  }

  /** Records an address a running container holds (found after a restart). */
  reserve(id: string, ip: number): void {
    if (this.held.get(id) === ip) return;
    this.held.set(id, ip);
    this.save();
  }

  release(id: string): void {
    if (this.held.delete(id)) this.save();
  }

  /** Drops every address not held by one of these containers. */
  retainOnly(ids: Set<string>): void {
    let changed = false;
    for (const id of [...this.held.keys()]) if (!ids.has(id)) { this.held.delete(id); changed = true; }
    if (changed) this.save();
  }
}
