import { describe, expect, it } from 'vitest';
import { TIME_TICK_STEPS, timeTick } from './time-ticks';

describe('time ticks', () => {
  it('labels a tick as a local clock time, whole seconds', () => {
    const at = new Date(2026, 10, 30, 9, 5, 7, 500);
    expect(timeTick(at.getTime() / 1000)).toBe('09:05:07');
    expect(timeTick(new Date(2026, 10, 30, 23, 59, 0).getTime() / 1000)).toBe('23:59:00');
  });

  it('steps a second apart at least, in increasing order', () => {
    expect(Math.min(...TIME_TICK_STEPS)).toBe(1);
    expect([...TIME_TICK_STEPS].sort((a, b) => a - b)).toEqual(TIME_TICK_STEPS);
  });
});
