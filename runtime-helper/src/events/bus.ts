// The daemon's event bus (what /events streams). Any module publishes; subscribers get events as
// they happen; a short history serves `since`.
import { EventEmitter } from 'node:events';

export type EventType = 'container' | 'image' | 'volume' | 'network' | 'daemon' | 'plugin' | 'node' | 'service' | 'secret' | 'config';

export interface EngineEvent {
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  /** Deprecated fields older clients still read. */
  status?: string;
  id?: string;
  from?: string;
}

export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly history: EngineEvent[] = [];
  private static readonly historySize = 1024;

  constructor() { this.emitter.setMaxListeners(0); }

  publish(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const nowNs = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    const event: EngineEvent = {
      Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local',
      time: Number(nowNs / 1_000_000_000n), timeNano: Number(nowNs),
      status: action, id, ...(attributes.name && type === 'image' ? {} : attributes.image ? { from: attributes.image } : {}),
    };
    this.history.push(event);
    if (this.history.length > EventBus.historySize) this.history.shift();
    this.emitter.emit('event', event);
    return event;
  }

  /** Past events newer than `sinceNs` (nanoseconds since the epoch). */
  since(sinceNs: number): EngineEvent[] {
    return this.history.filter((e) => e.timeNano >= sinceNs);
  }

  /** A subscriber inside the daemon (not counted as an events listener). */
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  private clients = 0;

  /** An API client's stream (GET /events): what `docker info` counts as NEventsListener. */
  subscribeClient(listener: (event: EngineEvent) => void): () => void {
    const unsubscribe = this.subscribe(listener);
    this.clients++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.clients--;
      unsubscribe();
    };
  }

  /** Open API event streams, as dockerd's NEventsListener (the daemon's own subscribers not counted). */
  get clientCount(): number { return this.clients; }
}
