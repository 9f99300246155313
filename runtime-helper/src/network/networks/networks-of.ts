// One set of built-in networks per daemon, loaded from its data root on first use (main.ts asks
// for it at start, so the IDs and Created times are made when the engine first starts).
import type { Daemon } from '../../daemon/daemon.js';
import { loadBuiltinNetworks, type BuiltinNetwork } from './builtin-networks.js';

const loaded = new WeakMap<Daemon, BuiltinNetwork[]>();

export function networksOf(daemon: Daemon): BuiltinNetwork[] {
  let nets = loaded.get(daemon);
  if (!nets) {
    nets = loadBuiltinNetworks(daemon.config.dataRoot);
    loaded.set(daemon, nets);
  }
  return nets;
}

/** network name -> ID, for a container's NetworkSettings.Networks. */
export function networkIdsOf(daemon: Daemon): Record<string, string> {
  return Object.fromEntries(networksOf(daemon).map((n) => [n.name, n.id]));
}
