// The pull benchmark's image: a Debian minbase rootfs (debootstrap, from the mirror this host's
// apt sources name) split into several gzip layers, kept as an OCI layout under
// .cache/bench/pull-minbase/ so later runs reuse it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test-support/paths.js';

export const cacheDir = join(repoRoot, '.cache/bench/pull-minbase');

/** The Debian mirror and suite from /etc/apt/sources.list or sources.list.d/*.sources. */
export function debianMirror(): { url: string; suite: string } {
  const candidates = ['/etc/apt/sources.list', ...(existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f)) : [])];
  for (const file of candidates) {
    if (!existsSync(file) || !(file.endsWith('.list') || file.endsWith('.sources'))) continue;
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+.*\bmain\b/.exec(line.trim());
      if (m && !m[1]!.includes('security') && !m[2]!.includes('-')) return { url: m[1]!, suite: m[2]! };
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      const suite = suites.find((s) => !s.includes('-'));
      if (uri && suite && !uri.includes('security') && /^Components:.*\bmain\b/m.test(stanza)) return { url: uri, suite };
    }
  }
  throw new Error('no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d');
}

function sh(cmd: string, args: string[], opts: { cwd?: string } = {}): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], ...opts });
}

export function ensureRootfs(): string {
  const rootfs = join(cacheDir, 'rootfs');
  if (existsSync(join(rootfs, '.complete'))) return rootfs;
  const { url, suite } = debianMirror();
  const tmp = `${rootfs}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  console.error(`building the benchmark rootfs: debootstrap --variant=minbase ${suite} from the apt mirror (once, cached)`);
  sh('debootstrap', ['--variant=minbase', suite, tmp, url]);
  writeFileSync(join(tmp, '.complete'), new Date().toISOString());
  rmSync(rootfs, { recursive: true, force: true });
  renameSync(tmp, rootfs);
  return rootfs;
}

export interface BenchImage { layout: string; tag: string; layers: { digest: string; size: number; file: string }[]; totalCompressed: number }

/** Layers: usr/lib, usr/share, the rest of usr, var (without apt's .deb cache), everything else. */
const layerSplits: { name: string; include: string[]; exclude?: string[] }[] = [
  { name: 'usr-lib', include: ['./usr/lib'] },
  { name: 'usr-share', include: ['./usr/share'] },
  { name: 'usr-rest', include: ['./usr'], exclude: ['./usr/lib', './usr/share'] },
  { name: 'var', include: ['./var'], exclude: ['./var/cache/apt/archives/*.deb'] },
  { name: 'base', include: ['.'], exclude: ['./usr', './var', './.complete', './proc/*', './sys/*'] },
];

export function ensureImage(): BenchImage {
  const layout = join(cacheDir, 'oci');
  const tag = 'minbase';
  const stamp = join(layout, '.complete');
  if (!existsSync(stamp)) {
    const rootfs = ensureRootfs();
    rmSync(layout, { recursive: true, force: true });
    const blobs = join(layout, 'blobs/sha256');
    mkdirSync(blobs, { recursive: true });
    const layers: { digest: string; size: number; diffId: string }[] = [];
    for (const split of layerSplits) {
      const tarFile = join(layout, `${split.name}.tar`);
      const args = ['--numeric-owner', '--xattrs', '-C', rootfs, '-cf', tarFile, ...(split.exclude ?? []).map((e) => `--exclude=${e}`), ...split.include];
      sh('tar', args);
      const diffId = `sha256:${createHash('sha256').update(readFileSync(tarFile)).digest('hex')}`;
      sh('gzip', ['-6', '-n', tarFile]);
      const gz = readFileSync(`${tarFile}.gz`);
      const digest = `sha256:${createHash('sha256').update(gz).digest('hex')}`;
      renameSync(`${tarFile}.gz`, join(blobs, digest.slice(7)));
      layers.push({ digest, size: gz.length, diffId });
    }
    const put = (buf: Buffer) => { const d = `sha256:${createHash('sha256').update(buf).digest('hex')}`; writeFileSync(join(blobs, d.slice(7)), buf); return d; };
    const config = Buffer.from(JSON.stringify({
      architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/bash'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map(() => ({ created_by: 'berth bench' })),
    }));
    const configDigest = put(config);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
    }));
    const manifestDigest = put(manifest);
    writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': tag } }] }));
    writeFileSync(stamp, JSON.stringify(layers));
  }
  const layers = (JSON.parse(readFileSync(stamp, 'utf8')) as { digest: string; size: number }[])
    .map((l) => ({ ...l, file: join(layout, 'blobs/sha256', l.digest.slice(7)) }));
  for (const l of layers) if (statSync(l.file).size !== l.size) throw new Error(`bench image cache is damaged: ${l.file}; delete ${cacheDir}`);
  return { layout, tag, layers, totalCompressed: layers.reduce((s, l) => s + l.size, 0) };
}

if (process.argv[1]?.endsWith('_pull-image.ts')) {
  const img = ensureImage();
  console.log(JSON.stringify({ layout: img.layout, layers: img.layers.length, compressedMB: (img.totalCompressed / 1e6).toFixed(1) }));
}
