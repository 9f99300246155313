// The network rows from the engines' documents (shapes as dockerd 20.10 and berthd send them), the
// create body, and the refusals in words.
import { describe, expect, it } from 'vitest';
import { attachedContainers, createBody, engineWords, networkRow, notSupportedMessage, removeRefusal, type ContainerNetDoc, type NetworkDoc } from './networks.js';

const netId = 'a1'.padEnd(64, '0');
const containers: ContainerNetDoc[] = [
  // Started: NetworkID and address filled in.
  { Id: 'c1'.padEnd(64, '0'), Names: ['/web'], State: 'running', NetworkSettings: { Networks: { appnet: { NetworkID: netId, IPAddress: '10.231.7.2' } } } },
  // Created, never started: named by the network's name, no NetworkID yet.
  { Id: 'c2'.padEnd(64, '0'), Names: ['/job'], State: 'created', NetworkSettings: { Networks: { appnet: { NetworkID: '', IPAddress: '' } } } },
  // Renamed network's container still found by ID.
  { Id: 'c3'.padEnd(64, '0'), State: 'exited', NetworkSettings: { Networks: { oldname: { NetworkID: netId } } } },
  { Id: 'c4'.padEnd(64, '0'), Names: ['/other'], State: 'running', NetworkSettings: { Networks: { none: { NetworkID: 'n'.repeat(64) } } } },
  { Id: 'c5'.padEnd(64, '0'), Names: ['/bare'], State: 'running', NetworkSettings: null },
];

describe('networks in the app', () => {
  it('finds the containers attached to a network by name or ID, sorted by name', () => {
    const cs = attachedContainers({ Name: 'appnet', Id: netId }, containers);
    expect(cs).toEqual([
      { id: containers[2]!.Id, name: 'c30000000000', state: 'exited', ipv4: undefined },
      { id: containers[1]!.Id, name: 'job', state: 'created', ipv4: undefined },
      { id: containers[0]!.Id, name: 'web', state: 'running', ipv4: '10.231.7.2' },
    ]);
    expect(attachedContainers({ Name: 'none', Id: 'n'.repeat(64) }, containers).map((c) => c.name)).toEqual(['other']);
    expect(attachedContainers({ Name: 'host', Id: 'h'.repeat(64) }, containers)).toEqual([]);
  });

  it('makes rows with subnets, gateways and the pre-defined mark', () => {
    const user: NetworkDoc = {
      Name: 'appnet', Id: netId, Created: '2026-11-30T17:18:57.71404282Z', Scope: 'local', Driver: 'bridge', Internal: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.231.7.0/24', Gateway: '10.231.7.1' }, { Subnet: 'fd00:1::/64' }] }, Labels: { a: 'b' }, Containers: {},
    };
    expect(networkRow(user, containers)).toMatchObject({
      id: netId, name: 'appnet', driver: 'bridge', scope: 'local', internal: true, builtin: false,
      subnets: ['10.231.7.0/24', 'fd00:1::/64'], gateways: ['10.231.7.1'], labels: { a: 'b' },
      created: Date.parse('2026-11-30T17:18:57Z') / 1000,
    });
    expect(networkRow(user, containers).containers).toHaveLength(3);
    // berthd's bridge: no subnet (IPAM.Config empty), labels empty; a bare document still reads.
    const bridge = networkRow({ Name: 'bridge', Id: 'b'.repeat(64), Driver: 'bridge', IPAM: { Driver: 'default', Config: [] }, Labels: {} }, []);
    expect(bridge).toMatchObject({ builtin: true, subnets: [], gateways: [], internal: false, containers: [] });
    expect(networkRow({ Name: 'x', Id: 'x', IPAM: null, Labels: null }, [])).toMatchObject({ driver: '', scope: 'local', subnets: [], labels: {}, created: undefined });
  });

  it('asks for a bridge with IPAM only when a subnet is given, and never a duplicate name', () => {
    expect(createBody({ name: 'n', driver: 'bridge', internal: false, labels: {} })).toEqual({ Name: 'n', Driver: 'bridge', CheckDuplicate: true, Internal: false, Labels: {} });
    expect(createBody({ name: 'n', driver: 'bridge', subnet: '10.9.0.0/16', gateway: '10.9.0.1', internal: true, labels: { k: 'v' } })).toEqual({
      Name: 'n', Driver: 'bridge', CheckDuplicate: true, Internal: true, Labels: { k: 'v' },
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.9.0.0/16', Gateway: '10.9.0.1' }] },
    });
    expect(createBody({ name: 'n', driver: 'bridge', subnet: '10.9.0.0/16', internal: false, labels: {} }).IPAM).toEqual({ Driver: 'default', Config: [{ Subnet: '10.9.0.0/16' }] });
  });

  it('puts refusals in words: not supported, pre-defined, in use', () => {
    expect(engineWords({ message: '(HTTP code 501) unexpected - user-defined networks are not supported', json: null })).toBe('user-defined networks are not supported');
    expect(engineWords({ json: { message: 'network x not found' } })).toBe('network x not found');
    const ns = notSupportedMessage('mynet', 'user-defined networks are not supported by berthd yet');
    expect(ns).toContain('Network mynet was not created: this engine does not make user-defined networks');
    expect(ns).toContain('"user-defined networks are not supported by berthd yet"');
    expect(removeRefusal('host', 'host is a pre-defined network and cannot be removed', [])).toMatch(/^host is one of the pre-defined networks .* cannot be removed\. Nothing was changed\.\n\(engine: host is a pre-defined/);
    const attached = attachedContainers({ Name: 'appnet', Id: netId }, containers);
    const inUse = removeRefusal('appnet', 'error while removing network: network appnet id x has active endpoints', attached.filter((c) => c.state === 'running'));
    expect(inUse).toContain('Network appnet is in use by 1 container: web (running). Stop or remove it first');
    expect(inUse).toContain('(engine: error while removing network: network appnet id x has active endpoints)');
    expect(removeRefusal('appnet', 'in use', attached)).toContain('in use by 3 containers: c30000000000 (exited), job (created), web (running). Stop or remove them first');
    // An engine that counts stopped containers (podman): removing them is what frees it.
    expect(removeRefusal('appnet', 'network is being used', attached.filter((c) => c.state !== 'running')))
      .toContain('in use by 2 containers: c30000000000 (exited), job (created). Remove them first (this engine counts stopped containers too); the network was left as it is.');
    expect(removeRefusal('appnet', 'some refusal', [])).toBe('some refusal.');
  });
});
