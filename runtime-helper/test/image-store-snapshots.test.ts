// The image store's layer handling and snapshots, run against both snapshotters (overlay2 and
// the copy-based vfs): whiteouts, opaque dirs, hard links, symlinks, xattrs, modes, ownership,
// times; changes; commit; mount and unmount. Real mounts, real files.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readdirSync, readFileSync, lstatSync, writeFileSync, unlinkSync, readlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { ImageService } from '../src/images/image-service.js';
import { EventBus } from '../src/events/bus.js';
import { silentLogger } from '../src/util/log.js';
import { loadArchive } from '../src/images/archive/load.js';
import { isMountPoint } from '../src/images/snapshots/overlay.js';
import { applyFsOps, listXattrs } from '../src/images/extract/fsops.js';
import { makeTar, makeDockerArchive } from './support/tars.js';

const mtime = new Date('2023-05-06T07:08:09Z');

async function twoLayerArchive(): Promise<Buffer> {
  const base = await makeTar([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/hostname', content: 'base\n' },
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
    { name: 'etc/.wh.hostname' },
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
      const wh = lstatSync(join(top, 'etc/hostname'));
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
      expect(existsSync(join(snap.rootfs, 'etc/hostname'))).toBe(false);
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
