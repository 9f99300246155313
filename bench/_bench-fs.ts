// Where bench/pull.ts keeps its stores (the engines' data roots, the registry, tar's output).
//
// By default a fresh ext4 filesystem with a journal, made for the run in a sparse image file on a
// loop device (direct I/O, so its data is not cached twice) and removed afterwards. This VM's own
// ext4 has no journal, and ext4 without one skips every inode deleted in the last minutes
// (recently_deleted() in fs/ext4/ialloc.c) on each allocation: any deletion nearby (the previous
// run's cleanup, other work on the machine) made the untar children's kernel time 0.7-0.8 s per
// image instead of 0.13-0.19 s, and grow round after round. A journaled ext4, Debian's default,
// does not do that; its own filesystem also keeps other work's dirty pages out of each layer's
// syncfs. BENCH_FS=host keeps the stores on the host's filesystem instead, in a new directory
// under a TOPDIR-flagged (chattr +T) `BENCH_TMPDIR/berth-bench-pull`, which spreads each run to
// block groups of its own (helps against the previous run's deletions, not against others').
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchFs {
  /** An empty directory for the run's stores. */
  dir: string;
  /** How the table describes it. */
  label: string;
  /** Removes everything (unmounts and deletes the image). */
  remove(): void;
}

const imageBytes = 24 * 1024 ** 3;

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function makeBenchFs(): BenchFs {
  const parent = process.env.BENCH_TMPDIR ?? '/var/tmp';
  if (process.env.BENCH_FS === 'host') return hostDir(parent);
  const image = join(parent, `berth-bench-pull-${process.pid}.img`);
  const mountpoint = mkdtempSync(join(parent, 'berth-bench-pull-mnt-'));
  let dev: string | undefined;
  let mounted = false;
  const remove = () => {
    // A daemon stopped a moment ago may still be closing its files: a few tries. Then a lazy
    // unmount: a mount namespace made meanwhile (a container started by other work) may hold a
    // copy; the loop device (autoclear) and the image's blocks go when that copy does.
    for (let tries = 0; mounted; tries++) {
      try { sh('umount', [tries < 8 ? mountpoint : '-l', ...(tries < 8 ? [] : [mountpoint])]); mounted = false; } catch (e) {
        if (tries >= 8) { console.error(`bench fs: umount -l ${mountpoint}: ${(e as Error).message.split('\n')[0]}; left mounted on ${dev}`); break; }
        execFileSync('sleep', ['0.25']);
      }
    }
    if (dev && !mounted) { try { sh('losetup', ['-d', dev]); } catch (e) { console.error(`bench fs: losetup -d ${dev}: ${(e as Error).message}`); } }
    if (!mounted) { rmSync(image, { force: true }); rmSync(mountpoint, { recursive: true, force: true }); }
  };
  try {
    sh('truncate', ['-s', String(imageBytes), image]);
    dev = sh('losetup', ['--find', '--show', '--direct-io=on', image]);
    // Inode tables and journal written now, not by a background thread during the run.
    sh('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', dev]);
    sh('mount', [dev, mountpoint]);
    mounted = true;
    // Not propagated to mount namespaces made by other work while the run goes on.
    sh('mount', ['--make-private', mountpoint]);
    return { dir: mountpoint, label: `a fresh journaled ext4 (${dev}, image in ${parent})`, remove };
  } catch (err) {
    remove();
    console.error(`bench fs: no loop filesystem (${(err as Error).message.split('\n')[0]}); using the host's filesystem`);
    return hostDir(parent);
  }
}

function hostDir(parent: string): BenchFs {
  const base = join(parent, 'berth-bench-pull');
  mkdirSync(base, { recursive: true });
  try { execFileSync('chattr', ['+T', base], { stdio: 'ignore' }); } catch { /* not ext4, or no chattr */ }
  const dir = mkdtempSync(join(base, 'run-'));
  return { dir, label: `${dir} on the host's filesystem`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
