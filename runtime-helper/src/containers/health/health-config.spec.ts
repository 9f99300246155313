import { describe, expect, it } from 'vitest';
import { goDuration, mergeHealthcheck, probeCommand, probeTiming, validateHealthcheck } from './health-config.js';

describe('health check settings', () => {
  it("merges the run's settings over the image's field by field", () => {
    const image = { Test: ['CMD', 'true'], Interval: 1e9, Retries: 7 };
    expect(mergeHealthcheck({ Retries: 2 }, image)).toEqual({ Test: ['CMD', 'true'], Interval: 1e9, Retries: 2 });
    expect(mergeHealthcheck({ Test: ['NONE'] }, image)).toMatchObject({ Test: ['NONE'] });
    expect(mergeHealthcheck(null, image)).toEqual(image);
    expect(mergeHealthcheck(null, { Test: 'not a list' })).toBeNull();
    expect(mergeHealthcheck(undefined, undefined)).toBeNull();
  });
  it('runs CMD as given and CMD-SHELL through /bin/sh; NONE runs nothing', () => {
    expect(probeCommand({ Test: ['CMD', 'test', '-f', '/ok'] })).toEqual(['test', '-f', '/ok']);
    expect(probeCommand({ Test: ['CMD-SHELL', 'curl -f x || exit 1'] })).toEqual(['/bin/sh', '-c', 'curl -f x || exit 1']);
    expect(probeCommand({ Test: ['NONE'] })).toBeUndefined();
    expect(probeCommand(null)).toBeUndefined();
  });
  it("fills dockerd's defaults and checks its limits", () => {
    expect(probeTiming({ Test: ['CMD', 'true'] })).toEqual({ interval: 30_000, timeout: 30_000, startPeriod: 0, retries: 3 });
    expect(validateHealthcheck({ Interval: 500_000 })).toBe('Interval in Healthcheck cannot be less than 1ms');
    expect(validateHealthcheck({ Retries: -1 })).toBe('Retries in Healthcheck cannot be negative');
    expect(validateHealthcheck({ Test: ['CMD', 'true'], Interval: 1e9 })).toBeUndefined();
  });
  it("writes durations as Go's time.Duration does", () => {
    expect(goDuration(300)).toBe('300ms');
    expect(goDuration(30_000)).toBe('30s');
    expect(goDuration(90_000)).toBe('1m30s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
  });
});
