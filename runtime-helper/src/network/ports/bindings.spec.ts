import { describe, expect, it } from 'vitest';
import { checkPortsForNetworkMode, exposedPorts, listenersFor, parsePortKey, validatePortBindings } from './bindings.js';
import { inspectPorts, listPorts } from './views.js';

describe('port bindings', () => {
  it('parses keys as dockerd (tcp by default) and refuses what cannot be forwarded', () => {
    expect(parsePortKey('80')).toEqual([80, 'tcp']);
    expect(parsePortKey('53/udp')).toEqual([53, 'udp']);
    expect(() => parsePortKey('80/sctp')).toThrow('Berth forwards tcp and udp ports only, not sctp');
    expect(() => parsePortKey('0/tcp')).toThrow('invalid container port "0/tcp"');
    expect(() => parsePortKey('65536/tcp')).toThrow('invalid port specification: "65536"');
    expect(() => validatePortBindings({ PortBindings: { '80/tcp': [{ HostIp: '::1', HostPort: '1-0' }] } })).toThrow('invalid host port range "1-0"');
  });

  it('expands empty host IPs to both families, -P over the exposed ports not bound yet', () => {
    const hc = { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, PublishAllPorts: true };
    expect(listenersFor(hc, { '80/tcp': {}, '443/tcp': {}, '7/sctp': {} }, true)).toEqual([
      { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPortLo: 0, hostPortHi: 0 },
      { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPortLo: 8080, hostPortHi: 8080 },
      { proto: 'tcp', containerPort: 80, hostIp: '::', hostPortLo: 8080, hostPortHi: 8080 },
      { proto: 'tcp', containerPort: 443, hostIp: '0.0.0.0', hostPortLo: 0, hostPortHi: 0 },
      { proto: 'tcp', containerPort: 443, hostIp: '::', hostPortLo: 0, hostPortHi: 0 },
    ]);
    expect(listenersFor({ ...hc, NetworkMode: 'host' }, {}, true)).toEqual([]);
    expect(listenersFor({ ...hc, NetworkMode: 'none' }, {}, true)).toEqual([]);
  });

  it('follows dockerd per network mode at create', () => {
    const publish = { PortBindings: { '80/tcp': [{ HostPort: '1' }] } };
    expect(checkPortsForNetworkMode({ ...publish, NetworkMode: 'host' }, undefined)).toEqual(['Published ports are discarded when using host network mode']);
    expect(checkPortsForNetworkMode({ ...publish, NetworkMode: 'none' }, undefined)).toEqual([]);
    expect(() => checkPortsForNetworkMode({ ...publish, NetworkMode: 'container:x' }, undefined)).toThrow('conflicting options: port publishing and the container type network mode');
    expect(() => checkPortsForNetworkMode({ NetworkMode: 'container:x' }, { '90/tcp': {} })).toThrow('conflicting options: port exposing and the container type network mode');
  });

  it('merges exposed ports from the image, the request and the bindings', () => {
    expect(exposedPorts({ '80/tcp': {} }, { '53/udp': {} }, { PortBindings: { 8080: [] } })).toEqual({ '80/tcp': {}, '53/udp': {}, '8080/tcp': {} });
    expect(exposedPorts(null, undefined, {})).toBeUndefined();
  });

  it('shows ports as dockerd: exposed ones null, bindings per address, nothing when not running', () => {
    const v = { running: true, networkMode: 'default', exposed: { '80/tcp': {}, '53/udp': {} }, bound: [{ proto: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80 }] };
    expect(inspectPorts(v)).toEqual({ '53/udp': null, '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
    expect(listPorts(v)).toEqual([{ PrivatePort: 53, Type: 'udp' }, { IP: '127.0.0.1', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]);
    expect(inspectPorts({ ...v, running: false })).toEqual({});
    expect(inspectPorts({ ...v, networkMode: 'host' })).toEqual({});
  });
});
