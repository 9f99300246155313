// The size of a container's overlay upper directory or a volume's data, as Docker reports them:
// the bytes of everything but directories (a symlink counts its target's length), each
// hard-linked inode once. Asynchronous, so a large tree does not hold up every other request
// while it is walked; a directory's entries are looked at 256 at a time.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SLICE = 256;

export async function dirSize(dir: string): Promise<number> {
  if (!dir) return 0;
  const seen = new Set<string>();
  const walk = async (d: string): Promise<number> => {
    let entries;
    try { entries = await readdir(d, { withFileTypes: true }); } catch { return 0; }
    const sizeOf = async (e: (typeof entries)[number]): Promise<number> => {
      const p = join(d, e.name);
      if (e.isDirectory()) return walk(p);
      try {
        const st = await lstat(p);
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          if (seen.has(key)) return 0;
          seen.add(key);
        }
        return st.size;
      } catch { return 0; } // raced with a delete
    };
    // A slice at a time, so a directory of a million entries does not hold a million pending lstats.
    let total = 0;
    for (let i = 0; i < entries.length; i += SLICE) {
      for (const n of await Promise.all(entries.slice(i, i + SLICE).map(sizeOf))) total += n;
    }
    return total;
  };
  return walk(dir);
}
