// docker cp and export against berthd and a real dockerd: the tar bytes (Go's USTAR headers,
// owner names from the container's own files, name order), mounted files (/etc/hosts, binds of
// one file) read as the container sees them and never replaced.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerCli } from './support/berthd.js';
import { berthdBesideDockerd, cliOk, onBoth, type CliResult, type EngineName } from './support/engine-pair.js';

const pair = berthdBesideDockerd();

async function both(args: string[], input?: string): Promise<{ berth: CliResult; docker: CliResult }> {
  const r = await onBoth(pair(), args, input);
  return { berth: r.berthd, docker: r.dockerd };
}

const hostOf = (engine: EngineName): string => (engine === 'berthd' ? pair().berth.host : pair().dockerd.host);

/** The CLI's stdout as bytes, on both engines. */
async function bytesOnBoth(args: string[]): Promise<Record<EngineName, Buffer>> {
  const run = (host: string): Buffer => execFileSync(dockerCli, args, { env: { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: join(tmpdir(), 'berth-test-docker-config') }, maxBuffer: 256 * 1024 * 1024 });
  return { berthd: run(pair().berth.host), dockerd: run(pair().dockerd.host) };
}

/** Each header block of a tar as text, its mtime and checksum blanked (the containers differ in age). */
function headersOf(tar: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i + 512 <= tar.length;) {
    const h = Buffer.from(tar.subarray(i, i + 512));
    if (h.every((b) => b === 0)) { out.push('<zero>'); i += 512; continue; }
    const size = parseInt(h.toString('latin1', 124, 136).replace(/\0.*$/, '') || '0', 8);
    h.fill('x', 136, 156);
    out.push(h.toString('latin1').replace(/\0+/g, '|'));
    i += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('docker cp: berthd and dockerd give the same archives', () => {
  it('docker cp and export write dockerd\'s tar: Go\'s USTAR headers, type bits in the mode, owner names from the container\'s own files, name order', async () => {
    const hostOnly = mkdtempSync(join(tmpdir(), 'berth-cpnames-'));
    try {
      // A passwd file on the host that a link in the container names: never read through it.
      writeFileSync(join(hostOnly, 'passwd'), 'hostonly:x:4343:4343::/:/bin/sh\n');
      const script = [
        'echo "alice:x:1234:777::/home:/bin/sh" >> /etc/passwd', 'echo "grp:x:777:" >> /etc/group',
        'mkdir -p /t/sub', 'echo hi > /t/f', 'touch /t/zz /t/aa /t/sub/x', 'chown 1234:777 /t/f', 'chown 4242:4343 /t', 'chown 1000:65534 /t/sub/x',
        'ln -s f /t/l', 'ln /t/f /t/hard', 'chmod 4755 /t/aa', 'mkfifo /t/fifo',
        `mkdir /o && touch /o/a && chown 4343:4343 /o/a && ln -s ${hostOnly}/passwd /o/passwd`, 'touch /ready', 'sleep 1000',
      ].join('; ');
      await both(['run', '-d', '--name', 'cpn', '--network', 'none', 'busybox', 'sh', '-c', script]);
      for (let i = 0; i < 50 && (await both(['exec', 'cpn', 'test', '-e', '/ready'])).berth.code !== 0; i++) await sleep(100);
      expect((await both(['exec', 'cpn', 'test', '-e', '/ready'])).docker.code).toBe(0);
      for (const path of ['/t', '/t/', '/t/f', '/t/sub', '/etc/passwd']) {
        const r = await bytesOnBoth(['cp', `cpn:${path}`, '-']);
        expect(headersOf(r.berthd), path).toEqual(headersOf(r.dockerd));
        expect(r.berthd.length, path).toBe(r.dockerd.length);
      }
      const listing = execFileSync('tar', ['-tvf', '-'], { input: (await bytesOnBoth(['cp', 'cpn:/t', '-'])).berthd, encoding: 'utf8' });
      expect(listing).toMatch(/^drwxr-xr-x 4242\/4343 /);
      expect(listing).toMatch(/-rw-r--r-- alice\/grp +3 .* t\/f\n/);
      expect(listing).toMatch(/-rw-r--r-- berth\/nogroup +0 .* t\/sub\/x\n/);
      expect(listing).toMatch(/t\/hard link to t\/f\n/);
      expect(execFileSync('tar', ['-tf', '-'], { input: (await bytesOnBoth(['cp', 'cpn:/t', '-'])).berthd, encoding: 'utf8' })).toBe('t/\nt/aa\nt/f\nt/fifo\nt/hard\nt/l\nt/sub/\nt/sub/x\nt/zz\n');
      // /etc/passwd a link to a host path: no name from the host's file, on either engine.
      await both(['exec', 'cpn', 'sh', '-c', 'ln -sf /o/passwd /etc/passwd']);
      const out = await bytesOnBoth(['cp', 'cpn:/o/a', '-']);
      expect(headersOf(out.berthd)).toEqual(headersOf(out.dockerd));
      expect(execFileSync('tar', ['-tvf', '-'], { input: out.berthd, encoding: 'utf8' })).toMatch(/^-rw-r--r-- 4343\/4343 /);
      // export: the same entries and headers (the engines' own files, made at different times, aside).
      const exp = await bytesOnBoth(['export', 'cpn']);
      const sameParts = (tar: Buffer): string[] => headersOf(tar).filter((h) => !/^(etc\/(hosts|hostname|resolv\.conf)|\.dockerenv)/.test(h));
      expect(sameParts(exp.berthd)).toEqual(sameParts(exp.dockerd));
      await both(['rm', '-f', 'cpn']);
    } finally {
      rmSync(hostOnly, { recursive: true, force: true });
    }
  });

  it('docker cp through mounted files: /etc/hosts, hostname, resolv.conf and a bound file read as the container sees them, never replaced', async () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-cpfile-'));
    try {
      const files = { berthd: join(work, 'b.txt'), dockerd: join(work, 'd.txt') };
      for (const f of Object.values(files)) writeFileSync(f, 'bound file\n');
      writeFileSync(join(work, 'in.txt'), 'new\n');
      await Promise.all((['berthd', 'dockerd'] as const).map((e) => cliOk(hostOf(e), ['run', '-d', '--name', 'cpf', '--network', 'none', '--hostname', 'cpfhost', '-v', `${files[e]}:/data/f.txt`, 'busybox', 'sleep', '300'])));
      for (const path of ['/etc/hostname', '/etc/hosts', '/data/f.txt', '/data']) {
        const r = await bytesOnBoth(['cp', `cpf:${path}`, '-']);
        const listing = (tar: Buffer): string => execFileSync('tar', ['-tvf', '-'], { input: tar, encoding: 'utf8' }).replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, 'T');
        expect(listing(r.berthd), path).toBe(listing(r.dockerd));
        expect(execFileSync('tar', ['-xOf', '-'], { input: r.berthd, encoding: 'utf8' }), path).toBe(execFileSync('tar', ['-xOf', '-'], { input: r.dockerd, encoding: 'utf8' }));
      }
      const etc = execFileSync('tar', ['-tf', '-'], { input: (await bytesOnBoth(['cp', 'cpf:/etc', '-'])).berthd, encoding: 'utf8' });
      expect(etc).toMatch(/etc\/hostname\netc\/hosts\n/);
      expect(execFileSync('tar', ['-xOf', '-', 'hostname'], { input: (await bytesOnBoth(['cp', 'cpf:/etc/hostname', '-'])).berthd, encoding: 'utf8' })).toBe('cpfhost\n');
      for (const dest of ['/etc/hosts', '/data/f.txt']) {
        const r = await both(['cp', join(work, 'in.txt'), `cpf:${dest}`]);
        expect([r.berth.code, r.berth.stderr], dest).toEqual([r.docker.code, r.docker.stderr]);
      }
      expect(readFileSync(files.berthd, 'utf8')).toBe('bound file\n');
      await both(['rm', '-f', 'cpf']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
