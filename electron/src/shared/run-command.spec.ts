import { describe, expect, it } from 'vitest';
import type { RunSpec } from './contract.js';
import { dockerRunCommand, parseMemory, splitCommand } from './run-command.js';

const spec: RunSpec = {
  image: 'busybox:test', name: 'web', cmd: ['sh', '-c', "echo it's here"], env: [{ key: 'A', value: 'b c' }],
  ports: [{ container: 80, host: 8080, protocol: 'tcp' }, { container: 53, protocol: 'udp' }],
  volumes: [{ source: '/srv', target: '/data', readOnly: true }], restart: 'unless-stopped', tty: true, interactive: true, network: 'none',
  resources: { memory: 64 * 1024 * 1024, cpuShares: 512, cpusetCpus: '0,1', pidsLimit: 100, blkioWeight: 300, cpus: 0.5 },
};

describe('docker run equivalent', () => {
  it('quotes words that need it and names every option', () => {
    expect(dockerRunCommand(spec)).toBe(
      "docker run -d -i -t --name web --network none --restart unless-stopped -e 'A=b c' -p 8080:80 -p 53/udp -v /srv:/data:ro " +
      "--memory 64m --cpu-shares 512 --cpus 0.5 --cpuset-cpus 0,1 --pids-limit 100 --blkio-weight 300 busybox:test sh -c 'echo it'\\''s here'",
    );
  });
  it('leaves defaults out', () => {
    expect(dockerRunCommand({ ...spec, name: undefined, cmd: undefined, env: [], ports: [], volumes: [], restart: 'no', tty: false, interactive: false, network: undefined,
      resources: { memory: 0, cpuShares: 1024, cpusetCpus: '', pidsLimit: 0, blkioWeight: 0 } })).toBe('docker run -d busybox:test');
  });
});

describe('memory parsing', () => {
  it('reads units', () => {
    expect(parseMemory('64m')).toBe(64 * 1024 * 1024);
    expect(parseMemory('1.5G')).toBe(1.5 * 1024 ** 3);
    expect(parseMemory('512 MiB')).toBe(512 * 1024 * 1024);
    expect(parseMemory('4096')).toBe(4096);
  });
  it('refuses letters that are not units', () => {
    expect(() => parseMemory('lots')).toThrow("memory 'lots': expected a number with an optional unit");
    expect(() => parseMemory('12x')).toThrow(/expected a number/);
  });
});

describe('command splitting', () => {
  it('honours quotes', () => {
    expect(splitCommand(`sh -c "echo a  b; ls" 'x y' ""`)).toEqual(['sh', '-c', 'echo a  b; ls', 'x y', '']);
    expect(() => splitCommand('echo "open')).toThrow('command: unclosed " quote');
  });
});
