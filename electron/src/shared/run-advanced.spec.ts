import { describe, expect, it } from 'vitest';
import type { RunSpec } from './contract.js';
import { advancedCreateFields, advancedRunArgs } from './run-advanced.js';
import { dockerRunCommand } from './run-command.js';
import { buildAdvanced, EMPTY_ADVANCED, fieldId } from './run-advanced-form.js';

const base: RunSpec = { image: 'busybox:test', env: [], ports: [], volumes: [], restart: 'no', tty: false, interactive: false, resources: { memory: 0, cpuShares: 1024, cpusetCpus: '', pidsLimit: 0, blkioWeight: 0 } };

describe('advanced settings on the command line', () => {
  it('spells every flag as the docker CLI does, quoted where the shell needs it', () => {
    const spec: RunSpec = { ...base, advanced: {
      health: { command: 'wget -q -O /dev/null localhost || exit 1', intervalNs: 2e9, timeoutNs: 1.5e9, startPeriodNs: 90e9, retries: 3 },
      dns: ['1.1.1.1', '2606:4700::1111'], dnsSearch: ['corp.example'], extraHosts: ['db:10.1.2.3', 'gw:host-gateway'],
      ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }], labels: { 'com.example.team': 'web ops' }, init: true, readOnly: true, privileged: true,
      capAdd: ['CAP_NET_ADMIN'], capDrop: ['ALL'],
    } };
    expect(dockerRunCommand(spec)).toBe(
      "docker run -d --health-cmd 'wget -q -O /dev/null localhost || exit 1' --health-interval 2s --health-timeout 1.5s --health-start-period 1m30s --health-retries 3 " +
      '--dns 1.1.1.1 --dns 2606:4700::1111 --dns-search corp.example --add-host db:10.1.2.3 --add-host gw:host-gateway --ulimit nofile=1024:2048 ' +
      "--label 'com.example.team=web ops' --init --read-only --privileged --cap-add CAP_NET_ADMIN --cap-drop ALL busybox:test",
    );
  });
  it('writes --no-healthcheck alone for "none", and nothing for an empty section', () => {
    expect(advancedRunArgs({ health: { disabled: true } })).toEqual(['--no-healthcheck']);
    expect(advancedRunArgs({})).toEqual([]);
    expect(advancedRunArgs(undefined)).toEqual([]);
  });
});

describe('advanced settings in the create body', () => {
  it('puts them where dockerd reads them, durations in nanoseconds', () => {
    const f = advancedCreateFields({ health: { command: 'true', intervalNs: 2e9, retries: 2 }, dns: ['9.9.9.9'], dnsSearch: ['x.test'], extraHosts: ['db:10.1.2.3'],
      ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }], labels: { a: 'b' }, init: true, readOnly: true, capAdd: ['CAP_NET_ADMIN'] });
    expect(f).toEqual({
      Labels: { a: 'b' },
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 2e9, Retries: 2 },
      HostConfig: { Dns: ['9.9.9.9'], DnsSearch: ['x.test'], ExtraHosts: ['db:10.1.2.3'], Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }], Init: true, ReadonlyRootfs: true, CapAdd: ['CAP_NET_ADMIN'] },
    });
  });
  it('disables the image check with NONE, keeps its command when only timings are set, and leaves zeros out as the CLI does', () => {
    expect(advancedCreateFields({ health: { disabled: true } }).Healthcheck).toEqual({ Test: ['NONE'] });
    expect(advancedCreateFields({ health: { intervalNs: 5e9 } }).Healthcheck).toEqual({ Interval: 5e9 });
    expect(advancedCreateFields({})).toEqual({ HostConfig: {} });
  });
});

describe('the Advanced form', () => {
  it('builds the spec from what was typed', () => {
    const b = buildAdvanced({ ...EMPTY_ADVANCED, healthMode: 'command', healthCmd: ' true ', healthInterval: '1s', healthRetries: '5', dns: '1.1.1.1, 8.8.8.8',
      dnsSearch: 'a.test', hosts: [{ name: 'db', ip: '10.0.0.5' }, { name: '', ip: '' }], ulimits: [{ name: 'nofile', soft: '1024', hard: '2048' }],
      labels: [{ key: 'team', value: 'x' }], init: true, capAdd: 'net_admin' });
    expect(b.errors.size).toBe(0);
    expect(b.advanced).toEqual({ health: { command: 'true', intervalNs: 1e9, retries: 5 }, dns: ['1.1.1.1', '8.8.8.8'], dnsSearch: ['a.test'], extraHosts: ['db:10.0.0.5'],
      ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }], labels: { team: 'x' }, init: true, capAdd: ['CAP_NET_ADMIN'] });
    expect(buildAdvanced(EMPTY_ADVANCED)).toEqual({ advanced: undefined, errors: new Map() });
  });
  it('puts each problem at its field', () => {
    const b = buildAdvanced({ ...EMPTY_ADVANCED, healthMode: 'command', healthInterval: '5x', healthTimeout: '10us', healthRetries: 'two', dns: '1.1.1.1 300.1.1.1',
      hosts: [{ name: 'db', ip: '10.0.0' }], ulimits: [{ name: 'nofile', soft: '4096', hard: '1024' }], labels: [{ key: 'a=b', value: '' }], capDrop: 'FLY' });
    expect(b.advanced).toMatchObject({ dns: ['1.1.1.1', '300.1.1.1'] });
    expect(Object.fromEntries(b.errors)).toEqual({
      [fieldId.healthCmd]: 'health command: type the command that checks the container, like wget -q -O /dev/null localhost',
      [fieldId.healthInterval]: "health interval '5x': a duration is a number with a unit (ms, s, m, h), like 30s, 1m30s or 500ms",
      [fieldId.healthTimeout]: "health timeout '10us': at least 1ms",
      [fieldId.healthRetries]: "health retries 'two': a whole number, like 3",
      [fieldId.dns]: "DNS server '300.1.1.1' is not an IP address (like 1.1.1.1 or 2606:4700::1111)",
      [fieldId.hostIp(0)]: "extra host 'db': '10.0.0' is not an IP address (like 10.1.2.3, or host-gateway for the host)",
      [fieldId.ulimit(0, 'soft')]: 'ulimit nofile: the soft limit (4096) is above the hard limit (1024); the soft one can only go up to the hard one',
      [fieldId.labels]: "label 'a=b': a key has no =",
      [fieldId.capDrop]: "capability 'FLY' is not a Linux capability (like NET_ADMIN or SYS_PTRACE, or ALL)",
    });
  });
  it('refuses a limit set twice', () => {
    const b = buildAdvanced({ ...EMPTY_ADVANCED, ulimits: [{ name: 'nofile', soft: '1', hard: '' }, { name: 'nofile', soft: '2', hard: '' }] });
    expect(b.errors.get(fieldId.ulimit(1, 'name'))).toBe('ulimit nofile: set twice; keep one');
  });
});
