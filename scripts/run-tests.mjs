// Runs every test pass the project has and prints one closing line, "N passed, N failed".
// A pass is one vitest project run with one environment: the OCI runtime conformance suite runs
// once per runtime (berth-runtime, berth-runtime under AddressSanitizer, crun), since the same
// tests must hold for each. Usage: node scripts/run-tests.mjs [pass-name ...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const native = resolve(root, 'runtime-helper/native');
const reports = resolve(root, '.cache/test-reports');
mkdirSync(reports, { recursive: true });

const passes = [
  { name: 'typecheck', command: ['npx', ['tsc', '-p', 'tsconfig.tests.json']] },
  { name: 'typecheck-renderer', command: ['npx', ['tsc', '-p', 'renderer/tsconfig.json']], when: () => existsSync(resolve(root, 'renderer/src/main.tsx')) },
  // Warnings fail the pass too (`npm run lint`, the same command).
  { name: 'lint', command: ['npm', ['run', '-s', 'lint']] },
  { name: 'native-unit', command: ['make', ['-s', '-C', native, 'check']] },
  { name: 'unit', project: 'unit' },
  {
    name: 'runtime-berth',
    project: 'integration',
    files: ['runtime-helper/native/tests'],
    env: { BERTH_TEST_RUNTIME: resolve(native, 'build/berth-runtime') },
  },
  {
    name: 'runtime-berth-asan',
    project: 'integration',
    files: ['runtime-helper/native/tests'],
    before: ['make', ['-s', '-C', native, 'asan']],
    env: {
      BERTH_TEST_RUNTIME: resolve(native, 'build-asan/berth-runtime'),
      BERTH_TEST_SHIM: resolve(native, 'build-asan/berth-shim'),
      BERTH_TEST_SPAWNER: resolve(native, 'build-asan/berth-spawner'),
      BERTH_TEST_PORTFWD: resolve(native, 'build-asan/berth-portfwd'),
      ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1:exitcode=86',
    },
  },
  {
    name: 'runtime-crun',
    project: 'integration',
    files: ['runtime-helper/native/tests'],
    before: ['bash', ['scripts/ensure-hugetlb-v1.sh']],
    // cli-*.test.ts tests berth-runtime's own command line, which crun does not share.
    extraArgs: ['--exclude', '**/cli-*.test.ts'],
    env: { BERTH_TEST_RUNTIME: '/usr/bin/crun' },
  },
  { name: 'integration', project: 'integration', files: ['runtime-helper/test'] },
  { name: 'e2e', project: 'e2e' },
];

const wanted = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

for (const pass of passes) {
  if (wanted.length && !wanted.includes(pass.name)) continue;
  if (pass.when && !pass.when()) continue;
  console.log(`\n=== ${pass.name} ===`);
  const env = { ...process.env, ...(pass.env ?? {}) };
  if (pass.before) {
    const r = spawnSync(pass.before[0], pass.before[1], { stdio: 'inherit', env, cwd: root });
    if (r.status !== 0) { failed++; failures.push(`${pass.name}: setup failed`); continue; }
  }
  if (pass.command) {
    const r = spawnSync(pass.command[0], pass.command[1], { stdio: 'inherit', env, cwd: root });
    if (r.status === 0) passed++; else { failed++; failures.push(pass.name); }
    continue;
  }
  const report = resolve(reports, `${pass.name}.json`);
  const args = ['vitest', 'run', '--project', pass.project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, '--passWithNoTests', ...(pass.extraArgs ?? []), ...(pass.files ?? [])];
  const r = spawnSync('npx', args, { stdio: 'inherit', env, cwd: root });
  if (!existsSync(report)) { failed++; failures.push(`${pass.name}: no report (exit ${r.status})`); continue; }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  skipped += json.numPendingTests + (json.numTodoTests ?? 0);
  // A file that failed to load has no failed test but must still fail the run.
  for (const file of json.testResults) {
    if (file.status === 'failed' && file.assertionResults.every((a) => a.status !== 'failed')) {
      failed++;
      failures.push(`${pass.name}: ${file.name}: ${file.message?.split('\n')[0] ?? 'failed to run'}`);
    }
  }
  for (const file of json.testResults)
    for (const a of file.assertionResults)
      if (a.status === 'failed') failures.push(`${pass.name}: ${a.fullName}`);
}

if (failures.length) console.log(`\nFailures:\n  ${failures.join('\n  ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
