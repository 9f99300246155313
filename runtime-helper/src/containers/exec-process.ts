// The OCI process of an exec session, built from the container's own config.json: its env with
// the exec's on top, the exec's user (looked up in the container's passwd), workdir, tty and
// capabilities (all of the host's with --privileged).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveUser } from './passwd.js';
import { hostCapabilities } from './host-features.js';
import type { OciSpec } from '../oci/spec.js';
import type { ExecConfig } from './exec-schema.js';
import type { ContainerRecord } from './record.js';

export type OciProcess = NonNullable<OciSpec['process']>;

export function execProcess(bundle: string, record: ContainerRecord, cfg: ExecConfig, tty: boolean, consoleSize?: number[] | null): OciProcess {
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as OciSpec;
  const base = spec.process!;
  const user = cfg.User ? resolveUser(record.Rootfs, cfg.User) : null;
  const env = [...(base.env ?? [])];
  for (const e of cfg.Env ?? []) {
    const k = e.split('=')[0];
    const i = env.findIndex((x) => x.split('=')[0] === k);
    if (i >= 0) env[i] = e; else env.push(e);
  }
  if (tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
  const caps = cfg.Privileged ? hostCapabilities() : (base.capabilities?.bounding ?? []);
  return {
    ...base,
    // With a tty the process gets a pty made inside the container: berth-shim holds its master
    // (the in-process monitor: the runtime relays it to a node-pty terminal).
    terminal: tty,
    args: cfg.Cmd,
    env,
    cwd: cfg.WorkingDir || base.cwd,
    user: user ? { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) } : base.user,
    capabilities: { bounding: caps, effective: user && user.uid !== 0 ? [] : caps, permitted: user && user.uid !== 0 ? [] : caps },
    ...(tty && consoleSize && consoleSize[0] && consoleSize[1] ? { consoleSize: { height: consoleSize[0], width: consoleSize[1] } } : {}),
  };
}
