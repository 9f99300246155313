// Keyboard shortcuts a power user of a container desktop app expects: `g` then a letter goes to a
// page, `/` focuses the page's search box, `?` lists the shortcuts. The decisions live here (which
// key does what, when a key is the user's typing and not a shortcut); the hook and the dialog are
// components/KeyboardShortcuts.tsx.

export interface GoShortcut { key: string; page: string; label: string }

/** `g` + key goes to the page. Networks only where the app has that page (see `availableGoShortcuts`). */
export const GO_SHORTCUTS: readonly GoShortcut[] = [
  { key: 'c', page: 'containers', label: 'Containers' },
  { key: 'i', page: 'images', label: 'Images' },
  { key: 'v', page: 'volumes', label: 'Volumes' },
  { key: 'n', page: 'networks', label: 'Networks' },
  { key: 'e', page: 'events', label: 'Events' },
  { key: 's', page: 'system', label: 'System' },
];

/** How long after `g` the second key still counts (as in GitHub's and Gmail's `g` sequences). */
export const SEQUENCE_MS = 1500;

export type ShortcutAction =
  | { kind: 'go'; page: string }
  | { kind: 'search' }
  | { kind: 'help' }
  /** `g` was pressed: the next key decides. */
  | { kind: 'prefix' };

/** The parts of a KeyboardEvent the decision needs. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  repeat: boolean;
  isComposing: boolean;
}

/** The parts of an element that tell whether keys pressed on it are typing. */
export interface FocusTarget {
  tagName: string;
  isContentEditable: boolean;
  closest(selector: string): unknown;
}

/**
 * Keys go to the user's typing, never to a shortcut, in a form field (input, textarea, select),
 * an editable region, or a terminal: xterm takes keys through its own textarea, and a click on the
 * terminal's screen leaves the focus inside `.xterm`.
 */
export function isTypingTarget(el: FocusTarget | null): boolean {
  if (!el) return false;
  const tag = el.tagName.toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (el.isContentEditable) return true;
  return Boolean(el.closest('.xterm, [contenteditable=""], [contenteditable="true"]'));
}

/** Reads key presses into shortcut actions, holding the `g` prefix for SEQUENCE_MS. */
export class ShortcutReader {
  private prefixAt: number | null = null;

  constructor(private readonly shortcuts: readonly GoShortcut[] = GO_SHORTCUTS, private readonly sequenceMs = SEQUENCE_MS) {}

  /** The action for this key at `now` (ms), or null when the key is not a shortcut. */
  read(k: KeyPress, now: number): ShortcutAction | null {
    const prefixed = this.prefixAt !== null && now - this.prefixAt <= this.sequenceMs;
    this.prefixAt = null;
    // Ctrl/Alt/Meta combinations belong to the browser, the OS and the terminal's copy and paste.
    if (k.ctrlKey || k.altKey || k.metaKey || k.isComposing || k.repeat) return null;
    if (prefixed) {
      const hit = k.shiftKey ? undefined : this.shortcuts.find((s) => s.key === k.key);
      return hit ? { kind: 'go', page: hit.page } : null;
    }
    if (k.key === 'g' && !k.shiftKey) { this.prefixAt = now; return { kind: 'prefix' }; }
    if (k.key === '/') return { kind: 'search' };
    // `?` is Shift+/ on most layouts: the shift is the key's own, not a held modifier.
    if (k.key === '?') return { kind: 'help' };
    return null;
  }

  reset(): void { this.prefixAt = null; }
}

/** The selector of a page's search box: pages name theirs `<thing>-search` (container-search, event-search, ...). */
export const SEARCH_BOX_SELECTOR = 'input[type="search"], input[id$="-search"]';
