// COPY and ADD: sources from the build context (or, with --from, a stage's or image's files),
// put at the destination in a container of the current image through berthd's docker cp
// extraction (every path resolved inside the container's root), or, on scratch, straight into
// a layer tar. ADD unpacks a local tar (plain or gzip) and refuses URLs: berthd's builds never
// reach outside.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { posix } from 'node:path';
import { InvalidParameter } from '../api/errors.js';
import type { ImageService } from '../images/image-service.js';
import { extractInto } from '../containers/archive.js';
import { resolveUser } from '../containers/passwd.js';
import { splitWords, type Instruction } from './dockerfile-parser.js';
import { expandWord, type Vars } from './substitute.js';
import { nopCmdString } from './history-text.js';
import { shellOf, type StageState } from './meta-instructions.js';
import type { LayerSource } from './step-image.js';
import { isDirInView, mkdirInView, type StepContainers } from './step-containers.js';
import type { BuildContext } from './build-context.js';
import { packEntries, placements, resolveSources, sourcesHash, SourceNotFound, type Owner, type Source } from './copy-sources.js';
import { join } from 'node:path';

type Work = () => Promise<{ layer: LayerSource; containerId?: string; cleanup?: () => Promise<void> }>;

export interface CopyStepInput {
  inst: Instruction;
  state: StageState & { imageId: string | null };
  escape: string;
  vars: Vars;
  context: BuildContext;
  images: ImageService;
  containers: StepContainers;
  stageImage(ref: string): string | null;
  commit(cmd: string[], layer: LayerSource, work: Work): Promise<void>;
}

/** --chown's user and group: numbers, or names from the image's passwd and group files; a lone user is its group too. */
function owner(chown: string | undefined, rootfs: string | undefined): Owner {
  if (!chown) return { uid: 0, gid: 0 };
  const [u = '', g = u] = chown.split(':', 2);
  const num = (s: string): number | undefined => (/^\d+$/.test(s) ? Number(s) : undefined);
  const byName = (s: string, which: 'uid' | 'gid'): number => {
    if (!rootfs) throw new InvalidParameter(`unable to convert uid/gid chown string to host mapping: no image to look up ${s} in`);
    try { return which === 'uid' ? resolveUser(rootfs, s).uid : resolveUser(rootfs, `0:${s}`).gid; } catch (err) {
      throw new InvalidParameter(`unable to convert uid/gid chown string to host mapping: ${(err as Error).message}`);
    }
  };
  return { uid: num(u) ?? byName(u, 'uid'), gid: num(g) ?? byName(g, 'gid') };
}

function isTarArchive(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = readSync(fd, head, 0, 512, 0);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    return n >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
  } finally { closeSync(fd); }
}

export async function copyStep(x: CopyStepInput): Promise<void> {
  const { inst, state } = x;
  const name = inst.cmd.toUpperCase();
  for (const f of Object.keys(inst.flags)) {
    if (f === 'chmod') throw new InvalidParameter('the --chmod option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled');
    if (f !== 'chown' && !(f === 'from' && inst.cmd === 'copy')) throw new InvalidParameter(`dockerfile parse error line ${inst.line}: Unknown flag: ${f}`);
  }
  const words = (inst.json ?? splitWords(inst.rest, x.escape)).map((w) => expandWord(w, x.vars, x.escape));
  if (words.length < 2) throw new InvalidParameter(`dockerfile parse error line ${inst.line}: ${name} requires at least two arguments, but only ${words.length} provided`);
  const rawDest = words[words.length - 1]!;
  const srcs = words.slice(0, -1);
  if (inst.cmd === 'add') {
    const url = srcs.find((s) => /^https?:\/\//i.test(s));
    if (url) throw new InvalidParameter(`ADD failed: ${url}: berthd does not download during a build (no outside traffic); fetch the file into the build context and ADD it from there`);
  }
  const dest = rawDest.startsWith('/') ? rawDest : posix.join(state.config.WorkingDir || '/', rawDest);
  const endsDir = rawDest.endsWith('/') || rawDest.endsWith('/.') || rawDest === '.';
  // Sources: the context, or another stage's (or image's) files seen through a container of it.
  let fromContainer: string | undefined;
  let root = x.context.root;
  const cleanups: Array<() => Promise<void>> = [];
  try {
    if (inst.flags.from !== undefined) {
      const imageId = x.stageImage(inst.flags.from);
      if (imageId === null) throw new InvalidParameter(`${name} failed: ${inst.flags.from} is a scratch stage with no files`);
      fromContainer = await x.containers.create(imageId, {}, ['#(nop) '], false);
      const id = fromContainer;
      cleanups.push(() => x.containers.remove(id));
      root = (await x.containers.view(id)).rootfs;
    }
    let sources: Source[];
    try { sources = resolveSources(root, srcs); } catch (err) {
      if (err instanceof SourceNotFound) throw new InvalidParameter(`${name} failed: ${err.message}`);
      throw err;
    }
    if ((sources.length > 1 || srcs.some((s) => /[*?[]/.test(s)) && sources.length > 1) && !endsDir) {
      throw new InvalidParameter(`When using ${name} with more than one source file, the destination must be a directory and end with a /`);
    }
    // dockerd 20.10 writes --chown glued to the hash ("--chown=1:1file:<sum>"): kept, as history shows it.
    const chownText = inst.flags.chown !== undefined ? `--chown=${inst.flags.chown}` : '';
    const cmd = nopCmdString(shellOf(state.config), `${name} ${chownText}${sourcesHash(sources)} in ${rawDest} `);
    const archives = inst.cmd === 'add' && inst.flags.from === undefined ? sources.filter((s) => s.stat.isFile() && isTarArchive(s.host)) : [];
    await x.commit(cmd, null, async () => {
      if (state.imageId === null) {
        if (archives.length) throw new InvalidParameter('ADD of an archive on scratch: add a base image first');
        const own = owner(inst.flags.chown, undefined);
        const places = placements(sources, dest, endsDir || sources.length > 1);
        const parents = new Set<string>();
        for (const p of places) { const parts = p.dir.split('/').filter(Boolean); for (let i = 1; i <= parts.length; i++) parents.add(parts.slice(0, i).join('/')); }
        const entries = places.flatMap((p) => p.entries.map((e) => ({ ...e, name: posix.join(p.dir, e.name).slice(1) })));
        return { layer: { tar: packEntries(entries, own, [...parents].sort()) } };
      }
      const id = await x.containers.create(state.imageId, state.config, cmd, false);
      const remove = async (): Promise<void> => { await x.containers.remove(id); };
      try {
        const { view, rootfs } = await x.containers.view(id);
        const own = owner(inst.flags.chown, rootfs);
        const destIsDir = endsDir || sources.length > 1 || isDirInView(view, dest);
        const scratch = join(x.context.root, '..');
        for (const src of sources) {
          if (archives.includes(src)) {
            mkdirInView(view, dest, own);
            await extractInto(view, dest, createReadStream(src.host), id, scratch);
            continue;
          }
          for (const p of placements([src], dest, destIsDir)) {
            mkdirInView(view, p.dir, own);
            await extractInto(view, p.dir, packEntries(p.entries, own), id, scratch);
          }
        }
        return { layer: { snapshotKey: x.containers.snapshotKey(id) }, containerId: id, cleanup: remove };
      } catch (err) {
        await remove().catch(() => {});
        throw err;
      }
    });
  } finally {
    for (const c of cleanups) await c().catch(() => {});
  }
}
