// Engine event feed.
import type Docker from 'dockerode';
import type { EngineEvent } from '../shared/contract.js';
import { engineError } from './errors.js';
import { onJsonLines } from './json-lines.js';
import type { StreamControl, StreamSink } from './stream-types.js';

/**
 * An event as the engines send it (dockerode has no type for it): the current fields, and the
 * pre-1.22 ones (status, id) that older engines still fill instead.
 */
interface RawEvent {
  Type?: string;
  type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export async function openEvents(docker: Docker, sink: StreamSink<EngineEvent>): Promise<StreamControl> {
  const stream = (await docker.getEvents({ since: Math.floor(Date.now() / 1000) - 3600 } as never)) as unknown as NodeJS.ReadableStream & { destroy(): void };
  onJsonLines(stream, (value) => {
    if (value === null || typeof value !== 'object') return;
    const e = value as RawEvent;
    const attrs = e.Actor?.Attributes ?? {};
    sink.data({ time: e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000, type: e.Type ?? e.type ?? '', action: e.Action ?? e.status ?? '', id: e.Actor?.ID ?? e.id ?? '', name: attrs.name, attributes: attrs });
  });
  stream.on('end', () => sink.end());
  stream.on('error', (err) => sink.end(engineError('events', err)));
  return { close: () => stream.destroy() };
}
