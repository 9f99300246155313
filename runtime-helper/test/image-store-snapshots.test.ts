// The image store's layer handling and snapshots, run against both snapshotters (overlay2 and
// the copy-based vfs): whiteouts, opaque dirs, hard links, symlinks, xattrs, modes, ownership,
// times; changes; commit; mount and unmount. Real mounts, real files.
import { createHash } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, readdirSync, readFileSync, lstatSync, writeFileSync, unlinkSync, readlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { ImageService } from '../src/images/image-service.js';
import { EventBus } from '../src/events/bus.js';
import { silentLogger } from '../src/util/log.js';
import { loadArchive } from '../src/images/archive/load.js';
import { isMountPoint } from '../src/images/snapshots/overlay.js';
import { applyFsOps, listXattrs } from '../src/images/extract/fsops.js';
import { makeTar, makeDockerArchive } from './support/tars.js';
import { extractLayer } from '../src/images/extract/extract-layer.js';
import { untarLayer } from '../src/images/extract/untar-native.js';
import { BlobDigestMismatch } from '../src/images/extract/layer-error.js';

const mtime = new Date('2023-05-06T07:08:09Z');

async function twoLayerArchive(): Promise<Buffer> {
  const base = await makeTar([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/motd', content: 'base\n' },
    { name: 'etc/keep', content: 'keep\n' },
    { name: 'usr/', type: 'directory' },
    { name: 'usr/share/', type: 'directory' },
    { name: 'usr/share/old.txt', content: 'old\n' },
    { name: 'usr/share/sub/', type: 'directory' },
    { name: 'usr/share/sub/x', content: 'x\n' },
    { name: 'bin/', type: 'directory' },
    { name: 'bin/su', content: 'setuid program\n', mode: 0o4755 },
    // A file before its directory's own entry, and modes the umask would cut.
    { name: 'opt/late/shared', content: 'g+w\n', mode: 0o664 },
    { name: 'opt/late/', type: 'directory', mode: 0o750, mtime },
    { name: 'opt/open/', type: 'directory', mode: 0o1777 },
    { name: 'opt/plain', content: 'plain\n', mode: 0o644 },
  ]);
  const top = await makeTar([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/.wh.motd' },
    { name: 'usr/', type: 'directory' },
    { name: 'usr/share/', type: 'directory', mode: 0o750, mtime },
    { name: 'usr/share/.wh..wh..opq' },
    { name: 'usr/share/note.txt', content: 'note\n', mode: 0o640, uid: 1000, gid: 1001, mtime, pax: { 'SCHILY.xattr.user.berth': 'hello' } },
    { name: 'usr/share/note-link', type: 'link', linkname: 'usr/share/note.txt' },
    { name: 'usr/share/note-sym', type: 'symlink', linkname: 'note.txt' },
    { name: 'usr/share/fifo', type: 'fifo' },
  ]);
  return makeDockerArchive([base, top], 'snap/test:1');
}

async function tarNames(stream: NodeJS.ReadableStream): Promise<string[]> {
  const x = tarExtract();
  (stream as PassThrough).pipe(x);
  const names: string[] = [];
  for await (const e of x) { names.push(e.header.name); e.resume(); }
  return names;
}

for (const driver of ['overlay2', 'vfs'] as const) {
  describe(`image store with the ${driver} snapshotter`, () => {
    let root: string;
    let svc: ImageService;
    let imageId: string;

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), `berth-store-${driver}-`));
      svc = new ImageService(root, driver, new EventBus(), silentLogger());
      const body = new PassThrough();
      body.end(await twoLayerArchive());
      const [loaded] = await loadArchive(svc, body, () => {});
      imageId = loaded?.id ?? '';
    });
    afterAll(async () => {
      for (const s of svc?.snapshots.list() ?? []) await svc.snapshots.remove(s.key);
      rmSync(root, { recursive: true, force: true });
    });

    it('unpacks layers by ChainID with overlay whiteouts, opaque dirs, links, xattrs and metadata', async () => {
      const image = svc.images.get(imageId);
      expect(image.chain).toHaveLength(2);
      const top = svc.layers.diffDir(image.chain[1] ?? '');
      const wh = lstatSync(join(top, 'etc/motd'));
      expect(wh.isCharacterDevice() && wh.rdev === 0).toBe(true);
      const x = await listXattrs(top, ['usr/share', 'usr/share/note.txt']);
      expect(x.get('usr/share')?.get('trusted.overlay.opaque')?.toString()).toBe('y');
      expect(x.get('usr/share/note.txt')?.get('user.berth')?.toString()).toBe('hello');
      const note = lstatSync(join(top, 'usr/share/note.txt'));
      expect(note.mode & 0o7777).toBe(0o640);
      expect([note.uid, note.gid]).toEqual([1000, 1001]);
      expect(note.mtime.getTime()).toBe(mtime.getTime());
      expect(note.nlink).toBe(2);
      expect(lstatSync(join(top, 'usr/share/note-link')).ino).toBe(note.ino);
      expect(readlinkSync(join(top, 'usr/share/note-sym'))).toBe('note.txt');
      expect(lstatSync(join(top, 'usr/share/fifo')).isFIFO()).toBe(true);
      const dir = lstatSync(join(top, 'usr/share'));
      expect(dir.mode & 0o7777).toBe(0o750);
      expect(dir.mtime.getTime()).toBe(mtime.getTime());
      const base = svc.layers.diffDir(image.chain[0] ?? '');
      expect(lstatSync(join(base, 'opt/late')).mode & 0o7777).toBe(0o750);
      expect(lstatSync(join(base, 'opt/late')).mtime.getTime()).toBe(mtime.getTime());
      expect(lstatSync(join(base, 'opt/late/shared')).mode & 0o7777).toBe(0o664);
      expect(lstatSync(join(base, 'opt/open')).mode & 0o7777).toBe(0o1777);
      expect(lstatSync(join(base, 'opt/plain')).mode & 0o7777).toBe(0o644);
      // A loaded image keeps its setuid bits (an import would refuse them).
      expect(lstatSync(join(svc.layers.diffDir(image.chain[0] ?? ''), 'bin/su')).mode & 0o7777).toBe(0o4755);
    });

    it('prepares a snapshot that shows the merged image', async () => {
      const snap = await svc.snapshots.prepare('c1', imageId);
      if (driver === 'overlay2') expect(isMountPoint(snap.rootfs)).toBe(true);
      expect(existsSync(join(snap.rootfs, 'etc/motd'))).toBe(false); // whited out (etc/hostname would be the init layer's)
      expect(readFileSync(join(snap.rootfs, 'etc/keep'), 'utf8')).toBe('keep\n');
      expect(readdirSync(join(snap.rootfs, 'usr/share')).sort()).toEqual(['fifo', 'note-link', 'note-sym', 'note.txt']);
      expect(readFileSync(join(snap.rootfs, 'usr/share/note-link'), 'utf8')).toBe('note\n');
      // prepare is idempotent.
      expect((await svc.snapshots.prepare('c1', imageId)).rootfs).toBe(snap.rootfs);
      // The image is in use now: removing it without force is a conflict.
      expect(() => svc.remove(imageId, { force: false, noprune: false })).toThrow(/must be forced/);
    });

    it('reports changes, exports them as a layer, and commits a new image', async () => {
      const snap = await svc.snapshots.mount('c1');
      writeFileSync(join(snap.rootfs, 'newfile'), 'new\n');
      writeFileSync(join(snap.rootfs, 'etc/keep'), 'changed\n');
      unlinkSync(join(snap.rootfs, 'usr/share/note-sym'));
      const changes = await svc.snapshots.changes('c1');
      expect(changes).toContainEqual({ Path: '/newfile', Kind: 1 });
      expect(changes).toContainEqual({ Path: '/etc/keep', Kind: 0 });
      expect(changes).toContainEqual({ Path: '/usr/share/note-sym', Kind: 2 });
      // Hidden by the opaque directory in the image, so not a change of the container.
      expect(changes.map((c) => c.Path)).not.toContain('/usr/share/old.txt');
      const names = await tarNames(await svc.snapshots.exportDiff('c1'));
      expect(names).toContain('newfile');
      expect(names).toContain('usr/share/.wh.note-sym');

      const committed = await svc.commit({ snapshotKey: 'c1', parentImageId: imageId, config: { Cmd: ['/bin/true'] }, changes: ['ENV COMMITTED=1'], comment: 'test commit', repo: 'snap/committed', tag: 'v1' });
      const image = svc.images.get(committed);
      expect(image.chain).toHaveLength(3);
      expect(image.config.config?.Env).toEqual(['COMMITTED=1']);
      expect(svc.repoTags(committed)).toEqual(['snap/committed:v1']);
      const c2 = await svc.snapshots.prepare('c2', committed);
      expect(readFileSync(join(c2.rootfs, 'newfile'), 'utf8')).toBe('new\n');
      expect(readFileSync(join(c2.rootfs, 'etc/keep'), 'utf8')).toBe('changed\n');
      expect(existsSync(join(c2.rootfs, 'usr/share/note-sym'))).toBe(false);
      expect(existsSync(join(c2.rootfs, 'usr/share/note.txt'))).toBe(true);
    });

    it('unmounts and removes snapshots; then the images can go', async () => {
      const c1 = await svc.snapshots.mount('c1');
      await svc.snapshots.unmount('c1');
      expect(isMountPoint(c1.rootfs)).toBe(false);
      await svc.snapshots.remove('c1');
      await svc.snapshots.remove('c2');
      expect(svc.snapshots.list()).toEqual([]);
      const out = svc.remove('snap/committed:v1', { force: false, noprune: false });
      expect(out).toContainEqual({ Untagged: 'snap/committed:v1' });
      svc.remove('snap/test:1', { force: false, noprune: false });
      expect(svc.images.list()).toEqual([]);
      expect(svc.layers.list()).toEqual([]);
      expect(readdirSync(join(root, 'image/blobs/sha256'))).toEqual([]);
    });
  });
}

describe('berth-fsops', () => {
  it('stays inside its root whatever symlinks the root holds', async () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-fsops-'));
    const outside = mkdtempSync(join(tmpdir(), 'berth-fsops-outside-'));
    try {
      const { symlinkSync } = await import('node:fs');
      symlinkSync(outside, join(root, 'out'));
      // Inside the chroot, "out" points at a path that does not exist there.
      await expect(applyFsOps(root, [{ op: 'mknod', path: 'out/node', type: 'p', mode: 0o644, major: 0, minor: 0, uid: 0, gid: 0 }])).rejects.toThrow(/mknod 'out\/node': No such file or directory/);
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

// The two layer unpackers (berth-fsops untar for image layers, the in-process one for archives
// put into containers) must agree: same tree, same result, same refusals.
describe('layer unpackers agree', () => {
  const unpackers = { js: extractLayer, native: untarLayer } as const;
  const policy = { allowDevices: true, allowSetuid: true };
  const longDir = `deep/${'d'.repeat(120)}`;

  async function tricky(): Promise<Buffer> {
    return makeTar([
      { name: './', type: 'directory', mode: 0o755, mtime },
      { name: 'etc/', type: 'directory', mode: 0o750, uid: 5, gid: 6, mtime },
      { name: 'etc/passwd', content: 'root:x:0:0\n', mtime },
      { name: 'etc/link', type: 'link', linkname: 'etc/passwd' },
      { name: 'etc/sym', type: 'symlink', linkname: '/etc/passwd', uid: 7, gid: 8, mtime },
      // Replaced later: a file by a directory, a directory (with contents) by a file.
      { name: 'swap/a', content: 'file first\n' },
      { name: 'swap/a/', type: 'directory' },
      { name: 'swap/b/', type: 'directory' },
      { name: 'swap/b/inner', content: 'gone\n' },
      { name: 'swap/b', content: 'file now\n', mode: 0o600 },
      { name: 'swap/c', content: 'replaced\n' },
      { name: 'swap/c', content: 'replacement\n', mode: 0o2755, gid: 50 },
      // Names longer than ustar's 100 bytes (PAX path), and a long link target.
      { name: `${longDir}/${'f'.repeat(110)}`, content: 'long\n', uid: 1000, gid: 1000 },
      { name: 'deep/longlink', type: 'symlink', linkname: `${longDir}/${'f'.repeat(110)}` },
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666, mtime },
      { name: 'dev/fifo', type: 'fifo', mode: 0o600, mtime },
      { name: 'opq/.wh..wh..opq' },
      { name: 'opq/kept', content: 'k\n' },
      { name: '.wh.removed-at-root' },
      { name: 'etc/.wh.shadow' },
      { name: 'x/attr', content: 'x\n', pax: { 'SCHILY.xattr.user.note': 'hi', 'SCHILY.xattr.trusted.overlay.opaque': 'y' } },
      { name: 'big', content: Buffer.alloc(5 * 1024 * 1024, 7) },
    ]);
  }

  /** The directories tricky() creates only as parents of its entries (no header of their own). */
  const implicitDirs = new Set(['swap', 'deep', longDir, 'dev', 'opq', 'x']);

  async function tree(dir: string): Promise<string[]> {
    const { readdirSync: ls, lstatSync: st, readlinkSync: rl, readFileSync: rf } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const out: string[] = [];
    const xattrPaths: string[] = [];
    const walk = (rel: string) => {
      const abs = rel ? join(dir, rel) : dir;
      const s = st(abs);
      const what = s.isSymbolicLink() ? `-> ${rl(abs)}` : s.isFile() ? createHash('sha256').update(rf(abs)).digest('hex').slice(0, 12) : s.isCharacterDevice() ? `c ${s.rdev}` : '';
      // Symlink times and directory times are set on the entry itself; compare seconds. A parent
      // directory the tar never names is made when its first entry is unpacked, so its time is
      // the unpacking's own (as with GNU tar) and differs from one unpacker's run to the other's.
      // A whiteout (a 0:0 character device) is made by the unpacker, not taken from the tar: its
      // time is the unpacking's own too, as with dockerd.
      const whiteout = s.isCharacterDevice() && s.rdev === 0;
      const time = implicitDirs.has(rel) || whiteout ? 'made-now' : String(Math.floor(s.mtimeMs / 1000));
      out.push(`${rel || '.'} ${(s.mode & 0o170000).toString(8)} ${(s.mode & 0o7777).toString(8)} ${s.uid}:${s.gid} ${time} nlink=${s.isDirectory() ? '' : s.nlink} ${what}`);
      if (!s.isSymbolicLink()) xattrPaths.push(rel || '/');
      if (s.isDirectory()) for (const n of ls(abs).sort()) walk(rel ? `${rel}/${n}` : n);
    };
    walk('');
    const xattrs = await listXattrs(dir, xattrPaths);
    for (const [p, attrs] of [...xattrs].sort()) for (const [n, v] of [...attrs].sort()) out.push(`xattr ${p} ${n}=${v.toString()}`);
    return out;
  }

  it('unpack the same tar to the same tree and result', async () => {
    const tar = await tricky();
    const seen: Record<string, { result: unknown; tree: string[] }> = {};
    for (const [name, unpack] of Object.entries(unpackers)) {
      const dir = mkdtempSync(join(tmpdir(), `berth-unpack-${name}-`));
      try {
        const body = new PassThrough();
        body.end(tar);
        const result = await unpack(body, dir, policy);
        // The diffID only the native unpacker computes: checked below on its own.
        const { diffId, ...rest } = result;
        if (name === 'native') expect(diffId).toBe(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
        else expect(diffId).toBeUndefined();
        seen[name] = { result: { ...rest, whiteouts: [...result.whiteouts].sort(), opaqueDirs: [...result.opaqueDirs].sort() }, tree: await tree(dir) };
      } finally { rmSync(dir, { recursive: true, force: true }); }
    }
    expect(seen.native?.result).toEqual(seen.js?.result);
    expect(seen.native?.result).toMatchObject({ whiteouts: ['etc/shadow', 'removed-at-root'], opaqueDirs: ['opq'] });
    expect(seen.native?.tree).toEqual(seen.js?.tree);
    // What the tar says, checked once on its own (not only agreement).
    const lines = seen.native?.tree ?? [];
    expect(lines).toContainEqual(expect.stringMatching(/^etc 40000 750 5:6 /));
    expect(lines).toContainEqual(expect.stringMatching(/^swap\/b 100000 600 0:0 .* nlink=1 /));
    expect(lines).toContainEqual(expect.stringMatching(/^swap\/c 100000 2755 0:50 /));
    // Device nodes and fifos keep the tar's time, as files do.
    const tarSeconds = mtime.getTime() / 1000;
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^dev/null 20000 666 0:0 ${tarSeconds} .* c 259$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^dev/fifo 10000 600 0:0 ${tarSeconds} `)));
    expect(lines).toContainEqual(expect.stringMatching(/^etc\/passwd 100000 644 0:0 \d+ nlink=2 /));
    expect(lines).toContainEqual('xattr x/attr user.note=hi');
    expect(lines.filter((l) => l.includes('trusted.overlay.opaque'))).toEqual(['xattr opq trusted.overlay.opaque=y']);
  });

  it('native: the diffID covers every byte of the stream, the blocks after the end marker included', async () => {
    const tar = Buffer.concat([await makeTar([{ name: 'a', content: 'a\n' }]), Buffer.alloc(10_240)]);
    const dir = mkdtempSync(join(tmpdir(), 'berth-unpack-diffid-'));
    try {
      const body = new PassThrough();
      body.end(tar);
      const result = await untarLayer(body, dir, policy);
      expect(result.diffId).toBe(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
      expect(readdirSync(dir)).toEqual(['a']);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('native: inflates gzip itself (one or several members) and hashes the uncompressed stream', async () => {
    const tar = await makeTar([{ name: 'd/', type: 'directory' }, { name: 'd/big', content: Buffer.alloc(3 * 1024 * 1024, 9) }, { name: 'small', content: 's\n' }]);
    const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
    const half = Math.floor(tar.length / 2) + 1;
    const inputs: [string, Buffer][] = [
      ['one member', gzipSync(tar)],
      ['two members', Buffer.concat([gzipSync(tar.subarray(0, half)), gzipSync(tar.subarray(half))])],
    ];
    for (const [what, input] of inputs) {
      const dir = mkdtempSync(join(tmpdir(), 'berth-unpack-gz-'));
      try {
        const body = new PassThrough();
        body.end(input);
        const result = await untarLayer(body, dir, policy);
        expect(result.diffId, what).toBe(diffId);
        expect(result.size, what).toBe(3 * 1024 * 1024 + 2);
        expect(readFileSync(join(dir, 'small'), 'utf8'), what).toBe('s\n');
      } finally { rmSync(dir, { recursive: true, force: true }); }
    }
    const gz = gzipSync(tar);
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xff, 100, 200);
    const bad: [string, Buffer, RegExp][] = [
      ['truncated gzip', gz.subarray(0, Math.floor(gz.length / 2)), /invalid layer tar: gzip data ends unexpectedly/],
      ['corrupt gzip', corrupt, /invalid layer tar: gzip: /],
    ];
    for (const [what, input, expected] of bad) {
      const dir = mkdtempSync(join(tmpdir(), 'berth-unpack-gz-bad-'));
      try {
        const body = new PassThrough();
        body.end(input);
        await expect(untarLayer(body, dir, policy), what).rejects.toThrow(expected);
      } finally { rmSync(dir, { recursive: true, force: true }); }
    }
  });

  it('native: keeps the input as received as a blob, checks its digest, and refuses a wrong one', async () => {
    const tar = await makeTar([{ name: 'f', content: Buffer.alloc(2 * 1024 * 1024, 3) }]);
    const gz = gzipSync(tar);
    const digest = `sha256:${createHash('sha256').update(gz).digest('hex')}`;
    const work = mkdtempSync(join(tmpdir(), 'berth-unpack-blob-'));
    try {
      const run = async (input: Buffer, expected: string, name: string) => {
        const copy = { path: join(work, `${name}.blob`), digest: expected, enabled: true, kept: false };
        const dir = join(work, name);
        mkdirSync(dir);
        const body = new PassThrough();
        // In pieces, as a download arrives.
        (async () => { for (let i = 0; i < input.length; i += 100_000) { body.write(input.subarray(i, i + 100_000)); await new Promise((r) => setImmediate(r)); } body.end(); })().catch(() => {});
        return { copy, dir, result: untarLayer(body, dir, { ...policy, blobCopy: copy }) };
      };
      const good = await run(gz, digest, 'good');
      const result = await good.result;
      expect(result.blobDigest).toBe(digest);
      expect(result.diffId).toBe(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
      expect(good.copy.kept).toBe(true);
      expect(readFileSync(good.copy.path).equals(gz)).toBe(true);
      expect(readFileSync(join(good.dir, 'f')).length).toBe(2 * 1024 * 1024);

      // A valid layer that is not the blob asked for: refused by its digest, not kept.
      const other = `sha256:${'0'.repeat(64)}`;
      const wrong = await run(gz, other, 'wrong');
      await expect(wrong.result).rejects.toBeInstanceOf(BlobDigestMismatch);
      await expect(wrong.result).rejects.toMatchObject({ expected: other, actual: digest });
      expect(wrong.copy.kept).toBe(false);

      // A corrupt blob: the digest mismatch is the error, not the gzip failure it causes.
      const corrupt = Buffer.from(gz);
      corrupt.fill(0xff, 100, 200);
      const bad = await run(corrupt, digest, 'corrupt');
      await expect(bad.result).rejects.toBeInstanceOf(BlobDigestMismatch);
      await expect(bad.result).rejects.toMatchObject({ actual: `sha256:${createHash('sha256').update(corrupt).digest('hex')}` });
      expect(bad.copy.kept).toBe(false);
    } finally { rmSync(work, { recursive: true, force: true }); }
  });

  it('refuse the same breakouts and bad input, and leave nothing outside', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'berth-unpack-outside-'));
    try {
      const cases: [string, Buffer, RegExp][] = [
        ['dot-dot', await makeTar([{ name: `../../../../../..${outside}/pwned`, content: 'x' }]), /escapes the layer root/],
        ['absolute', await makeTar([{ name: `${outside}/pwned`, content: 'x' }]), /is absolute/],
        ['through a symlink', await makeTar([{ name: 'esc', type: 'symlink', linkname: outside }, { name: 'esc/pwned', content: 'x' }]), /goes through the symlink "esc"/],
        ['hard link out', await makeTar([{ name: 'p', type: 'link', linkname: '../../../../etc/passwd' }]), /escapes the layer root/],
        ['hard link to a missing file', await makeTar([{ name: 'p', type: 'link', linkname: 'nothing' }]), /does not exist in this layer/],
        ['hard link to a directory', await makeTar([{ name: 'd/', type: 'directory' }, { name: 'p', type: 'link', linkname: 'd' }]), /hard link to a directory/],
        ['parent is a file', await makeTar([{ name: 'f', content: 'x' }, { name: 'f/g', content: 'y' }]), /"f" is not a directory/],
        ['bad whiteout', await makeTar([{ name: 'a/.wh...', content: '' }]), /escapes the layer root|invalid whiteout/],
        ['not a tar', Buffer.alloc(1024, 0x41), /invalid layer tar/],
        ['truncated', (await makeTar([{ name: 'big', content: Buffer.alloc(100_000, 1) }])).subarray(0, 50_000), /invalid layer tar/],
      ];
      for (const [name, unpack] of Object.entries(unpackers)) {
        for (const [what, tar, expected] of cases) {
          const dir = mkdtempSync(join(tmpdir(), `berth-unpack-bad-${name}-`));
          try {
            const body = new PassThrough();
            body.end(tar);
            await expect(unpack(body, dir, policy), `${name}: ${what}`).rejects.toThrow(expected);
          } finally { rmSync(dir, { recursive: true, force: true }); }
        }
        const untrusted = await makeTar([{ name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 }]);
        const dir = mkdtempSync(join(tmpdir(), `berth-unpack-policy-${name}-`));
        try {
          const body = new PassThrough();
          body.end(untrusted);
          await expect(unpack(body, dir, { allowDevices: false, allowSetuid: false })).rejects.toThrow(/device nodes are refused/);
        } finally { rmSync(dir, { recursive: true, force: true }); }
      }
      expect(readdirSync(outside)).toEqual([]);
      // A directory replaced by a symlink to the host: its mode, owner and times stay in the layer.
      const before = lstatSync(outside);
      for (const [name, unpack] of Object.entries(unpackers)) {
        const dir = mkdtempSync(join(tmpdir(), `berth-unpack-swap-${name}-`));
        try {
          const body = new PassThrough();
          body.end(await makeTar([{ name: 'a/', type: 'directory', mode: 0o700, uid: 123, gid: 456, mtime }, { name: 'a', type: 'symlink', linkname: outside }]));
          await unpack(body, dir, policy);
          expect(readlinkSync(join(dir, 'a')), name).toBe(outside);
        } finally { rmSync(dir, { recursive: true, force: true }); }
        const after = lstatSync(outside);
        expect([after.mode, after.uid, after.gid, after.mtimeMs], name).toEqual([before.mode, before.uid, before.gid, before.mtimeMs]);
      }
    } finally { rmSync(outside, { recursive: true, force: true }); }
  });
});
