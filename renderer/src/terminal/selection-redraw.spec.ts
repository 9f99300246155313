// The wrapper's decisions on a recording stand-in for xterm's render service (the renderer's
// effect on the page is covered by the e2e selection tests and the app benchmark).
import { describe, expect, it } from 'vitest';
import { dropEmptySelectionRedraws, type SelectionRedrawTarget } from './selection-redraw';

function recorder() {
  const calls: unknown[][] = [];
  const target: SelectionRedrawTarget = { handleSelectionChanged(...args) { calls.push(args); } };
  return { target, calls };
}

describe('dropEmptySelectionRedraws', () => {
  it('passes the first redraw, then drops redraws while there is no selection', () => {
    const { target, calls } = recorder();
    expect(dropEmptySelectionRedraws(target)).toBe(true);
    target.handleSelectionChanged(undefined, undefined, false);
    target.handleSelectionChanged(undefined, undefined, false);
    target.handleSelectionChanged([3, 4], [3, 4], false); // a click without a drag: empty too
    expect(calls).toEqual([[undefined, undefined, false]]);
  });

  it('redraws every change of a selection, and once more when it is cleared', () => {
    const { target, calls } = recorder();
    dropEmptySelectionRedraws(target);
    target.handleSelectionChanged(undefined, undefined, false);
    target.handleSelectionChanged([0, 1], [5, 1], false);
    target.handleSelectionChanged([0, 1], [5, 1], false); // scrolled: the selection moves on screen
    target.handleSelectionChanged([0, 1], [9, 2], true);
    target.handleSelectionChanged(undefined, undefined, false); // cleared: the old one is erased
    target.handleSelectionChanged(undefined, undefined, false);
    expect(calls).toEqual([
      [undefined, undefined, false],
      [[0, 1], [5, 1], false],
      [[0, 1], [5, 1], false],
      [[0, 1], [9, 2], true],
      [undefined, undefined, false],
    ]);
  });

  it('keeps the method bound to its service', () => {
    const seen: unknown[] = [];
    const target = { handleSelectionChanged(this: unknown) { seen.push(this); } };
    dropEmptySelectionRedraws(target as unknown as SelectionRedrawTarget);
    target.handleSelectionChanged();
    expect(seen).toEqual([target]);
  });

  it('leaves a render service without the method alone', () => {
    expect(dropEmptySelectionRedraws(undefined)).toBe(false);
    expect(dropEmptySelectionRedraws({})).toBe(false);
  });
});
