// Bad input gets a clear error with Docker's status code, the daemon stays up, and malicious
// layers never write outside the data root.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxImage } from '../../test-support/paths.js';
import { spawnSync } from 'node:child_process';
import { startBerthd, berthdMain, type Berthd } from './support/berthd.js';
import { makeTar, makeDockerArchive } from './support/tars.js';

let d: Berthd;
/** A directory outside the data root that escaping entries aim at. */
let outside: string;

beforeAll(async () => {
  d = await startBerthd();
  outside = mkdtempSync(join(tmpdir(), 'berth-escape-target-'));
});
afterAll(async () => {
  await d?.stop();
  rmSync(outside, { recursive: true, force: true });
});

async function expectAlive(): Promise<void> {
  expect((await d.request('GET', '/_ping')).status).toBe(200);
}

function message(body: string): string {
  return (JSON.parse(body) as { message: string }).message;
}

/** The last JSON line of a progress stream (errors arrive in-band once the stream started). */
function streamError(body: string): string {
  const lines = body.trim().split('\n').map((l) => JSON.parse(l) as { error?: string; message?: string });
  const last = lines[lines.length - 1];
  return last?.error ?? last?.message ?? '';
}

async function importTar(tar: Buffer, repo = 'bad/import'): Promise<{ status: number; error: string }> {
  const r = await d.request('POST', `/v1.45/images/create?fromSrc=-&repo=${repo}`, tar, { 'Content-Type': 'application/x-tar' });
  return { status: r.status, error: r.status === 200 ? streamError(r.body) : message(r.body) };
}

describe('berthd refuses bad requests clearly', () => {
  it('rejects API versions above the maximum and below the minimum', async () => {
    const high = await d.request('GET', '/v1.99/version');
    expect(high.status).toBe(400);
    expect(message(high.body)).toBe('client version 1.99 is too new. Maximum supported API version is 1.45');
    const low = await d.request('GET', '/v1.12/version');
    expect(low.status).toBe(400);
    expect(message(low.body)).toMatch(/too old. Minimum supported API version is 1.24/);
    expect((await d.request('GET', '/v1.24/version')).status).toBe(200);
    expect((await d.request('GET', '/version')).status).toBe(200);
    const unknown = await d.request('GET', '/v1.45/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['api-version']).toBe('1.45');
    expect(message(unknown.body)).toMatch(/page not found/);
  });

  it('answers malformed JSON, wrong types and huge bodies with 400/413', async () => {
    const malformed = await d.request('POST', '/v1.45/commit?container=x', '{"Cmd": ["sh"', { 'Content-Type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(message(malformed.body)).toMatch(/commit: container config: invalid JSON/);
    const wrongType = await d.request('POST', '/v1.45/commit?container=x', JSON.stringify({ Cmd: 'not-a-list', Env: [1, 2] }), { 'Content-Type': 'application/json' });
    expect(wrongType.status).toBe(400);
    expect(message(wrongType.body)).toMatch(/Cmd: .*expected array/i);
    expect(message(wrongType.body)).toMatch(/Env\.0/);
    const huge = await d.request('POST', '/v1.45/commit?container=x', Buffer.alloc(5 * 1024 * 1024, 0x20), { 'Content-Type': 'application/json' });
    expect(huge.status).toBe(413);
    expect(message(huge.body)).toMatch(/exceeds the limit of 4194304 bytes/);
    const badFilters = await d.request('GET', '/v1.45/images/json?filters=%7Bnope');
    expect(badFilters.status).toBe(400);
    expect(message(badFilters.body)).toMatch(/invalid filters/);
    const badBool = await d.request('GET', '/v1.45/images/json?all=maybe');
    expect(badBool.status).toBe(400);
    expect(message(badBool.body)).toMatch(/all: invalid boolean value "maybe"/);
    await expectAlive();
  });

  it('refuses invalid names and tags, and IDs that match nothing or several images', async () => {
    const rootfs = readFileSync(busyboxImage().tar);
    const badName = await d.request('POST', '/v1.45/images/create?fromSrc=-&repo=UPPER/Case', rootfs);
    expect(badName.status).toBe(400);
    expect(message(badName.body)).toMatch(/repository name must be lowercase/);
    const cli = await d.dockerResult(['tag', 'nothing:here', 'x:y']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/No such image: nothing:here/);
    // Two images whose IDs share a first hex digit make an ambiguous prefix.
    const ids: string[] = [];
    for (let i = 0; ids.length < 2 || new Set(ids.map((x) => x[7])).size === ids.length; i++) {
      const r = await d.request('POST', `/v1.45/images/create?fromSrc=-&changes=${encodeURIComponent(`LABEL n=${i}`)}`, rootfs);
      ids.push(JSON.parse(r.body.trim().split('\n').pop() ?? '{}').status as string);
      if (i > 40) throw new Error('no shared prefix found');
    }
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id[7] ?? '', (counts.get(id[7] ?? '') ?? 0) + 1);
    const prefix = [...counts].find(([, n]) => n > 1)?.[0] ?? '';
    const ambiguous = await d.request('GET', `/v1.45/images/${prefix}/json`);
    // As dockerd 20.10: an ambiguous prefix names no image.
    expect(ambiguous.status).toBe(404);
    expect(message(ambiguous.body)).toBe(`No such image: ${prefix}:latest`);
    const tag = await d.request('POST', `/v1.45/images/${ids[0]}/tag?repo=ok&tag=${encodeURIComponent('bad tag!')}`);
    expect(tag.status).toBe(400);
    expect(message(tag.body)).toMatch(/invalid tag format/);
    const none = await d.request('GET', '/v1.45/images/0000000000ff/json');
    expect(none.status).toBe(404);
    expect(message(none.body)).toBe('No such image: 0000000000ff:latest'); // as dockerd: the name as a reference, tag defaulted
    const badChange = await d.request('POST', `/v1.45/images/create?fromSrc=-&changes=${encodeURIComponent('RUN rm -rf /')}`, rootfs);
    expect(badChange.status).toBe(400);
    expect(message(badChange.body)).toMatch(/run is not a valid change command/);
    await expectAlive();
  });

  it('refuses layer paths that escape: ../, absolute paths, symlinks and hard links pointing out', async () => {
    const target = join(outside, 'pwned');
    const cases: [string, Buffer, RegExp][] = [
      ['dot-dot', await makeTar([{ name: `../../../../../../../../..${target}`, content: 'x' }]), /escapes the layer root/],
      ['absolute', await makeTar([{ name: target, content: 'x' }]), /is absolute/],
      ['symlink then write through it', await makeTar([
        { name: 'escape', type: 'symlink', linkname: outside },
        { name: 'escape/pwned', content: 'x' },
      ]), /goes through the symlink "escape"/],
      ['relative symlink then write', await makeTar([
        { name: 'a/', type: 'directory' },
        { name: 'a/up', type: 'symlink', linkname: '../../../../../../../../../..' + outside },
        { name: 'a/up/pwned', content: 'x' },
      ]), /goes through the symlink "a\/up"/],
      ['hard link to a host file', await makeTar([{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }]), /is absolute/],
      ['hard link with ..', await makeTar([{ name: 'passwd', type: 'link', linkname: '../../../../../../etc/passwd' }]), /escapes the layer root/],
      ['hard link through a symlink', await makeTar([
        { name: 'etc', type: 'symlink', linkname: '/etc' },
        { name: 'passwd', type: 'link', linkname: 'etc/passwd' },
      ]), /goes through the symlink "etc"/],
    ];
    for (const [name, tar, expected] of cases) {
      const r = await importTar(tar);
      expect(r.error, name).toMatch(expected);
      // The same layer inside a docker-archive is refused by load too.
      const load = await d.request('POST', '/v1.45/images/load?quiet=1', await makeDockerArchive([tar], 'bad/load:1'));
      expect(load.status === 200 ? streamError(load.body) : message(load.body), `${name} (load)`).toMatch(expected);
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(target)).toBe(false);
    // No image came out of any of it.
    expect(JSON.parse((await d.request('GET', '/v1.45/images/json?filters=' + encodeURIComponent('{"reference":["bad/*"]}'))).body)).toEqual([]);
    await expectAlive();
  });

  it('keeps a symlink pointing outside as a plain link (never followed) and unpacks the rest', async () => {
    const tar = await makeTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/link-out', type: 'symlink', linkname: join(outside, 'not-created') },
      { name: 'etc/file', content: 'inside' },
    ]);
    const r = await importTar(tar, 'good/symlink');
    expect(r.status).toBe(200);
    expect(r.error).toBe('');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses device nodes and setuid files in an untrusted import', async () => {
    const dev = await importTar(await makeTar([{ name: 'dev/', type: 'directory' }, { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 }]));
    expect(dev.error).toMatch(/layer entry "dev\/sda": device nodes are refused in an untrusted import/);
    const chr = await importTar(await makeTar([{ name: 'mem', type: 'character-device', devmajor: 1, devminor: 1 }]));
    expect(chr.error).toMatch(/device nodes are refused/);
    const suid = await importTar(await makeTar([{ name: 'bin/', type: 'directory' }, { name: 'bin/rootshell', content: '#!/bin/sh\n', mode: 0o4755 }]));
    expect(suid.error).toMatch(/layer entry "bin\/rootshell": setuid\/setgid files are refused/);
    const sgid = await importTar(await makeTar([{ name: 'sg', content: 'x', mode: 0o2755 }]));
    expect(sgid.error).toMatch(/setuid\/setgid files are refused/);
    await expectAlive();
  });

  it('refuses archives that lie: wrong layer digests, missing files, garbage', async () => {
    const blobsDir = join(d.dataRoot, 'image/blobs/sha256');
    const blobsBefore = readdirSync(blobsDir).sort();
    const layer = await makeTar([{ name: 'f', content: 'real' }]);
    const archive = await makeDockerArchive([layer], 'bad/lie:1', { rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } });
    const lie = await d.request('POST', '/v1.45/images/load', archive);
    expect(streamError(lie.body) || message(lie.body)).toMatch(/has content sha256:[a-f0-9]{64} but the config's diff_id is sha256:0{64}/);
    const garbage = await d.request('POST', '/v1.45/images/load', Buffer.from('this is not a tar archive at all, not even close'.repeat(20)));
    expect(streamError(garbage.body) || message(garbage.body)).toMatch(/invalid image archive|neither manifest.json/);
    const empty = await d.request('POST', '/v1.45/images/load', await makeTar([{ name: 'README', content: 'hi' }]));
    expect(streamError(empty.body) || message(empty.body)).toMatch(/neither manifest.json \(docker-archive\) nor index.json/);
    const badImport = await importTar(Buffer.from('garbage'.repeat(100)));
    expect(badImport.error).toMatch(/invalid layer tar|Invalid tar header/i);
    // Nothing half-written is left: no temp files, no half-unpacked layers, no stray blobs.
    expect(readdirSync(blobsDir).sort()).toEqual(blobsBefore);
    expect(readdirSync(join(d.dataRoot, 'tmp')).filter((n) => n.startsWith('spool-'))).toEqual([]);
    expect(readdirSync(join(d.dataRoot, 'image/layers')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    await expectAlive();
  });

  it('refuses plain TCP without mutual TLS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-tcp-'));
    try {
      const r = spawnSync(process.execPath, [berthdMain, '-H', 'tcp://127.0.0.1:23751', '--data-root', join(dir, 'data')], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/refusing to listen on tcp:\/\/127.0.0.1:23751 without mutual TLS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
