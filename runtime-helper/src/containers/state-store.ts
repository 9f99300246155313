// Container records on disk: <root>/<id>/container.json, each written atomically (temp file,
// fsync, rename) so a crash leaves either the old or the new record, never half of one. As
// dockerd's config.v2.json (moby's ioutils.AtomicWriteFile): the file is synced, the directory
// is not (a record lost with the rename in a power loss is the state before that change).
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic.js';
import { join } from 'node:path';
import type { ContainerRecord } from './record.js';

export class ContainerStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  dir(id: string): string {
    return join(this.root, id);
  }

  save(record: ContainerRecord): void {
    mkdirSync(this.dir(record.Id), { recursive: true, mode: 0o700 });
    writeRecordFile(join(this.dir(record.Id), 'container.json'), JSON.stringify(record));
  }

  loadAll(): ContainerRecord[] {
    const out: ContainerRecord[] = [];
    for (const id of readdirSync(this.root)) {
      try {
        out.push(JSON.parse(readFileSync(join(this.dir(id), 'container.json'), 'utf8')) as ContainerRecord);
      } catch {
        // A directory without a complete record is a create that never finished: skip it.
      }
    }
    return out;
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }
}

/** Temp file beside, write, fsync, rename: no directory fsync (see the top of this file). */
function writeRecordFile(path: string, text: string): void {
  try { writeFileAtomic(path, text, 0o600, false); } catch (e) {
    throw new Error(`write container record '${path}': ${(e as Error).message}`);
  }
}
