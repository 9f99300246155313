// The build context: the request body (a tar, plain or gzip) unpacked by berthd's safe extractor
// (images/extract: no '..', no absolute names, nothing through a symlink, no devices) into a
// temp dir under the data root; .dockerignore applied (the CLI applies it too; a raw API client
// may not); the Dockerfile read from the path the client named. Paths inside are always resolved
// with the context as '/', so a symlink in the context never reaches a host file.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { extractLayer, maybeGunzip } from '../images/extract/extract-layer.js';
import { resolveInRoot } from '../containers/safe-path.js';
import { ApiError, InvalidParameter } from '../api/errors.js';
import { IgnoreMatcher } from './dockerignore.js';

export interface BuildContext {
  root: string;
  dockerfileText: string;
  dockerfileName: string;
  ignore: IgnoreMatcher;
  dispose(): void;
}

/** Contexts a berthd that is gone left behind (it crashed mid-build): their names carry its pid. */
function removeStaleContexts(scratchDir: string): void {
  for (const name of readdirSync(scratchDir)) {
    const m = /^build-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    let alive = true;
    try { process.kill(Number(m[1]), 0); } catch { alive = false; }
    if (!alive) rmSync(join(scratchDir, name), { recursive: true, force: true });
  }
}

export async function openContext(body: Readable, scratchDir: string, dockerfile: string): Promise<BuildContext> {
  removeStaleContexts(scratchDir);
  const root = mkdtempSync(join(scratchDir, `build-${process.pid}-`));
  const dispose = (): void => rmSync(root, { recursive: true, force: true });
  try {
    await extractLayer((await maybeGunzip(body)).pipe(closedTar()), root, { allowDevices: false, allowSetuid: false });
    const ignoreText = readInContext(root, '.dockerignore');
    const ignore = ignoreText === undefined ? new IgnoreMatcher([]) : IgnoreMatcher.parse(ignoreText);
    const name = dockerfile || 'Dockerfile';
    const text = readInContext(root, name) ?? (name === 'Dockerfile' ? readInContext(root, 'dockerfile') : undefined);
    // dockerd's words and statuses for a missing and an empty Dockerfile.
    if (text === undefined) throw new ApiError(500, `Cannot locate specified Dockerfile: ${name}`);
    if (text.trim() === '') throw new InvalidParameter(`the Dockerfile (${name}) cannot be empty`);
    if (!ignore.empty) removeIgnored(root, '', ignore, [posix.normalize(name), '.dockerignore']);
    return { root, dockerfileText: text, dockerfileName: name, ignore, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/**
 * Completes the tar's end: the docker CLI's `-f -` context (its Dockerfile added to the stream
 * by Go's tar wrapper) ends without the last entry's padding and the two zero blocks, which Go's
 * reader accepts and the extractor would refuse as cut short. Zeros after a proper end are read
 * as more end blocks.
 */
function closedTar(): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) { size += chunk.length; done(null, chunk); },
    flush(done) { done(null, Buffer.alloc((512 - (size % 512)) % 512 + 1024)); },
  });
}

function readInContext(root: string, rel: string): string | undefined {
  try {
    const p = resolveInRoot(root, rel, true, true);
    if (!lstatSync(p).isFile()) return undefined;
    return readFileSync(p, 'utf8');
  } catch { return undefined; }
}

/** Deletes what .dockerignore leaves out (dockerd keeps the Dockerfile and .dockerignore for itself). */
function removeIgnored(root: string, rel: string, ignore: IgnoreMatcher, keep: string[]): void {
  for (const name of readdirSync(join(root, rel))) {
    const path = rel ? `${rel}/${name}` : name;
    if (keep.includes(path)) continue;
    const st = lstatSync(join(root, path));
    if (ignore.ignores(path)) {
      // An exception below an ignored directory keeps that entry (and the directory).
      if (st.isDirectory() && !st.isSymbolicLink()) { removeIgnored(root, path, ignore, keep); if (readdirSync(join(root, path)).length === 0) rmSync(join(root, path), { recursive: true, force: true }); }
      else rmSync(join(root, path), { force: true });
      continue;
    }
    if (st.isDirectory() && !st.isSymbolicLink()) removeIgnored(root, path, ignore, keep);
  }
}
