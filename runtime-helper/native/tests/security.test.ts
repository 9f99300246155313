// The process runs with exactly the privileges the config gives it: capabilities, no_new_privs,
// seccomp, masked and read-only paths, rlimits, OOM score, user and groups, cwd and env.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultMounts,
  DEFAULT_CAPABILITIES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
} from '../../src/oci/defaults.js';
import { useHarness } from '../../../test-support/container-harness.js';
import { assertOk } from '../../../test-support/runtime-cli.js';
import { defaultSeccompProfile } from '../../src/oci/seccomp-default.js';

const h = useHarness();

// Capability numbers from linux/capability.h, to turn names into the CapEff mask.
const CAP_NUMBERS: Record<string, number> = {
  CAP_CHOWN: 0,
  CAP_DAC_OVERRIDE: 1,
  CAP_DAC_READ_SEARCH: 2,
  CAP_FOWNER: 3,
  CAP_FSETID: 4,
  CAP_KILL: 5,
  CAP_SETGID: 6,
  CAP_SETUID: 7,
  CAP_SETPCAP: 8,
  CAP_LINUX_IMMUTABLE: 9,
  CAP_NET_BIND_SERVICE: 10,
  CAP_NET_BROADCAST: 11,
  CAP_NET_ADMIN: 12,
  CAP_NET_RAW: 13,
  CAP_IPC_LOCK: 14,
  CAP_IPC_OWNER: 15,
  CAP_SYS_MODULE: 16,
  CAP_SYS_RAWIO: 17,
  CAP_SYS_CHROOT: 18,
  CAP_SYS_PTRACE: 19,
  CAP_SYS_PACCT: 20,
  CAP_SYS_ADMIN: 21,
  CAP_SYS_BOOT: 22,
  CAP_SYS_NICE: 23,
  CAP_SYS_RESOURCE: 24,
  CAP_SYS_TIME: 25,
  CAP_SYS_TTY_CONFIG: 26,
  CAP_MKNOD: 27,
  CAP_LEASE: 28,
  CAP_AUDIT_WRITE: 29,
  CAP_AUDIT_CONTROL: 30,
  CAP_SETFCAP: 31,
  CAP_MAC_OVERRIDE: 32,
  CAP_MAC_ADMIN: 33,
  CAP_SYSLOG: 34,
  CAP_WAKE_ALARM: 35,
  CAP_BLOCK_SUSPEND: 36,
  CAP_AUDIT_READ: 37,
  CAP_PERFMON: 38,
  CAP_BPF: 39,
  CAP_CHECKPOINT_RESTORE: 40,
};

function capMask(names: readonly string[]): bigint {
  return names.reduce((m, n) => m | (1n << BigInt(CAP_NUMBERS[n]!)), 0n);
}

function statusField(status: string, field: string): string {
  const m = new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return m[1]!.trim();
}

const hostBounding = BigInt(`0x${statusField(readFileSync('/proc/self/status', 'utf8'), 'CapBnd')}`);
const hostCaps = Object.keys(CAP_NUMBERS).filter((n) => (hostBounding >> BigInt(CAP_NUMBERS[n]!)) & 1n);

describe('capabilities', () => {
  it("Docker's default set: CapEff matches the config and mount fails", async () => {
    const out = await h.sh(
      'cat /proc/self/status; mkdir -p /tmp/m; mount -t tmpfs t /tmp/m 2>&1 && echo MOUNTED; true',
    );
    for (const f of ['CapEff', 'CapPrm', 'CapBnd'])
      expect(BigInt(`0x${statusField(out, f)}`), f).toBe(capMask(DEFAULT_CAPABILITIES));
    expect(out).not.toContain('MOUNTED');
    expect(out).toMatch(/Operation not permitted|Permission denied/i);
  });

  it('a smaller set is honoured per kind (bounding, effective, permitted, ambient)', async () => {
    const caps = ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
    const out = await h.sh('cat /proc/self/status', {
      user: { uid: 1000, gid: 1000 },
      capabilities: {
        bounding: caps,
        effective: caps,
        permitted: caps,
        inheritable: caps,
        ambient: ['CAP_NET_BIND_SERVICE'],
      },
    });
    expect(BigInt(`0x${statusField(out, 'CapBnd')}`)).toBe(capMask(caps));
    // A non-root user keeps only the ambient set across execve.
    expect(BigInt(`0x${statusField(out, 'CapAmb')}`)).toBe(capMask(['CAP_NET_BIND_SERVICE']));
    expect(BigInt(`0x${statusField(out, 'CapEff')}`)).toBe(capMask(['CAP_NET_BIND_SERVICE']));
  });

  it("privileged-like: every cap in the host's bounding set, and mount works", async () => {
    const out = await h.sh(
      'cat /proc/self/status; mkdir -p /tmp/m; mount -t tmpfs t /tmp/m && echo MOUNTED',
      { capabilities: hostCaps },
    );
    expect(BigInt(`0x${statusField(out, 'CapEff')}`)).toBe(hostBounding);
    expect(BigInt(`0x${statusField(out, 'CapBnd')}`)).toBe(hostBounding);
    expect(out).toContain('MOUNTED');
  });
});

describe('process attributes', () => {
  it('noNewPrivileges sets NoNewPrivs', async () => {
    expect(statusField(await h.sh('cat /proc/self/status', { noNewPrivileges: true }), 'NoNewPrivs')).toBe(
      '1',
    );
    expect(statusField(await h.sh('cat /proc/self/status', { noNewPrivileges: false }), 'NoNewPrivs')).toBe(
      '0',
    );
  });

  it('rlimits apply (ulimit -n)', async () => {
    const out = await h.sh('ulimit -n; ulimit -Hn', {
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1000, hard: 2000 }],
    });
    expect(out.trim().split('\n')).toEqual(['1000', '2000']);
  });

  it('oomScoreAdj is written', async () => {
    expect((await h.sh('cat /proc/self/oom_score_adj', { oomScoreAdj: 432 })).trim()).toBe('432');
  });

  it('user, gid and additionalGids', async () => {
    const out = await h.sh('id -u; id -g; grep Groups /proc/self/status', {
      user: { uid: 1000, gid: 1000, additionalGids: [10, 65534] },
    });
    const [uid, gid, groups] = out.trim().split('\n');
    expect(uid).toBe('1000');
    expect(gid).toBe('1000');
    const list = groups!.replace('Groups:', '').trim().split(/\s+/).map(Number);
    expect(list).toEqual(expect.arrayContaining([10, 65534]));
  });

  it('no supplementary groups unless configured', async () => {
    const out = await h.sh('grep Groups /proc/self/status', { user: { uid: 1000, gid: 1000 } });
    expect(out.replace('Groups:', '').trim()).toBe('');
  });

  it('umask from process.user', async () => {
    expect((await h.sh('umask', { user: { uid: 0, gid: 0, umask: 0o027 } })).trim()).toBe('0027');
  });

  it("the runtime's own environment does not leak into the container", async () => {
    const b = h.bundle({ args: ['/bin/sh', '-c', 'env'], env: ['ONLY_THIS=1'] });
    const r = await h.rt.run(b.id, b.dir, { env: { ...process.env, BERTH_LEAK_CHECK: 'leaked' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ONLY_THIS=1');
    expect(r.stdout).not.toContain('BERTH_LEAK_CHECK');
  });

  it('cwd and env', async () => {
    const out = await h.sh('pwd; echo "$GREETING"; echo "$PATH"', {
      cwd: '/home/berth',
      env: ['GREETING=hello from env'],
    });
    expect(out.trim().split('\n')).toEqual([
      '/home/berth',
      'hello from env',
      '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ]);
  });

  it('a read-only rootfs refuses writes outside its mounts', async () => {
    const out = await h.sh('touch /made 2>&1; touch /dev/shm/ok && echo SHM-OK', { readonlyRootfs: true });
    expect(out).toMatch(/Read-only file system/);
    expect(out).toContain('SHM-OK');
  });
});

describe('file descriptors and image tricks', () => {
  it('no runtime fd leaks into the process (run and exec)', async () => {
    // ls itself holds one fd on /proc/self/fd: expect exactly 0, 1, 2 and that one.
    expect((await h.sh('ls /proc/self/fd | tr "\\n" " "')).trim()).toBe('0 1 2 3');
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const r = assertOk(await h.rt.exec(c.id, ['/bin/sh', '-c', 'ls /proc/self/fd | tr "\\n" " "']));
    expect(r.stdout.trim()).toBe('0 1 2 3');
    const initFds = readdirSync(`/proc/${c.pid}/fd`);
    expect(initFds.sort()).toEqual(['0', '1', '2']);
  });

  it('a cwd through a leaked fd never starts the process outside the root (CVE-2024-21626)', async () => {
    for (const fd of [3, 4, 5, 6, 7, 8, 9]) {
      const r = await h.run({ args: ['/bin/sh', '-c', 'echo RAN; pwd'], cwd: `/proc/self/fd/${fd}` });
      if (r.code === 0) {
        // It ran: then its cwd must be a directory inside the container, not a host one.
        expect(r.stdout, `fd ${fd}`).not.toContain('unreachable');
        expect(r.stdout.split('\n')[1], `fd ${fd}`).toMatch(/^\//);
      } else {
        expect(r.stdout, `fd ${fd}`).not.toContain('RAN');
        expect(r.stderr.trim(), `fd ${fd}`).not.toBe('');
      }
    }
  });

  it('an image whose /dev/null is a symlink cannot redirect masking (CVE-2025-31133)', async () => {
    // No /dev tmpfs: the image's own /dev is used, and its "null" points at a kernel knob.
    const b = h.bundle({
      args: ['/bin/sh', '-c', 'wc -c < /proc/timer_list; cat /proc/timer_list'],
      replaceMounts: defaultMounts().filter((m) => !m.destination.startsWith('/dev')),
    });
    rmSync(join(b.rootfs, 'dev'), { recursive: true, force: true });
    mkdirSync(join(b.rootfs, 'dev'));
    symlinkSync('/proc/sys/kernel/core_pattern', join(b.rootfs, 'dev/null'));
    const corePattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8');
    const r = await h.rt.run(b.id, b.dir);
    // Refusing is safe; running is safe only if the masked file really reads empty.
    if (r.code === 0) expect(r.stdout.trim()).toBe('0');
    else expect(r.stderr.trim()).not.toBe('');
    expect(r.stdout).not.toContain(corePattern.trim() || '\u0000');
    expect(readFileSync('/proc/sys/kernel/core_pattern', 'utf8')).toBe(corePattern);
  });
});

describe('seccomp', () => {
  it('a denied syscall fails with the configured errno; others work', async () => {
    const out = await h.sh(
      'mkdir /tmp/denied 2>&1; echo "rc=$?"; touch /tmp/allowed && echo TOUCHED; grep Seccomp: /proc/self/status',
      {
        seccomp: {
          defaultAction: 'SCMP_ACT_ALLOW',
          architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
          syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
        },
      },
    );
    expect(out).toMatch(/Operation not permitted/);
    expect(out).toMatch(/rc=1/);
    expect(out).toContain('TOUCHED');
    expect(out).toMatch(/Seccomp:\s+2/);
  });

  it('applies to a non-root user without noNewPrivileges (filter installed before caps drop)', async () => {
    const out = await h.sh('id -u; mkdir /tmp/denied 2>&1; true', {
      user: { uid: 1000, gid: 1000 },
      noNewPrivileges: false,
      seccomp: {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
      },
    });
    expect(out).toMatch(/^1000$/m);
    expect(out).toMatch(/Operation not permitted/);
  });

  it('argument conditions: kill is denied for SIGUSR1 only', async () => {
    const out = await h.sh('kill -0 $$ && echo probe-ok; kill -USR1 $$ 2>&1; echo "usr1=$?"', {
      seccomp: {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [
          {
            names: ['kill'],
            action: 'SCMP_ACT_ERRNO',
            errnoRet: 1,
            args: [{ index: 1, value: 10, op: 'SCMP_CMP_EQ' }],
          },
        ],
      },
    });
    expect(out).toContain('probe-ok');
    expect(out).toMatch(/Operation not permitted/);
    expect(out).toMatch(/usr1=1/);
  });

  it('SCMP_ACT_KILL_PROCESS ends the caller with SIGSYS', async () => {
    const out = await h.sh('mkdir /tmp/x; echo "rc=$?"', {
      seccomp: {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_KILL_PROCESS' }],
      },
    });
    expect(out.trim()).toBe('rc=159'); // 128 + SIGSYS (31)
  });

  it('errnoRet picks the error (ENOSYS here)', async () => {
    const out = await h.sh('mkdir /tmp/denied 2>&1; true', {
      seccomp: {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }],
      },
    });
    expect(out).toMatch(/Function not implemented|not implemented/i);
  });

  it("Docker's default profile: everyday commands work, namespace creation is refused", async () => {
    const script = 'echo alive; ls / > /dev/null && echo listed; unshare -U true 2>&1; echo "unshare=$?"';
    const confined = await h.sh(script, {
      seccomp: defaultSeccompProfile({ capabilities: DEFAULT_CAPABILITIES }),
    });
    expect(confined).toMatch(/^alive$/m);
    expect(confined).toMatch(/^listed$/m);
    expect(confined).toMatch(/Operation not permitted/);
    expect(confined).toMatch(/unshare=1/);
    // The same command without the profile: creating a user namespace needs no capability.
    expect(await h.sh(script)).toMatch(/unshare=0/);
  });

  it('without a profile the same command works', async () => {
    const out = await h.sh('mkdir /tmp/fine && echo MADE; grep Seccomp: /proc/self/status');
    expect(out).toContain('MADE');
    expect(out).toMatch(/Seccomp:\s+0/);
  });
});

describe('masked and read-only paths', () => {
  it('the default masked paths read empty', async () => {
    // Only the ones this kernel has (it may lack /proc/kcore, /proc/sched_debug, ...).
    const present = DEFAULT_MASKED_PATHS.filter((p) => existsSync(p));
    expect(present.length).toBeGreaterThan(2);
    const probe = present
      .map((p) => (statSync(p).isDirectory() ? `ls -A ${p} | wc -l` : `wc -c < ${p}`))
      .join('; ');
    const out = await h.sh(probe);
    expect(out.trim().split('\n')).toEqual(present.map(() => '0'));
  });

  it('a masked file and a masked directory from the config', async () => {
    const bundleOpts = { maskedPaths: ['/secret', '/etc/secret.conf'] };
    const b = h.bundle({
      args: ['/bin/sh', '-c', 'ls -A /secret | wc -l; wc -c < /etc/secret.conf; touch /secret/x 2>&1; true'],
      ...bundleOpts,
    });
    mkdirSync(join(b.rootfs, 'secret'));
    writeFileSync(join(b.rootfs, 'secret/key'), 'hidden');
    writeFileSync(join(b.rootfs, 'etc/secret.conf'), 'hidden too');
    const r = await h.rt.run(b.id, b.dir);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('0');
    expect(lines[1]).toBe('0');
    expect(lines[2]).toMatch(/Read-only file system/);
  });

  it('read-only paths refuse writes; the same path is writable without the rule', async () => {
    const script =
      '{ echo x > /data/file && echo WROTE; echo berth > /proc/sys/kernel/domainname; } 2>&1; true';
    const ro = h.bundle({
      args: ['/bin/sh', '-c', script],
      readonlyPaths: ['/data', ...DEFAULT_READONLY_PATHS],
    });
    mkdirSync(join(ro.rootfs, 'data'));
    const r = await h.rt.run(ro.id, ro.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('WROTE');
    expect(r.stdout.match(/Read-only file system/g)?.length).toBe(2);

    const rw = h.bundle({ args: ['/bin/sh', '-c', script], readonlyPaths: [] });
    mkdirSync(join(rw.rootfs, 'data'));
    const r2 = await h.rt.run(rw.id, rw.dir);
    expect(r2.stdout).toContain('WROTE');
  });
});
