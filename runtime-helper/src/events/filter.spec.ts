import { describe, expect, it } from 'vitest';
import { eventMatches, type EventFilters } from './filter.js';
import type { EngineEvent } from './bus.js';

const event = (Type: EngineEvent['Type'], Action: string, ID: string, Attributes: Record<string, string>): EngineEvent =>
  ({ Type, Action, Actor: { ID, Attributes }, scope: 'local', time: 0, timeNano: 0 });
const start = event('container', 'start', 'abc123', { image: 'busybox:latest', name: 'web1', k: 'v' });
const tag = event('image', 'tag', 'sha256:fff', { name: 'busybox:1' });
const vol = event('volume', 'create', 'data', { driver: 'local' });
const f = (o: Record<string, string[]>): EventFilters => new Map(Object.entries(o));

describe('event filters (dockerd rules)', () => {
  it('image matches a container event by its image, with or without the tag', () => {
    for (const image of ['busybox', 'busybox:latest']) expect(eventMatches(start, f({ image: [image] })), image).toBe(true);
    expect(eventMatches(start, f({ image: ['alpine'] }))).toBe(false);
    expect(eventMatches(tag, f({ image: ['busybox'] }))).toBe(true);
    expect(eventMatches(tag, f({ image: ['sha256:fff'] }))).toBe(true);
    expect(eventMatches(vol, f({ image: ['busybox'] }))).toBe(false);
  });

  it('container and volume match an ID or name prefix; keys AND, values OR', () => {
    expect(eventMatches(start, f({ container: ['web'] }))).toBe(true);
    expect(eventMatches(start, f({ container: ['abc'] }))).toBe(true);
    expect(eventMatches(start, f({ container: ['db', 'web1'] }))).toBe(true);
    expect(eventMatches(start, f({ container: ['db'] }))).toBe(false);
    expect(eventMatches(vol, f({ volume: ['da'] }))).toBe(true);
    expect(eventMatches(start, f({ container: ['web1'], event: ['die'] }))).toBe(false);
    expect(eventMatches(start, f({ label: ['k=v'], type: ['container'] }))).toBe(true);
    expect(eventMatches(start, f({ label: ['k=w'] }))).toBe(false);
  });
});
