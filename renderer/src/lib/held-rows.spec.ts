import { describe, expect, it } from 'vitest';
import { holdRows } from './held-rows';

const r = (id: string, state = 'running') => ({ id, state });

describe('holdRows', () => {
  it('is the data itself when the pointer is not over the list', () => {
    const shown = holdRows([], [r('a'), r('b'), r('c')], false);
    expect(holdRows(shown, [r('a'), r('c')], false)).toEqual([{ row: r('a'), gone: false }, { row: r('c'), gone: false }]);
  });

  it('keeps a vanished row in its place, marked gone, while the pointer is over the list', () => {
    const shown = holdRows([], [r('a'), r('b'), r('c')], false);
    const held = holdRows(shown, [r('a'), r('c')], true);
    expect(held.map((h) => [h.row.id, h.gone])).toEqual([['a', false], ['b', true], ['c', false]]);
  });

  it('updates the rows that stay, puts new ones at the end, and lets go once the pointer leaves', () => {
    const shown = holdRows([], [r('a'), r('b')], false);
    const held = holdRows(shown, [r('new'), r('a', 'exited')], true);
    expect(held).toEqual([{ row: r('a', 'exited'), gone: false }, { row: r('b'), gone: true }, { row: r('new'), gone: false }]);
    expect(holdRows(held, [r('new'), r('a', 'exited')], false).map((h) => h.row.id)).toEqual(['new', 'a']);
  });
});
