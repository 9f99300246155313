// xterm.js 6 asks its renderer to redraw the selection after every scroll, selection or not, and
// the DOM renderer answers by rebuilding every row. During a flood that doubled the row building
// of each frame (once for the new output, once for the selection) and, while the drawing of output
// is held back (the output pacer's draw throttle), still rebuilt, restyled, laid out, painted and
// rastered all rows at every frame. With no selection before and none now there is nothing to
// redraw: such calls are dropped. A selection made, moved or cleared is redrawn as before.
import type { Terminal } from '@xterm/xterm';

type Point = [number, number] | undefined;
/** The part of xterm's internal render service this uses (not in its public API). */
export interface SelectionRedrawTarget { handleSelectionChanged(start: Point, end: Point, columnSelectMode: boolean): void }

const isEmpty = (start: Point, end: Point) => !start || !end || (start[0] === end[0] && start[1] === end[1]);

/** Wraps `target.handleSelectionChanged`; returns false when the target has no such method. */
export function dropEmptySelectionRedraws(target: Partial<SelectionRedrawTarget> | undefined): boolean {
  const original = target?.handleSelectionChanged;
  if (!target || typeof original !== 'function') return false;
  let drawnEmpty = false;
  target.handleSelectionChanged = (start, end, columnSelectMode) => {
    const empty = isEmpty(start, end);
    if (empty && drawnEmpty) return;
    drawnEmpty = empty;
    original.call(target, start, end, columnSelectMode);
  };
  return true;
}

/** For an opened terminal: its render service, where the selection redraws arrive. An xterm
 * without it (another version) is left as it is. */
export function renderServiceOf(term: Terminal): Partial<SelectionRedrawTarget> | undefined {
  return (term as unknown as { _core?: { _renderService?: Partial<SelectionRedrawTarget> } })._core?._renderService;
}
