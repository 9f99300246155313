// The user-defined networks of one data root, in <data root>/network/user-networks.json
// (written atomically: a crash leaves the old list or the new one). A damaged file is an error,
// never replaced (that would lose every network).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../util/atomic.js';
import type { UserNetwork } from './user-network.js';

const ipamConfigSchema = z.object({ Subnet: z.string().optional(), IPRange: z.string().optional(), Gateway: z.string().optional() });
const networkSchema = z.object({
  Name: z.string().min(1), Id: z.string().regex(/^[0-9a-f]{64}$/), Created: z.string(), Internal: z.boolean(), Attachable: z.boolean(),
  Labels: z.record(z.string(), z.string()), Options: z.record(z.string(), z.string()), IpamOptions: z.record(z.string(), z.string()).nullable(),
  IpamConfig: z.array(ipamConfigSchema), Subnet: z.string(), Gateway: z.string(), Range: z.string(), Bridge: z.string(),
});
const fileSchema = z.array(networkSchema);

export class NetworkStore {
  private readonly file: string;
  readonly networks: UserNetwork[];

  constructor(dataRoot: string) {
    this.file = join(dataRoot, 'network', 'user-networks.json');
    this.networks = this.load();
  }

  private load(): UserNetwork[] {
    if (!existsSync(this.file)) return [];
    try {
      return fileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8'))) as UserNetwork[];
    } catch (e) {
      throw new Error(`load user-defined networks from ${this.file}: ${(e as Error).message}`, { cause: e });
    }
  }

  private save(): void {
    writeFileAtomic(this.file, `${JSON.stringify(this.networks, null, 2)}\n`, 0o600);
  }

  add(n: UserNetwork): void { this.networks.push(n); this.save(); }

  remove(id: string): void {
    const i = this.networks.findIndex((n) => n.Id === id);
    if (i >= 0) { this.networks.splice(i, 1); this.save(); }
  }

  byId(id: string): UserNetwork | undefined { return this.networks.find((n) => n.Id === id); }
}
