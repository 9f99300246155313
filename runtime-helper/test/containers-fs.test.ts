// docker diff, export, cp (both ways), commit against a real berthd with the real docker CLI, and
// docker cp attacks: ../ paths and symlinks that point out of the container never reach the host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startBerthd, type Berthd } from './support/berthd.js';
import { busyboxImage } from '../../test-support/paths.js';

let b: Berthd;
/** BERTH_CONTAINERS_RUNTIME=crun|runc|<path> runs the suite on another runtime; berthd's default otherwise. */
const runtimeArgs = process.env.BERTH_CONTAINERS_RUNTIME ? ['--default-runtime', process.env.BERTH_CONTAINERS_RUNTIME] : [];
let work: string;
const ok = (args: string[]): Promise<string> => b.docker(args);
const res = (args: string[]) => b.dockerResult(args);

beforeAll(async () => {
  const { tar } = busyboxImage();
  b = await startBerthd(runtimeArgs);
  await ok(['import', tar, 'busybox']);
  work = mkdtempSync(join(tmpdir(), 'berth-cp-'));
});

afterAll(async () => {
  if (b) {
    const ids = (await res(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await res(['rm', '-f', ...ids]);
    await b.stop();
  }
  rmSync(work, { recursive: true, force: true });
});

describe('container filesystem', () => {
  it('diff lists added, changed and deleted paths', async () => {
    await ok(['run', '--name', 'fs1', 'busybox', 'sh', '-c', 'echo hi > /tmp/new; rm /etc/group; mkdir /made']);
    const diff = (await ok(['diff', 'fs1'])).trim().split('\n');
    expect(diff).toEqual(expect.arrayContaining(['A /made', 'C /tmp', 'A /tmp/new', 'C /etc', 'D /etc/group']));
  });

  it('export gives the whole root as a tar', async () => {
    const file = join(work, 'export.tar');
    await ok(['export', '-o', file, 'fs1']);
    const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n');
    expect(names).toEqual(expect.arrayContaining(['bin/busybox', 'tmp/new', 'etc/passwd']));
    expect(names).not.toContain('etc/group');
  });

  it('cp copies out of and into a container', async () => {
    await ok(['cp', 'fs1:/tmp/new', join(work, 'new')]);
    expect(readFileSync(join(work, 'new'), 'utf8')).toBe('hi\n');
    writeFileSync(join(work, 'in.txt'), 'payload\n');
    await ok(['cp', join(work, 'in.txt'), 'fs1:/made/']);
    await ok(['start', '-a', 'fs1']).catch(() => {});
    expect(await ok(['run', '--rm', '--volumes-from', 'fs1', 'busybox', 'true'])).toBe('');
    const out = execFileSync('tar', ['-xOf', '-', 'in.txt'], { input: execFileSync('/usr/local/bin/docker', ['cp', 'fs1:/made/in.txt', '-'], { env: { ...process.env, DOCKER_HOST: b.host } }) }).toString();
    expect(out).toBe('payload\n');
  });

  it('commit makes an image from the changes, with CMD and a message', async () => {
    const id = (await ok(['commit', '-c', 'CMD ["cat", "/made/in.txt"]', '-m', 'from test', 'fs1', 'committed:v1'])).trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await ok(['run', '--rm', 'committed:v1'])).toBe('payload\n');
    expect(await ok(['history', '--format', '{{.Comment}}', 'committed:v1'])).toContain('from test');
    await ok(['rm', '-f', 'fs1']);
  });

  it('refuses cp paths and symlinks that climb out, and never writes the host', async () => {
    const canaryDir = mkdtempSync(join(tmpdir(), 'berth-canary-'));
    await ok(['run', '--name', 'evil', 'busybox', 'sh', '-c', `mkdir /d; ln -s ../../../../../../../../..${canaryDir} /d/out; ln -s ../../../../../../../../../etc/shadow /d/shadow`]);
    const up = await res(['cp', 'evil:/../../../etc/passwd', join(work, 'p')]);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toMatch(/points outside the container's root/);
    const link = await res(['cp', 'evil:/d/shadow/', join(work, 's')]);
    expect(link.code).not.toBe(0);
    writeFileSync(join(work, 'x.txt'), 'x\n');
    const into = await res(['cp', join(work, 'x.txt'), 'evil:/d/out/']);
    expect(into.code).not.toBe(0);
    expect(existsSync(join(canaryDir, 'x.txt'))).toBe(false);
    // The CLI stats the target with HEAD first; a HEAD answer has no body to carry the message.
    const missing = await res(['cp', join(work, 'x.txt'), 'no-such-container:/tmp/']);
    expect(missing.code).not.toBe(0);
    expect((await b.request('HEAD', '/containers/no-such-container/archive?path=/tmp')).status).toBe(404);
    expect((await res(['cp', 'no-such-container:/tmp', join(work, 'nothing')])).stderr).toMatch(/No such container: no-such-container/);
    expect((await b.request('GET', '/_ping')).status).toBe(200);
    rmSync(canaryDir, { recursive: true, force: true });
    await ok(['rm', '-f', 'evil']);
  });

  it('cp through a volume and a bind: links in them stay inside the container, mounts below a copied directory are in its tar', async () => {
    const canaryDir = mkdtempSync(join(tmpdir(), 'berth-canary-'));
    const bind = mkdtempSync(join(tmpdir(), 'berth-cpbind-'));
    try {
      writeFileSync(join(canaryDir, 'secret'), 'host-only\n');
      // Links made on the host side of the bind: an absolute one and one climbing out.
      execFileSync('ln', ['-s', '/etc', join(bind, 'abs-etc')]);
      execFileSync('ln', ['-s', `../../../../../../../../..${canaryDir}`, join(bind, 'up')]);
      await ok(['run', '-d', '--name', 'cpesc', '-v', 'cpescvol:/vol', '-v', `${bind}:/mnt/b`, 'busybox', 'sh', '-c',
        `echo in-vol > /vol/f; ln -s ../../../../../../../..${canaryDir} /vol/out; echo inner > /mnt/inner; sleep 1000`]);
      for (let i = 0; i < 50 && (await res(['exec', 'cpesc', 'test', '-e', '/mnt/inner'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
      // The absolute link in the bind names the container's /etc, not the host's.
      const passwd = execFileSync('tar', ['-xOf', '-'], { input: execFileSync('/usr/local/bin/docker', ['cp', 'cpesc:/mnt/b/abs-etc/passwd', '-'], { env: { ...process.env, DOCKER_HOST: b.host } }) }).toString();
      expect(passwd).toBe(await ok(['exec', 'cpesc', 'cat', '/etc/passwd']));
      expect(passwd).not.toBe(readFileSync('/etc/passwd', 'utf8'));
      // Links climbing out of a volume or a bind are refused both ways; the host is untouched.
      for (const link of ['/vol/out/', '/mnt/b/up/']) {
        const out = await res(['cp', `cpesc:${link}secret`, join(work, 'leak')]);
        expect(out.code, link).not.toBe(0);
        expect(existsSync(join(work, 'leak'))).toBe(false);
        writeFileSync(join(work, 'x.txt'), 'x\n');
        const into = await res(['cp', join(work, 'x.txt'), `cpesc:${link}`]);
        expect(into.code, link).not.toBe(0);
      }
      expect(execFileSync('ls', [canaryDir], { encoding: 'utf8' })).toBe('secret\n');
      // /mnt holds a file of the root and the bind below it: both are in the tar.
      const names = execFileSync('tar', ['-tf', '-'], { input: execFileSync('/usr/local/bin/docker', ['cp', 'cpesc:/mnt', '-'], { env: { ...process.env, DOCKER_HOST: b.host } }) }).toString().split('\n');
      expect(names).toEqual(expect.arrayContaining(['mnt/', 'mnt/inner', 'mnt/b/', 'mnt/b/abs-etc', 'mnt/b/up']));
      expect((await b.request('GET', '/_ping')).status).toBe(200);
    } finally {
      await res(['rm', '-f', '-v', 'cpesc']);
      await res(['volume', 'rm', 'cpescvol']);
      rmSync(canaryDir, { recursive: true, force: true });
      rmSync(bind, { recursive: true, force: true });
    }
  });
});
