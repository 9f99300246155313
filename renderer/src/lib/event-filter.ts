// The events feed's filter box: words match anywhere in an event (its name, ID, type, action and
// details); `type:`, `action:` and `name:` narrow to one field. Every term must match.
import type { EngineEvent } from '@shared/contract';
import { eventDetail } from './event-detail';

export interface EventTerm { field: 'type' | 'action' | 'name' | 'any'; value: string }

const FIELDS = new Set(['type', 'action', 'name']);

/** "type:container action:die web" → three terms, lower-cased. A field with no value is dropped. */
export function parseEventFilter(text: string): EventTerm[] {
  const terms: EventTerm[] = [];
  for (const word of text.toLowerCase().split(/\s+/)) {
    if (!word) continue;
    const colon = word.indexOf(':');
    const field = colon > 0 ? word.slice(0, colon) : '';
    if (FIELDS.has(field)) {
      const value = word.slice(colon + 1);
      if (value) terms.push({ field: field as EventTerm['field'], value });
    } else terms.push({ field: 'any', value: word });
  }
  return terms;
}

/** An event with what the filter reads, lower-cased once when it arrives (the feed keeps 10,000). */
export interface IndexedEvent { event: EngineEvent; detail: string; text: string; name: string }

export function indexEvent(event: EngineEvent): IndexedEvent {
  const detail = eventDetail(event);
  const name = (event.name ?? '').toLowerCase();
  return { event, detail, name, text: `${name} ${event.id} ${event.type} ${event.action} ${detail}`.toLowerCase() };
}

/** type and action match from their start ("action:health" finds "health_status: healthy"), name anywhere. */
export function matchesEvent(e: IndexedEvent, terms: readonly EventTerm[]): boolean {
  return terms.every((t) => {
    if (t.field === 'type') return e.event.type.toLowerCase().startsWith(t.value);
    if (t.field === 'action') return e.event.action.toLowerCase().startsWith(t.value);
    if (t.field === 'name') return e.name.includes(t.value) || e.event.id.toLowerCase().startsWith(t.value);
    return e.text.includes(t.value);
  });
}
