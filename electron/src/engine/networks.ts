// Network requests: the list with subnets and attached containers, create (a bridge with an
// optional subnet and gateway, internal, labels), inspect, remove (pre-defined networks and ones
// in use explained with container names) and prune. An engine that answers a create with 501
// (berthd: no user-defined networks yet) is remembered, so the page can say so before the next try.
import type Docker from 'dockerode';
import type { ContainerState, NetworkContainer, NetworkCreateSpec, NetworkDetails, NetworkList, NetworkRow } from '../shared/contract.js';
import { isBuiltinNetwork } from '../shared/network-spec.js';
import { createdSeconds } from './volumes.js';

/** GET /networks and GET /networks/{id} items as the engines send them. */
export interface NetworkDoc {
  Name: string;
  Id: string;
  Created?: string;
  Scope?: string;
  Driver?: string;
  Internal?: boolean;
  IPAM?: { Driver?: string; Config?: { Subnet?: string; Gateway?: string }[] | null } | null;
  Labels?: Record<string, string> | null;
  Containers?: Record<string, { Name?: string; IPv4Address?: string }> | null;
}

/** The fields of GET /containers/json read here. */
export interface ContainerNetDoc {
  Id: string;
  Names?: string[];
  State?: string;
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string; IPAddress?: string } | null> | null } | null;
}

/** The containers attached to a network: named by it in NetworkSettings.Networks (by name, or by
 * ID once started). Stopped ones count too: they join it again when they start. */
export function attachedContainers(net: Pick<NetworkDoc, 'Name' | 'Id'>, containers: ContainerNetDoc[]): NetworkContainer[] {
  const out: NetworkContainer[] = [];
  for (const c of containers) {
    const nets = c.NetworkSettings?.Networks ?? {};
    const entry = Object.entries(nets).find(([name, e]) => name === net.Name || (!!e?.NetworkID && e.NetworkID === net.Id));
    if (!entry) continue;
    const ip = entry[1]?.IPAddress;
    out.push({ id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), state: (c.State ?? 'created') as ContainerState, ipv4: ip || undefined });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function networkRow(n: NetworkDoc, containers: ContainerNetDoc[]): NetworkRow {
  const config = n.IPAM?.Config ?? [];
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver ?? '',
    scope: n.Scope ?? 'local',
    subnets: config.map((c) => c.Subnet ?? '').filter(Boolean),
    gateways: config.map((c) => c.Gateway ?? '').filter(Boolean),
    internal: n.Internal ?? false,
    builtin: isBuiltinNetwork(n.Name),
    created: createdSeconds(n.Created),
    labels: n.Labels ?? {},
    containers: attachedContainers(n, containers),
  };
}

/** The create refusals ("not supported") per engine client: a new client (another engine) starts clean. */
const refusals = new WeakMap<Docker, string>();

export async function listNetworks(docker: Docker): Promise<NetworkList> {
  const [list, containers] = await Promise.all([
    docker.listNetworks() as Promise<NetworkDoc[]>,
    docker.listContainers({ all: true }) as Promise<ContainerNetDoc[]>,
  ]);
  const networks = (list ?? []).map((n) => networkRow(n, containers)).sort((a, b) => a.name.localeCompare(b.name));
  return { networks, createRefused: refusals.get(docker) };
}

/** POST /networks/create's body. CheckDuplicate: API 1.41 engines would make a second network of
 * the same name otherwise (and every later lookup by that name is then ambiguous). */
export function createBody(p: NetworkCreateSpec): Record<string, unknown> {
  const body: Record<string, unknown> = { Name: p.name, Driver: p.driver, CheckDuplicate: true, Internal: p.internal, Labels: p.labels };
  if (p.subnet) body.IPAM = { Driver: 'default', Config: [{ Subnet: p.subnet, ...(p.gateway ? { Gateway: p.gateway } : {}) }] };
  return body;
}

/** The engine's own words from a dockerode error, without dockerode's "(HTTP code N) reason -". */
export function engineWords(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string };
  return (e?.json?.message ?? e?.message ?? String(err)).replace(/^\(HTTP code \d+\)\s*[a-z ]*-\s*/i, '').trim();
}

/** A 501 create in plain words: the engine cannot make networks, and what still works. */
export function notSupportedMessage(name: string, engineMessage: string): string {
  return `Network ${name} was not created: this engine does not make user-defined networks (it answered "${engineMessage}"). ` +
    'Containers can still use the networks listed here (chosen in the run dialog).';
}

export async function createNetwork(docker: Docker, p: NetworkCreateSpec): Promise<{ id: string; name: string }> {
  try {
    const n = (await docker.createNetwork(createBody(p) as never)) as unknown as { id: string };
    refusals.delete(docker); // it makes networks after all (an upgraded engine)
    return { id: n.id, name: p.name };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 501) throw err;
    const words = engineWords(err);
    refusals.set(docker, words);
    throw Object.assign(new Error(notSupportedMessage(p.name, words)), { statusCode: 501 });
  }
}

export async function inspectNetwork(docker: Docker, id: string): Promise<NetworkDetails> {
  const [inspect, containers] = await Promise.all([
    docker.getNetwork(id).inspect() as Promise<NetworkDoc>,
    docker.listContainers({ all: true }) as Promise<ContainerNetDoc[]>,
  ]);
  return { inspect: inspect as unknown as Record<string, unknown>, containers: attachedContainers(inspect, containers) };
}

/** Plain words for a network's containers: "web (running), job (exited)". */
export function containersText(cs: NetworkContainer[]): string {
  return cs.map((c) => `${c.name} (${c.state})`).join(', ');
}

/** Why a removal was refused: a pre-defined network, or the containers using it, by name. */
export function removeRefusal(name: string, engineMessage: string, attached: NetworkContainer[]): string {
  if (isBuiltinNetwork(name)) return `${name} is one of the pre-defined networks (bridge, host, none), which every engine keeps: it cannot be removed. Nothing was changed.\n(engine: ${engineMessage})`;
  if (!attached.length) return `${engineMessage}.`;
  const them = attached.length > 1 ? 'them' : 'it';
  const running = attached.some((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting');
  // Some engines (podman) count a stopped or never-started container as a user too.
  const todo = running ? `Stop or remove ${them} first (or disconnect ${them} from the network)` : `Remove ${them} first (this engine counts stopped containers too)`;
  return `Network ${name} is in use by ${attached.length > 1 ? `${attached.length} containers` : '1 container'}: ${containersText(attached)}. ` +
    `${todo}; the network was left as it is.\n(engine: ${engineMessage})`;
}

/** The reference to remove a network by: its name when that names only this network, else the
 * ID. podman 4.3 removes a network given by ID without checking its containers (they are left
 * naming a network that is gone); by name it refuses while a container uses it, as dockerd does. */
async function removalRef(docker: Docker, doc: NetworkDoc | null, ref: string): Promise<string> {
  if (!doc) return ref;
  const same = ((await docker.listNetworks().catch(() => [])) as NetworkDoc[]).filter((n) => n.Name === doc.Name);
  return same.length === 1 && same[0]!.Id === doc.Id ? doc.Name : ref;
}

export async function removeNetwork(docker: Docker, ref: string): Promise<void> {
  const doc = (await docker.getNetwork(ref).inspect().catch(() => null)) as NetworkDoc | null;
  try {
    await docker.getNetwork(await removalRef(docker, doc, ref)).remove();
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    // dockerd: 403 for pre-defined and for active endpoints; podman: 500 for in use.
    if (status === 404 || status === undefined) throw err;
    const name = doc?.Name ?? ref;
    const containers = (await docker.listContainers({ all: true }).catch(() => [])) as ContainerNetDoc[];
    const attached = doc ? attachedContainers(doc, containers) : [];
    // dockerd refuses while a container runs on it; podman for stopped ones too.
    const holding = attached.filter((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting');
    if (!isBuiltinNetwork(name) && !attached.length) throw err;
    throw Object.assign(new Error(removeRefusal(name, engineWords(err), holding.length ? holding : attached)), { statusCode: status });
  }
}

export async function pruneNetworks(docker: Docker): Promise<{ removed: string[] }> {
  const r = (await docker.pruneNetworks()) as { NetworksDeleted?: string[] | null };
  return { removed: r.NetworksDeleted ?? [] };
}
