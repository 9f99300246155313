// Sizes and the `docker diff` listing from a container's overlay upper directory.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function dirSize(dir: string): number {
  if (!dir) return 0;
  let total = 0;
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return 0; }
  for (const name of entries) {
    const p = join(dir, name);
    try {
      const st = lstatSync(p);
      if (st.isDirectory()) total += dirSize(p);
      else if (st.isFile()) total += st.size;
    } catch { /* raced with a delete */ }
  }
  return total;
}
