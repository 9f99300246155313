// Atomic, durable file writes for the image store's records, on the thread pool. Same order as
// util/atomic.ts: temp file beside the target, write, fsync, rename, fsync the directory, so a
// record is visible only once its content is durable. The async form lets a pull's last steps
// (image record, references, distribution metadata) wait on the disk without stalling berthd.
//
// A record file may be written by a synchronous caller (tag, untag) while an asynchronous write
// of the same file is still syncing; every write takes a sequence number when its content is
// taken, and a write whose number is older than the one already renamed into place drops its temp
// file instead of renaming it, so the newest content always wins.
import { renameSync, unlinkSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { tempPathBeside, writeFileAtomic } from '../util/atomic.js';

let sequence = 0;
/** Per path: the sequence number of the write now in place. */
const inPlace = new Map<string, number>();

/** Synchronous atomic JSON write that async writes of the same path will not overtake. */
export function writeJsonRecord(path: string, value: unknown): void {
  const n = ++sequence;
  writeFileAtomic(path, JSON.stringify(value));
  inPlace.set(path, n);
}

/**
 * Asynchronous atomic JSON write; the content is taken now, the disk work runs on the thread pool.
 * Answers false when newer content was put in place meanwhile (this one was dropped).
 */
export async function writeJsonRecordAsync(path: string, value: unknown): Promise<boolean> {
  const n = ++sequence;
  const wanted = () => (inPlace.get(path) ?? 0) < n;
  if (!await writeFileAtomicAsync(path, JSON.stringify(value), 0o600, wanted)) return false;
  inPlace.set(path, n);
  return true;
}

/**
 * Atomic durable write on the thread pool. `stillWanted` is asked right before the rename (in the
 * same tick as the rename): false drops the temp file because newer content is already in place.
 */
export async function writeFileAtomicAsync(path: string, data: string | Buffer, mode = 0o600, stillWanted: () => boolean = () => true): Promise<boolean> {
  const tmp = tempPathBeside(path);
  const fh = await fsp.open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await fsp.rm(tmp, { force: true });
    throw new Error(`write ${path}: ${(err as Error).message}`);
  }
  await fh.close();
  if (!stillWanted()) { unlinkSync(tmp); return false; }
  renameSync(tmp, path);
  const dir = await fsp.open(dirname(path), 'r');
  try { await dir.sync(); } finally { await dir.close(); }
  return true;
}
