import { describe, expect, it } from 'vitest';
import { logSettings } from './log-config.js';

describe('logSettings', () => {
  it('reads max-size in binary units and max-file, as dockerd', () => {
    expect(logSettings({ Type: 'json-file', Config: { 'max-size': '1k', 'max-file': '3' } })).toEqual({ type: 'json-file', maxSize: 1024, maxFiles: 3 });
    expect(logSettings({ Type: '', Config: { 'max-size': '10m' } })).toEqual({ type: 'json-file', maxSize: 10 * 1024 * 1024, maxFiles: 1 });
    expect(logSettings(null)).toEqual({ type: 'json-file', maxSize: 0, maxFiles: 1 });
  });
  it('ignores max-file without max-size, as dockerd', () => {
    expect(logSettings({ Type: 'json-file', Config: { 'max-file': '3' } }).maxFiles).toBe(1);
  });
  it('has a none driver without options', () => {
    expect(logSettings({ Type: 'none', Config: {} }).type).toBe('none');
    expect(() => logSettings({ Type: 'none', Config: { 'max-size': '1k' } })).toThrow('invalid logging opts for driver none');
  });
  it("refuses what it cannot do with dockerd's words", () => {
    expect(() => logSettings({ Type: 'json-file', Config: { 'max-size': 'bogus' } })).toThrow("failed to initialize logging driver: invalid size: 'bogus'");
    expect(() => logSettings({ Type: 'json-file', Config: { 'max-size': '1k', 'max-file': '0' } })).toThrow('max-file cannot be less than 1');
    expect(() => logSettings({ Type: 'json-file', Config: { foo: 'bar' } })).toThrow("unknown log opt 'foo' for json-file log driver");
    expect(() => logSettings({ Type: 'syslog', Config: {} })).toThrow('logging driver "syslog" is not supported by berthd');
  });
});
