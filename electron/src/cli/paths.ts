// Where the app finds the repository's build outputs.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const rendererDist = resolve(repoRoot, 'renderer/dist');
export const berthdMain = resolve(repoRoot, 'runtime-helper/dist/main.js');
export const electronMain = resolve(repoRoot, 'electron/dist/main/main.js');

/** The Electron binary, when the electron package downloaded one (not where downloads are off). */
export function electronBinary(): string | null {
  const pathFile = resolve(repoRoot, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = resolve(repoRoot, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}
