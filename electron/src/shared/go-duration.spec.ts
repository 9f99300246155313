import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from './go-duration.js';

describe('Go durations', () => {
  it('reads what time.ParseDuration reads', () => {
    expect(parseGoDuration('5s', 'interval')).toBe(5e9);
    expect(parseGoDuration('1m30s', 'interval')).toBe(90e9);
    expect(parseGoDuration('1.5s', 'interval')).toBe(1.5e9);
    expect(parseGoDuration('500ms', 'interval')).toBe(5e8);
    expect(parseGoDuration('2h', 'interval')).toBe(7200e9);
    expect(parseGoDuration('100us', 'interval')).toBe(1e5);
    expect(parseGoDuration('.5m', 'interval')).toBe(30e9);
    expect(parseGoDuration(' 10s ', 'interval')).toBe(10e9);
    expect(parseGoDuration('0', 'interval')).toBe(0);
  });
  it('refuses numbers without units, unknown units and negatives, in words', () => {
    expect(() => parseGoDuration('5x', 'health interval')).toThrow("health interval '5x': a duration is a number with a unit (ms, s, m, h), like 30s, 1m30s or 500ms");
    expect(() => parseGoDuration('30', 'timeout')).toThrow(/a duration is a number with a unit/);
    expect(() => parseGoDuration('s', 'timeout')).toThrow(/a duration is a number with a unit/);
    expect(() => parseGoDuration('1s 2s', 'timeout')).toThrow(/a duration is a number with a unit/);
    expect(() => parseGoDuration('-1s', 'timeout')).toThrow("timeout '-1s': cannot be negative");
  });
  it('writes the shortest form that reads back the same', () => {
    for (const [ns, text] of [[5e9, '5s'], [90e9, '1m30s'], [1.5e9, '1.5s'], [25e7, '250ms'], [3600e9, '1h'], [3661e9, '1h1m1s'], [1500, '1.5us'], [7, '7ns'], [0, '0s']] as const) {
      expect(formatGoDuration(ns)).toBe(text);
      expect(parseGoDuration(text, 'x')).toBe(ns);
    }
  });
});
