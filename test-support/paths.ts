// Where the tests find the project's build outputs and fixtures.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
export const nativeBuild = resolve(repoRoot, 'runtime-helper/native/build');

/** The OCI runtime under test: BERTH_TEST_RUNTIME, or our own build. */
export const runtimeBinary = process.env.BERTH_TEST_RUNTIME ?? resolve(nativeBuild, 'berth-runtime');
/** The shim under test: BERTH_TEST_SHIM, or our own build. */
export const shimBinary = process.env.BERTH_TEST_SHIM ?? resolve(nativeBuild, 'berth-shim');

/** Builds (once; the script is idempotent) and returns the busybox test rootfs and its tar. */
export function busyboxImage(): { rootfs: string; tar: string } {
  const rootfs = execFileSync('bash', [resolve(repoRoot, 'scripts/make-busybox-rootfs.sh')], { encoding: 'utf8' }).trim();
  return { rootfs, tar: resolve(rootfs, '../../busybox.tar') };
}
