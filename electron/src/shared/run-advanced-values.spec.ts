import { describe, expect, it } from 'vitest';
import { capability, dnsSearchError, dnsServerError, extraHost, isIpAddress, listWords, splitExtraHost, ulimit } from './run-advanced-values.js';

describe('IP addresses', () => {
  it('takes IPv4 and IPv6 as Go net.ParseIP does', () => {
    for (const ip of ['1.1.1.1', '0.0.0.0', '255.255.255.255', '::1', '::', '2606:4700::1111', 'fe80::1:2', '1:2:3:4:5:6:7:8', '::ffff:10.0.0.1', '1::']) expect(isIpAddress(ip), ip).toBe(true);
  });
  it('refuses the rest', () => {
    for (const ip of ['', '1.1.1', '1.1.1.1.1', '256.1.1.1', '01.1.1.1', 'a.b.c.d', '1.1.1.1x', ':1', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '::ffff:300.0.0.1', '1:2:3:4:5:6:7::8:9', 'localhost']) expect(isIpAddress(ip), ip).toBe(false);
  });
  it('says what a DNS server is', () => {
    expect(dnsServerError('10.0.0.300')).toBe("DNS server '10.0.0.300' is not an IP address (like 1.1.1.1 or 2606:4700::1111)");
    expect(dnsServerError('9.9.9.9')).toBeUndefined();
  });
});

describe('search domains', () => {
  it('takes domain names and the lone dot', () => {
    for (const d of ['example.com', 'corp.example.com.', 'a', 'x-1.test', '.']) expect(dnsSearchError(d), d).toBeUndefined();
  });
  it('refuses what is not one', () => {
    expect(dnsSearchError('-bad.com')).toBe("search domain '-bad.com' is not a domain name (like example.com)");
    expect(dnsSearchError('a..b')).toMatch(/not a domain name/);
    expect(dnsSearchError('x'.repeat(256))).toMatch(/not a domain name/);
  });
});

describe('extra hosts', () => {
  it('builds the API entry from a name and an address', () => {
    expect(extraHost('db', '10.1.2.3')).toEqual({ entry: 'db:10.1.2.3' });
    expect(extraHost(' gw ', 'host-gateway')).toEqual({ entry: 'gw:host-gateway' });
    expect(extraHost('v6', '[2001:db8::1]')).toEqual({ entry: 'v6:2001:db8::1' });
    expect(splitExtraHost('v6:2001:db8::1')).toEqual({ name: 'v6', ip: '2001:db8::1' });
  });
  it('names the wrong part', () => {
    expect(extraHost('db', '10.1.2')).toEqual({ ipError: "extra host 'db': '10.1.2' is not an IP address (like 10.1.2.3, or host-gateway for the host)" });
    expect(extraHost('', '10.1.2.3').nameError).toBe('extra host: the host name is empty');
    expect(extraHost('a:b', '10.1.2.3').nameError).toBe("extra host 'a:b': a host name has no spaces, : or =");
    expect(extraHost('db', '').ipError).toMatch(/the IP address is empty/);
  });
});

describe('ulimits', () => {
  it('reads soft and hard, hard defaulting to soft', () => {
    expect(ulimit('nofile', '1024', '2048')).toEqual({ value: { name: 'nofile', soft: 1024, hard: 2048 } });
    expect(ulimit('nproc', '512', '')).toEqual({ value: { name: 'nproc', soft: 512, hard: 512 } });
  });
  it('refuses soft above hard, non-numbers and unknown names, at the field', () => {
    expect(ulimit('nofile', '4096', '2048')).toEqual({ error: 'ulimit nofile: the soft limit (4096) is above the hard limit (2048); the soft one can only go up to the hard one', field: 'soft' });
    expect(ulimit('nofile', 'many', '')).toEqual({ error: "ulimit nofile: the soft limit 'many' is not a whole number", field: 'soft' });
    expect(ulimit('nofile', '1', '-1')).toMatchObject({ field: 'hard' });
    expect(ulimit('files', '1', '1')).toMatchObject({ field: 'name', error: expect.stringMatching(/^ulimit 'files': not a limit the engine knows/) });
  });
});

describe('capabilities', () => {
  it('writes them as the CLI sends them', () => {
    expect(capability('net_admin')).toEqual({ cap: 'CAP_NET_ADMIN' });
    expect(capability('CAP_SYS_PTRACE')).toEqual({ cap: 'CAP_SYS_PTRACE' });
    expect(capability('all')).toEqual({ cap: 'ALL' });
    expect(capability('FLY').error).toBe("capability 'FLY' is not a Linux capability (like NET_ADMIN or SYS_PTRACE, or ALL)");
  });
  it('splits lists on commas and spaces', () => {
    expect(listWords(' a, b  c,,d ')).toEqual(['a', 'b', 'c', 'd']);
  });
});
