import { describe, expect, it } from 'vitest';
import { runSpecSchema } from './schemas.js';

const base = { image: 'busybox:test', env: [], ports: [], volumes: [], restart: 'no', tty: false, interactive: false, resources: { memory: 0, cpuShares: 0, cpusetCpus: '', pidsLimit: 0, blkioWeight: 0 } };
const problems = (advanced: unknown): string[] => {
  const r = runSpecSchema.safeParse({ ...base, advanced });
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('RunSpec.advanced at the API boundary', () => {
  it('keeps good settings as they are', () => {
    const advanced = { health: { command: 'true', intervalNs: 1e9, retries: 3 }, dns: ['1.1.1.1'], dnsSearch: ['corp.example'], extraHosts: ['db:10.1.2.3', 'gw:host-gateway', 'v6:2001:db8::1'],
      ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }], labels: { team: 'web' }, init: true, readOnly: true, privileged: false, capAdd: ['CAP_NET_ADMIN'], capDrop: ['ALL'] };
    const r = runSpecSchema.safeParse({ ...base, advanced });
    expect(r.success).toBe(true);
    expect(r.data?.advanced).toEqual(advanced);
  });
  it('refuses bad ones in the dialog\'s words, so a client that skips the dialog learns the same', () => {
    expect(problems({ dns: ['1.1.1'] })).toEqual(["DNS server '1.1.1' is not an IP address (like 1.1.1.1 or 2606:4700::1111)"]);
    expect(problems({ extraHosts: ['db:10.0.0.300'] })).toEqual(["extra host 'db': '10.0.0.300' is not an IP address (like 10.1.2.3, or host-gateway for the host)"]);
    expect(problems({ ulimits: [{ name: 'nofile', soft: 4096, hard: 1024 }] })).toEqual(['ulimit nofile: the soft limit (4096) is above the hard limit (1024); the soft one can only go up to the hard one']);
    expect(problems({ health: { intervalNs: 10 } })).toEqual(['health interval: at least 1ms (or 0 for the default)']);
    expect(problems({ health: { disabled: true, command: 'true' } })).toEqual(['health check: "none" takes no command or timings']);
    expect(problems({ capAdd: ['FLY'] })).toEqual(["capability 'FLY' is not a Linux capability (like NET_ADMIN or SYS_PTRACE, or ALL)"]);
    expect(problems({ labels: { 'a=b': 'c' } })).toEqual(["label 'a=b': a key has no ="]);
    expect(problems({ dnsSearch: ['-x'] })).toEqual(["search domain '-x' is not a domain name (like example.com)"]);
  });
});
