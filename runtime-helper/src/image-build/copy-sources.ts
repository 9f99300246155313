// COPY and ADD sources: each pattern resolved inside a root (the build context, or a stage's or
// image's filesystem for --from) with that root as '/', wildcards matched as Go's filepath.Match
// (no '/' crossed); a content hash for the build cache and the history ("file:<sha>",
// "dir:<sha>", "multi:<sha>"); and the tar that puts them at their destination, owned by root
// or by --chown's IDs.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { resolveInRoot } from '../containers/safe-path.js';

export interface Source {
  /** The path as matched (context-relative, cleaned). */
  rel: string;
  host: string;
  stat: Stats;
}

export class SourceNotFound extends Error {}

const hasGlob = (p: string): boolean => /[*?[]/.test(p);

function globRegex(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) { re += '\\['; continue; }
      const cls = pattern.slice(i + 1, close);
      re += `[${cls.startsWith('^') || cls.startsWith('!') ? `^${cls.slice(1)}` : cls}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

/** Every path under root (relative, no root), depth first, not through symlinks. */
function walk(root: string, rel = '', out: string[] = []): string[] {
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    out.push(path);
    const st = lstatSync(join(root, path));
    if (st.isDirectory()) walk(root, path, out);
  }
  return out;
}

/** The sources a COPY names; a missing one throws SourceNotFound with dockerd's stat wording. */
export function resolveSources(root: string, patterns: readonly string[]): Source[] {
  const out: Source[] = [];
  for (const raw of patterns) {
    const clean = posix.normalize(`/${raw}`).slice(1) || '.';
    if (hasGlob(clean)) {
      const re = globRegex(clean);
      const matches = walk(root).filter((p) => re.test(p));
      if (matches.length === 0) throw new SourceNotFound(`no source files were specified`);
      for (const m of matches) out.push(at(root, m));
      continue;
    }
    let host: string;
    try { host = resolveInRoot(root, clean, true, false); lstatSync(host); } catch {
      throw new SourceNotFound(`file not found in build context or excluded by .dockerignore: stat ${raw}: file does not exist`);
    }
    out.push({ rel: clean, host, stat: lstatSync(host) });
  }
  return out;
}

function at(root: string, rel: string): Source {
  // A matched symlink is followed inside the root, as dockerd's copy follows the source itself.
  const host = resolveInRoot(root, rel, true, false);
  return { rel, host, stat: lstatSync(host) };
}

/** One entry of the tar: its name below the placement's directory and the host file it comes from. */
export interface CopyEntry { name: string; host: string; stat: Stats }

/** Where entries go: a container directory (absolute) and what is put in it. */
export interface Placement { dir: string; entries: CopyEntry[] }

/**
 * The sources put at `dest` (an absolute container path): a directory's contents go into dest; a
 * file goes into dest when dest is a directory (`destIsDir`), else it becomes dest.
 */
export function placements(sources: readonly Source[], dest: string, destIsDir: boolean): Placement[] {
  const clean = posix.normalize(dest).replace(/(.)\/+$/, '$1');
  return sources.map((s) => {
    if (s.stat.isDirectory()) {
      return { dir: clean, entries: walk(s.host).map((rel) => ({ name: rel, host: join(s.host, rel), stat: lstatSync(join(s.host, rel)) })) };
    }
    if (destIsDir) return { dir: clean, entries: [{ name: posix.basename(s.rel), host: s.host, stat: s.stat }] };
    return { dir: posix.dirname(clean), entries: [{ name: posix.basename(clean), host: s.host, stat: s.stat }] };
  });
}

/** dockerd's source hash kinds: one file, one directory, or several sources. */
export function sourcesHash(sources: readonly Source[]): string {
  const digest = (update: (h: ReturnType<typeof createHash>) => void): string => { const h = createHash('sha256'); update(h); return h.digest('hex'); };
  const hashTree = (h: ReturnType<typeof createHash>, s: Source): void => {
    const items = s.stat.isDirectory() ? walk(s.host).map((rel) => ({ rel, host: join(s.host, rel) })) : [{ rel: posix.basename(s.rel), host: s.host }];
    for (const it of items) {
      const st = lstatSync(it.host);
      h.update(`${it.rel}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(readlinkSync(it.host));
      else if (st.isFile()) h.update(readFileSync(it.host));
      h.update('\0');
    }
  };
  if (sources.length === 1) {
    const s = sources[0]!;
    return `${s.stat.isDirectory() ? 'dir' : 'file'}:${digest((h) => hashTree(h, s))}`;
  }
  return `multi:${digest((h) => { for (const s of sources) { h.update(`${s.rel}\0`); hashTree(h, s); } })}`;
}

export interface Owner { uid: number; gid: number }

/** A tar of the entries named as given (relative), owned by `owner`, modes and times kept. */
export function packEntries(entries: ReadonlyArray<{ name: string; host: string; stat: Stats }>, owner: Owner, parents: readonly string[] = []): Readable {
  const p = pack();
  void (async () => {
    try {
      for (const dir of parents) await add(p, { name: dir, type: 'directory', mode: 0o755, uid: owner.uid, gid: owner.gid, mtime: new Date() });
      for (const e of entries) {
        const base = { name: e.name, mode: e.stat.mode & 0o7777, uid: owner.uid, gid: owner.gid, mtime: e.stat.mtime };
        if (e.stat.isDirectory()) await add(p, { ...base, type: 'directory' });
        else if (e.stat.isSymbolicLink()) await add(p, { ...base, type: 'symlink', linkname: readlinkSync(e.host) });
        else if (e.stat.isFile()) await add(p, { ...base, type: 'file', size: e.stat.size }, createReadStream(e.host));
      }
      p.finalize();
    } catch (err) {
      p.destroy(err as Error);
    }
  })();
  return p as unknown as Readable;
}

function add(p: ReturnType<typeof pack>, header: Parameters<ReturnType<typeof pack>['entry']>[0], body?: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = p.entry(header, (err) => (err ? reject(err) : resolve()));
    // Directories and links carry no data: their entry ends by itself.
    if (body) { body.on('error', reject); body.pipe(entry); }
  });
}
