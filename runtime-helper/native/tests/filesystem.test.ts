// The container's filesystem: pivot_root into the bundle rootfs, the default mounts with their
// options, config mounts (bind rw/ro, tmpfs with options), default device nodes and /dev links,
// and devices listed in linux.devices.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useHarness } from '../../../test-support/container-harness.js';

const h = useHarness();
const hostDirs: string[] = [];
afterEach(() => {
  for (const d of hostDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function hostDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-fs-'));
  hostDirs.push(d);
  return d;
}

/** mountinfo lines as { point, fstype, options (per-mount + super) }. */
function parseMountinfo(text: string): Array<{ point: string; fstype: string; options: string[] }> {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [left, right] = line.split(' - ');
      const f = left!.split(' ');
      const r = right!.split(' ');
      return { point: f[4]!, fstype: r[0]!, options: [...f[5]!.split(','), ...(r[2] ?? '').split(',')] };
    });
}

describe('filesystem', () => {
  it('the root is the bundle rootfs and the host tree is gone (pivot_root)', async () => {
    const b = h.bundle({ args: ['/bin/sh', '-c', 'cat /marker; cat /proc/self/mountinfo'] });
    writeFileSync(join(b.rootfs, 'marker'), 'this-rootfs\n');
    const r = await h.rt.run(b.id, b.dir);
    expect(r.code, r.stderr).toBe(0);
    const [marker, ...info] = r.stdout.trim().split('\n');
    expect(marker).toBe('this-rootfs');
    const mounts = parseMountinfo(info.join('\n'));
    expect(mounts.some((m) => m.point === '/')).toBe(true);
    // No host mount point leaks in: everything is the container's own view.
    for (const m of mounts)
      expect(m.point, m.point).not.toMatch(/^\/(work|root|home\/|var\/lib|tmp\/berth-bundle)/);
    expect(mounts.filter((m) => m.point === '/').length).toBe(1);
  });

  it('the default mounts are there, with their types and options', async () => {
    const out = await h.sh('cat /proc/self/mountinfo');
    const byPoint = new Map(parseMountinfo(out).map((m) => [m.point, m]));
    const expectMount = (point: string, fstype: RegExp, options: string[]) => {
      const m = byPoint.get(point);
      expect(m, `${point} mounted`).toBeDefined();
      expect(m!.fstype, point).toMatch(fstype);
      for (const o of options) expect(m!.options, `${point} ${o}`).toContain(o);
    };
    expectMount('/proc', /^proc$/, ['nosuid', 'nodev', 'noexec']);
    expectMount('/dev', /^tmpfs$/, ['nosuid', 'mode=755']);
    expectMount('/dev/pts', /^devpts$/, ['nosuid', 'noexec', 'mode=620', 'ptmxmode=666']);
    expectMount('/dev/shm', /^tmpfs$/, ['nosuid', 'nodev', 'noexec']);
    expectMount('/dev/mqueue', /^mqueue$/, ['nosuid', 'nodev', 'noexec']);
    expectMount('/sys', /^sysfs$/, ['ro', 'nosuid', 'nodev', 'noexec']);
    // /sys/fs/cgroup: a tmpfs of per-controller mounts (v1) or one cgroup2 mount, read-only.
    const cgroupMounts = [...byPoint.values()].filter(
      (m) => m.point === '/sys/fs/cgroup' || m.point.startsWith('/sys/fs/cgroup/'),
    );
    expect(cgroupMounts.length).toBeGreaterThan(0);
    for (const m of cgroupMounts.filter((x) => /^cgroup2?$/.test(x.fstype)))
      expect(m.options, m.point).toContain('ro');
  });

  it('default device nodes and the /dev symlinks', async () => {
    const out = await h.sh(
      'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done; ' +
        'for l in fd stdin stdout stderr; do echo "/dev/$l -> $(readlink /dev/$l)"; done; ' +
        'test -e /dev/ptmx && echo ptmx-ok; echo hello > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c',
    );
    const lines = out.trim().split('\n');
    const expected: Record<string, string> = {
      null: '1:3',
      zero: '1:5',
      full: '1:7',
      random: '1:8',
      urandom: '1:9',
      tty: '5:0',
    };
    for (const [name, mm] of Object.entries(expected)) {
      const [maj, min] = mm.split(':').map(Number);
      expect(lines).toContain(
        `/dev/${name} character special file ${maj!.toString(16)}:${min!.toString(16)}`,
      );
    }
    expect(lines).toContain('/dev/fd -> /proc/self/fd');
    expect(lines).toContain('/dev/stdin -> /proc/self/fd/0');
    expect(lines).toContain('/dev/stdout -> /proc/self/fd/1');
    expect(lines).toContain('/dev/stderr -> /proc/self/fd/2');
    expect(lines).toContain('ptmx-ok');
    expect(lines).toContain('null-ok');
    expect(lines.at(-1)).toBe('4');
  });

  it('a device from linux.devices is created with its mode and owner', async () => {
    const out = await h.sh('stat -c "%F %t:%T %a %u:%g" /dev/berth-extra', {
      edit: (spec) => {
        spec.linux!.devices = [
          { path: '/dev/berth-extra', type: 'c', major: 1, minor: 7, fileMode: 0o640, uid: 1000, gid: 10 },
        ];
        spec.linux!.resources!.devices!.push({ allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' });
      },
    });
    expect(out.trim()).toBe('character special file 1:7 640 1000:10');
  });

  it('a read-write bind mount shares files with the host', async () => {
    const dir = hostDir();
    writeFileSync(join(dir, 'from-host'), 'host says hi\n');
    const out = await h.sh('cat /shared/from-host; echo container says hi > /shared/from-container', {
      mounts: [{ destination: '/shared', type: 'bind', source: dir, options: ['rbind', 'rw'] }],
    });
    expect(out).toBe('host says hi\n');
    expect(readFileSync(join(dir, 'from-container'), 'utf8')).toBe('container says hi\n');
  });

  it('a read-only bind mount refuses writes', async () => {
    const dir = hostDir();
    writeFileSync(join(dir, 'file'), 'keep me\n');
    const out = await h.sh('cat /ro/file; { echo changed > /ro/file; } 2>&1; touch /ro/new 2>&1; true', {
      mounts: [{ destination: '/ro', type: 'bind', source: dir, options: ['bind', 'ro'] }],
    });
    expect(out).toContain('keep me');
    expect(out.match(/Read-only file system/g)?.length).toBe(2);
    expect(readFileSync(join(dir, 'file'), 'utf8')).toBe('keep me\n');
  });

  it('bind mount options nosuid, nodev and noexec are applied', async () => {
    const dir = hostDir();
    const out = await h.sh(
      'grep " /opts " /proc/self/mountinfo; cp /bin/busybox /opts/bb 2>&1 && /opts/bb true 2>&1; echo "exec=$?"',
      {
        mounts: [
          {
            destination: '/opts',
            type: 'bind',
            source: dir,
            options: ['rbind', 'nosuid', 'nodev', 'noexec'],
          },
        ],
      },
    );
    const info = out.split('\n')[0]!;
    for (const o of ['nosuid', 'nodev', 'noexec']) expect(info).toContain(o);
    expect(out).toMatch(/Permission denied/);
    expect(out).not.toContain('exec=0');
  });

  it('a bind mount of a single file, to a destination that does not exist yet', async () => {
    const dir = hostDir();
    writeFileSync(join(dir, 'app.conf'), 'setting=1\n');
    const out = await h.sh('cat /etc/berth/app.conf', {
      mounts: [
        {
          destination: '/etc/berth/app.conf',
          type: 'bind',
          source: join(dir, 'app.conf'),
          options: ['bind', 'ro'],
        },
      ],
    });
    expect(out).toBe('setting=1\n');
  });

  it('a tmpfs mount with size, mode and noexec', async () => {
    const out = await h.sh(
      'stat -c %a /scratch; grep " /scratch " /proc/self/mountinfo; cp /bin/busybox /scratch/bb && /scratch/bb true 2>&1; echo "exec=$?"',
      {
        mounts: [
          {
            destination: '/scratch',
            type: 'tmpfs',
            source: 'tmpfs',
            options: ['size=4m', 'mode=1770', 'noexec', 'nosuid'],
          },
        ],
      },
    );
    const [mode, info] = out.trim().split('\n');
    expect(mode).toBe('1770');
    expect(info).toMatch(/size=4096k/);
    expect(info).toMatch(/noexec/);
    expect(out).toMatch(/Permission denied/);
    expect(out).not.toContain('exec=0');
  });

  it('stdin of `run` reaches the process', async () => {
    const b = h.bundle({ args: ['/bin/sh', '-c', 'read line; echo "read: $line"'] });
    const r = await h.rt.run(b.id, b.dir, { input: 'piped in\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('read: piped in\n');
  });
});
