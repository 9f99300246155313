import { defineConfig } from 'vitest/config';

// Three projects: fast units beside the code, root-only integration suites that start real
// containers and daemons, and end-to-end runs of the app in Chromium. Integration and e2e files
// run one at a time: they share the host's cgroups, mounts and ports.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['runtime-helper/src/**/*.spec.ts', 'electron/src/**/*.spec.ts', 'renderer/src/**/*.spec.{ts,tsx}', 'scripts/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['runtime-helper/native/tests/**/*.test.ts', 'runtime-helper/test/**/*.test.ts'],
          // Removes the test-only parent cgroups once all files ran (test-support/test-cgroup-parents.ts).
          globalSetup: ['test-support/test-cgroup-parents.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
