// Client for native/build/berth-fsops: mknod and xattrs (which Node lacks), run in a child that
// has chrooted into the layer directory, so its paths cannot leave it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fsopsBinary = process.env.BERTH_FSOPS ?? fileURLToPath(new URL('../../../native/build/berth-fsops', import.meta.url));

const hex = (s: string | Buffer): string => Buffer.from(s).toString('hex');

export type FsOp =
  | { op: 'mknod'; path: string; type: 'c' | 'b' | 'p'; mode: number; major: number; minor: number; uid: number; gid: number }
  | { op: 'xattr'; path: string; name: string; value: Buffer };

function encode(op: FsOp): string {
  switch (op.op) {
    case 'mknod':
      return ['mknod', hex(op.path), op.type, op.mode.toString(8), op.major, op.minor, op.uid, op.gid].join('\t');
    case 'xattr':
      return ['xattr', hex(op.path), hex(op.name), hex(op.value)].join('\t');
  }
}

async function run(root: string, input: string): Promise<string> {
  if (!existsSync(fsopsBinary)) throw new Error(`berth-fsops helper missing at ${fsopsBinary} (run make -C runtime-helper/native)`);
  return new Promise((resolve, reject) => {
    const child = spawn(fsopsBinary, [root], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString());
      else reject(new Error(Buffer.concat(err).toString().trim() || `berth-fsops exited with ${code}`));
    });
    child.stdin.end(input);
  });
}

/** Applies the operations inside `root` (paths relative to it). */
export async function applyFsOps(root: string, ops: readonly FsOp[]): Promise<void> {
  if (ops.length === 0) return;
  await run(root, `${ops.map(encode).join('\n')}\n`);
}

/** Reads every xattr of the given paths (relative to root). */
export async function listXattrs(root: string, paths: readonly string[]): Promise<Map<string, Map<string, Buffer>>> {
  const result = new Map<string, Map<string, Buffer>>();
  if (paths.length === 0) return result;
  const out = await run(root, `${paths.map((p) => `list\t${hex(p)}`).join('\n')}\n`);
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [p = '', n = '', v = ''] = line.split('\t');
    const path = Buffer.from(p, 'hex').toString();
    const attrs = result.get(path) ?? new Map<string, Buffer>();
    attrs.set(Buffer.from(n, 'hex').toString(), Buffer.from(v, 'hex'));
    result.set(path, attrs);
  }
  return result;
}
