// The local volume driver's options (docker volume create --opt type/device/o), berthd beside a
// real dockerd: the same checks and words at create, the same inspect Options, a tmpfs volume
// mounted while containers use it and gone at the last user's exit, a bind volume on a host
// directory, a failed mount failing the start and leaving nothing mounted, and berthd killed
// with -9 while a container uses a tmpfs volume. After every test nothing is left mounted under
// either daemon's volumes.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { berthdBesideDockerd, cliOk, enginesOf, onBoth, type EngineName } from './support/engine-pair.js';
import { startBerthd } from './support/berthd.js';
import { mountsUnder } from '../../test-support/leftovers.js';

const pair = berthdBesideDockerd();
const TMPFS = ['--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=10m'];
const RUN = ['run', '--network', 'none'];

const volumesDir = (engine: EngineName): string => join(engine === 'berthd' ? pair().berth.dataRoot : pair().dockerd.dataRoot, 'volumes');
const mountedAt = (path: string): boolean => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === path);
const hostDirs: string[] = [];

/** A host directory for a bind volume, with one file in it. */
function hostDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-volopt-'));
  writeFileSync(join(dir, 'from-host'), 'host data\n');
  hostDirs.push(dir);
  return dir;
}

afterEach(async () => {
  // Containers and volumes of the test go first (their exits unmount), then nothing may be mounted.
  for (const e of enginesOf(pair())) {
    const ids = (await cliOk(e.host, ['ps', '-aq'])).split('\n').filter(Boolean);
    if (ids.length) await cliOk(e.host, ['rm', '-f', ...ids]);
    const vols = (await cliOk(e.host, ['volume', 'ls', '-q'])).split('\n').filter(Boolean);
    if (vols.length) await cliOk(e.host, ['volume', 'rm', ...vols]);
  }
  expect(mountsUnder(volumesDir('berthd')), 'berthd left mounts').toEqual([]);
  expect(mountsUnder(volumesDir('dockerd')), 'dockerd left mounts').toEqual([]);
  // A bind volume's host files outlive the volume (removing it never deletes through the mount).
  for (const dir of hostDirs.splice(0)) {
    expect(readFileSync(join(dir, 'from-host'), 'utf8')).toBe('host data\n');
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('local volume driver options, berthd beside dockerd', () => {
  it('refuses bad options with dockerd\'s words and creates nothing', async () => {
    const cases: string[][] = [
      ['--opt', 'bogus=1'],
      ['--opt', 'type=tmpfs'],
      ['--opt', 'device=tmpfs'],
      ['--opt', 'o=size=1m'],
      ['--opt', 'size=1m'],
      ['--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'mode=1'],
    ];
    for (const opts of cases) {
      const r = await onBoth(pair(), ['volume', 'create', ...opts, 'bad']);
      expect(r.dockerd.code, `dockerd ${opts.join(' ')}`).not.toBe(0);
      expect(r.dockerd.stderr).toMatch(/^Error response from daemon: create bad: /);
      expect({ code: r.berthd.code, stderr: r.berthd.stderr }, opts.join(' ')).toEqual({ code: r.dockerd.code, stderr: r.dockerd.stderr });
    }
    // Network filesystems: dockerd accepts them (and would reach the server at the first mount);
    // berthd refuses them at create, so it never sends network traffic for a volume.
    for (const opts of [['type=nfs', 'o=addr=127.0.0.1,rw', 'device=:/export'], ['type=cifs', 'o=addr=127.0.0.1', 'device=//127.0.0.1/share'], ['type=tmpfs', 'o=addr=127.0.0.1', 'device=tmpfs']]) {
      const r = await pair().berth.dockerResult(['volume', 'create', ...opts.flatMap((o) => ['--opt', o]), 'net']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^Error response from daemon: create net: network filesystems are not supported by the local driver of Berth/);
    }
    const bindRelative = await pair().berth.dockerResult(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=srv/data', 'rel']);
    expect(bindRelative.stderr).toContain('create rel: device "srv/data" of a bind volume must be an absolute host path');
    expect(await pair().berth.docker(['volume', 'ls', '-q'])).toBe('');
  });

  it('inspect shows the options as dockerd does; the Mountpoint is <data root>/volumes/<name>/_data; they survive a berthd restart', async () => {
    const r = await onBoth(pair(), ['volume', 'create', ...TMPFS, '--label', 'k=v', 'tv']);
    expect(r.berthd).toEqual(r.dockerd);
    const views = await Promise.all(enginesOf(pair()).map(async (e) => JSON.parse(await cliOk(e.host, ['volume', 'inspect', 'tv']))[0] as Record<string, unknown>));
    const [b, d] = views as [Record<string, unknown>, Record<string, unknown>];
    expect(d.Options).toEqual({ device: 'tmpfs', o: 'size=10m', type: 'tmpfs' });
    expect(b.Options).toEqual(d.Options);
    expect(Object.keys(b).sort()).toEqual(Object.keys(d).sort());
    expect({ ...b, CreatedAt: 0, Mountpoint: 0 }).toEqual({ ...d, CreatedAt: 0, Mountpoint: 0 });
    expect(b.Mountpoint).toBe(join(volumesDir('berthd'), 'tv', '_data'));
    expect(d.Mountpoint).toBe(join(volumesDir('dockerd'), 'tv', '_data'));
    // Created again with other options: the existing volume, unchanged (dockerd too).
    const again = await onBoth(pair(), ['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=20m', 'tv']);
    expect(again.berthd).toEqual(again.dockerd);
    await restartBerthd();
    const after = JSON.parse(await pair().berth.docker(['volume', 'inspect', 'tv']))[0] as Record<string, unknown>;
    expect(after).toEqual(b);
    // Not mounted while unused, on either daemon.
    expect(mountedAt(b.Mountpoint as string)).toBe(false);
    expect(mountedAt(d.Mountpoint as string)).toBe(false);
  });

  it('a tmpfs volume: the container sees its size; system df leaves it out as dockerd does', async () => {
    await onBoth(pair(), ['volume', 'create', ...TMPFS, 'tv']);
    await onBoth(pair(), ['volume', 'create', 'plain']);
    const df = await onBoth(pair(), [...RUN, '--rm', '-v', 'tv:/data', 'busybox', 'df', '-k', '/data']);
    expect(df.dockerd.code).toBe(0);
    expect(df.dockerd.stdout).toMatch(/^tmpfs\s+10240\s+0\s+10240\s+0% \/data$/m);
    expect(df.berthd).toEqual(df.dockerd);
    const dfNames = await onBoth(pair(), ['system', 'df', '-v', '--format', '{{range .Volumes}}{{.Name}} {{end}}']);
    expect(dfNames.dockerd.stdout.trim()).toBe('plain');
    expect(dfNames.berthd).toEqual(dfNames.dockerd);
  });

  it('two containers share a tmpfs volume while both run; its content is gone after both stop', async () => {
    for (const e of enginesOf(pair())) {
      const mp = join(volumesDir(e.name), 'sv', '_data');
      await cliOk(e.host, ['volume', 'create', ...TMPFS, 'sv']);
      await cliOk(e.host, [...RUN, '-d', '--name', 'one', '-v', 'sv:/d', 'busybox', 'sh', '-c', 'echo 1 > /d/one; exec sleep 300']);
      await cliOk(e.host, [...RUN, '-d', '--name', 'two', '-v', 'sv:/d', 'busybox', 'sh', '-c', 'echo 2 > /d/two; exec sleep 300']);
      await until(`${e.name}: both files`, async () => (await cliOk(e.host, ['exec', 'one', 'ls', '/d'])) === 'one\ntwo\n');
      expect(await cliOk(e.host, ['exec', 'two', 'cat', '/d/one', '/d/two']), e.name).toBe('1\n2\n');
      expect(mountedAt(mp), `${e.name} mounted while used`).toBe(true);
      await cliOk(e.host, ['stop', '-t', '0', 'one']);
      expect(mountedAt(mp), `${e.name} still mounted for two`).toBe(true);
      expect(await cliOk(e.host, ['exec', 'two', 'ls', '/d']), e.name).toBe('one\ntwo\n');
      await cliOk(e.host, ['stop', '-t', '0', 'two']);
      expect(mountedAt(mp), `${e.name} unmounted after the last user`).toBe(false);
      expect(readdirSync(mp), `${e.name} nothing under the mount point`).toEqual([]);
      // Started again: a fresh tmpfs.
      await cliOk(e.host, ['start', 'one']);
      expect(await cliOk(e.host, ['exec', 'one', 'cat', '/d/one']), e.name).toBe('1\n');
      expect(await cliOk(e.host, ['exec', 'one', 'ls', '/d']), e.name).toBe('one\n');
      await cliOk(e.host, ['rm', '-f', 'one', 'two']);
      expect(mountedAt(mp), `${e.name} unmounted after rm -f`).toBe(false);
    }
  });

  it('a bind volume (type none, o=bind) shows the host directory and writes reach it', async () => {
    const dirs: Partial<Record<EngineName, string>> = {};
    for (const e of enginesOf(pair())) {
      const dir = hostDir();
      dirs[e.name] = dir;
      await cliOk(e.host, ['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${dir}`, 'bv']);
    }
    const r = await onBoth(pair(), [...RUN, '--rm', '-v', 'bv:/d', 'busybox', 'sh', '-c', 'cat /d/from-host; echo written > /d/from-container; ls /d']);
    expect(r.dockerd).toEqual({ code: 0, stdout: 'host data\nfrom-container\nfrom-host\n', stderr: '' });
    expect(r.berthd).toEqual(r.dockerd);
    for (const e of enginesOf(pair())) {
      expect(readFileSync(join(dirs[e.name]!, 'from-container'), 'utf8'), e.name).toBe('written\n');
      expect(mountedAt(join(volumesDir(e.name), 'bv', '_data')), e.name).toBe(false);
    }
    // o=bind,ro: read-only in the container too (the runtime's bind must not make it writable).
    const roDirs: Partial<Record<EngineName, string>> = {};
    for (const e of enginesOf(pair())) {
      roDirs[e.name] = hostDir();
      await cliOk(e.host, ['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind,ro', '--opt', `device=${roDirs[e.name]}`, 'bro']);
    }
    const ro = await onBoth(pair(), [...RUN, '--rm', '-v', 'bro:/d', 'busybox', 'sh', '-c', 'cat /d/from-host; touch /d/x']);
    expect(ro.dockerd).toEqual({ code: 1, stdout: 'host data\n', stderr: 'touch: /d/x: Read-only file system\n' });
    expect(ro.berthd).toEqual(ro.dockerd);
    for (const name of ['berthd', 'dockerd'] as const) expect(readdirSync(roDirs[name]!), name).toEqual(['from-host']);
    // Removing the volume leaves the host directory's files (afterEach checks from-host too).
    const rm = await onBoth(pair(), ['volume', 'rm', 'bv']);
    expect(rm.berthd).toEqual(rm.dockerd);
    for (const name of ['berthd', 'dockerd'] as const) expect(existsSync(join(dirs[name]!, 'from-container')), name).toBe(true);
  });

  it('a mount that fails fails the start, names the volume, leaves nothing mounted; the container can start once fixed', async () => {
    const missing = join(tmpdir(), `berth-volopt-missing-${process.pid}`);
    await onBoth(pair(), ['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${missing}`, 'nb']);
    await onBoth(pair(), ['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=bogusopt', 'bt']);
    // Also a second, good volume on the same container: mounted first, it must be undone.
    await onBoth(pair(), ['volume', 'create', ...TMPFS, 'good']);
    for (const vol of ['nb', 'bt']) {
      const r = await onBoth(pair(), [...RUN, '--name', `c-${vol}`, '-v', 'good:/g', '-v', `${vol}:/d`, 'busybox', 'true']);
      for (const e of ['berthd', 'dockerd'] as const) {
        expect(r[e].code, `${e} ${vol}`).not.toBe(0);
        expect(r[e].stderr, `${e} ${vol}`).toContain(`error while mounting volume '${join(volumesDir(e), vol, '_data')}': failed to mount local volume`);
      }
      expect(r.berthd.stderr).toContain(`local volume ${vol}: mount `);
      expect(mountsUnder(volumesDir('berthd')), vol).toEqual([]);
      expect(mountsUnder(volumesDir('dockerd')), vol).toEqual([]);
      const state = await onBoth(pair(), ['inspect', '-f', '{{.State.Status}}', `c-${vol}`]);
      expect(state.berthd.stdout).toBe(state.dockerd.stdout);
    }
    // The device made: the same container starts and sees it.
    mkdirSync(missing);
    writeFileSync(join(missing, 'from-host'), 'host data\n');
    hostDirs.push(missing);
    const fixed = await onBoth(pair(), ['start', '-a', 'c-nb']);
    expect(fixed.dockerd).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(fixed.berthd).toEqual(fixed.dockerd);
    const seen = await onBoth(pair(), [...RUN, '--rm', '-v', 'nb:/d', 'busybox', 'cat', '/d/from-host']);
    expect(seen.dockerd.stdout).toBe('host data\n');
    expect(seen.berthd).toEqual(seen.dockerd);
  });

  it('berthd killed with -9 while a container uses a tmpfs volume: after the restart it still sees the data, the counts hold, and stop unmounts', async () => {
    const b = (): ReturnType<typeof pair>['berth'] => pair().berth;
    await b().docker(['volume', 'create', ...TMPFS, 'kv']);
    const mp = join(volumesDir('berthd'), 'kv', '_data');
    await b().docker([...RUN, '-d', '--name', 'keeper', '-v', 'kv:/d', 'busybox', 'sh', '-c', 'echo kept > /d/f; exec sleep 300']);
    await until('the file', async () => (await b().dockerResult(['exec', 'keeper', 'cat', '/d/f'])).stdout === 'kept\n');
    await restartBerthd();
    expect(mountedAt(mp), 'still mounted after the restart').toBe(true);
    expect(await b().docker(['exec', 'keeper', 'cat', '/d/f'])).toBe('kept\n');
    // A second user after the restart: its exit must not unmount what keeper still uses.
    expect(await b().docker([...RUN, '--rm', '-v', 'kv:/d', 'busybox', 'cat', '/d/f'])).toBe('kept\n');
    expect(mountedAt(mp), 'kept for keeper').toBe(true);
    expect(await b().docker(['exec', 'keeper', 'cat', '/d/f'])).toBe('kept\n');
    await b().docker(['stop', '-t', '0', 'keeper']);
    expect(mountedAt(mp), 'unmounted at keeper\'s stop').toBe(false);
    expect(readdirSync(mp)).toEqual([]);
    // A tmpfs left mounted by a container that ended while berthd was down goes at the next start.
    await b().docker(['start', 'keeper']);
    expect(mountedAt(mp)).toBe(true);
    const pid = Number((await b().docker(['inspect', '-f', '{{.State.Pid}}', 'keeper'])).trim());
    await restartBerthd(() => process.kill(pid, 'SIGKILL'));
    await until('keeper seen exited', async () => (await b().docker(['inspect', '-f', '{{.State.Status}}', 'keeper'])).trim() === 'exited');
    await until('the volume unmounted', () => !mountedAt(mp));
  });
});

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** berthd killed with -9 and started again on its data root; `whileDown` runs in between. */
async function restartBerthd(whileDown: () => void = () => undefined): Promise<void> {
  const p = pair();
  p.berth.child.kill('SIGKILL');
  await until('berthd to die', () => p.berth.child.exitCode !== null || p.berth.child.signalCode !== null);
  whileDown();
  const restarted = await startBerthd(['--data-root', p.berth.dataRoot]);
  const old = p.berth;
  p.berth = {
    ...restarted, dataRoot: old.dataRoot,
    stop: async () => {
      const c = await restarted.stop();
      // Never delete the old data root through a mount left in it (a failed test's).
      for (const mp of mountsUnder(old.dir).reverse()) execFileSync('umount', ['-l', mp]);
      // The berthd before (dead) ends as its own stop says: after a second restart that is the
      // first one's, which removes the first data root's directory too.
      await old.stop();
      rmSync(old.dir, { recursive: true, force: true });
      return c;
    },
  };
}
