// Walks a directory tree without following symlinks, parents before children, in name order.
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

export interface WalkEntry { rel: string; abs: string; st: Stats }

export function* walkTree(root: string, rel = ''): Generator<WalkEntry> {
  const dir = rel === '' ? root : join(root, rel);
  for (const name of readdirSync(dir).sort()) {
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const abs = join(root, childRel);
    const st = lstatSync(abs);
    yield { rel: childRel, abs, st };
    if (st.isDirectory()) yield* walkTree(root, childRel);
  }
}

/** An overlay whiteout: a 0:0 character device. */
export function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}
