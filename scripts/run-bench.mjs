// `npm run bench`: runs every benchmark in bench/ and lets each print its table.
// A benchmark is any bench/*.ts file (helpers live in subfolders or start with "_"); it runs as a
// script with tsx and prints its own table. Usage: node scripts/run-bench.mjs [name-filter ...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const benchDir = resolve(root, 'bench');
const filters = process.argv.slice(2);

const files = readdirSync(benchDir, { withFileTypes: true })
  .filter(
    (d) =>
      d.isFile() &&
      d.name.endsWith('.ts') &&
      !d.name.startsWith('_') &&
      !d.name.endsWith('.spec.ts') &&
      !d.name.endsWith('.d.ts'),
  )
  .map((d) => d.name)
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(
    `run-bench: no benchmark in ${benchDir}${filters.length ? ` matching ${filters.join(', ')}` : ''}`,
  );
  process.exit(1);
}

const failed = [];
for (const name of files) {
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync('npx', ['tsx', resolve(benchDir, name)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed.push(`${name} (exit ${r.status ?? r.signal})`);
}
if (failed.length) {
  console.error(`\nbenchmarks that failed: ${failed.join(', ')}`);
  process.exit(1);
}
