// Before a start: the command must exist in the image, with Docker's message when it does not
// (the CLI turns it into exit code 127; 126 for permission denied).
import { accessSync, constants as fsc, statSync } from 'node:fs';
import { posix } from 'node:path';
import { resolveInRoot } from './safe-path.js';
import { ContainerError } from './errors.js';

export function checkExecutable(rootfs: string, cmd: string, env: string[]): void {
  const path = (env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':');
  const candidates = cmd.includes('/') ? [cmd] : path.map((p) => posix.join(p, cmd));
  for (const cand of candidates) {
    const host = resolveInRoot(rootfs, cand);
    try {
      const st = statSync(host);
      if (st.isFile()) {
        try { accessSync(host, fsc.X_OK); return; } catch {
          throw new ContainerError(400, `failed to create task for container: OCI runtime create failed: unable to start container process: exec: "${cmd}": permission denied: unknown`);
        }
      }
    } catch (e) { if (e instanceof ContainerError) throw e; }
  }
  const why = cmd.includes('/') ? `stat ${cmd}: no such file or directory` : `exec: "${cmd}": executable file not found in $PATH`;
  throw new ContainerError(400, `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${why}: unknown`);
}
