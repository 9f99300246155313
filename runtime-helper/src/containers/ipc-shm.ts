// --ipc shareable: the container's /dev/shm is a tmpfs berthd mounts on the host, in the
// container's directory, so that a container run with --ipc container:<it> binds the same one.
// (A mount made inside another mount namespace cannot be bound from outside it: binding
// /proc/PID/root/dev/shm fails with EINVAL.) dockerd does the same.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from '../util/spawner.js';

export const SHM_DEFAULT_BYTES = 64 * 1024 * 1024;

export const shmPath = (containerDir: string): string => join(containerDir, 'shm');

function isMountPoint(path: string): boolean {
  // mountinfo's fifth field is the mount point, with spaces escaped as \040.
  const escaped = path.replace(/ /g, '\\040');
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === escaped);
}

/** Mounts the container's shareable /dev/shm (if not mounted yet) and returns its host path. */
export async function mountShareableShm(containerDir: string, sizeBytes: number): Promise<string> {
  const path = shmPath(containerDir);
  if (isMountPoint(path)) return path;
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const size = Math.max(1, Math.floor((sizeBytes || SHM_DEFAULT_BYTES) / 1024));
  try {
    await runProgram('mount', ['-t', 'tmpfs', '-o', `mode=1777,size=${size}k,nosuid,nodev,noexec`, 'shm', path]);
  } catch (e) {
    throw new Error(`mount the shareable /dev/shm at ${path}: ${(e as Error).message}`);
  }
  return path;
}

/** Unmounts it (at exit and removal); nothing to do when it is not mounted. */
export async function unmountShareableShm(containerDir: string): Promise<void> {
  const path = shmPath(containerDir);
  if (!isMountPoint(path)) return;
  await runProgram('umount', [path]).catch((e: Error) => { throw new Error(`unmount the shareable /dev/shm at ${path}: ${e.message}`); });
}
