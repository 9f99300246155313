// The build context as the docker CLI sends it: the folder on this machine as a tar stream,
// without what .dockerignore excludes (the CLI filters on the client side, so ignored files never
// leave the machine), owned by 0:0, with the Dockerfile and .dockerignore always included.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve } from 'node:path';
import { pack, type Pack } from 'tar-stream';
import { IgnoreMatcher } from './build-ignore.js';

export interface ContextCheck {
  /** The folder, absolute. */
  context: string;
  /** The Dockerfile's path inside the context, '/'-separated. */
  dockerfile: string;
  dockerfileFound: boolean;
  hasIgnoreFile: boolean;
  /** What is wrong, in words; absent when the build can start. */
  problem?: string | undefined;
}

function errno(err: unknown): string | undefined { return (err as { code?: string }).code; }

/** Checks the folder and the Dockerfile in it before anything is sent. */
export async function checkContext(folder: string, dockerfile: string): Promise<ContextCheck> {
  const context = resolve(folder);
  const df = posix.normalize((dockerfile.trim() || 'Dockerfile').replace(/\\/g, '/')).replace(/^\.\//, '');
  const base: ContextCheck = { context, dockerfile: df, dockerfileFound: false, hasIgnoreFile: false };
  if (!isAbsolute(folder.trim())) return { ...base, problem: `build context '${folder}': give the folder's full path (starting with /)` };
  try {
    const s = await stat(context);
    if (!s.isDirectory()) return { ...base, problem: `build context ${context}: not a folder` };
    await readdir(context);
  } catch (err) {
    const code = errno(err);
    const why = code === 'ENOENT' ? 'no such folder' : code === 'EACCES' || code === 'EPERM' ? 'the app may not read this folder' : (err as Error).message;
    return { ...base, problem: `build context ${context}: ${why}` };
  }
  if (isAbsolute(df) || df === '..' || df.startsWith('../')) return { ...base, problem: `Dockerfile '${dockerfile}': give a path inside the context folder` };
  const hasIgnoreFile = await stat(join(context, '.dockerignore')).then((s) => s.isFile(), () => false);
  try {
    const s = await stat(join(context, df));
    if (!s.isFile()) return { ...base, hasIgnoreFile, problem: `Dockerfile ${df}: not a file in ${context}` };
    return { ...base, hasIgnoreFile, dockerfileFound: true };
  } catch (err) {
    const code = errno(err);
    return { ...base, hasIgnoreFile, problem: code === 'ENOENT' ? `Dockerfile ${df}: no such file in ${context}` : `Dockerfile ${df}: ${(err as Error).message}` };
  }
}

/** The .dockerignore of `context`, with the Dockerfile and .dockerignore kept, as the CLI does. */
export async function contextIgnore(context: string, dockerfile: string): Promise<IgnoreMatcher> {
  let text = '';
  try { text = await readFile(join(context, '.dockerignore'), 'utf8'); } catch (err) {
    if (errno(err) !== 'ENOENT') throw new Error(`build context ${context}: .dockerignore: ${(err as Error).message}`);
  }
  return IgnoreMatcher.parse(`${text}\n!${dockerfile}\n!.dockerignore`);
}

/** Every path the context sends, '/'-separated, in tar order (parents before children, sorted). */
export async function contextEntries(context: string, ignore: IgnoreMatcher): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try { names = (await readdir(join(context, dir))).sort(); } catch (err) {
      throw new Error(`build context: cannot read the folder ${join(context, dir)}: ${(err as Error).message}`);
    }
    for (const name of names) {
      const rel = dir ? `${dir}/${name}` : name;
      const s = await lstat(join(context, rel));
      const ignored = ignore.ignores(rel);
      if (s.isDirectory()) {
        if (!ignored) out.push(rel);
        // A '!' pattern may bring back something under an ignored folder: look inside then.
        if (!ignored || ignore.hasExclusions) await walk(rel);
      } else if (!ignored) out.push(rel);
    }
  };
  await walk('');
  return out;
}

/** The context as a tar stream. A file that cannot be read ends the stream with its name. */
export function contextTar(context: string, entries: string[]): Pack {
  const tar = pack();
  void (async () => {
    try {
      for (const rel of entries) {
        if (tar.destroyed) return; // the build was cancelled or the engine went away
        const abs = join(context, ...rel.split('/'));
        const s = await lstat(abs);
        const common = { name: rel, mode: s.mode & 0o7777, mtime: s.mtime, uid: 0, gid: 0 };
        if (s.isDirectory()) tar.entry({ ...common, type: 'directory' });
        else if (s.isSymbolicLink()) tar.entry({ ...common, type: 'symlink', linkname: await readlink(abs) });
        else if (s.isFile()) await fileEntry(tar, abs, rel, common, s.size);
        // sockets, fifos and devices are left out, as the CLI's archiver skips sockets
      }
      tar.finalize();
    } catch (err) {
      tar.destroy(err as Error);
    }
  })();
  return tar;
}

function fileEntry(tar: Pack, abs: string, rel: string, header: { name: string; mode: number; mtime: Date; uid: number; gid: number }, size: number): Promise<void> {
  return new Promise((res, rej) => {
    // The entry first: on a pack already destroyed it throws, and no file is opened.
    const entry = tar.entry({ ...header, type: 'file', size }, (err) => (err ? rej(new Error(`build context: ${rel}: ${err.message}`)) : res()));
    const input = createReadStream(abs);
    input.on('error', (err) => { rej(new Error(`build context: cannot read ${rel}: ${err.message}`)); });
    entry.on('close', () => input.destroy()); // a cancelled build stops reading the file
    input.pipe(entry);
  });
}
