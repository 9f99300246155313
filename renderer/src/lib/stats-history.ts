// Stats samples and limit-change markers per container, kept while the app runs so charts survive
// tab and page switches.
import { useEffect, useState } from 'react';
import type { StatsSample } from '@shared/contract';
import type { StreamHandle } from '@shared/client';
import { api } from '../api/api';
import type { Marker } from '../charts/TimeChart';

interface History { samples: StatsSample[]; markers: Marker[]; listeners: Set<() => void>; handle: StreamHandle | null; users: number; error: string | null }

const MAX = 600;
const histories = new Map<string, History>();

function get(id: string): History {
  let h = histories.get(id);
  if (!h) { h = { samples: [], markers: [], listeners: new Set(), handle: null, users: 0, error: null }; histories.set(id, h); }
  return h;
}

export function addMarker(id: string, label: string): void {
  const h = get(id);
  h.markers = [...h.markers, { at: Date.now(), label }];
  h.listeners.forEach((l) => l());
}

/** Collects samples while mounted; re-renders on each sample only when `live` (the charts are
 * shown), so a visible terminal is not redrawn every second. */
export function useStatsHistory(id: string, running: boolean, live = true): { samples: StatsSample[]; markers: Marker[]; error: string | null } {
  const [, force] = useState(0);
  useEffect(() => {
    const h = get(id);
    const l = () => force((n) => n + 1);
    if (live) h.listeners.add(l);
    h.users++;
    if (!h.handle && running) {
      h.error = null;
      h.handle = api.open('stats', { id }, {
        onData: (s) => {
          h.samples = h.samples.length >= MAX ? [...h.samples.slice(1), s] : [...h.samples, s];
          h.listeners.forEach((x) => x());
        },
        onEnd: (e) => { h.handle = null; if (e) h.error = e.message; h.listeners.forEach((x) => x()); },
      });
    }
    return () => {
      h.listeners.delete(l);
      h.users--;
      if (h.users === 0) { h.handle?.close(); h.handle = null; }
    };
  }, [id, running, live]);
  const h = get(id);
  return { samples: h.samples, markers: h.markers, error: h.error };
}
