// GET /networks?filters=..., with dockerd 20.10's rules (daemon/network/filter.go): name and id
// are Go regular expressions (or exact), driver and scope exact, label key or key=value; dangling
// and type checked as dockerd checks them, with its messages and statuses.
import { ApiError, InvalidParameter } from '../../api/errors.js';
import { parseFilters, matchLabels, type Filters } from '../../api/filters.js';
import { goRegExp } from '../../api/go-regexp.js';
import { builtinNames } from './builtin-networks.js';

export const networkFilterKeys = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'] as const;

/** What the filters read of a network: built-in ones have no labels and are never dangling;
 * user-defined ones (network/user/) carry their labels and whether a container is on them. */
export interface FilterableNetwork { name: string; id: string; driver: string; labels?: Record<string, string>; inUse?: boolean }
const isPredefined = (n: FilterableNetwork): boolean => n.labels === undefined && (builtinNames as readonly string[]).includes(n.name);

/** dockerd's filters.Match: an exact value, or a regular expression found anywhere in the text. */
function matchAny(values: string[], text: string): boolean {
  return values.some((v) => v === text || goRegExp(v)?.test(text) === true);
}

export function parseNetworkFilters(raw: string | undefined): Filters {
  return parseFilters(raw, networkFilterKeys);
}

export function filterNetworks<T extends FilterableNetwork>(nets: T[], f: Filters): T[] {
  let out = nets.filter((n) => {
    const driver = f.get('driver');
    if (driver && !driver.includes(n.driver)) return false;
    const name = f.get('name');
    if (name && !matchAny(name, n.name)) return false;
    const id = f.get('id');
    if (id && !matchAny(id, n.id)) return false;
    const label = f.get('label');
    // dockerd's label match fails on an empty set (the built-in networks have none).
    if (label && label.length && !matchLabels(n.labels ?? null, label)) return false;
    const scope = f.get('scope');
    if (scope && !scope.includes('local')) return false;
    return true;
  });
  const dangling = f.get('dangling');
  if (dangling && dangling.length) {
    if (dangling.length > 1) throw new InvalidParameter('got more than one value for filter key "dangling"');
    const v = dangling[0]!;
    if (!['0', 'false', '1', 'true'].includes(v)) throw new InvalidParameter('invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")');
    // Dangling: user-defined with no containers. Pre-defined networks never are.
    const danglingOnly = v === '1' || v === 'true';
    out = out.filter((n) => (danglingOnly ? !isPredefined(n) && !n.inUse : isPredefined(n) || Boolean(n.inUse)));
  }
  const types = f.get('type');
  if (types && types.length) {
    const typed: T[] = [];
    for (const t of types) {
      // dockerd 20.10 answers an unknown type with a plain error: status 500.
      if (t !== 'builtin' && t !== 'custom') throw new ApiError(500, `invalid filter: 'type'='${t}'`);
      typed.push(...out.filter((n) => isPredefined(n) === (t === 'builtin')));
    }
    out = typed;
  }
  return out;
}
