// Chooses overlay2 or the copy-based vfs fallback by mounting a tiny overlay in the data root:
// the kernel may have overlay but the data root's filesystem may not carry an upper dir.
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export type StorageDriverName = 'overlay2' | 'vfs';

export function overlaySupported(tmpDir: string): { ok: boolean; reason?: string } {
  try {
    if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay')) return { ok: false, reason: 'the kernel has no overlay filesystem' };
  } catch { return { ok: false, reason: 'cannot read /proc/filesystems' }; }
  const dir = join(tmpDir, `overlay-check-${randomBytes(4).toString('hex')}`);
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => join(dir, d)) as [string, string, string, string];
  try {
    for (const d of [lower, upper, work, merged]) mkdirSync(d, { recursive: true });
    writeFileSync(join(lower, 'f'), 'x');
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged], { stdio: 'pipe' });
    execFileSync('umount', [merged], { stdio: 'pipe' });
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `test mount failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function chooseStorageDriver(requested: string | undefined, tmpDir: string): { driver: StorageDriverName; warning?: string } {
  if (requested === 'vfs') return { driver: 'vfs' };
  if (requested !== undefined && requested !== 'overlay2' && requested !== 'overlay') {
    throw new Error(`storage driver "${requested}" is not supported (use overlay2 or vfs)`);
  }
  const check = overlaySupported(tmpDir);
  if (check.ok) return { driver: 'overlay2' };
  if (requested !== undefined) throw new Error(`storage driver overlay2 unavailable: ${check.reason}`);
  return { driver: 'vfs', warning: `overlay2 unavailable (${check.reason}); using the copy-based vfs driver` };
}
