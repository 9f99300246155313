// The local driver's options (`docker volume create --opt`), checked as dockerd 20.10's
// volume/local does: only type, device and o (size asks for quotas, which Berth lacks), type and
// device both required. Berth refuses network filesystems here, at create, so that a volume can
// never make berthd send network traffic.

/** The option keys dockerd's local driver knows (size: a quota size, needs quota support). */
const validKeys = new Set(['type', 'device', 'o', 'size']);

/** Filesystem types whose mount reaches a server (mount.<type> helpers, addr= in the options). */
const networkTypes = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', 'glusterfs', 'sshfs', 'fuse.sshfs', 'davfs', 'afs', 'ncpfs', '9p']);

export class LocalOptionsError extends Error {}

/** docker's units.RAMInBytes: "10m", "1.5GiB", "512". */
function ramInBytes(value: string): number | null {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value);
  if (!m) return null;
  const unit = { k: 1, m: 2, g: 3, t: 4, p: 5 }[(m[2] ?? '').toLowerCase() as 'k'] ?? 0;
  return Number(m[1]) * 1024 ** unit;
}

/** The comma-separated options of o= as name -> value ('' for a flag such as bind). */
export function mountOptionList(o: string | undefined): Array<[string, string]> {
  return (o ?? '').split(',').filter(Boolean).map((opt) => {
    const eq = opt.indexOf('=');
    return eq < 0 ? [opt, ''] : [opt.slice(0, eq), opt.slice(eq + 1)];
  });
}

/** Throws dockerd's words for options its local driver refuses (without the `create NAME: ` prefix). */
export function validateLocalOptions(opts: Record<string, string>): void {
  const keys = Object.keys(opts);
  if (keys.length === 0) return;
  for (const key of keys) if (!validKeys.has(key)) throw new LocalOptionsError(`invalid option: "${key}"`);
  if (opts.size !== undefined) {
    const size = ramInBytes(opts.size);
    if (size === null) throw new LocalOptionsError(`invalid size: '${opts.size}'`);
    if (size > 0) throw new LocalOptionsError('quota size requested but no quota support');
  }
  for (const key of ['device', 'type']) if (opts[key] === undefined) throw new LocalOptionsError(`missing required option: "${key}"`);
  const type = opts.type!;
  const addr = mountOptionList(opts.o).some(([name]) => name === 'addr');
  if (networkTypes.has(type) || addr) {
    throw new LocalOptionsError(`network filesystems are not supported by the local driver of Berth (type "${type}"${addr ? ', o with addr=' : ''}): Berth mounts only local ones (tmpfs, a block device, or type none with o=bind)`);
  }
  if (mountOptionList(opts.o).some(([name]) => name === 'bind' || name === 'rbind') && !opts.device!.startsWith('/')) {
    throw new LocalOptionsError(`device "${opts.device}" of a bind volume must be an absolute host path`);
  }
}

/** Whether a volume's options ask for a mount (dockerd mounts any volume created with options). */
export function hasMountOptions(options: Record<string, string> | null | undefined): boolean {
  return !!options && Object.keys(options).length > 0;
}
