// Names inside a layer tar, made relative to the layer root. Anything that would leave the root
// (".." after normalising, an absolute path, a NUL) is refused rather than rewritten, so a
// malicious layer is an error, not a surprise.
import { LayerError } from './layer-error.js';

/** "./usr//bin/" -> ["usr", "bin"]. Throws on escapes. */
export function entryComponents(name: string, what = 'path'): string[] {
  if (name.includes('\0')) throw new LayerError(`${what} "${name.replace(/\0/g, '\\0')}" contains a NUL byte`);
  if (name.startsWith('/')) throw new LayerError(`${what} "${name}" is absolute; layer paths must be relative to the layer root`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new LayerError(`${what} "${name}" escapes the layer root with ".."`);
    parts.push(part);
  }
  return parts;
}
