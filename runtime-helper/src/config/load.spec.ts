import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function configFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-config-'));
  dirs.push(dir);
  const file = join(dir, 'daemon.json');
  writeFileSync(file, content);
  return file;
}

describe('config file', () => {
  it('takes daemon.json keys and merges them with flags', () => {
    const file = configFile(JSON.stringify({ 'data-root': '/srv/berth', debug: true, 'registry-mirrors': ['https://mirror.example'], 'default-runtime': 'crun' }));
    const { config } = loadConfig(['--config-file', file, '-H', 'unix:///tmp/x.sock']);
    expect(config.dataRoot).toBe('/srv/berth');
    expect(config.debug).toBe(true);
    expect(config.registryMirrors).toEqual(['https://mirror.example']);
    expect(config.defaultRuntime).toBe('crun');
    expect(config.hosts).toEqual(['unix:///tmp/x.sock']);
  });
  it('refuses a key set both ways, unknown keys and bad JSON, naming the file', () => {
    const both = configFile(JSON.stringify({ 'data-root': '/a' }));
    expect(() => loadConfig(['--config-file', both, '--data-root', '/b'])).toThrow(/specified both as a flag and in the configuration file .*data-root/);
    const unknown = configFile(JSON.stringify({ 'data-rot': '/a' }));
    expect(() => loadConfig(['--config-file', unknown])).toThrow(/invalid configuration .*daemon.json/);
    const bad = configFile('{ nope');
    expect(() => loadConfig(['--config-file', bad])).toThrow(/parse config file .*daemon.json/);
  });
});
