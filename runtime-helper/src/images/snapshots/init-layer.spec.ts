import { describe, expect, it } from 'vitest';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInitLayer, initLayerLookup, initLayerPaths, overlayInitLayer } from './init-layer.js';

describe('overlayInitLayer (vfs)', () => {
  it('replaces the image\'s entries without following its links, and leaves each as the init layer has it', () => {
    const work = mkdtempSync(join(tmpdir(), 'berth-initlayer-'));
    try {
      const init = join(work, 'init');
      const root = join(work, 'root');
      const outside = join(work, 'outside');
      ensureInitLayer(init);
      mkdirSync(outside);
      mkdirSync(join(root, 'dev'), { recursive: true });
      writeFileSync(join(root, 'dev', 'keep'), 'k');
      // A hostile image: /etc a link out of the root, /proc a file, /.dockerenv a directory.
      symlinkSync(outside, join(root, 'etc'));
      writeFileSync(join(root, 'proc'), 'not a dir');
      mkdirSync(join(root, '.dockerenv'));
      overlayInitLayer(init, root);
      expect(readdirSync(outside)).toEqual([]);
      expect(lstatSync(join(root, 'etc')).isDirectory()).toBe(true);
      expect(readlinkSync(join(root, 'etc', 'mtab'))).toBe('/proc/mounts');
      expect(lstatSync(join(root, 'proc')).isDirectory()).toBe(true);
      expect(readdirSync(join(root, 'dev')).sort()).toEqual(['console', 'keep', 'pts', 'shm']);
      for (const rel of initLayerPaths) {
        const a = initLayerLookup(init, rel)!;
        const b = lstatSync(join(root, rel));
        expect([b.mode, b.uid, b.gid, b.mtimeMs], rel).toEqual([a.mode, a.uid, a.gid, a.mtimeMs]);
      }
      // Only the init layer's own paths are looked up in it.
      expect(initLayerLookup(init, 'etc/mtab/x')).toBeNull();
      expect(initLayerLookup(init, 'bin')).toBeNull();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
