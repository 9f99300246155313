// Builds small tar archives in memory for tests (layers, rootfs tars, malicious entries).
import { pack as tarPack } from 'tar-stream';
import { createHash } from 'node:crypto';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  devmajor?: number;
  devminor?: number;
  pax?: Record<string, string>;
}

export async function makeTar(entries: readonly TarEntry[]): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((resolve, reject) => { pack.on('end', resolve); pack.on('error', reject); });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content = e.content === undefined ? Buffer.alloc(0) : Buffer.from(e.content);
    const header = {
      name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: e.uid ?? 0, gid: e.gid ?? 0,
      mtime: e.mtime ?? new Date(1_700_000_000_000), size: type === 'file' ? content.length : 0,
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
      ...(e.devmajor !== undefined ? { devmajor: e.devmajor, devminor: e.devminor ?? 0 } : {}),
      ...(e.pax ? { pax: e.pax } : {}),
    };
    if (type === 'file') pack.entry(header, content); else pack.entry(header);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A docker-archive with one image whose layers are the given tars. */
export async function makeDockerArchive(layers: Buffer[], repoTag: string, config: Record<string, unknown> = {}): Promise<Buffer> {
  const diffIds = layers.map((l) => sha256(l));
  const cfg = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layers.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'test' })),
    ...config,
  }));
  const cfgName = `${sha256(cfg).slice(7)}.json`;
  return makeTar([
    ...layers.map((l, i) => ({ name: `layer${i}/layer.tar`, content: l })),
    { name: cfgName, content: cfg },
    { name: 'manifest.json', content: JSON.stringify([{ Config: cfgName, RepoTags: [repoTag], Layers: layers.map((_, i) => `layer${i}/layer.tar`) }]) },
  ]);
}
