// State a page keeps when the user leaves it and comes back (a search, a filter): React state
// ends with the page, so the value lives here, and in sessionStorage for a reload of the window.
import { useCallback, useState } from 'react';

const kept = new Map<string, unknown>();

function storageKey(key: string): string {
  return `berth.view.${key}`;
}

export function readKept<T>(key: string, initial: T): T {
  if (kept.has(key)) return kept.get(key) as T;
  try {
    const raw = sessionStorage.getItem(storageKey(key));
    if (raw !== null) return JSON.parse(raw) as T;
  } catch { /* no storage (or unreadable): the initial value */ }
  return initial;
}

export function writeKept<T>(key: string, value: T): void {
  kept.set(key, value);
  try { sessionStorage.setItem(storageKey(key), JSON.stringify(value)); } catch { /* kept in memory only */ }
}

/** useState whose value outlives the component, under `key`. */
export function useKeptState<T>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => readKept(key, initial));
  const set = useCallback((v: T) => { writeKept(key, v); setValue(v); }, [key]);
  return [value, set];
}
