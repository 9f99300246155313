// The size of a container's overlay upper directory or a volume's data, as Docker reports them:
// regular files' bytes, each hard-linked inode once. Asynchronous, so a large tree does not hold
// up every other request while it is walked.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function dirSize(dir: string): Promise<number> {
  if (!dir) return 0;
  const seen = new Set<string>();
  const walk = async (d: string): Promise<number> => {
    let entries: string[];
    try { entries = await readdir(d); } catch { return 0; }
    let total = 0;
    for (const name of entries) {
      const p = join(d, name);
      try {
        const st = await lstat(p);
        if (st.isDirectory()) total += await walk(p);
        else if (st.isFile()) {
          if (st.nlink > 1) {
            const key = `${st.dev}:${st.ino}`;
            if (seen.has(key)) continue;
            seen.add(key);
          }
          total += st.size;
        }
      } catch { /* raced with a delete */ }
    }
    return total;
  };
  return walk(dir);
}
