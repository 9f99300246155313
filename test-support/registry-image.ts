// Builds small test images as OCI image layouts (layers as tar made here, gzip / zstd / none),
// and copies them with skopeo — the second witness for the registry client's tests.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export type LayerCompression = 'gzip' | 'zstd' | 'none';

export interface TestFile { path: string; content: string | Buffer; mode?: number }

export function sha256(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

/** A layer tar with the given regular files (parent directories included). */
export async function layerTar(files: TestFile[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => { pack.on('end', resolve); pack.on('error', reject); });
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) { dirs.add(d); pack.entry({ name: `${d}/`, type: 'directory', mode: 0o755, mtime: new Date(0) }); }
    }
    const content = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content);
    pack.entry({ name: f.path, mode: f.mode ?? 0o644, mtime: new Date(0) }, content);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function compress(buf: Buffer, how: LayerCompression): Buffer {
  if (how === 'gzip') return gzipSync(buf);
  if (how === 'zstd') return execFileSync('zstd', ['-q', '-c', '-3'], { input: buf, maxBuffer: 1 << 30 });
  return buf;
}

const layerMediaType: Record<LayerCompression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

export interface BuiltImage {
  dir: string;
  manifestDigest: string;
  manifestBytes: Buffer;
  configDigest: string;
  layers: { digest: string; diffId: string; size: number; mediaType: string }[];
}

/** Writes an OCI layout at dir with one image tagged `tag`. */
export function writeOciLayout(dir: string, tag: string, layers: { tar: Buffer; compression: LayerCompression }[], platform = { os: 'linux', architecture: 'amd64' } as { os: string; architecture: string; variant?: string }): BuiltImage {
  const blobs = join(dir, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (buf: Buffer) => { const d = sha256(buf); writeFileSync(join(blobs, d.slice(7)), buf); return d; };
  const built = layers.map((l) => {
    const blob = compress(l.tar, l.compression);
    return { digest: put(blob), diffId: sha256(l.tar), size: blob.length, mediaType: layerMediaType[l.compression] };
  });
  const config = Buffer.from(JSON.stringify({
    ...platform,
    config: { Cmd: ['/bin/sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: built.map((b) => b.diffId) },
    history: built.map(() => ({ created_by: 'berth test' })),
  }));
  const configDigest = put(config);
  const manifestBytes = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: built.map((b) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size })),
  }));
  const manifestDigest = put(manifestBytes);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifestBytes.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }));
  return { dir, manifestDigest, manifestBytes, configDigest, layers: built };
}

export interface SkopeoAuth { username: string; password: string }

/**
 * skopeo copy with TLS verification off for plain-HTTP / self-signed test registries. Async: the
 * test token server runs in this process and must keep answering while skopeo runs.
 */
export async function skopeoCopy(src: string, dest: string, opts: { srcAuth?: SkopeoAuth; destAuth?: SkopeoAuth; srcCertDir?: string; destCertDir?: string; extra?: string[] } = {}): Promise<string> {
  const args = ['copy', '--quiet', '--retry-times', '0'];
  if (src.startsWith('docker://')) args.push(...(opts.srcCertDir ? ['--src-cert-dir', opts.srcCertDir] : ['--src-tls-verify=false']));
  if (dest.startsWith('docker://')) args.push(...(opts.destCertDir ? ['--dest-cert-dir', opts.destCertDir] : ['--dest-tls-verify=false']));
  if (opts.srcAuth) args.push('--src-creds', `${opts.srcAuth.username}:${opts.srcAuth.password}`);
  if (opts.destAuth) args.push('--dest-creds', `${opts.destAuth.username}:${opts.destAuth.password}`);
  args.push(...(opts.extra ?? []), src, dest);
  const { stdout } = await promisify(execFile)('skopeo', args, { encoding: 'utf8', env: { ...process.env, REGISTRY_AUTH_FILE: '/nonexistent/berth-test-auth.json' } });
  return stdout;
}

export async function skopeoInspectRaw(ref: string, opts: { certDir?: string; auth?: SkopeoAuth } = {}): Promise<Buffer> {
  const args = ['inspect', '--raw', '--retry-times', '0', ...(opts.certDir ? ['--cert-dir', opts.certDir] : ['--tls-verify=false'])];
  if (opts.auth) args.push('--creds', `${opts.auth.username}:${opts.auth.password}`);
  args.push(ref);
  const { stdout } = await promisify(execFile)('skopeo', args, { encoding: 'buffer', maxBuffer: 64 << 20 });
  return stdout;
}
