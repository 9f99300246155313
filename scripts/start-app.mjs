// `npm start` (through scripts/start.mjs), `npm run browser` and `npm run electron`: builds the
// app when its sources are newer than its build, then runs electron/dist/cli/start.js (berthd
// supervision, then the Electron window, or browser mode printing its URL with the token).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root });

function newest(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return n;
}

run('npx', ['tsc', '-b', 'electron']);
const bundle = resolve(root, 'renderer/dist/index.html');
const sources = Math.max(newest(resolve(root, 'renderer')), newest(resolve(root, 'electron/src/shared')));
if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources) {
  run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
}
await import(resolve(root, 'electron/dist/cli/start.js'));
