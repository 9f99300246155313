import { describe, expect, it } from 'vitest';
import { hostsFile, resolvConf } from './etc-files.js';

describe('hostsFile', () => {
  it("writes dockerd's block, the hostname on 127.0.1.1 where dockerd writes the bridge address, then --add-host", () => {
    const text = hostsFile('default', 'abc', ['foo:1.2.3.4', 'bar:::1']);
    expect(text.split('\n').slice(0, 2)).toEqual(['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback']);
    expect(text).toContain('ff02::2\tip6-allrouters\n127.0.1.1\tabc\n1.2.3.4\tfoo\n::1\tbar\n');
  });
  it('has no hostname line for none and host, as dockerd', () => {
    expect(hostsFile('none', 'abc', [])).not.toContain('abc');
    expect(hostsFile('host', 'abc', [])).not.toContain('abc');
  });
  it('refuses bad entries with the CLI\'s words', () => {
    expect(() => hostsFile('none', 'a', ['bad'])).toThrow('bad format for add-host: "bad"');
    expect(() => hostsFile('none', 'a', ['foo:notanip'])).toThrow('invalid IP address in add-host: "notanip"');
  });
});

describe('resolvConf', () => {
  const host = 'search corp.example\nnameserver 127.0.0.53\nnameserver 10.0.0.2\noptions edns0\n';
  it("copies the host's file without loopback nameservers", () => {
    expect(resolvConf(host, 'none', {})).toBe('search corp.example\nnameserver 10.0.0.2\noptions edns0\n');
    expect(resolvConf(host, 'host', {})).toBe(host);
  });
  it("falls back to Docker's public defaults when only loopback ones were there", () => {
    expect(resolvConf('nameserver 127.0.0.53\n', 'default', {})).toBe('nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  });
  it('replaces only the parts given', () => {
    expect(resolvConf(host, 'none', { Dns: ['9.9.9.9'] })).toBe('search corp.example\nnameserver 9.9.9.9\noptions edns0\n');
    expect(resolvConf(host, 'none', { DnsSearch: ['a.example'], DnsOptions: ['ndots:2'] })).toBe('search a.example\nnameserver 10.0.0.2\noptions ndots:2\n');
    expect(() => resolvConf(host, 'none', { Dns: ['notanip'] })).toThrow('IP address is not correctly formatted: notanip');
  });
});
