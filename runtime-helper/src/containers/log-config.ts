// --log-driver and --log-opt: berthd's shim writes Docker's json-file log (rotated by max-size
// and max-file), or no log at all with the none driver. Other drivers and options are refused
// with dockerd's words rather than dropped.
import { ContainerError } from './errors.js';
import type { DockerLogConfig } from './docker-types.js';

export interface LogSettings {
  type: 'json-file' | 'none';
  /** Rotate when the file reaches this many bytes (0: never). */
  maxSize: number;
  /** Files kept, the live one included. */
  maxFiles: number;
}

const failed = (why: string): ContainerError => new ContainerError(400, `failed to initialize logging driver: ${why}`);

/** go-units' RAMInBytes, as dockerd parses max-size: "10m", "1.5g", "512" (binary multiples). */
function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(text.trim());
  if (!m) throw failed(`invalid size: '${text}'`);
  const unit = ' kmgtp'.indexOf((m[2] || ' ').toLowerCase());
  return Math.floor(Number(m[1]) * 1024 ** unit);
}

export function logSettings(cfg: DockerLogConfig | null | undefined): LogSettings {
  const type = cfg?.Type || 'json-file';
  const opts = cfg?.Config ?? {};
  if (type === 'none') {
    if (Object.keys(opts).length) throw new ContainerError(400, 'invalid logging opts for driver none');
    return { type, maxSize: 0, maxFiles: 1 };
  }
  if (type !== 'json-file') throw failed(`logging driver "${type}" is not supported by berthd (it has json-file and none)`);
  let maxSize = 0;
  let maxFiles = 1;
  for (const [key, value] of Object.entries(opts)) {
    if (key === 'max-size') maxSize = parseSize(value);
    else if (key === 'max-file') {
      if (!/^-?\d+$/.test(value)) throw failed(`strconv.Atoi: parsing "${value}": invalid syntax`);
      maxFiles = Number(value);
      if (maxFiles < 1) throw failed('max-file cannot be less than 1');
      if (maxFiles > 100) throw failed('max-file cannot be more than 100 in berthd');
    } else if (['compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'].includes(key)) {
      throw failed(`log opt '${key}' of the json-file driver is not supported by berthd`);
    } else throw new ContainerError(400, `unknown log opt '${key}' for json-file log driver`);
  }
  // As dockerd: max-file only counts once files rotate, which takes a max-size.
  if (!maxSize) maxFiles = 1;
  return { type, maxSize, maxFiles };
}
