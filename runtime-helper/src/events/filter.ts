// Which events a `GET /events?filters=` client gets, by dockerd's rules: each filter key must
// match (keys AND, values of one key OR). container/volume/network match the actor's ID or name
// by prefix, whatever the event's type; image matches an image event's ID or name and a container
// event's image, each with and without its tag; label matches the actor's attributes.
import type { EngineEvent } from './bus.js';

export type EventFilters = Map<string, string[]>;

function any(f: EventFilters, key: string, test: (v: string) => boolean): boolean {
  const values = f.get(key);
  return !values || values.some(test);
}

/** A prefix of the ID or the name, as dockerd's FuzzyMatch. */
function nameOrIdMatches(e: EngineEvent, f: EventFilters, key: string): boolean {
  const name = e.Actor.Attributes.name;
  return any(f, key, (v) => e.Actor.ID.startsWith(v) || (name !== undefined && name.startsWith(v)));
}

/** "repo:tag" -> "repo" (a digest or a registry port stays). */
function withoutTag(ref: string): string {
  if (ref.includes('@')) return ref;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}

function imageMatches(e: EngineEvent, f: EventFilters): boolean {
  const name = e.Actor.Attributes[e.Type === 'image' ? 'name' : 'image'] ?? '';
  const id = e.Actor.ID;
  const candidates = [id, name, withoutTag(id), withoutTag(name)].filter(Boolean);
  return any(f, 'image', (v) => candidates.includes(v) || (e.Type === 'image' && (id === `sha256:${v}` || (/^[0-9a-f]+$/.test(v) && id.startsWith(`sha256:${v}`)))));
}

function labelsMatch(e: EngineEvent, f: EventFilters): boolean {
  return (f.get('label') ?? []).every((l) => {
    const eq = l.indexOf('=');
    return eq < 0 ? l in e.Actor.Attributes : e.Actor.Attributes[l.slice(0, eq)] === l.slice(eq + 1);
  });
}

export function eventMatches(e: EngineEvent, f: EventFilters): boolean {
  return any(f, 'type', (t) => t === e.Type)
    && any(f, 'event', (a) => e.Action === a || e.Action.startsWith(`${a}:`))
    && any(f, 'scope', (s) => s === e.scope)
    && nameOrIdMatches(e, f, 'container')
    && nameOrIdMatches(e, f, 'volume')
    && nameOrIdMatches(e, f, 'network')
    && imageMatches(e, f)
    && labelsMatch(e, f);
}
