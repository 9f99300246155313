// `npm start`: runs what exists of the app. Each piece registers here as it lands; until the app
// and berthd exist this says so plainly and exits non-zero, never silently.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const app = resolve(root, 'scripts/start-app.mjs');
if (existsSync(app)) {
  // npm start's berthd runs containers on a bridge of its own (berthd --bridge; the app passes
  // BERTH_BRIDGE on). Tests and benchmarks that start the app directly get no bridge.
  process.env.BERTH_BRIDGE ??= 'berth0';
  await import(app);
} else {
  console.error('berth: the app is not built yet in this checkout. What exists:');
  console.error(`  native runtime: ${resolve(root, 'runtime-helper/native/build/berth-runtime')}`);
  process.exit(1);
}
