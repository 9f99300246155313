// Each namespace the runtime creates really isolates the container from the host.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../../../test-support/container-harness.js';
import { runtimeBinary } from '../../../test-support/paths.js';
import { RuntimeCli } from '../../../test-support/runtime-cli.js';

const h = useHarness();

describe('namespaces', () => {
  it('pid: the process is PID 1 and sees no host process', async () => {
    const out = await h.sh('echo "self=$$"; ls /proc | grep -E "^[0-9]+$" | tr "\\n" " "');
    expect(out).toMatch(/^self=1$/m);
    const pids = out.split('\n')[1]!.trim().split(' ').map(Number);
    // Only the shell and its ls/grep/tr pipeline: a handful of small pids, none of the host's.
    expect(pids.length).toBeLessThan(8);
    expect(Math.max(...pids)).toBeLessThan(20);
    expect(out).not.toContain(String(process.pid));
  });

  it('uts: the configured hostname inside, the host name untouched', async () => {
    const out = await h.sh('hostname', { hostname: 'isolated-uts' });
    expect(out.trim()).toBe('isolated-uts');
    expect(hostname()).not.toBe('isolated-uts');
  });

  it('mount: own mount table; a mount made inside never appears on the host', async () => {
    const marker = `berth-mnt-${process.pid}-${Date.now()}`;
    const out = await h.sh(
      `readlink /proc/self/ns/mnt; mkdir -p /tmp/${marker}; mount -t tmpfs ${marker} /tmp/${marker} && grep -c ${marker} /proc/self/mountinfo`,
      {
        capabilities: ['CAP_SYS_ADMIN'],
      },
    );
    const [ns, count] = out.trim().split('\n');
    expect(ns).toMatch(/^mnt:\[\d+\]$/);
    expect(ns).not.toBe(readlinkSync('/proc/self/ns/mnt'));
    expect(count).toBe('1');
    const hostMounts = execFileSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' });
    expect(hostMounts).not.toContain(marker);
  });

  it('ipc: host SysV objects are invisible inside, queues made inside are invisible on the host', async () => {
    const shmid = execFileSync('ipcmk', ['-M', '4096'], { encoding: 'utf8' }).match(/(\d+)\s*$/)?.[1];
    expect(shmid).toBeDefined();
    const hostMq = mkdtempSync(join(tmpdir(), 'berth-mq-'));
    const queue = `berthq${process.pid}`;
    try {
      const out = await h.sh(
        `readlink /proc/self/ns/ipc; cat /proc/sysvipc/shm | wc -l; touch /dev/mqueue/${queue} && ls /dev/mqueue`,
      );
      const [ns, shmLines, queues] = out.trim().split('\n');
      expect(ns).not.toBe(readlinkSync('/proc/self/ns/ipc'));
      expect(Number(shmLines)).toBe(1); // the header line only: the host's segment is not there
      expect(execFileSync('cat', ['/proc/sysvipc/shm'], { encoding: 'utf8' })).toMatch(
        new RegExp(`\\s${shmid}\\s`),
      );
      expect(queues).toBe(queue);
      execFileSync('mount', ['-t', 'mqueue', 'mqueue', hostMq]);
      try {
        expect(execFileSync('ls', [hostMq], { encoding: 'utf8' })).not.toContain(queue);
      } finally {
        execFileSync('umount', [hostMq]);
      }
    } finally {
      execFileSync('ipcrm', ['-m', shmid!]);
      rmSync(hostMq, { recursive: true, force: true });
    }
  });

  it('network: a namespace with only lo', async () => {
    const out = await h.sh(
      'readlink /proc/self/ns/net; ls /sys/class/net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "',
    );
    const lines = out.trim().split('\n');
    expect(lines[0]).not.toBe(readlinkSync('/proc/self/ns/net'));
    expect(lines.slice(1)).toEqual(['lo', 'lo']);
  });

  it('user: uid/gid mappings; root inside is the mapped uid on the host', async () => {
    const base = 200000;
    const r = await h.run({
      args: ['/bin/sh', '-c', 'id -u; id -g; cat /proc/self/uid_map; touch /tmp/made-inside'],
      namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', 'user'],
      uidMappings: [{ containerID: 0, hostID: base, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: base, size: 65536 }],
      rootfsOwner: { uid: base, gid: base },
    });
    expect(r.code, r.stderr).toBe(0);
    const [uid, gid, map] = r.stdout.trim().split('\n');
    expect(uid).toBe('0');
    expect(gid).toBe('0');
    expect(map!.trim().split(/\s+/)).toEqual(['0', String(base), '65536']);
    const st = statSync(join(r.bundle.rootfs, 'tmp/made-inside'));
    expect(st.uid).toBe(base);
    expect(st.gid).toBe(base);
  });

  it('joins existing namespaces given by path (network and ipc of another container)', async () => {
    const first = await h.start({ args: ['/bin/sleep', '1000'] });
    const out = await h.sh(
      'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts',
      {
        namespaces: [
          'pid',
          'mount',
          'uts',
          { type: 'network', path: `/proc/${first.pid}/ns/net` },
          { type: 'ipc', path: `/proc/${first.pid}/ns/ipc` },
        ],
      },
    );
    const [net, ipc, uts] = out.trim().split('\n');
    expect(net).toBe(readlinkSync(`/proc/${first.pid}/ns/net`));
    expect(ipc).toBe(readlinkSync(`/proc/${first.pid}/ns/ipc`));
    expect(uts).not.toBe(readlinkSync(`/proc/${first.pid}/ns/uts`));
  });

  it('all namespaces at once, user namespace included', async () => {
    const base = 400000;
    const r = await h.run({
      args: [
        '/bin/sh',
        '-c',
        'id -u; hostname; echo $$; ls /sys/class/net; ulimit -n; cat /proc/self/oom_score_adj; ' +
          'wc -c < /proc/timer_list; { echo x > /proc/sys/kernel/domainname; } 2>&1; touch /tmp/all-ns',
      ],
      hostname: 'all-ns',
      // Limits and OOM score still apply when the process is root only in its own user namespace.
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1234, hard: 2345 }],
      oomScoreAdj: 321,
      namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', 'user', 'cgroup'],
      uidMappings: [{ containerID: 0, hostID: base, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: base, size: 65536 }],
      rootfsOwner: { uid: base, gid: base },
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 7)).toEqual(['0', 'all-ns', '1', 'lo', '1234', '321', '0']); // timer_list masked
    expect(lines[7]).toMatch(/Read-only file system/); // /proc/sys stays read-only in a user namespace
    expect(statSync(join(r.bundle.rootfs, 'tmp/all-ns')).uid).toBe(base);
  });

  it("namespaces left out are the host's (the --pid/--network/--ipc/--uts host modes)", async () => {
    const out = await h.sh('for n in pid net ipc uts; do readlink /proc/self/ns/$n; done; hostname', {
      namespaces: ['mount'],
      edit: (spec) => {
        delete spec.hostname; // a hostname needs a UTS namespace of its own
      },
    });
    const [pid, net, ipc, uts, name] = out.trim().split('\n');
    expect(pid).toBe(readlinkSync('/proc/self/ns/pid'));
    expect(net).toBe(readlinkSync('/proc/self/ns/net'));
    expect(ipc).toBe(readlinkSync('/proc/self/ns/ipc'));
    expect(uts).toBe(readlinkSync('/proc/self/ns/uts'));
    expect(name).toBe(hostname());
  });

  it('a hostname without a UTS namespace is refused, never set on the host', async () => {
    // The runtime runs inside a throw-away UTS namespace, so a faulty one renames only that.
    const confined = new RuntimeCli(runtimeBinary, ['unshare', '--uts', '--']);
    const b = h.bundle({
      hostname: 'not-for-the-host',
      namespaces: ['pid', 'mount', 'ipc', 'network'],
      args: ['/bin/hostname'],
    });
    const before = hostname();
    try {
      const r = await confined.run(b.id, b.dir);
      expect(r.stdout).not.toContain('not-for-the-host');
      expect(r.code, `${r.command} should refuse: ${r.stdout}`).not.toBe(0);
      expect(r.stderr).toMatch(/hostname|uts/i);
    } finally {
      await confined.destroy();
    }
    expect(hostname()).toBe(before);
  });

  it('cgroup: the container sees its own cgroup as the root', async () => {
    const out = await h.sh('readlink /proc/self/ns/cgroup; cat /proc/self/cgroup', {
      namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup'],
    });
    const [ns, ...lines] = out.trim().split('\n');
    expect(ns).not.toBe(readlinkSync('/proc/self/ns/cgroup'));
    // Every hierarchy's path is "/" from inside the cgroup namespace.
    for (const line of lines) expect(line.split(':').slice(2).join(':')).toBe('/');
  });
});
