// `docker rmi` with dockerd's rules (its daemon/images/image_delete.go): a name given as a
// reference is untagged first and the image goes only if nothing else holds it (quietly kept
// otherwise); an ID is refused while a child image, a container or other tags hold it (some of
// which -f overrides); a deleted image's untagged parent goes with it (unless noprune).
import { Conflict } from '../api/errors.js';
import { familiarString, withDefaultTag, type ImageReference } from '../registry/reference.js';
import { parseImageName, type StoredReference } from './reference-store.js';
import type { DeleteResponseItem, ImageService } from './image-service.js';

/** What holds an image: children and running containers can't be forced; tags and stopped containers can. */
const enum Hold { Child = 1, Running = 2, Reference = 4, Stopped = 8 }
const hard = Hold.Child | Hold.Running;
const soft = Hold.Reference | Hold.Stopped;

class DeleteConflict extends Conflict {
  constructor(id: string, readonly hard: boolean, readonly used: boolean, why: string) {
    super(`conflict: unable to delete ${id.slice(7, 19)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${why}`);
  }
}

function conflictOf(svc: ImageService, id: string, mask: number): DeleteConflict | undefined {
  if (mask & Hold.Child && svc.images.children(id).length > 0) return new DeleteConflict(id, true, false, 'image has dependent child images');
  const users = svc.containers.usersOfImage(id);
  const running = users.find((u) => u.running);
  if (mask & Hold.Running && running) return new DeleteConflict(id, true, true, `image is being used by running container ${running.containerId.slice(0, 12)}`);
  if (mask & Hold.Reference && svc.refs.forImage(id).length > 0) return new DeleteConflict(id, false, false, 'image is referenced in multiple repositories');
  const stopped = users.find((u) => !u.running);
  if (mask & Hold.Stopped && stopped) return new DeleteConflict(id, false, true, `image is being used by stopped container ${stopped.containerId.slice(0, 12)}`);
  return undefined;
}

/** One repository and at most one tag (dockerd's isSingleReference). */
function isSingleReference(refs: StoredReference[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const tagged = refs.filter((r) => r.ref.digest === undefined);
  if (tagged.length > 1) return false;
  const repoOf = (r: ImageReference): string => `${r.domain}/${r.path}`;
  const digestRepos = new Set(refs.filter((r) => r.ref.digest !== undefined).map((r) => repoOf(r.ref)));
  const single = tagged[0] ?? refs[0]!;
  return digestRepos.size === 1 && digestRepos.has(repoOf(single.ref));
}

function isIdPrefix(id: string, name: string): boolean {
  return id.startsWith(name) || id.slice(7).startsWith(name);
}

function untag(svc: ImageService, id: string, ref: ImageReference, out: DeleteResponseItem[], event = true): void {
  svc.refs.delete(ref);
  out.push({ Untagged: familiarString(ref) });
  // dockerd names the image, not the reference, in its untag and delete events.
  if (event) svc.imageEvent('untag', id, id);
}

export function removeImage(svc: ImageService, name: string, opts: { force: boolean; noprune: boolean }): DeleteResponseItem[] {
  const image = svc.resolve(name);
  const id = image.id;
  const out: DeleteResponseItem[] = [];
  let refs = svc.refs.forImage(id);
  let byReference = false;
  if (!isIdPrefix(id, name)) {
    if (!opts.force && isSingleReference(refs)) {
      const user = svc.containers.usersOfImage(id)[0];
      if (user) throw new Conflict(`conflict: unable to remove repository reference "${name}" (must force) - container ${user.containerId.slice(0, 12)} is using its referenced image ${id.slice(7, 19)}`);
    }
    const parsed = parseImageName(name);
    const ref = parsed.digest === undefined ? withDefaultTag(parsed) : parsed;
    untag(svc, id, ref, out);
    refs = svc.refs.forImage(id);
    // The last tag of a repository takes that repository's digest references along.
    const sameRepo = (r: ImageReference): boolean => r.domain === ref.domain && r.path === ref.path;
    if (ref.digest === undefined && !refs.some((r) => r.ref.digest === undefined && sameRepo(r.ref))) {
      for (const r of refs.filter((x) => x.ref.digest !== undefined && sameRepo(x.ref))) untag(svc, id, r.ref, out, false);
      refs = svc.refs.forImage(id);
    }
    if (refs.length > 0) return out;
    byReference = true;
  } else if (isSingleReference(refs)) {
    const conflict = conflictOf(svc, id, opts.force ? hard : hard | Hold.Stopped);
    if (conflict) throw conflict;
    for (const r of refs) untag(svc, id, r.ref, out);
  }
  // After an untag, dockerd 20.10 deletes the image only if nothing at all holds it, -f or not.
  deleteImage(svc, id, out, byReference ? false : opts.force, !opts.noprune, byReference);
  return out;
}

/** Whether an image is held by neither a reference nor a child (dockerd's imageIsDangling). */
function danglingStrict(svc: ImageService, id: string): boolean {
  return svc.refs.forImage(id).length === 0 && svc.images.children(id).length === 0;
}

/**
 * Deletes the image and its references, then what only it held; `quiet`: a conflict keeps the
 * image silently, unless the image is dangling and unused (then the conflict is reported).
 */
function deleteImage(svc: ImageService, id: string, out: DeleteResponseItem[], force: boolean, prune: boolean, quiet: boolean): void {
  const conflict = conflictOf(svc, id, force ? hard : hard | soft);
  if (conflict) {
    if (quiet && (!danglingStrict(svc, id) || conflict.used)) return;
    throw conflict;
  }
  const parent = svc.images.get(id).meta.parent;
  for (const r of svc.refs.forImage(id)) untag(svc, id, r.ref, out);
  svc.gc.journal(`rmi ${id}`);
  svc.images.delete(id);
  out.push({ Deleted: id });
  svc.imageEvent('delete', id, id);
  for (const chainId of svc.collect().layers) out.push({ Deleted: chainId });
  if (prune && parent !== undefined && svc.images.has(parent)) deleteImage(svc, parent, out, false, true, true);
}
