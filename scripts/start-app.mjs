// `npm start` (through scripts/start.mjs) and `npm run browser`: builds the app when needed, then
// runs electron/dist/cli/start.js (berthd supervision + Electron window or browser mode).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root });
run('npx', ['tsc', '-b', 'electron']);
if (!existsSync(resolve(root, 'renderer/dist/index.html')) || process.env.BERTH_REBUILD_RENDERER) {
  run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
}
await import(resolve(root, 'electron/dist/cli/start.js'));
