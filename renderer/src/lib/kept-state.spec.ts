// Kept view state: the value outlives the page, and a reload finds it in sessionStorage.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readKept, writeKept } from './kept-state';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string): string | null { return this.items.get(k) ?? null; }
  setItem(k: string, v: string): void { this.items.set(k, v); }
}

afterEach(() => vi.unstubAllGlobals());

describe('kept state', () => {
  it('gives the initial value until one is written, then the written one', () => {
    expect(readKept('t1', 'initial')).toBe('initial');
    writeKept('t1', 'web');
    expect(readKept('t1', 'initial')).toBe('web');
  });

  it('writes through to sessionStorage and reads it back when memory has none (a reload)', () => {
    const storage = new MemoryStorage();
    vi.stubGlobal('sessionStorage', storage);
    writeKept('t2', { filter: 'stopped' });
    expect(storage.items.get('berth.view.t2')).toBe('{"filter":"stopped"}');
    storage.setItem('berth.view.t3', '"running"');
    expect(readKept('t3', 'all')).toBe('running');
  });

  it('falls back to the initial value when storage is missing or holds garbage', () => {
    expect(readKept('t4', 5)).toBe(5); // no sessionStorage in this environment
    const storage = new MemoryStorage();
    storage.setItem('berth.view.t5', '{not json');
    vi.stubGlobal('sessionStorage', storage);
    expect(readKept('t5', 'all')).toBe('all');
  });
});
