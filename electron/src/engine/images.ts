// Image requests: list, details with history, tag, remove, prune, and the busybox starter image.
import type Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pack } from 'tar-stream';
import type { ImageDetails, ImageRow } from '../shared/contract.js';
import { podmanVersion } from './system.js';

export async function listImages(docker: Docker): Promise<ImageRow[]> {
  const list = await docker.listImages({ all: false });
  return list.map((i) => ({
    id: i.Id,
    repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    size: i.Size,
    created: i.Created,
    containers: i.Containers ?? -1,
  }));
}

export async function inspectImage(docker: Docker, id: string): Promise<ImageDetails> {
  const image = docker.getImage(id);
  const [inspect, history] = await Promise.all([image.inspect(), image.history() as Promise<Record<string, unknown>[]>]);
  return {
    inspect: inspect as unknown as Record<string, unknown>,
    history: history.map((h) => ({
      id: String(h.Id ?? ''),
      created: Number(h.Created ?? 0),
      createdBy: String(h.CreatedBy ?? ''),
      size: Number(h.Size ?? 0),
      comment: String(h.Comment ?? ''),
    })),
  };
}

export async function removeImage(docker: Docker, id: string, force: boolean): Promise<string[]> {
  const out = (await docker.getImage(id).remove({ force })) as { Untagged?: string; Deleted?: string }[];
  return out.map((o) => o.Deleted ?? o.Untagged ?? '').filter(Boolean);
}

/** Explains a 409 from image removal: which containers use it. */
export async function explainImageInUse(docker: Docker, id: string): Promise<string> {
  const users = await docker.listContainers({ all: true });
  const img = await docker.getImage(id).inspect().catch(() => null);
  const using = users.filter((c) => c.ImageID === img?.Id || c.Image === id);
  if (!using.length) return '';
  const names = using.map((c) => `${(c.Names[0] ?? c.Id).replace(/^\//, '')} (${c.State})`).join(', ');
  const them = using.length > 1 ? 'them' : 'it';
  const used = ` It is used by ${using.length} container${using.length > 1 ? 's' : ''}: ${names}. Remove ${them} first`;
  // Podman's forced image removal does not just untag: it removes the containers using the image
  // too, running or not (DELETE /images/{name}?force=true, podman 4.3).
  const podman = await podmanVersion(docker);
  if (podman) return `${used}; forcing the removal would remove ${them} too (${podman} removes the containers of a forcibly removed image).`;
  return `${used}, or force removal to untag the image while they keep running.`;
}

const BUSYBOX = '/bin/busybox';

/** Builds a starter image from the host's static busybox: applets, /etc/passwd, the usual dirs. */
export async function importStarter(docker: Docker, tag = 'berth-starter:busybox'): Promise<string> {
  if (!existsSync(BUSYBOX)) throw new Error(`starter image: ${BUSYBOX} not found (install busybox-static)`);
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const tar = pack();
  const dirs = new Set(['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'tmp', 'root', 'proc', 'sys', 'dev', 'home', 'var', 'var/log', 'run']);
  for (const a of applets) dirs.add(a.split('/').slice(0, -1).join('/'));
  for (const d of [...dirs].filter(Boolean).sort()) tar.entry({ name: `${d}/`, type: 'directory', mode: d === 'tmp' ? 0o1777 : 0o755 });
  tar.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync(BUSYBOX));
  // Hard links carry the target's mode: dockerd and podman chmod the shared inode to the link
  // entry's mode (tar-stream's default 0644 left busybox unexecutable: "permission denied").
  for (const a of applets) if (a !== 'bin/busybox') tar.entry({ name: a, type: 'link', linkname: 'bin/busybox', mode: 0o755 });
  tar.entry({ name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  tar.entry({ name: 'etc/group', mode: 0o644 }, 'root:x:0:\nnogroup:x:65534:\n');
  tar.finalize();
  const stream = (await docker.importImage(tar as unknown as NodeJS.ReadableStream, { repo: tag, changes: ['CMD ["/bin/sh"]'] } as never)) as unknown as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
  return tag;
}

/** Loads a `docker save` archive or imports a root filesystem tar, from bytes the user picked. */
export async function loadFromFile(docker: Docker, kind: 'load' | 'import', data: Buffer, repo: string): Promise<string[]> {
  const { Readable } = await import('node:stream');
  const before = new Set((await docker.listImages()).map((i) => i.Id));
  const input = Readable.from([data]);
  const stream = (kind === 'load'
    ? await docker.loadImage(input as never)
    // The whole reference as `repo` ("the repo may include a tag", Docker's API says): podman 4.3
    // ignores a separate `tag` (it imported as :latest), and "host:port/name" has a colon too.
    : await docker.importImage(input as never, { repo } as never)) as unknown as NodeJS.ReadableStream;
  const messages: string[] = [];
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve()), (e: { stream?: string; status?: string; error?: string }) => {
      if (e.error) reject(new Error(`${kind} image: ${e.error}`));
      if (e.stream || e.status) messages.push(String(e.stream ?? e.status).trim());
    }),
  );
  const after = await docker.listImages();
  const added = after.filter((i) => !before.has(i.Id)).flatMap((i) => i.RepoTags ?? [i.Id]);
  return added.length ? added : messages.filter(Boolean);
}

const SAVE_LIMIT = 256 * 1024 * 1024;

/** `docker save` of one image into memory, for a download; refuses images over SAVE_LIMIT. */
export async function saveToBytes(docker: Docker, id: string): Promise<{ fileName: string; dataBase64: string }> {
  const info = await docker.getImage(id).inspect();
  if (info.Size > SAVE_LIMIT) throw new Error(`save image ${id}: ${Math.round(info.Size / 1048576)} MiB is too large for a download here; use \`docker save -o file.tar ${id}\``);
  const stream = (await docker.getImage(id).get()) as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const name = (info.RepoTags?.[0] ?? info.Id.slice(7, 19)).replace(/[/:]/g, '_');
  return { fileName: `${name}.tar`, dataBase64: Buffer.concat(chunks).toString('base64') };
}
