import { describe, expect, it } from 'vitest';
import { EventLog } from './event-log';

const all = (log: EventLog<number>) => log.filter(() => true);

describe('EventLog', () => {
  it('reads newest first', () => {
    const log = new EventLog<number>(5);
    for (const n of [1, 2, 3]) log.push(n);
    expect(all(log)).toEqual([3, 2, 1]);
    expect([log.at(0), log.at(2), log.at(3), log.at(-1)]).toEqual([3, 1, undefined, undefined]);
  });

  it('keeps the last `cap` items once full, however many came', () => {
    const log = new EventLog<number>(10_000);
    for (let n = 1; n <= 25_003; n++) log.push(n);
    expect(log.size).toBe(10_000);
    expect(log.at(0)).toBe(25_003);
    expect(log.at(9_999)).toBe(15_004);
    expect(all(log)).toHaveLength(10_000);
  });

  it('filters newest first and clears', () => {
    const log = new EventLog<number>(4);
    for (let n = 1; n <= 7; n++) log.push(n);
    expect(log.filter((n) => n % 2 === 1)).toEqual([7, 5]);
    log.clear();
    expect(log.size).toBe(0);
    log.push(9);
    expect(all(log)).toEqual([9]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new EventLog(0)).toThrow(/capacity must be a positive integer, got 0/);
    expect(() => new EventLog(1.5)).toThrow(/got 1.5/);
  });
});
