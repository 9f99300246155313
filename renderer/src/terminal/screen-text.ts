// The text a terminal shows, read from xterm's buffer rather than the page: a WebGL-drawn terminal
// has no rows in the DOM, so tests (and anything else that wants the screen as text) read it here
// whichever renderer draws it. Exposed on the session's element as `screenText()`.
import type { Terminal } from '@xterm/xterm';

/** The visible rows, top to bottom, trailing blanks trimmed, one line per row. */
export function screenText(term: Terminal): string {
  const b = term.buffer.active;
  const rows: string[] = [];
  for (let y = b.viewportY; y < b.viewportY + term.rows; y++) rows.push(b.getLine(y)?.translateToString(true) ?? '');
  return rows.join('\n');
}

export interface ScreenTextElement extends HTMLElement { screenText(): string }

export function exposeScreenText(element: HTMLElement, term: Terminal): void {
  Object.defineProperty(element, 'screenText', { value: () => screenText(term) });
}
