// Writes many small files on worker threads. Unpacking a layer is bound by file creation
// syscalls; the main thread parses the tar while writers create the files, so both cores work
// (dockerd gets the same effect from a separate untar process). Batches go to the least busy
// writer; each file is created with O_CREAT|O_EXCL|O_NOFOLLOW, so a writer can never follow a
// link or overwrite anything, and its metadata is set on the open descriptor.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

/** A regular file (data set) or a symlink (target set) to create. */
export interface FileJob {
  path: string; data?: Uint8Array; target?: string; uid: number; gid: number; mode: number; mtimeMs: number;
  /** Root-owned and a mode creation sets exactly: skip chown and chmod (fewer syscalls per file). */
  plain: boolean;
}

// Plain CommonJS run with eval so it works from the compiled daemon and from the sources alike.
const workerSource = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
parentPort.on('message', ({ id, jobs }) => {
  for (const j of jobs) {
    let fd;
    try {
      const t = new Date(j.mtimeMs);
      if (j.target !== undefined) {
        fs.symlinkSync(j.target, j.path);
        if (!j.plain) fs.lchownSync(j.path, j.uid, j.gid);
        fs.lutimesSync(j.path, t, t);
        continue;
      }
      fd = fs.openSync(j.path, flags, j.plain ? j.mode : 0o600);
      let off = 0;
      while (off < j.data.length) off += fs.writeSync(fd, j.data, off, j.data.length - off);
      if (!j.plain) {
        // chown before chmod: chown clears setuid bits.
        fs.fchownSync(fd, j.uid, j.gid);
        fs.fchmodSync(fd, j.mode);
      }
      fs.futimesSync(fd, t, t);
    } catch (err) {
      if (fd !== undefined) try { fs.closeSync(fd); } catch {}
      parentPort.postMessage({ id, error: 'create ' + j.path + ': ' + err.message });
      return;
    }
    fs.closeSync(fd);
  }
  parentPort.postMessage({ id });
});
`;

interface Pending { resolve: () => void; reject: (e: Error) => void }

class Writer {
  readonly worker = new Worker(workerSource, { eval: true });
  busy = 0;
  private readonly pending = new Map<number, Pending>();
  constructor() {
    this.worker.on('message', (m: { id: number; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.busy--;
      if (m.error) p.reject(new Error(m.error)); else p.resolve();
    });
    this.worker.on('error', (err) => { for (const p of this.pending.values()) p.reject(err); this.pending.clear(); });
    this.worker.unref();
  }
  run(id: number, jobs: FileJob[]): Promise<void> {
    this.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // File contents move to the writer without a copy (each job owns its buffer).
      const transfer = jobs.flatMap((j) => (j.data && j.data.byteLength > 0 ? [j.data.buffer as ArrayBuffer] : []));
      this.worker.postMessage({ id, jobs }, transfer);
    });
  }
}

/** The tar is parsed on the main thread, so one writer per remaining core (BERTH_UNPACK_WRITERS overrides it). */
function writerCount(): number {
  const env = Number(process.env.BERTH_UNPACK_WRITERS);
  return Number.isInteger(env) && env > 0 ? env : Math.max(1, Math.min(4, availableParallelism() - 1));
}

let writers: Writer[] | undefined;
let nextId = 0;

/** Runs one batch of file creations on the least busy writer thread. */
export function writeFiles(jobs: FileJob[]): Promise<void> {
  writers ??= Array.from({ length: writerCount() }, () => new Writer());
  const w = writers.reduce((a, b) => (b.busy < a.busy ? b : a));
  return w.run(nextId++, jobs);
}

/** Stops the writer threads (daemon shutdown, tests). */
export async function stopFileWriters(): Promise<void> {
  const ws = writers ?? [];
  writers = undefined;
  await Promise.all(ws.map((w) => w.worker.terminate()));
}
