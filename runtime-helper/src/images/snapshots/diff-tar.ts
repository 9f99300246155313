// Writes a layer tar from a directory of changes: regular files, dirs, symlinks, hard links
// (one inode written once), devices and fifos, xattrs as SCHILY pax records, and the overlay
// forms turned back into OCI whiteouts (0:0 device -> .wh.NAME, opaque dir -> .wh..wh..opq).
import { createReadStream, readlinkSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Header as TarHeader } from 'tar-stream';

type Header = Partial<TarHeader> & { name: string; pax?: Record<string, string> };
import { listXattrs } from '../extract/fsops.js';

export interface DiffEntry { rel: string; abs: string; st: import('node:fs').Stats; kind: 'entry' | 'whiteout' | 'opaque' }

function baseHeader(rel: string, st: import('node:fs').Stats): Header {
  return { name: rel, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, size: 0 };
}

export async function diffTar(root: string, entries: readonly DiffEntry[]): Promise<Readable> {
  const xattrs = await listXattrs(root, entries.filter((e) => e.kind === 'entry').map((e) => e.rel));
  const pack = tarPack();
  const out = new PassThrough();
  void pipeline(pack, out).catch((err: Error) => out.destroy(err));
  void (async () => {
    const inodes = new Map<string, string>();
    for (const e of entries) {
      const parent = e.rel.includes('/') ? e.rel.slice(0, e.rel.lastIndexOf('/') + 1) : '';
      const base = e.rel.slice(parent.length);
      if (e.kind === 'whiteout') {
        pack.entry({ name: `${parent}.wh.${base}`, mode: 0o644, mtime: e.st.mtime, size: 0 }, Buffer.alloc(0));
        continue;
      }
      if (e.kind === 'opaque') {
        pack.entry({ name: `${e.rel}/.wh..wh..opq`, mode: 0o644, mtime: e.st.mtime, size: 0 }, Buffer.alloc(0));
        continue;
      }
      const h = baseHeader(e.rel, e.st);
      const attrs = xattrs.get(e.rel);
      if (attrs) {
        const pax: Record<string, string> = {};
        for (const [k, v] of attrs) if (!k.startsWith('trusted.overlay.')) pax[`SCHILY.xattr.${k}`] = v.toString('binary');
        if (Object.keys(pax).length) h.pax = pax;
      }
      if (e.st.isDirectory()) { pack.entry({ ...h, name: `${e.rel}/`, type: 'directory' }); continue; }
      if (e.st.isSymbolicLink()) { pack.entry({ ...h, type: 'symlink', linkname: readlinkSync(e.abs) }); continue; }
      if (e.st.isCharacterDevice() || e.st.isBlockDevice()) {
        pack.entry({ ...h, type: e.st.isCharacterDevice() ? 'character-device' : 'block-device', devmajor: Math.floor(e.st.rdev / 256), devminor: e.st.rdev % 256 });
        continue;
      }
      if (e.st.isFIFO()) { pack.entry({ ...h, type: 'fifo' }); continue; }
      if (!e.st.isFile()) continue;
      const inode = `${e.st.dev}:${e.st.ino}`;
      const first = e.st.nlink > 1 ? inodes.get(inode) : undefined;
      if (first !== undefined) { pack.entry({ ...h, type: 'link', linkname: first }); continue; }
      if (e.st.nlink > 1) inodes.set(inode, e.rel);
      const entry = pack.entry({ ...h, type: 'file', size: e.st.size });
      await pipeline(createReadStream(e.abs), entry);
    }
    pack.finalize();
  })().catch((err: Error) => { pack.destroy(err); out.destroy(err); });
  return out;
}
