import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '@shared/contract';
import { indexEvent, matchesEvent, parseEventFilter } from './event-filter';

const ev = (type: string, action: string, name: string | undefined, attributes: Record<string, string> = {}): EngineEvent => ({ time: 0, type, action, id: `${name ?? 'x'}id0123456789`, name, attributes });
const hits = (filter: string, events: EngineEvent[]) => events.map(indexEvent).filter((e) => matchesEvent(e, parseEventFilter(filter))).map((e) => `${e.event.type}/${e.event.action}/${e.event.name ?? ''}`);

const feed = [
  ev('container', 'create', 'web', { image: 'busybox:test' }),
  ev('container', 'die', 'web', { exitCode: '7' }),
  ev('container', 'health_status: healthy', 'db'),
  ev('image', 'tag', 'busybox:test'),
  ev('volume', 'create', undefined),
  ev('network', 'connect', 'bridge', { container: 'abcdef0123456789' }),
];

describe('parseEventFilter', () => {
  it('reads field terms and words, lower-cased, and drops empty fields', () => {
    expect(parseEventFilter('  Type:Container action:die  Web name: ')).toEqual([
      { field: 'type', value: 'container' }, { field: 'action', value: 'die' }, { field: 'any', value: 'web' },
    ]);
    expect(parseEventFilter('')).toEqual([]);
  });

  it('takes an unknown field as a word (an image name with a colon stays searchable)', () => {
    expect(parseEventFilter('busybox:test')).toEqual([{ field: 'any', value: 'busybox:test' }]);
  });
});

describe('matchesEvent', () => {
  it('matches everything with no terms', () => {
    expect(hits('', feed)).toHaveLength(feed.length);
  });

  it('narrows by type, action and name, every term at once', () => {
    expect(hits('type:image', feed)).toEqual(['image/tag/busybox:test']);
    expect(hits('action:create', feed)).toEqual(['container/create/web', 'volume/create/']);
    expect(hits('action:health', feed)).toEqual(['container/health_status: healthy/db']);
    expect(hits('name:we', feed)).toEqual(['container/create/web', 'container/die/web']);
    expect(hits('type:container name:web action:die', feed)).toEqual(['container/die/web']);
  });

  it('finds words in the details too (an exit code, an image)', () => {
    expect(hits('exit code 7', feed)).toEqual(['container/die/web']);
    expect(hits('busybox:test', feed)).toEqual(['container/create/web', 'image/tag/busybox:test']);
  });

  it('matches nothing for a term no event has', () => {
    expect(hits('type:plugin', feed)).toEqual([]);
    expect(hits('web nosuch', feed)).toEqual([]);
  });
});
