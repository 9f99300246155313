// Which containers `GET /containers/json` lists, in dockerd's order and by its rules: newest
// first; stopped ones only with all, a limit or a status filter; before/since cut the list at a
// container (never listing it); exited matches only containers that ran; volume matches a mount's
// name, source or destination; health by the health check's status; expose and publish by the
// list's ports; network and is-task by what berthd has (no networks but the container's own, no
// swarm). name is a Go regular expression; one that Go would not compile matches nothing, with
// no error, as dockerd.
import type { Filters } from '../api/filters.js';
import { matchLabels } from '../api/filters.js';
import { InvalidParameter } from '../api/errors.js';
import { goRegExp } from '../api/go-regexp.js';
import { ZERO_TIME, type ContainerRecord } from './record.js';
import { listPortsOf } from '../network/ports/container-ports.js';
import { userNetworkNames } from '../network/user/container-view.js';

/** An expose= or publish= filter as dockerd reads it: "80", "80/udp", "8000-8080/tcp" (tcp when no protocol). */
function portFilter(key: 'expose' | 'publish', values: string[]): Set<string> {
  const out = new Set<string>();
  for (const v of values) {
    if (v.includes(':')) throw new InvalidParameter(`filter for '${key}' should not contain ':': ${v}`);
    const [range = '', proto = 'tcp'] = v.split('/');
    const [from = '', to = from] = range.split('-');
    for (const n of [from, to]) if (!/^\d+$/.test(n)) throw new InvalidParameter(`error while looking up for ${key} ${range}: strconv.ParseUint: parsing "${n}": invalid syntax`);
    if (Number(to) < Number(from)) throw new InvalidParameter(`error while looking up for ${key} ${range}: invalid range specified for port: ${range}`);
    for (let p = Number(from); p <= Number(to) && p <= 65535; p++) out.add(`${p}/${proto.toLowerCase()}`);
  }
  return out;
}

/** dockerd's rule: any of the list's ports whose public port is in publish= or private port in expose=. */
function portsMatch(r: ContainerRecord, want: { expose: Set<string>; publish: Set<string> }): boolean {
  if (!want.expose.size && !want.publish.size) return true;
  return listPortsOf(r).some((p) => (p.PublicPort !== undefined && want.publish.has(`${p.PublicPort}/${p.Type}`)) || want.expose.has(`${p.PrivatePort}/${p.Type}`));
}

export interface ListQuery {
  all: boolean;
  limit?: number;
  filters: Filters;
}

const statuses = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/** `records` newest first; `resolve` finds the container a before/since filter names (or throws). */
export function selectContainers(records: ContainerRecord[], q: ListQuery, resolve: (ref: string) => ContainerRecord): ContainerRecord[] {
  const f = q.filters;
  for (const s of f.get('status') ?? []) if (!statuses.includes(s)) throw new InvalidParameter(`Invalid filter 'status=${s}'`);
  const exitCodes = (f.get('exited') ?? []).map((v) => {
    if (!/^[+-]?\d+$/.test(v)) throw new InvalidParameter(`strconv.Atoi: parsing "${v}": invalid syntax`);
    return Number(v);
  });
  for (const h of f.get('health') ?? []) if (!['starting', 'healthy', 'unhealthy', 'none'].includes(h)) throw new InvalidParameter(`Unrecognised filter value for health: ${h}`);
  for (const t of f.get('is-task') ?? []) if (t !== 'true' && t !== 'false') throw new InvalidParameter(`Invalid filter 'is-task=[${t}]'`);
  const ports = { expose: portFilter('expose', f.get('expose') ?? []), publish: portFilter('publish', f.get('publish') ?? []) };
  const before = f.get('before')?.map(resolve).at(-1);
  const since = f.get('since')?.map(resolve).at(-1);
  const all = q.all || (q.limit ?? 0) > 0 || f.has('status');
  const out: ContainerRecord[] = [];
  let skipping = before !== undefined;
  for (const r of records) {
    if (skipping) { if (r.Id === before!.Id) skipping = false; continue; }
    if (since && r.Id === since.Id) break;
    if (!all && !r.State.Running) continue;
    if (!matches(r, f, exitCodes, ports)) continue;
    out.push(r);
    if (q.limit && q.limit > 0 && out.length === q.limit) break;
  }
  return out;
}

function matches(r: ContainerRecord, f: Filters, exitCodes: number[], ports: { expose: Set<string>; publish: Set<string> }): boolean {
  const want = (key: string, test: (v: string) => boolean): boolean => { const vs = f.get(key); return !vs || vs.some(test); };
  const name = r.Name.slice(1);
  return want('status', (s) => s === r.State.Status)
    && want('name', (n) => { const re = goRegExp(n); return re !== undefined && (re.test(r.Name) || re.test(name)); })
    && want('id', (i) => r.Id.startsWith(i))
    && (!f.has('label') || matchLabels(r.Config.Labels, f.get('label')!))
    && want('ancestor', (a) => a === r.ImageRef || a === r.Image || r.Image.startsWith(`sha256:${a}`) || `${a}:latest` === r.ImageRef || a === `${r.ImageRef}:latest`)
    && (!f.has('exited') || (!r.State.Running && r.State.StartedAt !== ZERO_TIME && exitCodes.includes(r.State.ExitCode)))
    && want('volume', (v) => r.Mounts.some((m) => m.destination === v || (m.name ?? m.source) === v))
    && want('health', (h) => h === (r.State.Health?.Status ?? 'none'))
    // berthd has no swarm tasks.
    && want('is-task', (t) => t === 'false')
    && portsMatch(r, ports)
    && want('network', (n) => n === networkName(r) || userNetworkNames(r).includes(n) || Object.keys(r.UserNetworks ?? {}).includes(n));
}

/** The network a container is in as `ps` shows it: none, host, or bridge for the default. */
function networkName(r: ContainerRecord): string {
  const m = r.HostConfig.NetworkMode;
  return !m || m === 'default' ? 'bridge' : m;
}
