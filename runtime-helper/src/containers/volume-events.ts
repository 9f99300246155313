// The volume events dockerd sends around a container's run: 'create' for a volume a container
// creates (named on first use, or anonymous), 'mount' for each volume at start, 'unmount' at exit.
// Binds and tmpfs have none.
import type { EventSink } from './live-container.js';
import type { ContainerRecord } from './record.js';

export function volumeCreated(events: EventSink, name: string): void {
  events.publish('volume', 'create', name, { driver: 'local' });
}

export function volumesMounted(events: EventSink, r: ContainerRecord): void {
  for (const m of r.Mounts) {
    if (m.type !== 'volume' || !m.name) continue;
    events.publish('volume', 'mount', m.name, { container: r.Id, destination: m.destination, driver: 'local', propagation: '', 'read/write': String(!m.readOnly) });
  }
}

export function volumesUnmounted(events: EventSink, r: ContainerRecord): void {
  for (const m of r.Mounts) if (m.type === 'volume' && m.name) events.publish('volume', 'unmount', m.name, { container: r.Id, driver: 'local' });
}
