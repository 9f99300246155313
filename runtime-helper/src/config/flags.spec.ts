import { describe, it, expect } from 'vitest';
import { parseFlags } from './flags.js';
import { resolveConfig, configSchema } from './config.js';

describe('dockerd-style flags', () => {
  it('maps names, aliases, repeats and booleans', () => {
    const f = parseFlags(['-H', 'unix:///a.sock', '--host=unix:///b.sock', '-g', '/data', '-D', '--iptables=false', '--storage-opt', 'x=1', '--mtu', '1400', '--default-runtime', 'crun']);
    expect(f.config).toEqual({ hosts: ['unix:///a.sock', 'unix:///b.sock'], 'data-root': '/data', debug: true, iptables: false, 'storage-opts': ['x=1'], mtu: 1400, 'default-runtime': 'crun' });
    const c = resolveConfig(configSchema.parse(f.config));
    expect(c.dataRoot).toBe('/data');
    expect(c.network.iptables).toBe(false);
  });
  it('names the flag in errors', () => {
    expect(() => parseFlags(['--nope'])).toThrow('unknown flag: --nope');
    expect(() => parseFlags(['--data-root'])).toThrow('flag --data-root needs a value');
    expect(() => parseFlags(['--debug=perhaps'])).toThrow(/expected true or false/);
  });
  it('defaults to the berth socket and data root', () => {
    const c = resolveConfig({});
    expect(c.hosts).toEqual(['unix:///run/berth/berth.sock']);
    expect(c.dataRoot).toBe('/var/lib/berth');
  });
});
