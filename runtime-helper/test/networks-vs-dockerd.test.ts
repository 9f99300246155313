// The networks API against a real dockerd, through the same docker CLI: list, filters, inspect of
// host and none, the errors of unknown networks and bad filters, rm/create/connect of pre-defined
// networks, prune (user-defined networks: user-networks.test.ts). The test dockerd runs with --bridge none, so its bridge network is missing;
// berthd's bridge is checked for the shape dockerd gives host and none, and with dockerode.
import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { httpRequest, startBerthd } from './support/berthd.js';
import { berthdBesideDockerd, cliOk, onBoth, type CliResult } from './support/engine-pair.js';

const pair = berthdBesideDockerd();

async function both(args: string[]): Promise<{ berth: CliResult; docker: CliResult }> {
  const r = await onBoth(pair(), args);
  return { berth: r.berthd, docker: r.dockerd };
}

/** IDs (full and short) and times masked, so two engines' output compares. */
const mask = (s: string): string => s
  .replace(/[0-9a-f]{64}/g, '<id>').replace(/\b[0-9a-f]{12}\b/g, '<id>')
  .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>').replace(/^time=.*\n/gm, '')
  // The test dockerd runs with --ip-forward=false and warns about it on every run.
  .replace(/^WARNING: IPv4 forwarding is disabled.*\n/gm, '').trim();

/** The lines of berthd's output without its bridge network's line (dockerd here has none). */
const withoutBridge = (s: string): string => s.split('\n').filter((l) => !/\bbridge\b/.test(l)).join('\n');

/** A JSON value's shape: key names and value types, recursively (map keys of Containers masked). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [/^[0-9a-f]{64}$/.test(k) ? '<id>' : k, shape(x)]));
  return v === null ? 'null' : typeof v;
}

describe('networks: berthd and dockerd give the same answers', () => {
  it('ls (plain, -q, --format, filters), inspect and inspect -f of host and none, errors of unknown networks and bad filters', async () => {
    const ls = await both(['network', 'ls']);
    expect(ls.berth.code).toBe(0);
    expect(mask(withoutBridge(ls.berth.stdout))).toBe(mask(ls.docker.stdout));
    expect(ls.berth.stdout).toMatch(/^[0-9a-f]{12} +bridge +bridge +local$/m);

    const quiet = await both(['network', 'ls', '-q', '--no-trunc']);
    const ids = { berth: quiet.berth.stdout.trim().split('\n'), docker: quiet.docker.stdout.trim().split('\n') };
    expect(ids.berth.every((i) => /^[0-9a-f]{64}$/.test(i))).toBe(true);
    expect(ids.berth.length).toBe(ids.docker.length + 1); // + bridge

    for (const args of [
      ['network', 'ls', '--filter', 'driver=host'],
      ['network', 'ls', '--filter', 'driver=null', '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.IPv6}} {{.Internal}} {{.Labels}}'],
      ['network', 'ls', '--filter', 'name=o', '--filter', 'driver=host', '--filter', 'driver=null', '--format', '{{.Name}}'],
      ['network', 'ls', '--filter', 'type=builtin', '--filter', 'scope=local', '--format', '{{.Name}}'],
      ['network', 'ls', '--filter', 'type=custom', '-q'],
      ['network', 'ls', '--filter', 'dangling=true', '-q'],
      ['network', 'ls', '--filter', 'scope=swarm', '-q'],
      ['network', 'ls', '--filter', 'label=a', '-q'],
      ['network', 'ls', '--filter', 'name=^no', '--format', '{{.Name}}'],
      ['network', 'ls', '--filter', 'dangling=false', '--filter', 'driver=host', '--format', '{{.Name}}'],
    ]) {
      const r = await both(args);
      expect({ code: r.berth.code, out: mask(withoutBridge(r.berth.stdout)), err: r.berth.stderr }, args.join(' ')).toEqual({ code: r.docker.code, out: mask(r.docker.stdout), err: r.docker.stderr });
    }
    // The id filter by a prefix of host's ID (a regular expression, as dockerd's).
    for (const engine of [pair().berth.host, pair().dockerd.host]) {
      const host = (await cliOk(engine, ['network', 'inspect', '-f', '{{.Id}}', 'host'])).trim();
      expect((await cliOk(engine, ['network', 'ls', '--filter', `id=^${host.slice(0, 10)}`, '-q'])).trim()).toBe(host.slice(0, 12));
    }

    const inspect = await both(['network', 'inspect', 'host', 'none']);
    expect(inspect.berth.code).toBe(0);
    expect(mask(inspect.berth.stdout)).toBe(mask(inspect.docker.stdout));
    for (const fmt of ['{{.Name}} {{.Driver}} {{.Scope}} {{.EnableIPv6}} {{.Internal}} {{.Attachable}} {{.Ingress}} {{.ConfigOnly}}', '{{json .IPAM}} {{json .Options}} {{json .Labels}} {{json .Containers}} {{.ConfigFrom.Network}}', '{{len .Id}}']) {
      const r = await both(['network', 'inspect', '-f', fmt, 'none', 'host']);
      expect(r.berth, fmt).toEqual(r.docker);
    }
    // By full ID and by unique prefix: the same network.
    const hostId = (await cliOk(pair().berth.host, ['network', 'inspect', '-f', '{{.Id}}', 'host'])).trim();
    expect((await cliOk(pair().berth.host, ['network', 'inspect', '-f', '{{.Name}}', hostId, hostId.slice(0, 12)])).trim()).toBe('host\nhost');

    for (const args of [
      ['network', 'inspect', 'nosuchnet'],
      ['network', 'inspect', 'hos'],
      ['network', 'ls', '--filter', 'foo=bar'],
      ['network', 'ls', '--filter', 'dangling=maybe'],
      ['network', 'ls', '--filter', 'dangling=true', '--filter', 'dangling=false'],
      ['network', 'ls', '--filter', 'type=other'],
      ['network', 'rm', 'nosuchnet'],
    ]) {
      const r = await both(args);
      expect({ code: r.berth.code, out: r.berth.stdout, err: r.berth.stderr }, args.join(' ')).toEqual({ code: r.docker.code, out: r.docker.stdout, err: r.docker.stderr });
      expect(r.berth.code, args.join(' ')).not.toBe(0);
    }
    // The API's own parameters: scope and verbose.
    for (const path of ['/v1.41/networks/none?scope=local', '/v1.41/networks/none?scope=swarm', '/v1.41/networks/none?verbose=bad', '/v1.41/networks/none?verbose=1']) {
      const [b, d] = await Promise.all([pair().berth.request('GET', path), httpRequest(pair().dockerd.socket, 'GET', path)]);
      expect({ status: b.status, body: mask(b.body) }, path).toEqual({ status: d.status, body: mask(d.body) });
    }
    expect(pair().berth.child.exitCode).toBeNull();
  }, 120_000);

  it('rm, create, connect and prune of pre-defined networks; run --network of an unknown one; containers on host and none in inspect', async () => {
    for (const args of [
      ['network', 'rm', 'host'],
      ['network', 'rm', 'none', 'host'],
      ['network', 'create', 'host'],
      ['network', 'create', 'none'],
      ['network', 'create', '-d', 'host', 'another'],
      ['network', 'prune', '-f'],
      ['network', 'prune', '-f', '--filter', 'bad=1'],
      ['run', '--rm', '--network', 'mynet', 'busybox', 'true'],
    ]) {
      const r = await both(args);
      expect({ code: r.berth.code, out: r.berth.stdout, err: mask(r.berth.stderr) }, args.join(' ')).toEqual({ code: r.docker.code, out: r.docker.stdout, err: mask(r.docker.stderr) });
    }
    // User-defined networks: berthd makes one (the test dockerd is not asked: it would make its
    // bridge on the host; runtime-helper/test/user-networks.test.ts compares them with a dockerd in
    // its own network namespace) and removes it.
    const created = await pair().berth.dockerResult(['network', 'create', 'mynet']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await pair().berth.dockerResult(['network', 'rm', 'mynet'])).stdout).toBe('mynet\n');

    await both(['run', '-d', '--name', 'onhost', '--network', 'host', 'busybox', 'sleep', '300']);
    await both(['run', '-d', '--name', 'onnone', '--network', 'none', 'busybox', 'sleep', '300']);
    await both(['create', '--name', 'notstarted', '--network', 'none', 'busybox', 'true']);
    for (const args of [
      ['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{len .EndpointID}} [{{.MacAddress}}] [{{.IPv4Address}}] [{{.IPv6Address}}]{{end}}', 'host', 'none'],
      ['network', 'inspect', 'host', 'none'],
      ['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{len $v.NetworkID}} {{len $v.EndpointID}}{{end}}', 'onhost', 'onnone', 'notstarted'],
      ['network', 'ls', '--format', '{{.Name}}'],
      ['network', 'connect', 'host', 'onnone'],
      ['network', 'connect', 'none', 'onnone'],
      ['network', 'connect', 'none', 'onhost'],
      ['network', 'connect', 'none', 'nosuchcontainer'],
      ['network', 'connect', 'nosuchnet', 'onnone'],
      ['network', 'disconnect', 'host', 'onnone'],
    ]) {
      const r = await both(args);
      expect({ code: r.berth.code, out: mask(withoutBridge(r.berth.stdout)), err: mask(r.berth.stderr) }, args.join(' ')).toEqual({ code: r.docker.code, out: mask(r.docker.stdout), err: mask(r.docker.stderr) });
    }
    // The container's NetworkID is the network's ID, its EndpointID the one network inspect shows.
    for (const engine of [pair().berth.host, pair().dockerd.host]) {
      const netId = (await cliOk(engine, ['network', 'inspect', '-f', '{{.Id}}', 'none'])).trim();
      const [cid, inNet, endpoint] = (await cliOk(engine, ['inspect', '-f', '{{.Id}} {{.NetworkSettings.Networks.none.NetworkID}} {{.NetworkSettings.Networks.none.EndpointID}}', 'onnone'])).trim().split(' ');
      expect(inNet).toBe(netId);
      const listed = (await cliOk(engine, ['network', 'inspect', '-f', `{{(index .Containers "${cid}").EndpointID}}`, 'none'])).trim();
      expect(listed).toBe(endpoint);
    }
    await both(['rm', '-f', 'onhost', 'onnone', 'notstarted']);
    const after = await both(['network', 'inspect', '-f', '{{json .Containers}}', 'host', 'none']);
    expect(after.berth).toEqual(after.docker);
  }, 120_000);

  it('dockerode: the bridge network has the shape of dockerd\'s networks, lists its containers, and keeps its ID over a restart', async () => {
    const berth = new Docker({ socketPath: pair().berth.socket });
    const docker = new Docker({ socketPath: pair().dockerd.socket });
    const dockerHost = await docker.getNetwork('host').inspect() as unknown as Record<string, unknown>;
    const bridge = await berth.getNetwork('bridge').inspect() as unknown as Record<string, unknown>;
    expect(Object.keys(bridge)).toEqual(Object.keys(dockerHost));
    expect(shape({ ...bridge, Options: {} })).toEqual(shape({ ...dockerHost, Options: {} }));
    expect(bridge).toMatchObject({ Name: 'bridge', Driver: 'bridge', Scope: 'local', IPAM: { Driver: 'default', Options: null, Config: [] }, Containers: {}, Labels: {} });
    expect((bridge.Options as Record<string, string>)['com.docker.network.bridge.default_bridge']).toBe('true');
    const listed = await berth.listNetworks();
    expect(listed.map((n) => n.Name).sort()).toEqual(['bridge', 'host', 'none']);
    expect(listed.map((n) => shape(n))).toContainEqual(shape((await docker.listNetworks()).find((n) => n.Name === 'host')));
    expect((await berth.listNetworks({ filters: JSON.stringify({ driver: ['bridge'] }) })).map((n) => n.Id)).toEqual([bridge.Id]);

    // A container of the default network is on bridge while it runs, with no addresses.
    const c = await berth.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'], name: 'ondefault' });
    await c.start();
    const withC = await berth.getNetwork('bridge').inspect() as unknown as { Containers: Record<string, { Name: string; EndpointID: string; IPv4Address: string }> };
    expect(Object.keys(withC.Containers)).toEqual([c.id]);
    expect(withC.Containers[c.id]).toMatchObject({ Name: 'ondefault', IPv4Address: '' });
    const ci = await c.inspect();
    expect(ci.NetworkSettings.Networks.bridge).toMatchObject({ NetworkID: bridge.Id, EndpointID: withC.Containers[c.id]!.EndpointID });
    await c.remove({ force: true });

    // The IDs and Created times are made once and kept under the data root.
    const before = await berth.listNetworks();
    const p = pair();
    p.berth.child.kill('SIGKILL');
    for (let i = 0; i < 100 && p.berth.child.exitCode === null && p.berth.child.signalCode === null; i++) await sleep(50);
    const restarted = await startBerthd(['--data-root', p.berth.dataRoot]);
    const old = p.berth;
    p.berth = { ...restarted, stop: async () => { const code = await restarted.stop(); rmSync(old.dir, { recursive: true, force: true }); return code; } };
    const again = await new Docker({ socketPath: p.berth.socket }).listNetworks();
    const key = (l: typeof before) => l.map((n) => `${n.Name} ${n.Id} ${n.Created}`).sort();
    expect(key(again)).toEqual(key(before));
  }, 120_000);
});
