// docker run's host settings beyond the resource limits, on berthd and a real dockerd side by
// side: what each does inside the container (hosts, resolv.conf, rlimits, sysctls, shared
// namespaces, groups, oom score, cgroup files), the errors of bad values, and the log options.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { berthdBesideDockerd, cliOk, enginesOf, onBoth } from './support/engine-pair.js';

const pair = berthdBesideDockerd();

/** A real block device of this machine (the first disk that is not a loop, ram or zram device). */
const disk = `/dev/${readdirSync('/sys/block').find((d) => !/^(loop|ram|zram)/.test(d) && existsSync(`/dev/${d}`))}`;

/** `docker run --rm --network none busybox ...` on both engines. */
async function runBoth(flags: string[], cmd: string[]) {
  return onBoth(pair(), ['run', '--rm', '--pull', 'never', '--network', 'none', ...flags, 'busybox', ...cmd]);
}

/** The daemon's own error line, without the CLI's usage hint. */
const daemonError = (stderr: string): string => stderr.split('\n').find((l) => l.startsWith('docker: ')) ?? stderr.trim();

describe('host settings of docker run, as dockerd applies them', () => {
  it('writes /etc/hosts and /etc/resolv.conf as dockerd does', async () => {
    for (const [flags, cmd] of [
      [['--add-host', 'foo:1.2.3.4', '--add-host', 'bar:::1'], ['cat', '/etc/hosts']],
      [[], ['cat', '/etc/resolv.conf']],
      [['--dns', '9.9.9.9'], ['cat', '/etc/resolv.conf']],
      [['--dns-search', 'example.com', '--dns-option', 'ndots:2'], ['cat', '/etc/resolv.conf']],
    ] as [string[], string[]][]) {
      const r = await runBoth(flags, cmd);
      expect(r.berthd.code, flags.join(' ')).toBe(0);
      expect(r.berthd.stdout, flags.join(' ')).toBe(r.dockerd.stdout);
    }
  });

  it("fills an empty volume from the image, keeps the /etc files over a mounted /etc, honours tmpfs options and bind propagation", async () => {
    const bindDir = mkdtempSync(join(tmpdir(), 'berth-hostopt-'));
    writeFileSync(join(bindDir, 'f'), 'x');
    try {
      for (const [flags, cmd] of [
        [['-v', 'hostopt-fill:/etc'], ['sh', '-c', 'ls /etc; stat -c "%a %U" /etc /etc/passwd']],
        [['--mount', 'type=volume,source=hostopt-nocopy,destination=/etc,volume-nocopy'], ['ls', '/etc']],
        [['-v', `${bindDir}:/etc`], ['ls', '/etc']],
        [['--tmpfs', '/etc'], ['ls', '/etc']],
        [['--mount', 'type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=0700'], ['sh', '-c', 'df -k /t | tail -1 | tr -s " " | cut -d" " -f2; stat -c %a /t']],
        [['-v', `${bindDir}:/x:ro,rshared`], ['true']],
        // --mount makes the volume it names with the local driver's options and its labels.
        [['--mount', 'type=volume,source=hostopt-mountopts,target=/d,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=5m,volume-label=k=v'], ['sh', '-c', 'df -k /d | tail -1 | tr -s " " | cut -d" " -f2']],
        [['--mount', 'type=volume,source=hostopt-badopt,target=/d,volume-opt=bogus=1'], ['true']],
      ] as [string[], string[]][]) {
        const r = await runBoth(flags, cmd);
        expect(r.berthd.code, flags.join(' ')).toBe(r.dockerd.code);
        expect(r.berthd.stdout, flags.join(' ')).toBe(r.dockerd.stdout);
        expect(daemonError(r.berthd.stderr), flags.join(' ')).toBe(daemonError(r.dockerd.stderr));
      }
    } finally {
      rmSync(bindDir, { recursive: true, force: true });
      const opts = await onBoth(pair(), ['volume', 'inspect', '-f', '{{json .Options}} {{json .Labels}}', 'hostopt-mountopts']);
      expect(opts.berthd.stdout).toBe(opts.dockerd.stdout);
      await onBoth(pair(), ['volume', 'rm', 'hostopt-fill', 'hostopt-nocopy', 'hostopt-mountopts']);
    }
  });

  it("keeps a read-only host mount read-only when it is bound into a container", async () => {
    const src = mkdtempSync(join(tmpdir(), 'berth-hostopt-rosrc-'));
    const ro = mkdtempSync(join(tmpdir(), 'berth-hostopt-ro-'));
    writeFileSync(join(src, 'f'), 'x');
    execFileSync('mount', ['--bind', src, ro]);
    try {
      execFileSync('mount', ['-o', 'remount,bind,ro', ro]);
      const r = await runBoth(['-v', `${ro}:/x`], ['sh', '-c', 'touch /x/new 2>&1; grep " /x " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1']);
      expect(r.berthd.stdout).toBe(r.dockerd.stdout);
      expect(r.berthd.stdout).toBe('touch: /x/new: Read-only file system\nro\n');
      expect(readdirSync(src)).toEqual(['f']);
    } finally {
      execFileSync('umount', [ro]);
      rmSync(ro, { recursive: true, force: true });
      rmSync(src, { recursive: true, force: true });
    }
  });

  it('takes a seccomp profile file, --cgroup-parent and systempaths=unconfined', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-hostopt-'));
    const profile = join(dir, 'seccomp.json');
    writeFileSync(profile, JSON.stringify({
      defaultAction: 'SCMP_ACT_ALLOW',
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }],
      syscalls: [
        { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
        // Only with a capability the container lacks: left out.
        { names: ['chmod', 'fchmodat'], action: 'SCMP_ACT_ERRNO', includes: { caps: ['CAP_SYS_ADMIN'] } },
      ],
    }));
    const parent = `berth-hostopt-${process.pid}`;
    try {
      for (const [flags, cmd] of [
        [['--security-opt', `seccomp=${profile}`], ['sh', '-c', 'mkdir /tmp/zz; chmod 600 /etc/hosts && echo chmod-ok']],
        [['--cgroup-parent', `/${parent}`], ['sh', '-c', 'grep memory /proc/self/cgroup | cut -d/ -f2']],
        [['--security-opt', 'systempaths=unconfined'], ['sh', '-c', 'grep " /proc/sys " /proc/mounts | cut -d" " -f4 | cut -c1-3; grep -c " /proc/kcore " /proc/mounts || true']],
      ] as [string[], string[]][]) {
        const r = await runBoth(flags, cmd);
        expect(r.berthd.code, flags.join(' ')).toBe(r.dockerd.code);
        expect(r.berthd.stdout, flags.join(' ')).toBe(r.dockerd.stdout);
        expect(r.berthd.stderr, flags.join(' ')).toBe(r.dockerd.stderr);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      // The parents the runtimes made, empty now (a cgroup directory goes with rmdir).
      for (const c of readdirSync('/sys/fs/cgroup')) { try { rmdirSync(`/sys/fs/cgroup/${c}/${parent}`); } catch { /* none in that hierarchy */ } }
    }
  });

  it('applies ulimits, sysctls, oom score, extra groups and memory cgroup settings', async () => {
    for (const [flags, cmd] of [
      [['--ulimit', 'nofile=100:200'], ['sh', '-c', 'ulimit -n; ulimit -Hn']],
      [['--sysctl', 'net.ipv4.ip_forward=1', '--sysctl', 'kernel.shmmax=1000000'], ['cat', '/proc/sys/net/ipv4/ip_forward', '/proc/sys/kernel/shmmax']],
      [['--oom-score-adj', '500'], ['cat', '/proc/self/oom_score_adj']],
      [['--group-add', '123', '--group-add', 'wheel'], ['id']],
      [['-m', '64m', '--memory-swappiness', '10', '--oom-kill-disable'], ['cat', '/sys/fs/cgroup/memory/memory.swappiness', '/sys/fs/cgroup/memory/memory.oom_control']],
      [['--cgroupns', 'private'], ['sh', '-c', 'grep memory /proc/self/cgroup']],
      [['--device-cgroup-rule', 'c 1:3 rwm'], ['sh', '-c', 'grep "1:3" /sys/fs/cgroup/devices/devices.list']],
      [['--domainname', 'example.org'], ['cat', '/proc/sys/kernel/domainname']],
      [['--device-read-bps', `${disk}:1mb`, '--device-write-iops', `${disk}:100`], ['cat', '/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device', '/sys/fs/cgroup/blkio/blkio.throttle.write_iops_device']],
    ] as [string[], string[]][]) {
      const r = await runBoth(flags, cmd);
      expect(r.berthd.code, flags.join(' ')).toBe(r.dockerd.code);
      expect(r.berthd.stdout, flags.join(' ')).toBe(r.dockerd.stdout);
    }
  });

  it('shares the host\'s pid and uts namespaces, and another container\'s pid and ipc namespaces', async () => {
    const hostPids = await runBoth(['--pid', 'host'], ['sh', '-c', 'test -d /proc/1 && cat /proc/1/comm']);
    expect(hostPids.berthd.stdout).toBe(hostPids.dockerd.stdout); // the host's init, not the container's sh
    expect(hostPids.berthd.stdout.trim()).not.toBe('sh');
    const uts = await runBoth(['--uts', 'host'], ['hostname']);
    expect(uts.berthd.stdout).toBe(uts.dockerd.stdout);
    await onBoth(pair(), ['run', '-d', '--pull', 'never', '--name', 'hostopt-donor', '--ipc', 'shareable', '--network', 'none', 'busybox', 'sh', '-c', 'echo shared > /dev/shm/mark; sleep 300']);
    try {
      const joined = await runBoth(['--pid', 'container:hostopt-donor', '--ipc', 'container:hostopt-donor'], ['sh', '-c', 'cat /dev/shm/mark; ps -o comm | grep -c sleep']);
      expect(joined.berthd.code).toBe(0);
      expect(joined.berthd.stdout).toBe(joined.dockerd.stdout);
      expect(joined.berthd.stdout).toBe('shared\n1\n');
      // A private donor's /dev/shm cannot be shared: the same refusal.
      await onBoth(pair(), ['run', '-d', '--pull', 'never', '--name', 'hostopt-private', '--network', 'none', 'busybox', 'sleep', '300']);
      const refused = await runBoth(['--ipc', 'container:hostopt-private'], ['true']);
      expect(refused.berthd.code).toBe(refused.dockerd.code);
      expect(daemonError(refused.berthd.stderr).replace(/[0-9a-f]{64}/, '<id>')).toBe(daemonError(refused.dockerd.stderr).replace(/[0-9a-f]{64}/, '<id>'));
    } finally {
      await onBoth(pair(), ['rm', '-f', 'hostopt-donor', 'hostopt-private']);
    }
    // The donor's /dev/shm went with it.
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toMatch(new RegExp(`${pair().berth.dataRoot}\\S*/shm `));
  });

  it('refuses bad values with the same errors and exit codes', async () => {
    for (const flags of [
      ['--ipc', 'bogus'],
      ['--pid', 'container:no-such-container'],
      ['--uts', 'host', '-h', 'foo'],
      ['--oom-score-adj', '2000'],
      ['--group-add', 'nosuchgroup'],
      ['--log-opt', 'max-size=bogus'],
      ['--log-opt', 'foo=bar'],
      ['--log-opt', 'max-file=0', '--log-opt', 'max-size=1k'],
      ['--storage-opt', 'size=1G'],
      ['--gpus', 'all'],
      ['--isolation', 'hyperv'],
      ['--device-read-bps', '/dev/no-such-disk:1mb'],
      ['--link', 'no-such-container:alias'],
    ]) {
      const r = await runBoth(flags, ['true']);
      expect(r.berthd.code, flags.join(' ')).toBe(r.dockerd.code);
      expect(daemonError(r.berthd.stderr), flags.join(' ')).toBe(daemonError(r.dockerd.stderr));
    }
    const hostNet = await onBoth(pair(), ['run', '--rm', '--pull', 'never', '--network', 'host', '--sysctl', 'net.ipv4.ip_forward=1', 'busybox', 'true']);
    expect(hostNet.berthd.code).toBe(hostNet.dockerd.code);
    expect(hostNet.berthd.stderr).toContain('sysctl "net.ipv4.ip_forward" not allowed in host network namespace');
    // Above berthd's own hard limit an rlimit cannot be raised (no CAP_SYS_RESOURCE here): both fail at start.
    const rlimit = await runBoth(['--ulimit', 'nofile=99999999:99999999'], ['true']);
    expect(rlimit.berthd.code).toBe(rlimit.dockerd.code);
    expect(rlimit.berthd.stderr).toMatch(/RLIMIT_NOFILE.*Operation not permitted/);
  });

  it('rotates the json-file log by max-size and reads the rotated files back; none keeps no log', async () => {
    const counts: Record<string, { files: number; first: number; tail: string }> = {};
    for (const e of enginesOf(pair())) {
      const id = (await cliOk(e.host, ['run', '-d', '--pull', 'never', '--network', 'none', '--log-opt', 'max-size=1k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', 'i=0; while [ $i -lt 100 ]; do echo line-$i; i=$((i+1)); done'])).trim();
      await cliOk(e.host, ['wait', id]);
      const all = (await cliOk(e.host, ['logs', id])).trim().split('\n');
      const tail = await cliOk(e.host, ['logs', '--tail', '3', id]);
      const config = await cliOk(e.host, ['inspect', '-f', '{{json .HostConfig.LogConfig}}', id]);
      expect(JSON.parse(config)).toEqual({ Type: 'json-file', Config: { 'max-file': '3', 'max-size': '1k' } });
      // The lines kept are the newest ones, in order, and at most three files' worth.
      const numbers = all.map((l) => Number(l.replace('line-', '')));
      expect(numbers).toEqual(numbers.map((_n, i) => numbers[0]! + i));
      expect(numbers.at(-1)).toBe(99);
      counts[e.name] = { files: all.length, first: numbers[0]!, tail };
      await cliOk(e.host, ['rm', id]);
    }
    expect(counts.berthd!.tail).toBe(counts.dockerd!.tail);
    // dockerd cuts a file when a write would pass max-size, berthd after: a few lines apart.
    expect(Math.abs(counts.berthd!.files - counts.dockerd!.files)).toBeLessThanOrEqual(10);
    for (const e of enginesOf(pair())) {
      const run = await cliOk(e.host, ['run', '--pull', 'never', '--name', `nolog-${e.name}`, '--network', 'none', '--log-driver', 'none', 'busybox', 'echo', 'hi']);
      expect(run).toBe('hi\n'); // attached output still comes
    }
    const logs = await onBoth(pair(), (host) => ['logs', host === pair().berth.host ? 'nolog-berthd' : 'nolog-dockerd']);
    expect(logs.berthd.code).toBe(logs.dockerd.code);
    expect(logs.berthd.stderr).toBe(logs.dockerd.stderr);
    expect(logs.berthd.stderr).toContain('configured logging driver does not support reading');
    await onBoth(pair(), (host) => ['rm', host === pair().berth.host ? 'nolog-berthd' : 'nolog-dockerd']);
  });
});
