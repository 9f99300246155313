// ImageAccess over berthd's image service: names resolve through it, and each container gets an
// overlay snapshot (the image's layers as lowerdirs, its own upper and work dirs).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageService } from '../images/image-service.js';
import type { ImageAccess, ResolvedImage, Snapshot } from './image-access.js';

function run(cmd: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => execFile(cmd, args, { cwd }, (err, _o, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`)) : resolve())));
}

function isMounted(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === path);
}

export class BerthImageAccess implements ImageAccess {
  constructor(private readonly service: ImageService, private readonly root: string) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  async resolve(ref: string): Promise<ResolvedImage | null> {
    try {
      const img = this.service.resolve(ref);
      return { id: img.id, config: (img.config.config ?? {}) as ResolvedImage['config'] };
    } catch (e) {
      if ((e as { status?: number }).status === 404) return null;
      throw e;
    }
  }

  async prepare(key: string, imageId: string): Promise<Snapshot> {
    const dir = join(this.root, key);
    const upper = join(dir, 'upper');
    const work = join(dir, 'work');
    const merged = join(dir, 'merged');
    for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true, mode: 0o755 });
    if (!isMounted(merged)) {
      const img = this.service.images.get(imageId);
      const lowers = this.service.layers.lowerLinks(img.chain);
      // Relative lowerdirs (resolved from the links dir) keep the options within one page.
      const linksDir = this.service.paths.links;
      if (lowers.length === 0) {
        await run('mount', ['-t', 'tmpfs', 'tmpfs', merged]);
      } else {
        await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lowers.join(':')},upperdir=${upper},workdir=${work}`, merged], linksDir);
      }
    }
    return { rootfs: merged, upperDir: upper };
  }

  async remove(key: string): Promise<void> {
    const dir = join(this.root, key);
    const merged = join(dir, 'merged');
    if (existsSync(merged) && isMounted(merged)) await run('umount', [merged]);
    if (isMounted(merged)) throw new Error(`remove snapshot ${key}: ${merged} is still mounted`);
    rmSync(dir, { recursive: true, force: true });
  }
}
