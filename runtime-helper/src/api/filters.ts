// Docker's `filters` query parameter: JSON {"key": {"value": true}} or the older {"key": ["value"]}.
import { InvalidParameter } from './errors.js';

export type Filters = Map<string, string[]>;

export function parseFilters(raw: string | undefined, allowed: readonly string[]): Filters {
  const out: Filters = new Map();
  if (raw === undefined || raw === '') return out;
  let parsed: unknown;
  try { parsed = JSON.parse(raw); } catch (err) {
    throw new InvalidParameter(`invalid filters: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidParameter('invalid filters: expected a JSON object');
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!allowed.includes(key)) throw new InvalidParameter(`Invalid filter '${key}'`); // dockerd's capital I
    let values: string[];
    if (Array.isArray(value)) values = value.map(String);
    else if (value && typeof value === 'object') values = Object.entries(value as Record<string, unknown>).filter(([, on]) => on === true).map(([k]) => k);
    else throw new InvalidParameter(`invalid filter '${key}': expected an object or a list`);
    out.set(key, values);
  }
  return out;
}

/** The value of a boolean filter (dangling=true); throws on anything but true/false/1/0. */
export function boolFilter(filters: Filters, key: string): boolean | undefined {
  const values = filters.get(key);
  if (!values || values.length === 0) return undefined;
  const results = new Set(values.map((v) => {
    const s = v.toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
    throw new InvalidParameter(`invalid filter '${key}=${v}': expected true or false`);
  }));
  if (results.size > 1) throw new InvalidParameter(`invalid filter '${key}': conflicting values`);
  return [...results][0];
}

/** Label filters: "key" (present) or "key=value". */
export function matchLabels(labels: Record<string, string> | null | undefined, wanted: readonly string[]): boolean {
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    const key = eq >= 0 ? w.slice(0, eq) : w;
    if (!labels || !(key in labels)) return false;
    return eq < 0 || labels[key] === w.slice(eq + 1);
  });
}

/** Go's path.Match subset Docker uses for reference filters: * (no '/'), ?, and literal text. */
export function globMatch(pattern: string, text: string): boolean {
  let re = '^';
  for (const c of pattern) {
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(text);
}
