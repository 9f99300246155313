// exec joins a running container: its pid, mount, uts namespaces and its cgroup.
import { readFileSync, readlinkSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processCgroup } from '../../../test-support/cgroup-probe.js';
import { useHarness, waitFor } from '../../../test-support/container-harness.js';
import { assertOk } from '../../../test-support/runtime-cli.js';
import { DEFAULT_PATH_ENV } from '../../src/oci/defaults.js';

const h = useHarness();
const scratch = mkdtempSync(join(tmpdir(), 'berth-exec-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('exec', () => {
  it('joins the pid, uts and mount namespaces and the cgroup of the container', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'], hostname: 'exec-target' });
    const r = assertOk(
      await h.rt.exec(c.id, [
        '/bin/sh',
        '-c',
        'cat /proc/1/cmdline | tr "\\0" " "; echo; hostname; for n in pid mnt uts net; do readlink /proc/self/ns/$n; done; cat /proc/self/cgroup',
      ]),
    );
    const lines = r.stdout.split('\n');
    expect(lines[0]!.trim()).toBe('/bin/sleep 1000');
    expect(lines[1]).toBe('exec-target');
    for (const [i, ns] of ['pid', 'mnt', 'uts', 'net'].entries())
      expect(lines[2 + i]).toBe(readlinkSync(`/proc/${c.pid}/ns/${ns}`));
    const memLine = lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l) || l.startsWith('0::'));
    expect(memLine?.split(':').slice(2).join(':')).toBe(processCgroup(c.pid, 'memory'));
  });

  it("an exec'd process is confined by the container's seccomp profile too", async () => {
    const c = await h.start({
      args: ['/bin/sleep', '1000'],
      seccomp: {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
      },
    });
    const r = await h.rt.exec(c.id, [
      '/bin/sh',
      '-c',
      'mkdir /tmp/from-exec 2>&1; grep Seccomp: /proc/self/status',
    ]);
    expect(r.stdout).toMatch(/Operation not permitted/);
    expect(r.stdout).toMatch(/Seccomp:\s+2/);
  });

  it("exec with plain args is bounded by the container's capabilities, not the runtime's", async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const r = assertOk(
      await h.rt.exec(c.id, ['/bin/sh', '-c', 'grep -E "^Cap(Bnd|Eff):" /proc/self/status']),
    );
    const initStatus = readFileSync(`/proc/${c.pid}/status`, 'utf8');
    const field = (text: string, f: string) => new RegExp(`^${f}:\\s*(\\w+)`, 'm').exec(text)?.[1];
    expect(field(initStatus, 'CapBnd')).toMatch(/^[0-9a-f]{16}$/);
    expect(field(r.stdout, 'CapBnd')).toBe(field(initStatus, 'CapBnd'));
    expect(field(r.stdout, 'CapEff')).toBe(field(initStatus, 'CapEff'));
  });

  it('the exit code propagates', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    expect((await h.rt.exec(c.id, ['/bin/sh', '-c', 'exit 7'])).code).toBe(7);
    expect((await h.rt.exec(c.id, ['/bin/true'])).code).toBe(0);
    const missing = await h.rt.exec(c.id, ['/no/such/binary']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).not.toBe('');
  });

  it('a --process JSON sets args, env, cwd, user, capabilities and no_new_privs', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const r = assertOk(
      await h.rt.exec(c.id, [], {
        process: {
          args: [
            '/bin/sh',
            '-c',
            'pwd; id -u; id -g; echo "$MARK"; grep -E "^(CapEff|CapBnd|NoNewPrivs):" /proc/self/status',
          ],
          env: [DEFAULT_PATH_ENV, 'MARK=from-process-json'],
          cwd: '/home/berth',
          user: { uid: 1000, gid: 1000 },
          capabilities: { bounding: [], effective: [], permitted: [] },
          noNewPrivileges: true,
        },
      }),
    );
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual(['/home/berth', '1000', '1000', 'from-process-json']);
    // The exec's own capabilities and no_new_privs, not the container's.
    expect(lines.slice(4).map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'CapEff: 0000000000000000',
      'CapBnd: 0000000000000000',
      'NoNewPrivs: 1',
    ]);
  });

  it('--detach returns at once and writes the pid file', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    const pidFile = join(scratch, `${c.id}.pid`);
    assertOk(await h.rt.exec(c.id, ['/bin/sleep', '999'], { detach: true, pidFile }));
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(pid).toBeGreaterThan(0);
    // The pid may be written a moment before the process has finished its execve.
    await waitFor(
      'the exec to become sleep 999',
      () => readFileSync(`/proc/${pid}/cmdline`, 'utf8') === '/bin/sleep\u0000999\u0000',
    );
    expect(readlinkSync(`/proc/${pid}/ns/pid`)).toBe(readlinkSync(`/proc/${c.pid}/ns/pid`));
    expect(processCgroup(pid, 'pids')).toBe(processCgroup(c.pid, 'pids'));
    await waitFor(
      'ps to list the exec process',
      async () => (await h.rt.ps(c.id)).includes(pid) || undefined,
    );
  });

  it('joins the user namespace: root inside is the mapped uid', async () => {
    const base = 300000;
    const c = await h.start({
      args: ['/bin/sleep', '1000'],
      namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', 'user'],
      uidMappings: [{ containerID: 0, hostID: base, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: base, size: 65536 }],
      rootfsOwner: { uid: base, gid: base },
    });
    const r = assertOk(
      await h.rt.exec(c.id, ['/bin/sh', '-c', 'id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user']),
    );
    const [uid, map, ns] = r.stdout.trim().split('\n');
    expect(uid).toBe('0');
    expect(map!.trim().split(/\s+/)).toEqual(['0', String(base), '65536']);
    expect(ns).toBe(readlinkSync(`/proc/${c.pid}/ns/user`));
  });

  it('exec into a stopped container fails clearly', async () => {
    const c = await h.start({ args: ['/bin/sleep', '1000'] });
    assertOk(await h.rt.kill(c.id, 'KILL'));
    await waitFor('stopped', async () => (await h.rt.state(c.id)).status === 'stopped' || undefined);
    const r = await h.rt.exec(c.id, ['/bin/true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).not.toBe('');
  });
});
