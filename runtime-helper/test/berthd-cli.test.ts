// The real docker CLI against a real berthd: version, info, images (and their filters), import,
// tag, history, inspect, rmi, save/load, system df, events.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { release } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { busyboxImage } from '../../test-support/paths.js';
import { dockerCli, startBerthd, type Berthd } from './support/berthd.js';

let d: Berthd;
let busyboxTar: string;

beforeAll(async () => {
  busyboxTar = busyboxImage().tar;
  d = await startBerthd();
});
afterAll(async () => { await d?.stop(); });

describe('berthd with the docker CLI', () => {
  it('negotiates the API version and reports Berth in docker version', async () => {
    const out = await d.docker(['version', '--format', '{{.Server.Platform.Name}}|{{.Server.APIVersion}}|{{.Server.KernelVersion}}|{{.Server.Os}}']);
    const [name, api, kernel, os] = out.trim().split('|');
    expect(name).toMatch(/^Berth Engine/);
    expect(api).toBe('1.45');
    expect(kernel).toBe(release());
    expect(os).toBe('linux');
    const ping = await d.request('HEAD', '/_ping');
    expect(ping.status).toBe(200);
    expect(ping.headers['api-version']).toBe('1.45');
    expect(ping.headers['ostype']).toBe('linux');
    expect(ping.headers['cache-control']).toContain('no-cache');
  });

  it('tells the truth in docker info', async () => {
    const info = JSON.parse(await d.docker(['info', '--format', '{{json .}}'])) as Record<string, unknown>;
    expect(info.DockerRootDir).toBe(d.dataRoot);
    expect(['overlay2', 'vfs']).toContain(info.Driver);
    expect(info.KernelVersion).toBe(release());
    expect(info.CgroupDriver).toBe('cgroupfs');
    const fsType = statSync('/sys/fs/cgroup');
    expect(fsType.isDirectory()).toBe(true);
    expect(info.CgroupVersion).toBe(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === '/sys/fs/cgroup' && l.includes(' - cgroup2 ')) ? '2' : '1');
    expect(info.OSType).toBe('linux');
    expect(info.OperatingSystem).toMatch(/Debian/);
    const runtimes = Object.keys(info.Runtimes as object);
    expect(runtimes).toContain('crun');
    expect(runtimes).toContain('runc');
    expect(info.Images).toBe(0);
  });

  it('imports a rootfs with --change and a message, then lists, tags, inspects and shows history', async () => {
    const id = (await d.docker(['import', '--change', 'CMD ["/bin/sh", "-c", "echo hi"]', '--change', 'ENV FOO=bar', '--change', 'WORKDIR /tmp',
      '--change', 'LABEL com.example.kind=test', '--change', 'EXPOSE 8080/tcp', '--change', 'USER 1000', '--change', 'ENTRYPOINT ["/bin/env"]',
      '-m', 'from the busybox test rootfs', busyboxTar, 'berth-test/busybox:1'])).trim();
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
    const inspect = JSON.parse(await d.docker(['image', 'inspect', 'berth-test/busybox:1']))[0];
    expect(inspect.Id).toBe(id);
    expect(inspect.RepoTags).toEqual(['berth-test/busybox:1']);
    expect(inspect.Config.Cmd).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(inspect.Config.Entrypoint).toEqual(['/bin/env']);
    expect(inspect.Config.Env).toEqual(['FOO=bar']);
    expect(inspect.Config.WorkingDir).toBe('/tmp');
    expect(inspect.Config.User).toBe('1000');
    expect(inspect.Config.Labels).toEqual({ 'com.example.kind': 'test' });
    expect(inspect.Config.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(inspect.RootFS.Layers).toHaveLength(1);
    expect(inspect.Os).toBe('linux');
    expect(inspect.GraphDriver.Name).toMatch(/overlay2|vfs/);
    expect((await d.docker(['inspect', '--format', '{{.Id}}', 'berth-test/busybox:1'])).trim()).toBe(id);
    // Size is the layer's content: the busybox binary is most of it.
    expect(inspect.Size).toBeGreaterThan(500_000);

    await d.docker(['tag', 'berth-test/busybox:1', 'berth-test/busybox:2']);
    await d.docker(['tag', id.slice(7, 19), 'other/name']);
    const tags = (await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).trim().split('\n').sort();
    expect(tags).toEqual(['berth-test/busybox:1', 'berth-test/busybox:2', 'other/name:latest']);

    const history = (await d.docker(['history', '--no-trunc', '--format', '{{.ID}}|{{.Comment}}', 'berth-test/busybox:2'])).trim().split('\n');
    expect(history).toEqual([`${id}|from the busybox test rootfs`]);
  });

  it('lists with -a, -q, --no-trunc and the dangling, reference and label filters', async () => {
    const rootfs = readFileSync(busyboxTar);
    // A second image: same layer, other config, no tag (dangling).
    const dangling = (await d.docker(['import', '--change', 'LABEL kind=dangling', '-', ], { input: rootfs })).trim();
    // -q prints one line per tag; the set of IDs is what matters.
    const ids = async (args: string[]): Promise<string[]> => [...new Set((await d.docker(args)).trim().split('\n').filter(Boolean))].sort();
    const all = await ids(['images', '-a', '-q', '--no-trunc']);
    const tagged = (await d.docker(['inspect', '--format', '{{.Id}}', 'berth-test/busybox:1'])).trim();
    expect(all).toEqual([dangling, tagged].sort());
    expect((await d.docker(['images', '-q'])).trim().split('\n')).toContain(dangling.slice(7, 19));
    expect((await d.docker(['images', '-q', '--no-trunc', '--filter', 'dangling=true'])).trim()).toBe(dangling);
    expect((await d.docker(['images', '-q', '--no-trunc', '--filter', 'dangling=false'])).trim().split('\n')).toEqual([tagged, tagged, tagged]);
    expect(await ids(['images', '-a', '-q', '--no-trunc', '--filter', 'dangling=false'])).toEqual([tagged]);
    expect((await d.docker(['images', '--format', '{{.Tag}}', '--filter', 'reference=berth-test/*:2'])).trim()).toBe('2');
    expect((await d.docker(['images', '--format', '{{.Repository}}', '--filter', 'reference=other/*'])).trim()).toBe('other/name');
    expect((await d.docker(['images', '-q', '--no-trunc', '--filter', 'label=kind=dangling'])).trim()).toBe(dangling);
    expect((await d.docker(['images', '-q', '--no-trunc', '--filter', 'label=com.example.kind'])).trim().split('\n')[0]).toBe(tagged);
    expect((await d.docker(['images', '-q', '--filter', 'label=nothing'])).trim()).toBe('');
    const bad = await d.dockerResult(['images', '--filter', 'dangling=maybe']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/dangling/);
    const unknown = await d.dockerResult(['images', '--filter', 'colour=red']);
    expect(unknown.stderr).toMatch(/Invalid filter 'colour'/);
    // prune removes the dangling one only.
    const pruned = await d.docker(['image', 'prune', '-f']);
    expect(pruned).toContain(dangling);
    expect(await ids(['images', '-a', '-q', '--no-trunc'])).toEqual([tagged]);
  });

  it('saves and loads an image: same ID, same tags, same layers', async () => {
    const id = (await d.docker(['inspect', '--format', '{{.Id}}', 'berth-test/busybox:1'])).trim();
    const archive = join(d.dir, 'saved.tar');
    await d.docker(['save', '-o', archive, 'berth-test/busybox:1', 'berth-test/busybox:2']);
    expect(statSync(archive).size).toBeGreaterThan(500_000);
    const rmi = await d.docker(['rmi', '-f', id]);
    expect(rmi).toContain(`Deleted: ${id}`);
    expect(rmi).toContain('Untagged: other/name:latest');
    expect((await d.docker(['images', '-a', '-q'])).trim()).toBe('');
    const loaded = await d.docker(['load', '-i', archive]);
    expect(loaded).toContain('Loaded image: berth-test/busybox:1');
    expect(loaded).toContain('Loaded image: berth-test/busybox:2');
    expect((await d.docker(['inspect', '--format', '{{.Id}}', 'berth-test/busybox:2'])).trim()).toBe(id);
    // load -q prints the names only; stdin works too, and so does a gzipped archive.
    const { gzipSync } = await import('node:zlib');
    const again = await d.docker(['load', '-q'], { input: gzipSync(readFileSync(archive)) });
    expect(again).toContain('Loaded image: berth-test/busybox:1');
  });

  it('rmi untags one reference and deletes the image with its last one', async () => {
    const id = (await d.docker(['inspect', '--format', '{{.Id}}', 'berth-test/busybox:1'])).trim();
    expect((await d.docker(['rmi', 'berth-test/busybox:2'])).trim()).toBe('Untagged: berth-test/busybox:2');
    await d.docker(['tag', 'berth-test/busybox:1', 'elsewhere/busybox:x']);
    const conflict = await d.dockerResult(['rmi', id.slice(7, 19)]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/must be forced.*multiple repositories/);
    expect((await d.docker(['rmi', 'elsewhere/busybox:x'])).trim()).toBe('Untagged: elsewhere/busybox:x');
    const out = await d.docker(['rmi', 'berth-test/busybox:1']);
    expect(out).toContain('Untagged: berth-test/busybox:1');
    expect(out).toContain(`Deleted: ${id}`);
    const missing = await d.dockerResult(['rmi', 'berth-test/busybox:1']);
    expect(missing.stderr).toMatch(/No such image: berth-test\/busybox:1/);
  });

  it('reports disk usage in docker system df', async () => {
    await d.docker(['import', busyboxTar, 'df/test:1']);
    const rows = (await d.docker(['system', 'df', '--format', '{{.Type}}|{{.TotalCount}}'])).trim().split('\n');
    expect(rows).toContain('Images|1');
    expect(rows).toContain('Containers|0');
    expect(rows).toContain('Local Volumes|0');
    const raw = JSON.parse((await d.request('GET', '/v1.45/system/df')).body) as { LayersSize: number; Images: { Id: string; Size: number; SharedSize: number }[]; BuildCache: unknown[] };
    expect(raw.LayersSize).toBeGreaterThan(500_000);
    expect(raw.Images[0]?.Size).toBe(raw.LayersSize);
    expect(raw.BuildCache).toEqual([]);
    expect(raw.Images[0]?.SharedSize).toBe(0); // its layers are its own
    // A second image of the same tar shares every layer: df says so, and so does the list when asked.
    await d.docker(['import', busyboxTar, 'df/twin:1']);
    const twins = JSON.parse((await d.request('GET', '/v1.45/system/df')).body) as { Images: { Size: number; SharedSize: number }[] };
    expect(twins.Images).toHaveLength(2);
    for (const img of twins.Images) expect(img.SharedSize).toBe(img.Size);
    const listed = JSON.parse((await d.request('GET', '/v1.45/images/json?shared-size=1')).body) as { Size: number; SharedSize: number }[];
    for (const img of listed) expect(img.SharedSize).toBe(img.Size);
    const plain = JSON.parse((await d.request('GET', '/v1.45/images/json')).body) as { SharedSize: number }[];
    for (const img of plain) expect(img.SharedSize).toBe(-1);
    const only = JSON.parse((await d.request('GET', '/v1.45/system/df?type=volume')).body) as Record<string, unknown>;
    expect(Object.keys(only)).toEqual(['Volumes']);
    const bad = await d.request('GET', '/v1.45/system/df?type=everything');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toMatch(/invalid type "everything"/);
    await d.docker(['rmi', 'df/twin:1']);
  });

  it('filters images by before and since', async () => {
    await d.docker(['import', '--change', 'LABEL order=second', busyboxTar, 'df/newer:1']);
    const newer = (await d.docker(['inspect', '--format', '{{.Id}}', 'df/newer:1'])).trim();
    const older = (await d.docker(['inspect', '--format', '{{.Id}}', 'df/test:1'])).trim();
    const created = async (ref: string): Promise<number> => Date.parse((await d.docker(['inspect', '--format', '{{.Created}}', ref])).trim());
    // Created times have one-second resolution in these filters; only assert when they differ.
    if (Math.floor((await created('df/newer:1')) / 1000) > Math.floor((await created('df/test:1')) / 1000)) {
      expect((await d.docker(['images', '-q', '--no-trunc', '--filter', 'since=df/test:1'])).trim()).toBe(newer);
      expect((await d.docker(['images', '-q', '--no-trunc', '--filter', 'before=df/newer:1'])).trim()).toBe(older);
    } else {
      expect((await d.docker(['images', '-q', '--filter', 'since=df/test:1'])).trim()).toBe('');
    }
    const bad = await d.dockerResult(['images', '--filter', 'since=no/such:image']);
    expect(bad.stderr).toMatch(/No such image: no\/such:image/);
    await d.docker(['rmi', 'df/newer:1']);
  });

  it('streams image events', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await d.docker(['tag', 'df/test:1', 'df/test:2']);
    await d.docker(['rmi', 'df/test:2']);
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = (await d.docker(['events', '--since', String(since), '--until', String(until), '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'])).trim().split('\n');
    expect(events).toContain('image tag df/test:2');
    // As dockerd: untag names the image's ID, not the reference.
    expect(events.some((e) => /^image untag sha256:[0-9a-f]{64}$/.test(e))).toBe(true);
  });

  it('stops cleanly on SIGTERM and removes its socket', async () => {
    const other = await startBerthd();
    writeFileSync(join(other.dir, 'marker'), '');
    other.child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => other.child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(() => statSync(other.socket)).toThrow();
    await other.stop();
  });

  it('stops on SIGTERM while attach and exec streams are open: the clients see the end, the container runs on', async () => {
    const other = await startBerthd();
    try {
      await other.docker(['import', busyboxTar, 'busybox']);
      const id = (await other.docker(['run', '-d', '--network', 'none', 'busybox', 'sleep', '600'])).trim();
      const pid = Number((await other.docker(['inspect', '-f', '{{.State.Pid}}', id])).trim());
      const env = { ...process.env, DOCKER_HOST: other.host };
      const clients = [['attach', '--no-stdin', id], ['exec', id, 'sleep', '300']].map((args) => {
        const c = spawn(dockerCli, args, { env, stdio: 'ignore' });
        return { c, ended: new Promise<void>((resolve) => c.once('exit', () => resolve())) };
      });
      // Both streams are open when berthd is told to stop (an exec session lists a pid once started).
      for (let i = 0; i < 200 && !(await other.docker(['top', id])).includes('sleep 300'); i++) await sleep(50);
      other.child.kill('SIGTERM');
      const exited = new Promise<number | null>((resolve) => other.child.once('exit', (code) => resolve(code)));
      const code = await Promise.race([exited, sleep(20_000).then(() => 'still running' as const)]);
      expect(code).toBe(0);
      await Promise.all(clients.map((x) => x.ended));
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toBe('sleep\x00600\x00');
      // A new berthd on the same data root finds it running and removes it.
      const again = await startBerthd(['--data-root', other.dataRoot]);
      try {
        expect((await again.docker(['inspect', '-f', '{{.State.Running}}', id])).trim()).toBe('true');
        await again.docker(['rm', '-f', id]);
      } finally { await again.stop(); }
    } finally {
      await other.stop();
    }
  });
});
