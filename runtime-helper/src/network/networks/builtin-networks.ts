// The networks every engine has from its first start: bridge (the default), host and none. Each
// gets a random 64-hex ID and a creation time once, kept in <data root>/network/builtin.json, so
// clients that remember an ID (compose, dockerode users) find it again after a restart.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { writeFileAtomic } from '../../util/atomic.js';

export type BuiltinNetworkName = 'bridge' | 'host' | 'none';

export interface BuiltinNetwork {
  name: BuiltinNetworkName;
  id: string;
  /** RFC 3339 with fractional seconds, as dockerd's Created. */
  created: string;
  /** Docker's driver names: the null driver is the none network. */
  driver: 'bridge' | 'host' | 'null';
  /** The bridge network's device while berthd runs one (--bridge, network/bridge/). */
  device?: BridgeDevice;
}

export interface BridgeDevice { name: string; subnet: string; gateway: string; mtu: number; ipMasq: boolean }

export const builtinNames: readonly BuiltinNetworkName[] = ['bridge', 'host', 'none'];

const driverOf: Record<BuiltinNetworkName, BuiltinNetwork['driver']> = { bridge: 'bridge', host: 'host', none: 'null' };

const storedSchema = z.record(z.string(), z.object({ id: z.string().regex(/^[0-9a-f]{64}$/), created: z.string().min(1) }));

/** The file's networks, any missing one made now; a damaged file is an error, never silently
 * replaced (that would give every network a new ID). */
export function loadBuiltinNetworks(dataRoot: string): BuiltinNetwork[] {
  const file = join(dataRoot, 'network', 'builtin.json');
  let stored: z.infer<typeof storedSchema> = {};
  if (existsSync(file)) {
    const parsed = storedSchema.safeParse(parseJson(file));
    if (!parsed.success) throw new Error(`load built-in networks from ${file}: ${parsed.error.issues[0]?.message ?? 'invalid content'}`);
    stored = parsed.data;
  }
  let changed = false;
  const out = builtinNames.map((name): BuiltinNetwork => {
    let entry = stored[name];
    if (!entry) {
      entry = { id: randomBytes(32).toString('hex'), created: new Date().toISOString() };
      stored[name] = entry;
      changed = true;
    }
    return { name, id: entry.id, created: entry.created, driver: driverOf[name] };
  });
  if (changed) writeFileAtomic(file, `${JSON.stringify(stored, null, 2)}\n`, 0o600);
  return out;
}

function parseJson(file: string): unknown {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch (err) {
    throw new Error(`load built-in networks from ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The built-in network a container's NetworkMode puts it on (container:<id> shares another's). */
export function builtinNetworkOfMode(mode: string | undefined): BuiltinNetworkName | undefined {
  if (!mode || mode === 'default' || mode === 'bridge') return 'bridge';
  if (mode === 'host' || mode === 'none') return mode;
  return undefined;
}
