// Builds fake cgroupfs and /proc trees in a temp dir for the specs: plain files holding what the
// kernel would show, so readers and writers run unchanged against them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FakeTree {
  root: string;
  put(rel: string, content: string): void;
  dir(rel: string): void;
  link(rel: string, target: string): void;
  read(rel: string): string;
  cleanup(): void;
}

export function fakeTree(prefix = 'berth-cg-'): FakeTree {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    put(rel, content) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), content);
    },
    dir(rel) {
      mkdirSync(join(root, rel), { recursive: true });
    },
    link(rel, target) {
      symlinkSync(target, join(root, rel));
    },
    read(rel) {
      return readFileSync(join(root, rel), 'utf8');
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A /proc with stat (2 CPUs) and meminfo (2 GiB). */
export function fakeProc(): FakeTree {
  const proc = fakeTree('berth-proc-');
  proc.put(
    'stat',
    'cpu  100 0 50 800 10 0 5 0 0 0\ncpu0 50 0 25 400 5 0 3 0 0 0\ncpu1 50 0 25 400 5 0 2 0 0 0\nintr 1\n',
  );
  proc.put('meminfo', 'MemTotal:        2097152 kB\nMemFree:         1048576 kB\n');
  return proc;
}
