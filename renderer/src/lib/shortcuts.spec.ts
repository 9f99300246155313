import { describe, expect, it } from 'vitest';
import { GO_SHORTCUTS, isTypingTarget, SEQUENCE_MS, ShortcutReader, type FocusTarget, type KeyPress } from './shortcuts';

const key = (k: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key: k, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, repeat: false, isComposing: false, ...mods });

/** An element as isTypingTarget sees it: a tag, editability, and the ancestors `closest` finds. */
const el = (tagName: string, opts: { editable?: boolean; inside?: string[] } = {}): FocusTarget => ({
  tagName,
  isContentEditable: opts.editable ?? false,
  closest: (sel: string) => (opts.inside ?? []).some((a) => sel.split(',').map((s) => s.trim()).includes(a)) ? {} : null,
});

describe('ShortcutReader', () => {
  it('goes to each page with g and its letter', () => {
    for (const s of GO_SHORTCUTS) {
      const r = new ShortcutReader();
      expect(r.read(key('g'), 1000)).toEqual({ kind: 'prefix' });
      expect(r.read(key(s.key), 1100)).toEqual({ kind: 'go', page: s.page });
    }
    expect(GO_SHORTCUTS.map((s) => s.key)).toEqual(['c', 'i', 'v', 'n', 'e', 's']);
  });

  it('forgets the g after SEQUENCE_MS, and after one key either way', () => {
    const r = new ShortcutReader();
    r.read(key('g'), 0);
    expect(r.read(key('c'), SEQUENCE_MS + 1)).toBeNull();
    r.read(key('g'), 0);
    expect(r.read(key('x'), 10)).toBeNull();
    expect(r.read(key('c'), 20)).toBeNull();
  });

  it('/ asks for the search box and ? for the list', () => {
    const r = new ShortcutReader();
    expect(r.read(key('/'), 0)).toEqual({ kind: 'search' });
    expect(r.read(key('?', { shiftKey: true }), 0)).toEqual({ kind: 'help' });
  });

  it('ignores keys with Ctrl, Alt or Meta held, auto-repeat and IME composition', () => {
    const r = new ShortcutReader();
    for (const mod of ['ctrlKey', 'altKey', 'metaKey'] as const) {
      expect(r.read(key('g', { [mod]: true }), 0)).toBeNull();
      expect(r.read(key('/', { [mod]: true }), 0)).toBeNull();
      expect(r.read(key('?', { [mod]: true, shiftKey: true }), 0)).toBeNull();
    }
    expect(r.read(key('g', { repeat: true }), 0)).toBeNull();
    expect(r.read(key('g', { isComposing: true }), 0)).toBeNull();
    // A Ctrl key between g and c cancels the sequence.
    r.read(key('g'), 0);
    expect(r.read(key('c', { ctrlKey: true }), 10)).toBeNull();
    expect(r.read(key('c'), 20)).toBeNull();
  });

  it('takes Shift+G and Shift+C for capitals, not shortcuts', () => {
    const r = new ShortcutReader();
    expect(r.read(key('G', { shiftKey: true }), 0)).toBeNull();
    r.read(key('g'), 0);
    expect(r.read(key('C', { shiftKey: true }), 10)).toBeNull();
  });

  it('reads only the pages it is given', () => {
    const r = new ShortcutReader(GO_SHORTCUTS.filter((s) => s.page !== 'networks'));
    r.read(key('g'), 0);
    expect(r.read(key('n'), 10)).toBeNull();
  });
});

describe('isTypingTarget', () => {
  it('is true in form fields, editable regions and terminals', () => {
    expect(isTypingTarget(el('input'))).toBe(true);
    expect(isTypingTarget(el('TEXTAREA'))).toBe(true);
    expect(isTypingTarget(el('select'))).toBe(true);
    expect(isTypingTarget(el('div', { editable: true }))).toBe(true);
    expect(isTypingTarget(el('div', { inside: ['.xterm'] }))).toBe(true);
  });

  it('is false on links, buttons, the page itself and nothing', () => {
    expect(isTypingTarget(el('a'))).toBe(false);
    expect(isTypingTarget(el('button'))).toBe(false);
    expect(isTypingTarget(el('body'))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
